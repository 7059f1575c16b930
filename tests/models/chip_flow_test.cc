// The chip stock-flow model: hand-computed quarters on synthetic data, channels on the
// real data (model/chip_flow.h).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "chip_flow.h"
#include "model_test_util.h"

namespace compute_vouchers {
namespace {

using namespace compute_vouchers::test_util;  // NOLINT

TEST(ChipFlowTest, HandComputedQuarters) {
  const ModelData m = Synthetic();
  // Service life 1 year: a quarter retires 1/4 of the opening fleet.
  Scenario s = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-06-30"}, {"service_life_years", 1}, {"utilisation", 0.5},
                         {"die_bank", 0}, {"smic_dies_per_year", 200}, {"domestic_yield", 1}});
  auto r = RunChipFlow(m, s);
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& rows = r.value().rows;
  // Q1: H100 legal imports 365000/365 per day x 90 days; domestic: capacity 100,
  // dies 50 per quarter / 2 per package = 25 -> bound by dies.
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].chip->display, "H100");
  EXPECT_EQ(rows[0].channel, Channel::kLegalImport);
  EXPECT_NEAR(rows[0].supply, 90000, 1e-6);
  EXPECT_NEAR(rows[0].fleet, 90000, 1e-6);
  EXPECT_NEAR(rows[0].legal_share, 1.0, 1e-12);
  EXPECT_NEAR(rows[0].capacity_pflops, 90000 * 1000 / 1000.0, 1e-6);
  EXPECT_NEAR(rows[0].gpu_hours, 90000 * 2190 * 0.5, 1e-3);
  EXPECT_NEAR(rows[0].pflop_days, 90000 * 0.5 * 2190 / 24.0, 1e-3);
  EXPECT_EQ(rows[1].chip->display, "Dom");
  EXPECT_NEAR(rows[1].supply, 25, 1e-9);
  EXPECT_EQ(rows[1].bound, "dies");
  // Q2: retire 1/4 of 90000, add 91 days.
  EXPECT_NEAR(rows[2].retired, 22500, 1e-6);
  EXPECT_NEAR(rows[2].supply, 91000, 1e-6);
  EXPECT_NEAR(rows[2].fleet, 90000 - 22500 + 91000, 1e-6);
  EXPECT_NEAR(rows[2].cumulative_in, rows[2].fleet + rows[2].cumulative_retired, 1e-6);
  EXPECT_NEAR(rows[3].fleet, 25 * 0.75 + 25, 1e-9);
  // Capacity binds when dies are plenty.
  Scenario s2 = Parse(m, {{"start", "2023-01-01"}, {"end", "2023-03-31"}, {"smic_dies_per_year", 1e6}});
  auto r2 = RunChipFlow(m, s2);
  ASSERT_TRUE(r2.ok());
  EXPECT_NEAR(r2.value().rows[1].supply, 100, 1e-9);
  EXPECT_EQ(r2.value().rows[1].bound, "capacity");
  // Idle H100-equivalent hours: fleet x TFLOPS/1000 x 2190 x (1 - u).
  const auto& q = r.value().quarters[0];
  EXPECT_NEAR(q.h100e_idle_hours, (90000 * 1.0 + 25 * 0.5) * 2190 * 0.5, 1e-3);
  EXPECT_NEAR(q.domestic_pflops, 25 * 0.5, 1e-9);
}

TEST(ChipFlowTest, RealDataChannelsAndHbmBound) {
  const ModelData& m = Real();
  auto r = RunChipFlow(m, Parse(m, {}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const auto& qs = r.value().quarters;
  ASSERT_EQ(qs.size(), 24u);
  // 2024: H20 arrives legally (1M/yr before the PRC chill), smuggling 140k/yr.
  double h20_2024 = 0, smuggled_2024 = 0;
  for (const auto& row : r.value().rows) {
    if (row.quarter.year() != 2024) continue;
    if (row.chip->display == "H20" && row.channel == Channel::kLegalImport) h20_2024 += row.supply;
    if (row.channel == Channel::kSmuggled) smuggled_2024 += row.supply;
  }
  EXPECT_NEAR(h20_2024, 1e6, 1.0);
  EXPECT_NEAR(smuggled_2024, 140000, 1.0);
  // Domestic output: 2022 is capacity-bound at 50k/yr.
  EXPECT_NEAR(qs[0].domestic_supply, 12500, 1e-6);
  // A tighter HBM stock binds.
  auto tight = RunChipFlow(m, Parse(m, {{"hbm_stock", 100000}}));
  ASSERT_TRUE(tight.ok());
  bool hbm_bound = false;
  for (const auto& row : tight.value().rows)
    if (row.channel == Channel::kDomestic && row.bound == "hbm") hbm_bound = true;
  EXPECT_TRUE(hbm_bound);
}

}  // namespace
}  // namespace compute_vouchers
