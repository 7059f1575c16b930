// Calendar arithmetic and name normalisation (model/model_types.h).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include "model_types.h"
#include "model_test_util.h"

namespace compute_vouchers {
namespace {

using namespace compute_vouchers::test_util;  // NOLINT

TEST(Calendar, DaysAndQuarters) {
  Day d;
  ASSERT_TRUE(ParseDay("2024-02-29", &d));
  EXPECT_EQ(FormatDay(d), "2024-02-29");
  EXPECT_EQ(DayFromCivil(1970, 1, 1).days, 0);
  EXPECT_EQ(DayFromCivil(2024, 1, 1).days, 19723);
  EXPECT_FALSE(ParseDay("2023-02-29", &d));
  EXPECT_FALSE(ParseDay("2024-13-01", &d));
  EXPECT_FALSE(ParseDay("24-01-01", &d));
  const Quarter q = Quarter::Of(DayFromCivil(2025, 8, 11));
  EXPECT_EQ(q.label(), "2025Q3");
  EXPECT_EQ(FormatDay(q.first_day()), "2025-07-01");
  EXPECT_EQ(FormatDay(q.last_day()), "2025-09-30");
  EXPECT_EQ(q.days(), 92);
  EXPECT_EQ(NormaliseName("  Shanghai   Compute\tPlatform "), "shanghai compute platform");
}

}  // namespace
}  // namespace compute_vouchers
