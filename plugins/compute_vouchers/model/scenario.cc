#include "scenario.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <sstream>

namespace compute_vouchers {
namespace {

std::string Num(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// Reads one key's value with type and range checks. Each returns an error or
// nullopt; on success it writes *out.
class KeyReader {
 public:
  explicit KeyReader(std::string key) : key_(std::move(key)) {}

  std::optional<ModelError> Number(const ParamValue& v, double* out, double min, double max,
                                   bool min_exclusive = false) const {
    if (!v.is_number()) return TypeError(v, "a number");
    const double x = v.as_number();
    if (!std::isfinite(x)) return ModelError::Argument(key_, key_ + " must be a finite number");
    if (x < min || (min_exclusive && x == min))
      return ModelError::Argument(key_, key_ + " must be " + (min_exclusive ? "> " : ">= ") + Num(min) + ", got " + Num(x));
    if (x > max) return ModelError::Argument(key_, key_ + " must be <= " + Num(max) + ", got " + Num(x));
    *out = x;
    return std::nullopt;
  }
  std::optional<ModelError> Date(const ParamValue& v, Day* out) const {
    if (v.is_date()) {
      *out = v.as_date();
      return std::nullopt;
    }
    if (v.is_string()) {
      if (ParseDay(v.as_string(), out)) return std::nullopt;
      return ModelError::Argument(key_, key_ + ": cannot parse date '" + v.as_string() + "' (expected YYYY-MM-DD)");
    }
    return TypeError(v, "a date or a YYYY-MM-DD string");
  }
  std::optional<ModelError> TypeError(const ParamValue& v, const char* want) const {
    return ModelError::Argument(key_, key_ + " must be " + want + ", got " + ParamValue::TypeName(v.type()));
  }
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

constexpr double kInf = std::numeric_limits<double>::infinity();

double DataDefault(const ModelData& data, const char* key, double fallback) {
  const Parameter* p = data.FindParameter(key);
  return p && p->value.is_number() ? p->value.as_number() : fallback;
}

// A map keyed by programme id whose values are numbers in [min, max].
std::optional<ModelError> ProgramMap(const ModelData& data, const std::string& key, const ParamValue& v, double min,
                                     double max, std::map<std::string, double>* out) {
  if (!v.is_map()) return KeyReader(key).TypeError(v, "a map of programme id to number");
  for (const auto& [id, val] : v.as_map()) {
    const std::string sub = key + "." + id;
    const Program* p = data.FindProgram(id);
    if (!p) return ModelError::Argument(sub, key + ": unknown programme '" + id + "' (known: " + data.ProgramIds() + ")");
    double x;
    if (auto e = KeyReader(sub).Number(val, &x, min, max)) return e;
    (*out)[p->id] = x;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::string>& ScenarioKeys() {
  static const std::vector<std::string> kKeys = {
      "start", "end", "tighten_date", "tighten_tpp_min", "tighten_alt_tpp_min", "tighten_pd_min", "licence_fee",
      "fee_elasticity", "legal_demand_scale", "prc_h20_factor", "prc_state_funded_share", "prc_h200_factor",
      "smuggling_scale", "domestic_ramp", "die_bank", "die_bank_from", "smic_dies_per_year", "domestic_yield",
      "hbm_stock", "hbm_domestic_per_year", "service_life_years", "utilisation", "price_cny_per_gpu_hour",
      "budget_scale", "budgets", "shares", "caps", "firms", "demand_gpu_hours_per_firm", "default_share",
      "default_cap_cny", "programs", "voucher_cny", "chip", "date"};
  return kKeys;
}

double Scenario::PriceOn(const ModelData& data, Day d) const {
  if (price) return *price;
  const auto& path = data.schedules.price_path;
  if (d <= path.front().first) return path.front().second;
  for (size_t i = 1; i < path.size(); ++i) {
    if (d <= path[i].first) {
      const double t = static_cast<double>(d.days - path[i - 1].first.days) /
                       static_cast<double>(path[i].first.days - path[i - 1].first.days);
      return path[i - 1].second + t * (path[i].second - path[i - 1].second);
    }
  }
  return path.back().second;
}

double Scenario::PrcParam(const std::string& key) const {
  if (key == "prc_h20_factor") return prc_h20_factor;
  if (key == "prc_state_funded_share") return prc_state_funded_share;
  if (key == "prc_h200_factor") return prc_h200_factor;
  return 1.0;
}

ModelResult<Scenario> ParseScenario(const ModelData& data, const ParamValue& arg, const std::string& param) {
  Scenario s;
  s.start = DayFromCivil(2022, 1, 1);
  s.end = DayFromCivil(2027, 12, 31);
  s.date = DayFromCivil(2025, 1, 1);
  s.die_bank = DataDefault(data, "die_bank", 2e6);
  s.die_bank_from = DayFromCivil(2024, 1, 1);
  if (const Parameter* p = data.FindParameter("die_bank_from"); p && p->value.is_date()) s.die_bank_from = p->value.as_date();
  s.smic_dies_per_year = DataDefault(data, "smic_dies_per_year", 8e5);
  s.domestic_yield = DataDefault(data, "domestic_yield", 0.75);
  s.hbm_stock = DataDefault(data, "hbm_stock", 1.3e7);
  s.hbm_domestic_per_year = DataDefault(data, "hbm_domestic_per_year", 0);
  s.fee_elasticity = DataDefault(data, "fee_elasticity", 1.0);
  s.prc_h20_factor = DataDefault(data, "prc_h20_factor", 0.25);
  s.prc_state_funded_share = DataDefault(data, "prc_state_funded_share", 0.5);
  s.prc_h200_factor = DataDefault(data, "prc_h200_factor", 0.5);
  s.service_life_years = DataDefault(data, "service_life_years", 5);
  s.utilisation = DataDefault(data, "utilisation", 0.3);
  s.firms = DataDefault(data, "firms", 50);
  s.demand_gpu_hours_per_firm = DataDefault(data, "demand_gpu_hours_per_firm", 117000);
  s.default_share = DataDefault(data, "default_share", 0.2);
  s.default_cap_cny = DataDefault(data, "default_cap_cny", 2e6);
  s.typical_voucher_cny = DataDefault(data, "typical_voucher_cny", 1.5e6);

  if (arg.is_null()) return s;
  if (!arg.is_map()) return ModelError::Argument(param, param + " must be a map, got " + ParamValue::TypeName(arg.type()));

  const auto& keys = ScenarioKeys();
  for (const auto& [key, v] : arg.as_map()) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end())
    {
      std::string known;
      for (const auto& k : keys) known += (known.empty() ? "" : ", ") + k;
      return ModelError::Argument(key, param + ": unknown key '" + key + "' (keys: " + known + ")");
    }
    if (v.is_null()) continue;  // null = the default
    const KeyReader r(key);
    std::optional<ModelError> e;
    double x = 0;
    Day d;
    if (key == "start") e = r.Date(v, &s.start);
    else if (key == "end") e = r.Date(v, &s.end);
    else if (key == "tighten_date") {
      if (!(e = r.Date(v, &d))) s.tighten_date = d;
    } else if (key == "tighten_tpp_min") e = r.Number(v, &s.tighten_tpp_min, 0, kInf, true);
    else if (key == "tighten_alt_tpp_min") e = r.Number(v, &s.tighten_alt_tpp_min, 0, kInf, true);
    else if (key == "tighten_pd_min") e = r.Number(v, &s.tighten_pd_min, 0, kInf, true);
    else if (key == "licence_fee") {
      if (!(e = r.Number(v, &x, 0, 10))) s.licence_fee = x;
    } else if (key == "fee_elasticity") e = r.Number(v, &s.fee_elasticity, 0, 100);
    else if (key == "legal_demand_scale") e = r.Number(v, &s.legal_demand_scale, 0, 1e6);
    else if (key == "prc_h20_factor") e = r.Number(v, &s.prc_h20_factor, 0, 1);
    else if (key == "prc_state_funded_share") e = r.Number(v, &s.prc_state_funded_share, 0, 1);
    else if (key == "prc_h200_factor") e = r.Number(v, &s.prc_h200_factor, 0, 1);
    else if (key == "smuggling_scale") e = r.Number(v, &s.smuggling_scale, 0, 1e6);
    else if (key == "domestic_ramp") e = r.Number(v, &s.domestic_ramp, 0, 1e6);
    else if (key == "die_bank") e = r.Number(v, &s.die_bank, 0, 1e12);
    else if (key == "die_bank_from") e = r.Date(v, &s.die_bank_from);
    else if (key == "smic_dies_per_year") e = r.Number(v, &s.smic_dies_per_year, 0, 1e12);
    else if (key == "domestic_yield") e = r.Number(v, &s.domestic_yield, 0, 1, true);
    else if (key == "hbm_stock") e = r.Number(v, &s.hbm_stock, 0, 1e12);
    else if (key == "hbm_domestic_per_year") e = r.Number(v, &s.hbm_domestic_per_year, 0, 1e12);
    else if (key == "service_life_years") e = r.Number(v, &s.service_life_years, 0, 100, true);
    else if (key == "utilisation") e = r.Number(v, &s.utilisation, 0, 1, true);
    else if (key == "price_cny_per_gpu_hour") {
      if (!(e = r.Number(v, &x, 0, 1e6, true))) s.price = x;
    } else if (key == "budget_scale") e = r.Number(v, &s.budget_scale, 0, 1e6);
    else if (key == "budgets") e = ProgramMap(data, key, v, 0, 1e15, &s.budgets);
    else if (key == "shares") e = ProgramMap(data, key, v, 0, 1, &s.shares);
    else if (key == "caps") e = ProgramMap(data, key, v, 0, 1e15, &s.caps);
    else if (key == "firms") {
      if (v.is_map()) e = ProgramMap(data, key, v, 0, 1e9, &s.firms_by_program);
      else e = r.Number(v, &s.firms, 0, 1e9);
    } else if (key == "demand_gpu_hours_per_firm") e = r.Number(v, &s.demand_gpu_hours_per_firm, 0, 1e12);
    else if (key == "default_share") e = r.Number(v, &s.default_share, 0, 1);
    else if (key == "default_cap_cny") e = r.Number(v, &s.default_cap_cny, 0, 1e15);
    else if (key == "programs") {
      if (!v.is_list()) e = r.TypeError(v, "a list of programme ids");
      else {
        std::vector<std::string> ids;
        for (const auto& item : v.as_list()) {
          if (!item.is_string()) {
            e = KeyReader("programs").TypeError(item, "a list of programme ids (strings)");
            break;
          }
          const Program* p = data.FindProgram(item.as_string());
          if (!p) {
            e = ModelError::Argument(key, "programs: unknown programme '" + item.as_string() + "' (known: " + data.ProgramIds() + ")");
            break;
          }
          ids.push_back(p->id);
        }
        if (!e) s.programs = std::move(ids);
      }
    } else if (key == "voucher_cny") {
      if (!(e = r.Number(v, &x, 0, 1e15))) s.voucher_cny = x;
    } else if (key == "chip") {
      if (!v.is_string()) e = r.TypeError(v, "a chip name");
      else if (!data.FindChip(v.as_string())) e = ModelError::Argument(key, "chip: unknown chip '" + v.as_string() + "' (known: " + data.ChipNames() + ")");
      else s.chip = data.FindChip(v.as_string())->name;
    } else if (key == "date") e = r.Date(v, &s.date);
    if (e) return *e;
  }
  if (s.end < s.start) return ModelError::Argument("end", "end (" + FormatDay(s.end) + ") is before start (" + FormatDay(s.start) + ")");
  if (Quarter::Of(s.end).index - Quarter::Of(s.start).index >= 400)
    return ModelError::Argument("end", "the horizon from start to end must be under 100 years");
  return s;
}

}  // namespace compute_vouchers
