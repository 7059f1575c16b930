// Scenario: the knobs of one model run, parsed from a map argument.
//
// Every key is optional and has a documented default
// (docs/models/compute_vouchers.md); defaults marked "data" come from the
// model data's `parameters` (with their sources). Parsing is strict: an
// unknown key, a value of the wrong type, an out-of-range number or a date
// that does not parse is a kArgument ModelError naming the key
// ("budgets.V10", "tighten_date", ...).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model_data.h"
#include "model_types.h"

namespace compute_vouchers {

struct Scenario {
  // Horizon (inclusive, whole quarters): default 2022-01-01 .. 2027-12-31.
  Day start, end;

  // Controls. A hypothetical US threshold rule from tighten_date: a foreign
  // chip with TPP >= tighten_tpp_min, or TPP >= tighten_alt_tpp_min and
  // PD >= tighten_pd_min, is controlled with no licence.
  std::optional<Day> tighten_date;
  double tighten_tpp_min = 4800, tighten_alt_tpp_min = 1600, tighten_pd_min = 5.92;
  std::optional<double> licence_fee;  // replaces the rules' revenue-share fees
  double fee_elasticity = 1.0;
  double legal_demand_scale = 1.0;
  double prc_h20_factor = 0.25, prc_state_funded_share = 0.5, prc_h200_factor = 0.5;

  // Smuggling and domestic output.
  double smuggling_scale = 1.0;
  double domestic_ramp = 1.0;
  double die_bank = 0;
  Day die_bank_from;
  double smic_dies_per_year = 0, domestic_yield = 0.75, hbm_stock = 0, hbm_domestic_per_year = 0;

  // Fleet and market.
  double service_life_years = 5, utilisation = 0.3;
  std::optional<double> price;  // constant H100 CNY/GPU-hour; default: the price path

  // Vouchers.
  double budget_scale = 1.0;
  std::map<std::string, double> budgets, shares, caps, firms_by_program;  // keyed by programme id
  double firms = 50, demand_gpu_hours_per_firm = 117000, default_share = 0.2, default_cap_cny = 2e6;
  std::optional<std::vector<std::string>> programs;  // programme ids to simulate

  // vouchers.capacity only.
  std::optional<double> voucher_cny;
  double typical_voucher_cny = 1.5e6;
  std::optional<std::string> chip;
  Day date;  // price date, default 2025-01-01

  // The H100 rental price (CNY per GPU-hour) on `d`.
  double PriceOn(const ModelData& data, Day d) const;
  // The factor a PRC rule's `factor_param` names.
  double PrcParam(const std::string& key) const;
};

// The keys ParseScenario accepts, in documentation order.
const std::vector<std::string>& ScenarioKeys();

// Parses `arg` (a map, or null for all defaults). `param` is the argument
// name used in messages ("scenario").
ModelResult<Scenario> ParseScenario(const ModelData& data, const ParamValue& arg, const std::string& param = "scenario");

}  // namespace compute_vouchers
