#include "storage/value.h"

#include <cmath>
#include <limits>

#include "test_util.h"

namespace trendgraph {
namespace {

TEST(ValueTest, IdenticalDistinguishesIntAndDouble) {
  EXPECT_FALSE(Value(int64_t{1}).Identical(Value(1.0)));
  EXPECT_TRUE(Value(1.0).Identical(Value(1.0)));
  EXPECT_FALSE(Value(0.0).Identical(Value(-0.0)));
  double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_TRUE(Value(nan).Identical(Value(nan)));
}

TEST(ValueTest, DebugString) {
  Value::Map m;
  m["a"] = Value(int64_t{1});
  m["b"] = Value(Value::List{Value(2.5), Value("x"), Value()});
  EXPECT_EQ(Value(m).DebugString(), "{a: 1, b: [2.5, 'x', null]}");
  EXPECT_EQ(Value(3.0).DebugString(), "3.0");
}

TEST(ValueTest, RuntimeKindsAreNotStorable) {
  EXPECT_TRUE(Value(Value::List{Value(1), Value("a")}).IsStorable());
  EXPECT_FALSE(Value(Value::List{Value(NodeRef{1})}).IsStorable());
}

TEST(DateTest, RoundTripAndValidation) {
  Date d;
  ASSERT_TRUE(ParseIsoDate("2024-03-05", &d));
  EXPECT_EQ(FormatDate(d), "2024-03-05");
  ASSERT_TRUE(ParseIsoDate("1970-01-01", &d));
  EXPECT_EQ(d.days, 0);
  EXPECT_TRUE(ParseIsoDate("2024-02-29", &d));
  EXPECT_FALSE(ParseIsoDate("2023-02-29", &d));
  EXPECT_FALSE(ParseIsoDate("2024-13-01", &d));
  EXPECT_FALSE(ParseIsoDate("20240305", &d));
}

}  // namespace
}  // namespace trendgraph
