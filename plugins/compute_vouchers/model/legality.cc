#include "legality.h"

#include <algorithm>
#include <climits>
#include <sstream>

namespace compute_vouchers {
namespace {

std::string Fmt(double v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

// Whether a threshold rule catches the chip, with the reason.
bool ThresholdCatches(const Control& rule, const Chip& chip, std::string* why) {
  if (!chip.tpp) {
    *why = "TPP unknown: not caught by " + rule.id;
    return false;
  }
  const double tpp = *chip.tpp;
  const std::string tpp_text = "TPP " + Fmt(tpp);
  if (rule.interconnect_min) {  // Oct 2022 form: TPP AND interconnect
    const bool tpp_hit = tpp >= *rule.tpp_min;
    const bool io_hit = chip.interconnect_gb_s && *chip.interconnect_gb_s >= *rule.interconnect_min;
    if (tpp_hit && io_hit) {
      *why = tpp_text + " >= " + Fmt(*rule.tpp_min) + " and interconnect " + Fmt(*chip.interconnect_gb_s) +
             " GB/s >= " + Fmt(*rule.interconnect_min) + " (" + rule.id + ")";
      return true;
    }
    *why = tpp_hit ? tpp_text + " >= " + Fmt(*rule.tpp_min) + " but interconnect " +
                         (chip.interconnect_gb_s ? Fmt(*chip.interconnect_gb_s) + " GB/s" : std::string("unknown")) +
                         " < " + Fmt(*rule.interconnect_min) + ": not caught by " + rule.id
                   : tpp_text + " < " + Fmt(*rule.tpp_min) + ": not caught by " + rule.id;
    return false;
  }
  if (tpp >= *rule.tpp_min) {
    *why = tpp_text + " >= " + Fmt(*rule.tpp_min) + " (" + rule.id + ")";
    return true;
  }
  if (rule.alt_tpp_min && rule.pd_min && tpp >= *rule.alt_tpp_min) {
    if (chip.pd && *chip.pd >= *rule.pd_min) {
      *why = tpp_text + " >= " + Fmt(*rule.alt_tpp_min) + " and PD " + Fmt(*chip.pd) + " >= " + Fmt(*rule.pd_min) +
             " (" + rule.id + ")";
      return true;
    }
    *why = tpp_text + " >= " + Fmt(*rule.alt_tpp_min) + " but PD " + (chip.pd ? Fmt(*chip.pd) : std::string("unknown")) +
           " < " + Fmt(*rule.pd_min) + ": not caught by " + rule.id;
    return false;
  }
  *why = tpp_text + " < " + Fmt(rule.alt_tpp_min ? *rule.alt_tpp_min : *rule.tpp_min) + ": not caught by " + rule.id;
  return false;
}

bool InForce(const ModelData& data, const Control& rule, Day day) {
  if (rule.effective > day) return false;
  // A threshold rule stops when a later rule in force supersedes it.
  for (const auto& other : data.controls) {
    if (other.effective > day) continue;
    if (std::find(other.supersedes.begin(), other.supersedes.end(), rule.id) != other.supersedes.end()) return false;
  }
  return true;
}

}  // namespace

Legality EvaluateLegality(const ModelData& data, const Chip& chip, Day day, const Scenario& scenario) {
  Legality out;
  if (!chip.foreign) {
    out.subject = false;
    out.test = "domestic chip: US export rules do not gate its supply";
    return out;
  }
  // US side: the latest control catching the chip, then any later licence.
  Day control_day{INT32_MIN};
  std::string last_miss;
  for (const auto& rule : data.controls) {
    if (!rule.us || !InForce(data, rule, day)) continue;
    std::string why;
    bool caught = false;
    if (rule.kind == ControlKind::kThreshold) {
      caught = ThresholdCatches(rule, chip, &why);
      if (!caught) last_miss = why;
    } else if (rule.kind == ControlKind::kLicenceRequired && rule.Names(chip)) {
      caught = true;
      why = "named by " + rule.id + " (licence required)";
    }
    if (caught && rule.effective >= control_day) {
      out.controlled = true;
      out.rule = rule.id;
      out.test = why;
      control_day = rule.effective;
    }
  }
  if (out.controlled) {
    for (const auto& rule : data.controls) {
      if (!rule.us || rule.kind != ControlKind::kLicenceGranted || !InForce(data, rule, day) || !rule.Names(chip)) continue;
      if (rule.effective < control_day) continue;
      out.licensed = true;
      out.rule = rule.id;
      out.fee = scenario.licence_fee ? *scenario.licence_fee : rule.fee.value_or(0);
      out.volume_cap = rule.volume_cap.value_or(0);
      out.test += "; licensed by " + rule.id + " with a " + Fmt(out.fee * 100) + "% fee";
    }
  } else {
    out.test = last_miss.empty() ? "no US rule in force catches it" : last_miss;
  }
  // The scenario's tightening overrides licences.
  if (scenario.tighten_date && *scenario.tighten_date <= day && chip.tpp) {
    const double tpp = *chip.tpp;
    const bool hit = tpp >= scenario.tighten_tpp_min ||
                     (tpp >= scenario.tighten_alt_tpp_min && chip.pd && *chip.pd >= scenario.tighten_pd_min);
    if (hit) {
      out.controlled = true;
      out.licensed = false;
      out.fee = 0;
      out.volume_cap = 0;
      out.rule = "scenario";
      out.test = "TPP " + Fmt(tpp) + " caught by the scenario's tightening from " + FormatDay(*scenario.tighten_date) +
                 " (TPP >= " + Fmt(scenario.tighten_tpp_min) + ", or TPP >= " + Fmt(scenario.tighten_alt_tpp_min) +
                 " with PD >= " + Fmt(scenario.tighten_pd_min) + ")";
    }
  }
  out.legal = !out.controlled || out.licensed;

  // PRC side.
  for (const auto& rule : data.controls) {
    if (rule.us || rule.kind != ControlKind::kPrcBlock || rule.effective > day || !rule.Names(chip)) continue;
    double f = rule.factor ? *rule.factor : scenario.PrcParam(rule.factor_param);
    if (rule.factor_is_complement) f = 1.0 - f;
    out.prc_factor *= std::clamp(f, 0.0, 1.0);
    out.prc_rule += (out.prc_rule.empty() ? "" : ", ") + rule.id;
  }
  return out;
}

}  // namespace compute_vouchers
