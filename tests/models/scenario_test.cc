// Strict scenario parsing: defaults from the data, errors naming the key (model/scenario.h).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "scenario.h"
#include "model_test_util.h"

namespace compute_vouchers {
namespace {

using namespace compute_vouchers::test_util;  // NOLINT

TEST(ScenarioTest, DefaultsComeFromTheData) {
  auto r = ParseScenario(Real(), ParamValue());
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r.value().utilisation, 0.30);
  EXPECT_DOUBLE_EQ(r.value().hbm_stock, 13e6);
  EXPECT_DOUBLE_EQ(r.value().die_bank, 2e6);
  EXPECT_EQ(FormatDay(r.value().start), "2022-01-01");
  EXPECT_DOUBLE_EQ(r.value().PriceOn(Real(), DayFromCivil(2025, 6, 1)), 12.84);
  EXPECT_DOUBLE_EQ(r.value().PriceOn(Real(), DayFromCivil(2023, 6, 1)), 30.82);
}

TEST(ScenarioTest, BadScenariosNameTheParameter) {
  const ModelData& m = Real();
  ModelError e = ParseError(m, {{"budgets", ParamValue::Map{{"V10", -5}}}});
  EXPECT_EQ(e.kind, ModelError::Kind::kArgument);
  EXPECT_EQ(e.param, "budgets.V10");
  EXPECT_NE(e.message.find("budgets.V10 must be >= 0"), std::string::npos) << e.message;

  e = ParseError(m, {{"smugling_scale", 2}});
  EXPECT_EQ(e.param, "smugling_scale");
  EXPECT_NE(e.message.find("unknown key 'smugling_scale'"), std::string::npos) << e.message;

  e = ParseError(m, {{"utilisation", "high"}});
  EXPECT_EQ(e.param, "utilisation");
  EXPECT_NE(e.message.find("must be a number, got STRING"), std::string::npos) << e.message;

  e = ParseError(m, {{"tighten_date", "2024-13-45"}});
  EXPECT_EQ(e.param, "tighten_date");
  EXPECT_NE(e.message.find("cannot parse date '2024-13-45'"), std::string::npos) << e.message;

  e = ParseError(m, {{"budgets", ParamValue::Map{{"V99", 1}}}});
  EXPECT_EQ(e.param, "budgets.V99");
  e = ParseError(m, {{"shares", ParamValue::Map{{"V10", 1.5}}}});
  EXPECT_EQ(e.param, "shares.V10");
  e = ParseError(m, {{"end", "2021-01-01"}});
  EXPECT_EQ(e.param, "end");
  e = ParseError(m, {{"programs", ParamValue::List{"V01", 3}}});
  EXPECT_EQ(e.param, "programs");
  e = ParseError(m, {{"chip", "Z9000"}});
  EXPECT_EQ(e.param, "chip");
  auto not_map = ParseScenario(m, ParamValue("x"));
  ASSERT_FALSE(not_map.ok());
  EXPECT_EQ(not_map.error().param, "scenario");
}

TEST(ScenarioTest, DatesAsDateOrIsoString) {
  Scenario a = Parse(Real(), {{"tighten_date", DayFromCivil(2024, 6, 1)}});
  Scenario b = Parse(Real(), {{"tighten_date", "2024-06-01"}});
  ASSERT_TRUE(a.tighten_date && b.tighten_date);
  EXPECT_EQ(*a.tighten_date, *b.tighten_date);
  Scenario c = Parse(Real(), {{"utilisation", ParamValue()}});  // null = default
  EXPECT_DOUBLE_EQ(c.utilisation, 0.30);
}

}  // namespace
}  // namespace compute_vouchers
