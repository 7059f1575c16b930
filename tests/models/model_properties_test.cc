// The model's invariants over many seeded random scenarios: chips in = fleet + retired,
// subsidy within budget and caps, zero budget pays nothing, tighter controls never raise
// foreign legal supply.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "chip_flow.h"
#include "vouchers.h"
#include "model_test_util.h"

namespace compute_vouchers {
namespace {

using namespace compute_vouchers::test_util;  // NOLINT

class RandomScenarios {
 public:
  explicit RandomScenarios(uint32_t seed) : rng_(seed) {}
  double U(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  bool Coin() { return U(0, 1) < 0.5; }
  ParamValue::Map Next(const ModelData& m) {
    ParamValue::Map s;
    s["utilisation"] = U(0.05, 1.0);
    s["service_life_years"] = U(1, 8);
    s["smuggling_scale"] = U(0, 3);
    s["domestic_ramp"] = U(0, 3);
    s["domestic_yield"] = U(0.1, 1.0);
    s["hbm_stock"] = U(0, 2e7);
    s["die_bank"] = U(0, 3e6);
    s["legal_demand_scale"] = U(0, 2);
    s["fee_elasticity"] = U(0, 3);
    s["firms"] = U(0, 500);
    s["demand_gpu_hours_per_firm"] = U(0, 5e5);
    s["budget_scale"] = U(0, 3);
    if (Coin()) s["price_cny_per_gpu_hour"] = U(1, 40);
    if (Coin()) s["licence_fee"] = U(0, 0.5);
    if (Coin()) {
      s["tighten_date"] = DayFromCivil(2022 + static_cast<int>(U(0, 6)), 1 + static_cast<unsigned>(U(0, 12)), 1);
      s["tighten_tpp_min"] = U(1000, 6000);
      s["tighten_alt_tpp_min"] = U(500, 3000);
      s["tighten_pd_min"] = U(1, 8);
    }
    ParamValue::Map shares, caps;
    for (const auto& p : m.programs) {
      if (!p.simulate) continue;
      if (Coin()) shares[p.id] = U(0, 1);
      if (Coin()) caps[p.id] = U(0, 1e7);
    }
    s["shares"] = shares;
    s["caps"] = caps;
    return s;
  }

 private:
  std::mt19937 rng_;
};

constexpr int kScenarios = 200;

TEST(ModelProperties, ChipsInEqualFleetPlusRetired) {
  const ModelData& m = Real();
  RandomScenarios gen(42);
  for (int i = 0; i < kScenarios; ++i) {
    auto r = RunChipFlow(m, Parse(m, gen.Next(m)));
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::map<std::pair<std::string, int>, double> in, retired;
    for (const auto& row : r.value().rows) {
      auto key = std::make_pair(row.chip->name, static_cast<int>(row.channel));
      in[key] += row.supply;
      retired[key] += row.retired;
      EXPECT_NEAR(in[key], row.fleet + retired[key], 1e-6 * std::max(1.0, in[key])) << "scenario " << i;
      EXPECT_GE(row.fleet, -1e-9);
      EXPECT_GE(row.supply, 0);
    }
  }
}

TEST(ModelProperties, SubsidyWithinBudgetAndCaps) {
  const ModelData& m = Real();
  RandomScenarios gen(7);
  for (int i = 0; i < kScenarios; ++i) {
    Scenario s = Parse(m, gen.Next(m));
    auto r = SimulateVouchers(m, s);
    ASSERT_TRUE(r.ok()) << r.error().message;
    std::map<std::pair<std::string, int>, double> per_year;
    std::map<std::string, double> per_pool;
    for (const auto& row : r.value().rows) {
      const Program& p = *row.program;
      EXPECT_GE(row.subsidy_cny, 0);
      EXPECT_LE(row.delivered_gpu_hours, row.demand_gpu_hours * (1 + 1e-9) + 1e-9);
      per_year[{p.id, row.quarter.year()}] += row.subsidy_cny;
      per_pool[p.id] += row.subsidy_cny;
      // <= cap x firms, per year
      const double year_paid = per_year[{p.id, row.quarter.year()}];
      EXPECT_LE(year_paid, row.cap_cny * row.firms * (1 + 1e-9) + 1e-6) << p.id;
      if (p.reset == BudgetReset::kYearly && p.budget_per_year) {
        EXPECT_LE(year_paid, *p.budget_per_year * s.budget_scale * (1 + 1e-9) + 1e-6) << p.id;
      }
      if (p.reset == BudgetReset::kPool && p.budget_cny) {
        EXPECT_LE(per_pool[p.id], *p.budget_cny * s.budget_scale * (1 + 1e-9) + 1e-6) << p.id;
      }
    }
  }
}

TEST(ModelProperties, ZeroBudgetDeliversNoSubsidy) {
  const ModelData& m = Real();
  RandomScenarios gen(11);
  for (int i = 0; i < kScenarios / 3; ++i) {
    ParamValue::Map s = gen.Next(m);
    ParamValue::Map zero;
    for (const auto& p : m.programs) zero[p.id] = 0;
    s["budgets"] = zero;
    auto r = SimulateVouchers(m, Parse(m, s));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_FALSE(r.value().rows.empty());
    for (const auto& row : r.value().rows) {
      EXPECT_EQ(row.subsidy_cny, 0) << row.program->id;
      EXPECT_EQ(row.delivered_gpu_hours, 0) << row.program->id;
    }
  }
}

TEST(ModelProperties, TighterControlsNeverRaiseForeignLegalSupply) {
  const ModelData& m = Real();
  RandomScenarios gen(2024);
  for (int i = 0; i < kScenarios; ++i) {
    ParamValue::Map base = gen.Next(m);
    ParamValue::Map tight = base;
    // Tighten: an earlier (or new) tightening date, lower thresholds, a
    // higher fee, smaller PRC factors.
    Day end = DayFromCivil(2027, 12, 31);
    Day base_date = base.count("tighten_date") ? base["tighten_date"].as_date() : end;
    tight["tighten_date"] = Day{base_date.days - static_cast<int32_t>(gen.U(0, 1500))};
    auto lower = [&](const char* key, double dflt) {
      const double v = base.count(key) ? base[key].as_number() : dflt;
      tight[key] = v * gen.U(0.3, 1.0);
      if (!base.count(key)) base[key] = v;
    };
    lower("tighten_tpp_min", 4800);
    lower("tighten_alt_tpp_min", 1600);
    lower("tighten_pd_min", 5.92);
    const double fee = base.count("licence_fee") ? base["licence_fee"].as_number() : 0.25;
    tight["licence_fee"] = fee + gen.U(0, 0.5);
    if (!base.count("licence_fee") && gen.Coin()) tight.erase("licence_fee");  // rule fees stay
    tight["prc_h20_factor"] = 0.25 * gen.U(0, 1);
    tight["prc_h200_factor"] = 0.5 * gen.U(0, 1);
    tight["prc_state_funded_share"] = 0.5 + 0.5 * gen.U(0, 1);
    if (!tight.count("licence_fee") && base.count("licence_fee")) continue;

    auto a = RunChipFlow(m, Parse(m, base));
    auto b = RunChipFlow(m, Parse(m, tight));
    ASSERT_TRUE(a.ok() && b.ok());
    ASSERT_EQ(a.value().quarters.size(), b.value().quarters.size());
    for (size_t q = 0; q < a.value().quarters.size(); ++q) {
      EXPECT_LE(b.value().quarters[q].foreign_legal_supply, a.value().quarters[q].foreign_legal_supply * (1 + 1e-9) + 1e-6)
          << "scenario " << i << " quarter " << a.value().quarters[q].quarter.label();
    }
  }
}

}  // namespace
}  // namespace compute_vouchers
