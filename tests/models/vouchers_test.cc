// Voucher simulation and capacity: hand-computed budgets, caps, unmet demand, the idle
// capacity bound, the brief's worked example (model/vouchers.h).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "vouchers.h"
#include "model_test_util.h"

namespace compute_vouchers {
namespace {

using namespace compute_vouchers::test_util;  // NOLINT

TEST(VoucherTest, HandComputedBudgetCapAndUnmetDemand) {
  // 2 firms, 400 GPU-hours/yr each (100 a quarter), price 2, share 0.5:
  // each firm claims 0.5 x 100 x 2 = 100 a quarter; the cap of 300 per firm
  // per year is reached after Q3; the budget of 1000 does not bind.
  const ModelData m = Synthetic();
  Scenario s = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-12-31"}, {"firms", 2}, {"demand_gpu_hours_per_firm", 400}});
  auto r = SimulateVouchers(m, s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& rows = r.value().rows;
  ASSERT_EQ(rows.size(), 4u);
  const double paid[] = {200, 200, 200, 0};
  for (int i = 0; i < 4; ++i) {
    EXPECT_NEAR(rows[i].subsidy_cny, paid[i], 1e-9) << i;
    EXPECT_NEAR(rows[i].demand_gpu_hours, 200, 1e-9);
    EXPECT_NEAR(rows[i].delivered_gpu_hours, paid[i] / (0.5 * 2), 1e-9);
    EXPECT_NEAR(rows[i].unmet_gpu_hours, 200 - paid[i] / (0.5 * 2), 1e-9);
    EXPECT_DOUBLE_EQ(rows[i].capacity_factor, 1.0);
  }
  EXPECT_NEAR(*rows[1].budget_cny, 800, 1e-9);
  EXPECT_NEAR(rows[2].budget_used_cny, 600, 1e-9);
  EXPECT_NEAR(rows[0].delivered_pflop_days, 200 * 1000 / 1000.0 / 24.0, 1e-9);

  // A budget of 250: 200 in Q1, the last 50 in Q2, nothing after.
  Scenario tight = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-12-31"}, {"firms", 2},
                             {"demand_gpu_hours_per_firm", 400}, {"budgets", ParamValue::Map{{"T1", 250}}}});
  auto r2 = SimulateVouchers(m, tight);
  ASSERT_TRUE(r2.ok());
  EXPECT_NEAR(r2.value().rows[0].subsidy_cny, 200, 1e-9);
  EXPECT_NEAR(r2.value().rows[1].subsidy_cny, 50, 1e-9);
  EXPECT_NEAR(r2.value().rows[2].subsidy_cny, 0, 1e-9);
  EXPECT_NEAR(r2.value().rows[1].unmet_gpu_hours, 200 - 50, 1e-9);

  // A zero budget delivers nothing.
  auto r3 = SimulateVouchers(m, Parse(m, {{"budgets", ParamValue::Map{{"T1", 0}}}}));
  ASSERT_TRUE(r3.ok());
  for (const auto& row : r3.value().rows) {
    EXPECT_EQ(row.subsidy_cny, 0);
    EXPECT_EQ(row.delivered_gpu_hours, 0);
  }
}

TEST(VoucherTest, IdleCapacityLimitsDelivery) {
  // Demand far above the fleet's idle hours: delivery is scaled to them.
  std::string text = SyntheticJson();
  for (std::string key : {"\"budget_cny\": ", "\"budget_cny_per_year\": "}) {
    const std::string from = key + "1000";
    text.replace(text.find(from), from.size(), key + "null");
  }
  auto parsed = ParseModelData(text);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  const ModelData& m = parsed.value();
  Scenario s = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-03-31"}, {"firms", 1e6}, {"caps", ParamValue::Map{{"T1", 1e15}}}});
  auto r = SimulateVouchers(m, s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& row = r.value().rows[0];
  const double idle = r.value().flow.quarters[0].h100e_idle_hours;
  EXPECT_LT(row.capacity_factor, 1.0);
  EXPECT_NEAR(row.delivered_gpu_hours, idle, idle * 1e-9);
  EXPECT_FALSE(row.budget_cny.has_value());  // unknown budget: unbounded
}

TEST(VoucherTest, WorkedExampleCapacity) {
  // A typical voucher of 1-2M CNY buys about 78k-156k H100 GPU-hours at 12.8
  // CNY per GPU-hour. Henan's cap is 1M, Beijing's 2M.
  const ModelData& m = Real();
  auto henan = VoucherCapacity(m, *m.FindProgram("V17"), Parse(m, {{"chip", "H100"}, {"price_cny_per_gpu_hour", 12.8}}));
  ASSERT_TRUE(henan.ok()) << henan.error().message;
  ASSERT_EQ(henan.value().size(), 1u);
  EXPECT_EQ(henan.value()[0].provider, nullptr);  // no Henan provider runs H100: the open market
  EXPECT_NEAR(henan.value()[0].gpu_hours, 78125, 1e-6);
  auto beijing = VoucherCapacity(m, *m.FindProgram("V03"), Parse(m, {{"chip", "H100"}, {"price_cny_per_gpu_hour", 12.8}}));
  ASSERT_TRUE(beijing.ok());
  EXPECT_NEAR(beijing.value()[0].gpu_hours, 156250, 1e-6);
  EXPECT_NEAR(beijing.value()[0].gpu_hours / 8760, 17.8, 0.1);  // about 18 GPU-years
  // One 8x H100 server for 12 months at 75k CNY/month = 900k CNY = 70,080
  // GPU-hours; Beijing's 20% voucher is 180k and co-funds exactly that.
  auto server = VoucherCapacity(m, *m.FindProgram("V03"),
                                Parse(m, {{"chip", "H100"}, {"voucher_cny", 180000}, {"price_cny_per_gpu_hour", 900000.0 / 70080}}));
  ASSERT_TRUE(server.ok());
  EXPECT_NEAR(server.value()[0].contract_gpu_hours, 70080, 1e-6);
  EXPECT_NEAR(server.value()[0].net_price * 70080, 720000, 1e-6);
  // At a listed provider: Beijing partners price at 55% of market (P07).
  auto h20 = VoucherCapacity(m, *m.FindProgram("V03"), Parse(m, {{"chip", "H20"}, {"date", "2025-06-01"}}));
  ASSERT_TRUE(h20.ok());
  ASSERT_EQ(h20.value().size(), 1u);
  ASSERT_NE(h20.value()[0].provider, nullptr);
  EXPECT_EQ(h20.value()[0].provider->display, "Beijing compute partners");
  EXPECT_NEAR(h20.value()[0].price, 12.84 * 148 / 989 * 0.55, 1e-9);
  EXPECT_NEAR(h20.value()[0].gpu_hours, 2e6 / (12.84 * 148 / 989 * 0.55), 1e-6);
  // Without a chip: every chip of every listed provider.
  auto all = VoucherCapacity(m, *m.FindProgram("V10"), Parse(m, {}));
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all.value().size(), 2u);
  for (const auto& row : all.value())  // Hangzhou: 30% domestic, 20% foreign
    EXPECT_DOUBLE_EQ(row.share, row.chip->foreign ? 0.20 : 0.30);
}

}  // namespace
}  // namespace compute_vouchers
