#include "vouchers.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <map>

namespace compute_vouchers {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double ShareOf(const Program& p, const Scenario& s, bool domestic) {
  auto it = s.shares.find(p.id);
  if (it != s.shares.end()) return it->second;
  const auto& v = domestic ? (p.domestic_share ? p.domestic_share : p.share) : p.share;
  return v.value_or(s.default_share);
}

double CapOf(const Program& p, const Scenario& s) {
  auto it = s.caps.find(p.id);
  if (it != s.caps.end()) return it->second;
  return p.cap_cny.value_or(s.default_cap_cny);
}

// Budget per period (year or pool); nullopt when unknown (unbounded).
std::optional<double> BudgetOf(const Program& p, const Scenario& s) {
  auto it = s.budgets.find(p.id);
  if (it != s.budgets.end()) return it->second;
  std::optional<double> b = p.reset == BudgetReset::kYearly ? p.budget_per_year : p.budget_cny;
  if (b) *b *= s.budget_scale;
  return b;
}

}  // namespace

ModelResult<std::vector<CapacityRow>> VoucherCapacity(const ModelData& data, const Program& program,
                                                      const Scenario& s) {
  std::vector<CapacityRow> rows;
  const double ref_tflops = *data.ReferenceChip().tflops_fp16;
  const double market_price = s.PriceOn(data, s.date);
  const double voucher = s.voucher_cny ? *s.voucher_cny : program.cap_cny ? *program.cap_cny : s.typical_voucher_cny;
  auto add = [&](const Provider* provider, const Chip& chip, double units) {
    if (!chip.tflops_fp16) return;  // no compute figure: no price
    CapacityRow r;
    r.provider = provider;
    r.chip = &chip;
    r.units = units;
    r.voucher_cny = voucher;
    r.share = ShareOf(program, s, !chip.foreign);
    // Compute-parity pricing: a GPU-hour costs in proportion to its FLOPS.
    r.price = market_price * (*chip.tflops_fp16 / ref_tflops) * (provider ? provider->price_factor : 1.0);
    r.gpu_hours = voucher / r.price;
    r.contract_gpu_hours = r.share > 0 ? voucher / (r.share * r.price) : 0;
    r.net_price = r.price * (1.0 - r.share);
    rows.push_back(r);
  };
  for (const auto& prov_name : program.providers) {
    const Provider* prov = data.FindProvider(prov_name);
    for (const auto& op : data.operates) {
      if (op.provider != prov->name) continue;
      if (s.chip && op.chip != *s.chip) continue;
      add(prov, *data.FindChip(op.chip), op.units);
    }
  }
  if (s.chip && rows.empty()) add(nullptr, *data.FindChip(*s.chip), 0);
  if (program.providers.empty() && !s.chip) {
    for (const auto& chip : data.chips) add(nullptr, chip, 0);
  }
  if (rows.empty() && s.chip)
    return ModelError::Argument("chip", "chip: '" + *s.chip + "' has no TFLOPS figure, so no GPU-hour price");
  return rows;
}

ModelResult<VoucherResult> SimulateVouchers(const ModelData& data, const Scenario& s) {
  auto flow = RunChipFlow(data, s);
  if (!flow.ok()) return flow.error();
  VoucherResult out;
  out.flow = std::move(flow).value();
  const double ref_tflops = *data.ReferenceChip().tflops_fp16;

  std::vector<const Program*> programs;
  for (const auto& p : data.programs) {
    const bool chosen = s.programs ? std::find(s.programs->begin(), s.programs->end(), p.id) != s.programs->end()
                                   : p.simulate;
    if (chosen) programs.push_back(&p);
  }
  struct State {
    double remaining = kInf;   // budget left in the period
    double used = 0;           // paid in the period
    double per_firm_used = 0;  // paid per firm this calendar year
    int period_year = INT32_MIN;
    bool started = false;
  };
  std::vector<State> state(programs.size());

  for (const auto& qs : out.flow.quarters) {
    const Quarter q = qs.quarter;
    const double dom_frac = qs.capacity_pflops > 0 ? qs.domestic_pflops / qs.capacity_pflops : 0.0;
    const size_t first_row = out.rows.size();
    double wanted_hours = 0;
    for (size_t i = 0; i < programs.size(); ++i) {
      const Program& p = *programs[i];
      if (q.year() < p.first_year || q.year() > p.last_year) continue;
      State& st = state[i];
      const std::optional<double> budget = BudgetOf(p, s);
      if (!st.started) {
        st.remaining = budget ? *budget : kInf;
        st.started = true;
        st.period_year = q.year();
      } else if (st.period_year != q.year()) {
        if (p.reset == BudgetReset::kYearly) {
          st.remaining = budget ? *budget : kInf;
          st.used = 0;
        }
        st.per_firm_used = 0;
        st.period_year = q.year();
      }

      VoucherRow r;
      r.program = &p;
      r.quarter = q;
      if (budget) r.budget_cny = st.remaining;
      auto f = s.firms_by_program.find(p.id);
      r.firms = f != s.firms_by_program.end() ? f->second : s.firms;
      r.share = ShareOf(p, s, false) * (1.0 - dom_frac) + ShareOf(p, s, true) * dom_frac;
      r.cap_cny = CapOf(p, s);
      r.price = qs.price;
      r.demand_gpu_hours = r.firms * s.demand_gpu_hours_per_firm / 4.0;
      // Claims: the share of the firms' spend, limited by what is left of each
      // firm's yearly cap and of the programme's budget.
      const double claim_per_firm = r.share * (s.demand_gpu_hours_per_firm / 4.0) * r.price;
      const double allowed_per_firm = std::max(0.0, std::min(claim_per_firm, r.cap_cny - st.per_firm_used));
      r.subsidy_cny = std::min(allowed_per_firm * r.firms, st.remaining);
      r.delivered_gpu_hours = r.share > 0 && r.price > 0 ? r.subsidy_cny / (r.share * r.price) : 0.0;
      wanted_hours += r.delivered_gpu_hours;
      out.rows.push_back(r);
    }
    // Vouchers can only fill idle capacity: scale all programmes down together
    // when they would need more than the fleet has idle.
    const double factor = wanted_hours > qs.h100e_idle_hours && wanted_hours > 0 ? qs.h100e_idle_hours / wanted_hours : 1.0;
    for (size_t k = first_row, i = 0; k < out.rows.size(); ++k) {
      VoucherRow& r = out.rows[k];
      while (programs[i] != r.program) ++i;
      State& st = state[i];
      r.capacity_factor = factor;
      r.subsidy_cny *= factor;
      r.delivered_gpu_hours *= factor;
      // delivered = paid / (share x price) round-trips demand only up to
      // rounding: snap a relative 1e-9 difference to "all delivered".
      if (std::fabs(r.demand_gpu_hours - r.delivered_gpu_hours) <= 1e-9 * r.demand_gpu_hours)
        r.delivered_gpu_hours = r.demand_gpu_hours;
      r.unmet_gpu_hours = std::max(0.0, r.demand_gpu_hours - r.delivered_gpu_hours);
      r.delivered_pflop_days = r.delivered_gpu_hours * ref_tflops / 1000.0 / 24.0;
      // Model checks.
      if (r.subsidy_cny > st.remaining * (1 + 1e-9) + 1e-6)
        return ModelError::Internal("model check failed: " + r.program->id + " pays above its budget in " + q.label());
      st.remaining -= r.subsidy_cny;
      st.used += r.subsidy_cny;
      if (r.firms > 0) st.per_firm_used += r.subsidy_cny / r.firms;
      if (st.per_firm_used > r.cap_cny * (1 + 1e-9) + 1e-6)
        return ModelError::Internal("model check failed: " + r.program->id + " pays a firm above its cap in " + q.label());
      r.budget_used_cny = st.used;
    }
  }
  return out;
}

}  // namespace compute_vouchers
