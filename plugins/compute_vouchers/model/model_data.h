// The model's data: programmes, controls, chips, providers and default
// parameters, as built by examples/compute_vouchers/convert.py from the
// sourced domain data set (model.json). Every record keeps its source and
// estimate flag.
//
// ModelData is immutable after loading; a const ModelData may be shared by
// any number of threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model_types.h"

namespace compute_vouchers {

struct Provenance {
  std::string source;  // a URL, or domain row ids ("K19; C10")
  bool estimate = false;
};

struct Actor {
  std::string name;  // normalised key
  std::string display, kind, level, country;
  Provenance prov;
};

struct Chip {
  std::string id;    // domain row, "C05"
  std::string name;  // normalised key, "h20"
  std::string display, model, vendor, origin_text, status_in_china;
  bool foreign = true;
  std::optional<double> tflops_fp16, memory_gb, interconnect_gb_s, die_area_mm2, price_usd, tpp, pd;
  Day launch;
  int dies_per_package = 1;
  int hbm_stacks = 0;
  Provenance prov;
};

// Append only: the kinds of control the model knows.
enum class ControlKind {
  kThreshold,        // US ECCN 3A090-style TPP / performance-density test
  kLicenceRequired,  // US licence required for named chips
  kLicenceGranted,   // US licences issued for named chips, with a fee
  kPrcBlock,         // PRC import/use gate on named chips (or all foreign)
  kHbm,              // HBM controls: starts the HBM stock bound
  kInfo,             // recorded, no effect on chip supply
};

struct Control {
  std::string id, actor, issuer, date_text, rule, covers, effect, note;
  bool us = true;
  Day effective;
  ControlKind kind = ControlKind::kInfo;
  std::optional<double> tpp_min, interconnect_min, alt_tpp_min, pd_min, fee, volume_cap, factor;
  std::string factor_param;  // scenario key giving the factor
  bool factor_is_complement = false;
  bool all_foreign = false;
  std::vector<std::string> chips;  // normalised chip names
  std::vector<std::string> supersedes;
  Provenance prov;

  bool Names(const Chip& chip) const;
};

enum class BudgetReset { kYearly, kPool, kNone };

struct Program {
  std::string id, actor, issuer, instrument, name, budget_basis, cap_basis, eligibility, redeemable_for, note;
  std::optional<int> year;
  int first_year = 0, last_year = 0;
  std::optional<double> budget_cny, budget_per_year, cap_cny, share, domestic_share;
  BudgetReset reset = BudgetReset::kNone;
  bool simulate = false;
  std::vector<std::string> providers;  // normalised provider names
  Provenance prov;
};

struct Provider {
  std::string name, display, kind, city, note;
  double price_factor = 1.0;  // provider price / market price
  Provenance prov;
};

struct Operates {
  std::string provider, chip, note;
  double units = 0;
  Day since;
  Provenance prov;
};

struct Parameter {
  std::string key, unit, note;
  ParamValue value;
  Provenance prov;
};

// A value per calendar year; years before the first or after the last given
// have value 0 unless `hold_last` (then the last value is held).
struct YearSeries {
  std::map<int, double> by_year;
  Provenance prov;
  std::string note;
  double At(int year) const {
    auto it = by_year.find(year);
    return it == by_year.end() ? 0.0 : it->second;
  }
};

struct Schedules {
  std::map<std::string, YearSeries> legal_demand;  // chip -> units per year
  YearSeries smuggling;                            // units per year
  std::map<int, std::map<std::string, double>> smuggling_mix;  // year -> chip -> share
  Provenance smuggling_mix_prov;
  YearSeries domestic_capacity;                    // packages per year
  std::vector<std::pair<Day, std::string>> domestic_product;  // from day -> chip
  std::vector<std::pair<Day, double>> price_path;             // H100 CNY per GPU-hour
  Provenance price_prov;
};

struct ModelData {
  std::string domain_sha256;
  double hours_per_year = 8760;
  std::vector<Actor> actors;
  std::vector<Program> programs;
  std::vector<Control> controls;
  std::vector<Chip> chips;
  std::vector<Provider> providers;
  std::vector<Operates> operates;
  std::vector<Parameter> parameters;
  Schedules schedules;

  // Lookups by normalised name, domain id ("C05") or display name.
  const Chip* FindChip(std::string_view name) const;
  const Program* FindProgram(std::string_view id) const;  // case-insensitive id
  const Provider* FindProvider(std::string_view name) const;
  const Control* FindControl(std::string_view id) const;
  const Parameter* FindParameter(std::string_view key) const;
  // "A100, A800, ..." / "V01, V02, ...": for error messages.
  std::string ChipNames() const;
  std::string ProgramIds() const;
  // The chip whose TFLOPS define "H100-equivalent" GPU-hours.
  const Chip& ReferenceChip() const { return chips[reference_chip_]; }

  size_t reference_chip_ = 0;
  std::unordered_map<std::string, size_t> chip_index_;
};

// Parses model.json text. Errors are kData naming the record and field.
ModelResult<ModelData> ParseModelData(std::string_view json_text);
// Reads and parses a model.json file; the error names the path.
ModelResult<ModelData> LoadModelData(const std::string& path);

}  // namespace compute_vouchers
