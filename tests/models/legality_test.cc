// The legality test on the real rules: thresholds, chip-specific rules, licences, PRC gates,
// the scenario tightening (model/legality.h).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "legality.h"
#include "model_test_util.h"

namespace compute_vouchers {
namespace {

using namespace compute_vouchers::test_util;  // NOLINT

Legality LegalOn(const char* chip, int y, unsigned mo, unsigned d, ParamValue::Map scenario = {}) {
  const ModelData& m = Real();
  return EvaluateLegality(m, *m.FindChip(chip), DayFromCivil(y, mo, d), Parse(m, std::move(scenario)));
}

TEST(LegalityTest, H20LegalUnderOct2023RuleByTppH100Not) {
  Legality h20 = LegalOn("H20", 2024, 1, 1);
  EXPECT_FALSE(h20.controlled);
  EXPECT_TRUE(h20.legal);
  EXPECT_NE(h20.test.find("PD 2.92 < 5.92"), std::string::npos) << h20.test;
  EXPECT_NE(h20.test.find("E03"), std::string::npos) << h20.test;

  Legality h100 = LegalOn("H100", 2024, 1, 1);
  EXPECT_TRUE(h100.controlled);
  EXPECT_FALSE(h100.legal);
  EXPECT_EQ(h100.rule, "E03");
  EXPECT_NE(h100.test.find("TPP 15824 >= 4800"), std::string::npos) << h100.test;
}

TEST(LegalityTest, RulesByDate) {
  // Oct 2022 rule: the interconnect cut keeps A800/H800 legal; A100 caught.
  EXPECT_TRUE(LegalOn("H800", 2023, 6, 1).legal);
  EXPECT_TRUE(LegalOn("A800", 2023, 6, 1).legal);
  EXPECT_EQ(LegalOn("A100", 2023, 6, 1).rule, "E02");
  EXPECT_EQ(LegalOn("A100", 2022, 9, 1).rule, "E01");
  EXPECT_TRUE(LegalOn("A100", 2022, 8, 1).legal);
  // Oct 2023 rule (effective 23 Oct) catches them.
  EXPECT_TRUE(LegalOn("H800", 2023, 10, 22).legal);
  EXPECT_EQ(LegalOn("H800", 2023, 10, 23).rule, "E03");
  // H20: licence required Apr 2025, licensed with a 15% fee Aug 2025.
  Legality apr = LegalOn("H20", 2025, 5, 1);
  EXPECT_FALSE(apr.legal);
  EXPECT_EQ(apr.rule, "E07");
  Legality sep = LegalOn("H20", 2025, 9, 1);
  EXPECT_TRUE(sep.legal);
  EXPECT_TRUE(sep.licensed);
  EXPECT_EQ(sep.rule, "E09");
  EXPECT_DOUBLE_EQ(sep.fee, 0.15);
  EXPECT_DOUBLE_EQ(sep.prc_factor, 0.25);  // E10 chill
  EXPECT_EQ(sep.prc_rule, "E10");
  // H200: licensed Jan 2026 with 25%; the PRC side gates it twice.
  Legality h200 = LegalOn("H200", 2026, 2, 1);
  EXPECT_TRUE(h200.licensed);
  EXPECT_DOUBLE_EQ(h200.fee, 0.25);
  EXPECT_DOUBLE_EQ(h200.prc_factor, 0.5 * 0.5);  // E12 state-funded share, E15 approvals
  EXPECT_FALSE(LegalOn("H200", 2025, 12, 1).legal);
  EXPECT_FALSE(LegalOn("B200", 2026, 6, 1).legal);
  // Domestic chips are not subject to US export rules.
  Legality asc = LegalOn("Ascend 910C", 2025, 6, 1);
  EXPECT_FALSE(asc.subject);
  EXPECT_TRUE(asc.legal);
  // Scenario knobs.
  EXPECT_DOUBLE_EQ(LegalOn("H20", 2025, 9, 1, {{"licence_fee", 0.4}}).fee, 0.4);
  Legality tight = LegalOn("H20", 2024, 7, 1, {{"tighten_date", "2024-06-01"}, {"tighten_tpp_min", 2000}});
  EXPECT_FALSE(tight.legal);
  EXPECT_EQ(tight.rule, "scenario");
  EXPECT_TRUE(LegalOn("H20", 2024, 5, 31, {{"tighten_date", "2024-06-01"}, {"tighten_tpp_min", 2000}}).legal);
  // A tightening also overrides a licence.
  EXPECT_FALSE(LegalOn("H200", 2026, 2, 1, {{"tighten_date", "2025-01-01"}}).legal);
}

}  // namespace
}  // namespace compute_vouchers
