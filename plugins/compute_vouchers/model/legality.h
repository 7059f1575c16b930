// The legality test: whether a chip may be exported to China on a day under
// the US rules in force (threshold tests and chip-specific licence rules),
// plus the scenario's hypothetical tightening, and how much of its demand
// the PRC side still allows.
#pragma once

#include <string>

#include "model_data.h"
#include "scenario.h"

namespace compute_vouchers {

struct Legality {
  bool subject = true;      // a foreign chip, subject to US export rules
  bool controlled = false;  // a US licence is required on the day
  bool licensed = false;    // licences are issued (legal with a fee)
  bool legal = true;        // may be imported legally: !controlled || licensed
  std::string rule;         // deciding rule id ("scenario" for the tightening), "" if none
  std::string test;         // why, e.g. "TPP 15824 >= 4800 (E03)"
  double fee = 0;           // revenue share paid on legal sales, 0..
  double volume_cap = 0;    // licensed volume cap as a share of US volume (0: none)
  double prc_factor = 1;    // share of demand the PRC side allows, 0..1
  std::string prc_rule;     // ids of the PRC rules applied, "" if none
};

// Thread-safe (reads only).
Legality EvaluateLegality(const ModelData& data, const Chip& chip, Day day, const Scenario& scenario);

}  // namespace compute_vouchers
