#include "chip_flow.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <set>

#include "legality.h"

namespace compute_vouchers {

const char* ChannelName(Channel c) {
  switch (c) {
    case Channel::kLegalImport: return "legal_import";
    case Channel::kSmuggled: return "smuggled";
    case Channel::kDomestic: return "domestic";
  }
  return "?";
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

struct Stock {
  double fleet = 0, cum_in = 0, cum_ret = 0;
};

}  // namespace

ModelResult<FlowResult> RunChipFlow(const ModelData& data, const Scenario& s) {
  FlowResult out;
  const size_t n = data.chips.size();
  const int q_first = Quarter::Of(s.start).index, q_last = Quarter::Of(s.end).index;
  const double hours_q = data.hours_per_year / 4.0;
  const double retire_rate = 1.0 / (s.service_life_years * 4.0);
  const double ref_tflops = *data.ReferenceChip().tflops_fp16;
  const auto& sched = data.schedules;

  // Legality changes only on rule dates, so it is re-evaluated only there.
  std::set<int32_t> change_days;
  for (const auto& c : data.controls) change_days.insert(c.effective.days);
  if (s.tighten_date) change_days.insert(s.tighten_date->days);
  const Control* hbm_rule = nullptr;
  for (const auto& c : data.controls)
    if (c.kind == ControlKind::kHbm && (!hbm_rule || c.effective < hbm_rule->effective)) hbm_rule = &c;

  std::vector<const YearSeries*> demand(n, nullptr);
  for (size_t i = 0; i < n; ++i) {
    auto it = sched.legal_demand.find(data.chips[i].name);
    if (it != sched.legal_demand.end()) demand[i] = &it->second;
  }

  std::vector<std::array<Stock, 3>> stock(n);
  std::vector<Legality> legality(n);
  double die_stock = 0, hbm = kInf;
  bool bank_added = false, hbm_bound = false;

  for (int qi = q_first; qi <= q_last; ++qi) {
    const Quarter q{qi};
    const int year = q.year();
    const double days_in_year = DaysInYear(year);
    std::vector<std::array<double, 3>> supply(n, {0, 0, 0});
    std::vector<int> legal_days(n, 0);
    std::vector<double> fee_sum(n, 0);

    // Legal imports and smuggling, day by day (rules take effect mid-quarter).
    const double smuggled_per_day = sched.smuggling.At(year) * s.smuggling_scale / days_in_year;
    auto mix_it = sched.smuggling_mix.find(year);
    for (int32_t day = q.first_day().days; day <= q.last_day().days; ++day) {
      const bool refresh = day == q.first_day().days || change_days.count(day);
      for (size_t i = 0; i < n; ++i) {
        const Chip& chip = data.chips[i];
        if (!chip.foreign || Day{day} < chip.launch) continue;
        const double dem = demand[i] ? demand[i]->At(year) * s.legal_demand_scale / days_in_year : 0.0;
        double mix = 0;
        if (mix_it != sched.smuggling_mix.end()) {
          auto m = mix_it->second.find(chip.name);
          if (m != mix_it->second.end()) mix = m->second;
        }
        if (dem == 0 && mix == 0) continue;
        if (refresh || day == chip.launch.days) legality[i] = EvaluateLegality(data, chip, Day{day}, s);
        const Legality& l = legality[i];
        if (l.legal) {
          ++legal_days[i];
          fee_sum[i] += l.fee;
          supply[i][0] += dem * l.prc_factor * std::pow(1.0 + l.fee, -s.fee_elasticity);
        } else if (l.controlled) {
          supply[i][1] += smuggled_per_day * mix;
        }
      }
    }

    // Domestic output: min(packaging capacity, good dies, HBM stacks).
    std::string bound;
    {
      const Chip* product = nullptr;
      for (const auto& [from, chip] : sched.domestic_product)
        if (from <= q.first_day()) product = data.FindChip(chip);
      if (!bank_added && q.first_day() >= s.die_bank_from) {
        die_stock += s.die_bank;
        bank_added = true;
      }
      die_stock += s.smic_dies_per_year / 4.0;
      if (!hbm_bound && hbm_rule && q.first_day() >= hbm_rule->effective) {
        hbm_bound = true;
        hbm = s.hbm_stock;
      }
      if (hbm_bound) hbm += s.hbm_domestic_per_year / 4.0;
      if (product) {
        const double cap = sched.domestic_capacity.At(year) * s.domestic_ramp / 4.0;
        const double by_dies = die_stock * s.domestic_yield / product->dies_per_package;
        const double by_hbm = hbm_bound && product->hbm_stacks > 0 ? hbm / product->hbm_stacks : kInf;
        double made = cap;
        bound = "capacity";
        if (by_dies < made) made = by_dies, bound = "dies";
        if (by_hbm < made) made = by_hbm, bound = "hbm";
        made = std::max(0.0, made);
        die_stock = std::max(0.0, die_stock - made * product->dies_per_package / s.domestic_yield);
        if (hbm_bound) hbm = std::max(0.0, hbm - made * product->hbm_stacks);
        supply[product - data.chips.data()][2] += made;
      }
    }

    // Stocks: retire from the opening fleet, then add the quarter's supply.
    QuarterSummary sum;
    sum.quarter = q;
    sum.price = s.PriceOn(data, Day{q.first_day().days + q.days() / 2});
    sum.die_stock = die_stock;
    sum.hbm_stock = hbm;
    for (size_t i = 0; i < n; ++i) {
      const Chip& chip = data.chips[i];
      for (int c = 0; c < 3; ++c) {
        Stock& k = stock[i][c];
        const double in = supply[i][c];
        if (k.cum_in == 0 && in == 0) continue;
        const double retired = k.fleet * retire_rate;
        k.fleet += in - retired;
        k.cum_in += in;
        k.cum_ret += retired;
        if (std::fabs(k.cum_in - (k.fleet + k.cum_ret)) > 1e-6 * std::max(1.0, k.cum_in))
          return ModelError::Internal("model check failed: chips in != fleet + retired for " + chip.display + " in " +
                                      q.label());
        FlowRow row;
        row.quarter = q;
        row.chip = &chip;
        row.channel = static_cast<Channel>(c);
        row.supply = in;
        row.retired = retired;
        row.fleet = k.fleet;
        row.cumulative_in = k.cum_in;
        row.cumulative_retired = k.cum_ret;
        const double tflops = chip.tflops_fp16.value_or(0);
        row.capacity_pflops = k.fleet * tflops / 1000.0;
        row.gpu_hours = k.fleet * hours_q * s.utilisation;
        row.pflop_days = row.capacity_pflops * s.utilisation * hours_q / 24.0;
        if (c == 0) {
          row.legal_share = static_cast<double>(legal_days[i]) / q.days();
          row.fee = legal_days[i] ? fee_sum[i] / legal_days[i] : 0;
          sum.foreign_legal_supply += in;
        } else if (c == 1) {
          sum.smuggled_supply += in;
        } else {
          row.bound = bound;
          sum.domestic_supply += in;
        }
        sum.capacity_pflops += row.capacity_pflops;
        if (!chip.foreign) sum.domestic_pflops += row.capacity_pflops;
        sum.gpu_hours += row.gpu_hours;
        sum.pflop_days += row.pflop_days;
        sum.h100e_idle_hours += k.fleet * (tflops / ref_tflops) * hours_q * (1.0 - s.utilisation);
        out.rows.push_back(row);
      }
    }
    out.quarters.push_back(sum);
  }
  return out;
}

}  // namespace compute_vouchers
