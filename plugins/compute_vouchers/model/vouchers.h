// Vouchers: what one voucher buys (capacity) and the quarterly voucher
// simulation (budgets, shares, per-firm caps, subsidy absorbed, compute
// delivered to start-ups, unmet demand). Equations:
// docs/models/compute_vouchers.md.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chip_flow.h"
#include "model_data.h"
#include "scenario.h"

namespace compute_vouchers {

// GPU-hours one voucher of programme `program` buys at one provider and chip.
struct CapacityRow {
  const Provider* provider = nullptr;  // null: the open market (no provider list, or a chip no provider runs)
  const Chip* chip = nullptr;
  double units = 0;             // provider's units of the chip (OPERATES), 0 for the market
  double voucher_cny = 0;       // voucher value: scenario voucher_cny, else the per-firm cap, else the typical voucher
  double share = 0;             // share of the contract the voucher pays
  double price = 0;             // CNY per GPU-hour of this chip at this provider
  double gpu_hours = 0;         // voucher_cny / price
  double contract_gpu_hours = 0;  // voucher_cny / (share x price): the contract the voucher co-funds in full
  double net_price = 0;         // price x (1 - share): what the firm pays per GPU-hour
};

ModelResult<std::vector<CapacityRow>> VoucherCapacity(const ModelData& data, const Program& program,
                                                      const Scenario& scenario);

// One programme in one quarter.
struct VoucherRow {
  const Program* program = nullptr;
  Quarter quarter;
  std::optional<double> budget_cny;  // remaining at the start of the quarter; null: unknown (unbounded)
  double budget_used_cny = 0;        // paid so far in the budget period, this quarter included
  double subsidy_cny = 0;            // paid this quarter
  double share = 0;                  // effective share (domestic/foreign blend)
  double cap_cny = 0;                // per-firm cap per year
  double firms = 0;
  double price = 0;                  // H100 CNY per GPU-hour
  double demand_gpu_hours = 0;       // H100-equivalent GPU-hours wanted this quarter
  double delivered_gpu_hours = 0;    // GPU-hours the voucher co-funded
  double delivered_pflop_days = 0;
  double unmet_gpu_hours = 0;        // demand - delivered
  double capacity_factor = 1;        // < 1 when idle national capacity limited all programmes
};

struct VoucherResult {
  std::vector<VoucherRow> rows;  // quarter order, then programme order
  FlowResult flow;
};

// Runs the chip flow, then the programmes. Fails with kInternal if a model
// check fails (subsidy above budget or above cap x firms).
ModelResult<VoucherResult> SimulateVouchers(const ModelData& data, const Scenario& scenario);

}  // namespace compute_vouchers
