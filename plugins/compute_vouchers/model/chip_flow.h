// The quarterly chip stock-flow model: supply by channel (legal imports,
// smuggling, domestic output), installed fleet with retirement, and the
// compute the fleet delivers. Equations: docs/models/compute_vouchers.md.
#pragma once

#include <string>
#include <vector>

#include "model_data.h"
#include "model_types.h"
#include "scenario.h"

namespace compute_vouchers {

// Append only: reported as strings ("legal_import", ...).
enum class Channel { kLegalImport = 0, kSmuggled = 1, kDomestic = 2 };
const char* ChannelName(Channel c);

// One (quarter, chip, channel) stock: units and compute.
struct FlowRow {
  Quarter quarter;
  const Chip* chip = nullptr;
  Channel channel = Channel::kLegalImport;
  double supply = 0;        // units arriving this quarter
  double retired = 0;       // units retired this quarter
  double fleet = 0;         // units installed at the end of the quarter
  double cumulative_in = 0, cumulative_retired = 0;
  double capacity_pflops = 0;  // fleet x dense FP16 TFLOPS / 1000
  double gpu_hours = 0;        // fleet x hours in quarter x utilisation
  double pflop_days = 0;       // capacity x utilisation x days in quarter
  double legal_share = 0;      // legal imports: share of the quarter's days the chip was legal
  double fee = 0;              // legal imports: average fee over legal days
  std::string bound;           // domestic: "capacity", "dies" or "hbm"
};

struct QuarterSummary {
  Quarter quarter;
  double capacity_pflops = 0, domestic_pflops = 0;
  double gpu_hours = 0, pflop_days = 0;
  double h100e_idle_hours = 0;  // unused fleet hours, in H100-equivalents
  double price = 0;             // H100 CNY per GPU-hour (mid-quarter)
  double foreign_legal_supply = 0, smuggled_supply = 0, domestic_supply = 0;
  double die_stock = 0, hbm_stock = 0;  // end of quarter (hbm: inf before the HBM bound)
};

struct FlowResult {
  std::vector<FlowRow> rows;  // quarter order; within a quarter, chip then channel order
  std::vector<QuarterSummary> quarters;
};

// Runs the chip model over the scenario's horizon. Fails only with kInternal
// if a conservation check fails.
ModelResult<FlowResult> RunChipFlow(const ModelData& data, const Scenario& scenario);

}  // namespace compute_vouchers
