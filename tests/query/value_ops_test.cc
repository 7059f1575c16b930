// Cypher value semantics, case by case from the openCypher TCK
// (expressions/comparison, null, boolean, list, map, mathematical, string)
// and the orderability rules of clauses/return-orderby.
#include "query/expression/value_ops.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <unordered_set>
#include <vector>

#include "query/function_test_util.h"

namespace trendgraph::query {
namespace {

using testing::M;

Value L(std::initializer_list<Value> v) { return Value(Value::List(v)); }
const Value N;
const Value kNaN(std::numeric_limits<double>::quiet_NaN());
const Value kInf(std::numeric_limits<double>::infinity());

std::string S(const Value& v) { return v.DebugString(); }

// Sorted copy by OrderCompare. (Sorts positions: std::sort moving Values
// trips a GCC 12 -O3 false maybe-uninitialized warning.)
std::vector<Value> SortedByOrder(const std::vector<Value>& v) {
  std::vector<size_t> idx(v.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return OrderCompare(v[a], v[b]) < 0; });
  std::vector<Value> out;
  out.reserve(v.size());
  for (size_t i : idx) out.push_back(v[i]);
  return out;
}


// ---- Equality ---------------------------------------------------------------

struct TriCase {
  Value a, b;
  const char* want;
};

TEST(CypherEquals, ScalarsAndNumbers) {
  const TriCase cases[] = {
      {1, 1, "true"},          {1, 2, "false"},          {1, 1.0, "true"},         {1.0, 1, "true"},
      {1.0, 1.0, "true"},      {"1.0", 1.0, "false"},    {"1", 1, "false"},        {"a", "a", "true"},
      {"a", "b", "false"},     {true, true, "true"},     {true, false, "false"},   {true, 1, "false"},
      {N, N, "null"},          {N, 1, "null"},           {1, N, "null"},           {kNaN, kNaN, "false"},
      {kNaN, 1, "false"},      {kNaN, 1.0, "false"},     {kNaN, "a", "false"},     {0.0, -0.0, "true"},
      {kInf, kInf, "true"},    {L({1, 2}), "foo", "false"},
  };
  for (const TriCase& c : cases) EXPECT_EQ(S(CypherEquals(c.a, c.b)), c.want) << S(c.a) << " = " << S(c.b);
}

TEST(CypherEquals, LargeIntegersAreExact) {
  // 4611686018427387905 and ...900 differ, and 2^53 + 1 is not 2^53 as a float.
  EXPECT_EQ(S(CypherEquals(int64_t{4611686018427387905}, int64_t{4611686018427387900})), "false");
  EXPECT_EQ(S(CypherEquals(int64_t{9007199254740993}, 9007199254740992.0)), "false");
  EXPECT_EQ(S(CypherEquals(int64_t{9007199254740992}, 9007199254740992.0)), "true");
  EXPECT_EQ(S(CypherEquals(std::numeric_limits<int64_t>::max(), 9223372036854775808.0)), "false");
}

TEST(CypherEquals, Lists) {
  const TriCase cases[] = {
      {L({1, 2}), L({1}), "false"},
      {L({N}), L({1}), "null"},
      {L({"a"}), L({1}), "false"},
      {L({L({1})}), L({L({1}), L({N})}), "false"},
      {L({L({1}), L({2})}), L({L({1}), L({N})}), "null"},
      {L({L({1}), L({2, 3})}), L({L({1}), L({N})}), "false"},
      {L({1}), L({1, N}), "false"},
      {L({1, 2}), L({N, "foo"}), "false"},
      {L({1, 2}), L({N, 2}), "null"},
      {L({L({1, 2}), L({1, 3})}), L({L({1, 2}), L({N, "foo"})}), "false"},
      {L({L({1, 2}), L({"foo", "bar"})}), L({L({1, 2}), L({N, "bar"})}), "null"},
      {L({1, N}), L({1, N}), "null"},
      {L({}), L({}), "true"},
      {L({1, 2.0}), L({1.0, 2}), "true"},
  };
  for (const TriCase& c : cases) EXPECT_EQ(S(CypherEquals(c.a, c.b)), c.want) << S(c.a) << " = " << S(c.b);
}

TEST(CypherEquals, Maps) {
  const TriCase cases[] = {
      {M({}), M({}), "true"},
      {M({{"k", true}}), M({{"k", true}}), "true"},
      {M({{"k", 1}}), M({{"k", 1}}), "true"},
      {M({{"k", 1.0}}), M({{"k", 1.0}}), "true"},
      {M({{"k", "abc"}}), M({{"k", "abc"}}), "true"},
      {M({{"k", "a"}, {"l", 2}}), M({{"k", "a"}, {"l", 2}}), "true"},
      {M({}), M({{"k", N}}), "false"},
      {M({{"k", N}}), M({}), "false"},
      {M({{"k", 1}}), M({{"k", 1}, {"l", N}}), "false"},
      {M({{"k", N}, {"l", 1}}), M({{"l", 1}}), "false"},
      {M({{"k", N}}), M({{"k", N}, {"l", N}}), "false"},
      {M({{"k", N}}), M({{"k", N}}), "null"},
      {M({{"k", 1}}), M({{"k", N}}), "null"},
      {M({{"k", 1}, {"l", N}}), M({{"k", N}, {"l", N}}), "null"},
      {M({{"k", 1}, {"l", N}}), M({{"k", N}, {"l", 1}}), "null"},
      {M({{"k", 1}, {"l", N}}), M({{"k", 1}, {"l", 1}}), "null"},
      {M({{"k", 1}}), M({{"k", 2}, {"l", N}}), "false"},
  };
  for (const TriCase& c : cases) EXPECT_EQ(S(CypherEquals(c.a, c.b)), c.want) << S(c.a) << " = " << S(c.b);
}

TEST(CypherEquals, Entities) {
  EXPECT_EQ(S(CypherEquals(NodeRef{1}, NodeRef{1})), "true");
  EXPECT_EQ(S(CypherEquals(NodeRef{1}, NodeRef{2})), "false");
  EXPECT_EQ(S(CypherEquals(RelRef{1, 2, 3, 0}, RelRef{1, 2, 3, 0})), "true");
  EXPECT_EQ(S(CypherEquals(NodeRef{1}, RelRef{1, 2, 3, 0})), "false");
  EXPECT_EQ(S(CypherEquals(NodeRef{1}, 1)), "false");
  PathValue p{{NodeRef{1}, NodeRef{1}}, {RelRef{5, 1, 1, 0}}};
  EXPECT_EQ(S(CypherEquals(p, p)), "true");
  PathValue q{{NodeRef{1}}, {}};
  EXPECT_EQ(S(CypherEquals(p, q)), "false");
}

TEST(CypherEquals, NotEquals) {
  EXPECT_EQ(S(CypherNotEquals(N, N)), "null");
  EXPECT_EQ(S(CypherNotEquals(kNaN, kNaN)), "true");
  EXPECT_EQ(S(CypherNotEquals(kNaN, 1)), "true");
  EXPECT_EQ(S(CypherNotEquals(1, 1.0)), "false");
  EXPECT_EQ(S(CypherNotEquals(L({1, N}), L({1, N}))), "null");
  EXPECT_EQ(S(CypherNotEquals(L({1, N}), L({2, N}))), "true");
}

// ---- Comparison -------------------------------------------------------------

TEST(CypherCompare, AcrossTypesIsNullExceptNumbers) {
  std::vector<Value> types = {NodeRef{1}, RelRef{1, 1, 2, 0}, PathValue{{NodeRef{1}}, {}}, "", 1, 3.14, true,
                              N, L({}), M({})};
  for (size_t i = 0; i < types.size(); ++i) {
    for (size_t j = 0; j < types.size(); ++j) {
      if (i == j) continue;
      for (CompareKind op : {CompareKind::kLt, CompareKind::kLe, CompareKind::kGt, CompareKind::kGe}) {
        Value r = CypherCompareOp(op, types[i], types[j]);
        bool numbers = types[i].is_number() && types[j].is_number();
        if (numbers) {
          EXPECT_TRUE(r.is_bool());
        } else {
          EXPECT_TRUE(r.is_null()) << S(types[i]) << " vs " << S(types[j]);
        }
      }
    }
  }
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, 1, 3.14)), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kGe, 3.14, 1)), "true");
}

TEST(CypherCompare, Lists) {
  const TriCase cases[] = {
      {L({1, 0}), L({1}), "true"},          {L({1, N}), L({1}), "true"},      {L({1, 2}), L({1, N}), "null"},
      {L({1, "a"}), L({1, N}), "null"},     {L({1, 2}), L({3, N}), "false"},  {L({}), L({}), "true"},
      {L({"a"}), L({1}), "null"},           {L({2, 1}), L({2}), "true"},
  };
  for (const TriCase& c : cases)
    EXPECT_EQ(S(CypherCompareOp(CompareKind::kGe, c.a, c.b)), c.want) << S(c.a) << " >= " << S(c.b);
}

TEST(CypherCompare, NaN) {
  for (CompareKind op : {CompareKind::kLt, CompareKind::kLe, CompareKind::kGt, CompareKind::kGe}) {
    EXPECT_EQ(S(CypherCompareOp(op, kNaN, 1)), "false");
    EXPECT_EQ(S(CypherCompareOp(op, kNaN, 1.0)), "false");
    EXPECT_EQ(S(CypherCompareOp(op, kNaN, kNaN)), "false");
    EXPECT_EQ(S(CypherCompareOp(op, kNaN, "a")), "null");
  }
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kEq, kNaN, kNaN)), "false");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kNe, kNaN, kNaN)), "true");
}

TEST(CypherCompare, StringsNumbersBooleansDates) {
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, 1.0, 1.0)), "false");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, 1, 1.0)), "false");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLe, 1, 1.0)), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, "1.0", 1.0)), "null");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, "1", 1)), "null");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kGt, "xx", "x")), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, "B", "a")), "true");  // code point order
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, "z", "é")), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, false, true)), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, Date{1}, Date{2})), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, Date{1}, "2")), "null");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, NodeRef{1}, NodeRef{2})), "null");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, M({}), M({}))), "null");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, int64_t{9007199254740993}, 9007199254740992.0)), "false");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kGt, int64_t{9007199254740993}, 9007199254740992.0)), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, 2, 2.5)), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kGt, -2, -2.5)), "true");
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, 1, kInf)), "true");
}

// ---- Orderability, equivalence ---------------------------------------------

TEST(OrderCompare, DistinctTypesInTheSpecifiedOrder) {
  // ReturnOrderBy1 [11]: ascending order of distinct kinds.
  std::vector<Value> want = {M({{"a", "map"}}), NodeRef{1}, RelRef{1, 1, 2, 0}, L({"list"}),
                             PathValue{{NodeRef{1}, NodeRef{2}}, {RelRef{1, 1, 2, 0}}},
                             Date{100}, "text", false, 1.5, kNaN, N};
  std::vector<Value> got = {N, kNaN, 1.5, false, "text", Date{100}, L({"list"}), RelRef{1, 1, 2, 0}, NodeRef{1},
                            M({{"a", "map"}}), PathValue{{NodeRef{1}, NodeRef{2}}, {RelRef{1, 1, 2, 0}}}};
  got = SortedByOrder(got);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(got[i].Identical(want[i])) << i << ": " << S(got[i]);
}

TEST(OrderCompare, ConsistentWithComparisonWhereDefined) {
  // WithOrderBy1 [45]: sorting agrees with < for each comparable family.
  std::vector<std::vector<Value>> families = {
      {true, false},
      {351, -3974856, 93, -3, 123, 0, 3, -2, 20934587, 1, 20934585, 20934586, -10},
      {351.5, -3974856.01, -3.203957, 123.0002, 123.0001, 123.00013, 123.00011, 0.0100000, 0.0999999, 0.00000001,
       3.0, 209345.87, -10.654},
      {"Sort", "order", " ", "should", "be", "", "consistent", "with", "comparisons", ", ", "where",
       "comparisons are", "defined", "!"},
      {L({2, 2}), L({2, -2}), L({1, 2}), L({}), L({1}), L({300, 0}), L({1, -20}), L({2, -2, 100})},
      {Date{-21790}, Date{3999}, Date{5398}, Date{5604}, Date{3949}, Date{5397}},
  };
  for (const auto& family : families) {
    std::vector<Value> values = SortedByOrder(family);
    for (size_t i = 0; i < values.size(); ++i) {
      int64_t smaller = 0;
      for (const Value& x : values)
        if (IsTrue(CypherCompareOp(CompareKind::kLt, x, values[i]))) ++smaller;
      EXPECT_EQ(smaller, static_cast<int64_t>(i)) << S(values[i]);
    }
  }
}

TEST(OrderCompare, NumbersMixAndNaNLast) {
  EXPECT_LT(OrderCompare(1, 1.5), 0);
  EXPECT_GT(OrderCompare(2, 1.5), 0);
  EXPECT_EQ(OrderCompare(1, 1.0), 0);
  EXPECT_LT(OrderCompare(kInf, kNaN), 0);
  EXPECT_EQ(OrderCompare(kNaN, kNaN), 0);
  EXPECT_LT(OrderCompare(kNaN, N), 0);
  EXPECT_LT(OrderCompare(L({1, 2}), L({1, 2, 0})), 0);
  EXPECT_LT(OrderCompare(L({1, "a"}), L({1, 2})), 0);  // string before number
  EXPECT_LT(OrderCompare(L({1, 2}), L({1, N})), 0);    // null last
  EXPECT_LT(OrderCompare(M({{"a", 1}}), M({{"b", 0}})), 0);
  EXPECT_LT(OrderCompare(M({{"a", 1}}), M({{"a", 2}})), 0);
}

TEST(Equivalence, NullNaNAndNumbers) {
  EXPECT_TRUE(Equivalent(N, N));
  EXPECT_TRUE(Equivalent(kNaN, kNaN));
  EXPECT_TRUE(Equivalent(1, 1.0));
  EXPECT_TRUE(Equivalent(0.0, -0.0));
  EXPECT_FALSE(Equivalent(1, "1"));
  EXPECT_FALSE(Equivalent(1, true));
  EXPECT_TRUE(Equivalent(L({1, N}), L({1.0, N})));
  EXPECT_FALSE(Equivalent(L({1}), L({1, N})));
  EXPECT_TRUE(Equivalent(M({{"k", N}}), M({{"k", N}})));
  EXPECT_FALSE(Equivalent(M({{"k", N}}), M({})));
  EXPECT_TRUE(Equivalent(NodeRef{3}, NodeRef{3}));
  EXPECT_FALSE(Equivalent(NodeRef{3}, RelRef{3, 1, 1, 0}));
}

TEST(Equivalence, HashIsConsistent) {
  std::vector<std::pair<Value, Value>> pairs = {
      {1, 1.0}, {0.0, -0.0}, {kNaN, Value(-std::numeric_limits<double>::quiet_NaN())}, {N, N},
      {L({1, 2.0}), L({1.0, 2})}, {M({{"a", L({1})}}), M({{"a", L({1.0})}})}, {"x", "x"}, {Date{5}, Date{5}},
      {int64_t{1} << 60, static_cast<double>(int64_t{1} << 60)}};
  for (const auto& [a, b] : pairs) {
    ASSERT_TRUE(Equivalent(a, b)) << S(a) << " ~ " << S(b);
    EXPECT_EQ(EquivalenceHash(a), EquivalenceHash(b)) << S(a) << " ~ " << S(b);
  }
  std::unordered_set<Value, EquivalenceHasher, EquivalenceEqual> set;
  for (const Value& v : {Value(1), Value(1.0), Value(2), Value("1"), Value(), Value(), kNaN, kNaN, Value(true)})
    set.insert(v);
  EXPECT_EQ(set.size(), 6u);  // 1, 2, '1', null, NaN, true
}

// ---- Arithmetic -------------------------------------------------------------

TEST(Arithmetic, IntegersStayIntegers) {
  EXPECT_EQ(S(Add(99, 5)), "104");
  EXPECT_EQ(S(Subtract(42, 41)), "1");
  EXPECT_EQ(S(Multiply(6, 7)), "42");
  EXPECT_EQ(S(Divide(7, 2)), "3");
  EXPECT_EQ(S(Divide(-7, 2)), "-3");  // truncation toward zero
  EXPECT_EQ(S(Modulo(7, 3)), "1");
  EXPECT_EQ(S(Modulo(-7, 3)), "-1");
  EXPECT_EQ(S(Modulo(std::numeric_limits<int64_t>::min(), -1)), "0");
  EXPECT_EQ(S(Negate(5)), "-5");
}

TEST(Arithmetic, MixedAndFloat) {
  EXPECT_EQ(S(Add(1, 0.5)), "1.5");
  EXPECT_EQ(S(Divide(7, 2.0)), "3.5");
  EXPECT_EQ(S(Divide(1.0, 0)), "Infinity");
  EXPECT_EQ(S(Divide(-1, 0.0)), "-Infinity");
  EXPECT_EQ(S(Divide(0.0, 0.0)), "NaN");
  EXPECT_EQ(S(Modulo(7.5, 2)), "1.5");
  EXPECT_EQ(S(Power(2, 3)), "8.0");
  EXPECT_EQ(S(Power(2, -1)), "0.5");
  EXPECT_EQ(S(Negate(1.5)), "-1.5");
  EXPECT_EQ(FormatCypherFloat(Negate(0.0).as_double()), "0.0");  // Literals5 [9]: -0.0 is 0.0
  EXPECT_EQ(S(UnaryPlus(3)), "3");
}

TEST(Arithmetic, NullPropagates) {
  for (auto f : {Add, Subtract, Multiply, Divide, Modulo, Power}) {
    EXPECT_TRUE(f(N, 1).is_null());
    EXPECT_TRUE(f(1, N).is_null());
    EXPECT_TRUE(f(N, N).is_null());
  }
  EXPECT_TRUE(Negate(N).is_null());
  EXPECT_TRUE(Add(L({1}), N).is_null());
  EXPECT_TRUE(Add(N, "a").is_null());
}

TEST(Arithmetic, OverflowAndDivisionByZero) {
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_ERROR(ErrorCode::kArgumentError, Add(kMax, 1));
  EXPECT_ERROR(ErrorCode::kArgumentError, Subtract(kMin, 1));
  EXPECT_ERROR(ErrorCode::kArgumentError, Multiply(kMax, 2));
  EXPECT_ERROR(ErrorCode::kArgumentError, Negate(kMin));
  EXPECT_ERROR(ErrorCode::kArgumentError, Divide(kMin, -1));
  EXPECT_ERROR(ErrorCode::kArgumentError, Divide(1, 0));
  EXPECT_ERROR(ErrorCode::kArgumentError, Modulo(1, 0));
  EXPECT_EQ(S(Add(kMax, 1.0)), "9.2233720368547758e+18");
}

TEST(Arithmetic, ConcatenationOfStringsAndLists) {
  EXPECT_EQ(S(Add("nam", "e")), "'name'");
  EXPECT_EQ(S(Add("a", 1)), "'a1'");
  EXPECT_EQ(S(Add(1, "a")), "'1a'");
  EXPECT_EQ(S(Add("a", 1.0)), "'a1.0'");
  EXPECT_EQ(S(Add("a", true)), "'atrue'");
  EXPECT_EQ(S(Add(L({1, 2}), L({3}))), "[1, 2, 3]");
  EXPECT_EQ(S(Add(L({1}), 2)), "[1, 2]");
  EXPECT_EQ(S(Add(0, L({1}))), "[0, 1]");
  EXPECT_EQ(S(Add(L({L({}), L({})}), L({L({})}))), "[[], [], []]");
  EXPECT_EQ(S(Add(L({1}), L({}))), "[1]");
}

TEST(Arithmetic, TypeErrors) {
  EXPECT_ERROR(ErrorCode::kTypeError, Add(true, 1));
  EXPECT_ERROR(ErrorCode::kTypeError, Add(M({}), 1));
  EXPECT_ERROR(ErrorCode::kTypeError, Add("a", M({})));
  EXPECT_ERROR(ErrorCode::kTypeError, Add(NodeRef{1}, "a"));
  EXPECT_ERROR(ErrorCode::kTypeError, Subtract("a", 1));
  EXPECT_ERROR(ErrorCode::kTypeError, Multiply(L({1}), 2));
  EXPECT_ERROR(ErrorCode::kTypeError, Divide(1, "2"));
  EXPECT_ERROR(ErrorCode::kTypeError, Modulo(true, 2));
  EXPECT_ERROR(ErrorCode::kTypeError, Power("2", 2));
  EXPECT_ERROR(ErrorCode::kTypeError, Negate("a"));
  EXPECT_ERROR(ErrorCode::kTypeError, UnaryPlus(L({})));
}

// ---- Boolean logic ----------------------------------------------------------

TEST(BooleanLogic, TruthTables) {
  const Value T(true), F(false);
  // Boolean1-3 [1]: tt tf tn ft ff fn nt nf nn.
  const Value in[9][2] = {{T, T}, {T, F}, {T, N}, {F, T}, {F, F}, {F, N}, {N, T}, {N, F}, {N, N}};
  const char* want_and[9] = {"true", "false", "null", "false", "false", "false", "null", "false", "null"};
  const char* want_or[9] = {"true", "true", "true", "true", "false", "null", "true", "null", "null"};
  const char* want_xor[9] = {"false", "true", "null", "true", "false", "null", "null", "null", "null"};
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(S(And(in[i][0], in[i][1])), want_and[i]) << i;
    EXPECT_EQ(S(Or(in[i][0], in[i][1])), want_or[i]) << i;
    EXPECT_EQ(S(Xor(in[i][0], in[i][1])), want_xor[i]) << i;
  }
  EXPECT_EQ(S(Not(T)), "false");
  EXPECT_EQ(S(Not(F)), "true");
  EXPECT_EQ(S(Not(N)), "null");
}

TEST(BooleanLogic, NonBooleanOperandsAreTypeErrors) {
  const Value bad[] = {123, 123.4, "foo", L({}), L({true}), M({}), M({{"x", L({})}})};
  for (const Value& b : bad) {
    EXPECT_ERROR(ErrorCode::kTypeError, And(b, true));
    EXPECT_ERROR(ErrorCode::kTypeError, And(false, b));  // no short circuit on types
    EXPECT_ERROR(ErrorCode::kTypeError, Or(N, b));
    EXPECT_ERROR(ErrorCode::kTypeError, Xor(b, b));
    EXPECT_ERROR(ErrorCode::kTypeError, Not(b));
    EXPECT_ERROR(ErrorCode::kTypeError, ToTernary(b));
  }
  EXPECT_TRUE(ToTernary(N).is_null());
  EXPECT_EQ(S(ToTernary(true)), "true");
  EXPECT_TRUE(IsTrue(Value(true)));
  EXPECT_FALSE(IsTrue(N));
  EXPECT_FALSE(IsTrue(Value(1)));
}

// ---- String operators, IN, subscripts ---------------------------------------

TEST(StringOperators, NullUnlessBothStrings) {
  EXPECT_EQ(S(StartsWith("ABCDEF", "AB")), "true");
  EXPECT_EQ(S(StartsWith("AB", "ABCDEF")), "false");
  EXPECT_EQ(S(EndsWith("ABCDEF", "DEF")), "true");
  EXPECT_EQ(S(EndsWith("ABCDEF", "")), "true");
  EXPECT_EQ(S(Contains("ABCDEF", "CD")), "true");
  EXPECT_EQ(S(Contains("ABCDEF", "")), "true");
  EXPECT_EQ(S(Contains("abcdef", "CD")), "false");
  EXPECT_EQ(S(Contains("Foo\nFoo", "\n")), "true");
  // String10/9 [8]: any non-string operand gives null (36 combinations).
  const Value operands[] = {1, 3.14, true, L({}), M({}), N};
  for (const Value& a : operands)
    for (const Value& b : operands) {
      EXPECT_TRUE(Contains(a, b).is_null());
      EXPECT_TRUE(StartsWith(a, b).is_null());
      EXPECT_TRUE(EndsWith(a, b).is_null());
    }
  EXPECT_TRUE(Contains("a", N).is_null());
}

TEST(StringOperators, Regex) {
  EXPECT_EQ(S(RegexMatch("ABCDEF", "AB.*")), "true");
  EXPECT_EQ(S(RegexMatch("ABCDEF", "BC")), "false");  // whole-string match
  EXPECT_EQ(S(RegexMatch("abc", "(?i)ABC")), "true");
  EXPECT_EQ(S(RegexMatch("abc", "ABC")), "false");
  EXPECT_TRUE(RegexMatch(N, "a").is_null());
  EXPECT_TRUE(RegexMatch("a", N).is_null());
  EXPECT_ERROR(ErrorCode::kArgumentError, RegexMatch("a", "("));
}

TEST(InList, TckCases) {
  const TriCase cases[] = {
      {N, N, "null"},
      {N, L({1, 2, 3}), "null"},
      {N, L({1, 2, 3, N}), "null"},
      {N, L({}), "false"},
      {1, L({1, 2, 3, N}), "true"},
      {1, L({N, 1}), "true"},
      {5, L({1, 2, 3, N}), "null"},
      {3, L({1, 2, 3}), "true"},
      {1, L({"1", 2}), "false"},
      {L({1, 2}), L({1, L({1, "2"})}), "false"},
      {L({1}), L({1, 2}), "false"},
      {L({1, 2}), L({1, 2}), "false"},
      {L({1}), L({1, 2, L({1})}), "true"},
      {L({1, 2}), L({1, L({1, 2})}), "true"},
      {L({1, 2}), L({1, L({2, 1})}), "false"},
      {L({1, 2}), L({1, L({1, 2, 3})}), "false"},
      {L({1, 2}), L({1, L({L({1, 2})})}), "false"},
      {L({L({1, 2}), L({3, 4})}), L({5, L({L({1, 2}), L({3, 4})})}), "true"},
      {L({L({1, 2}), 3}), L({1, L({L({1, 2}), 3})}), "true"},
      {L({L({1})}), L({2, L({L({1})})}), "true"},
      {L({L({1})}), L({2, L({1})}), "false"},
      {N, L({N}), "null"},
      {L({N}), L({L({N})}), "null"},
      {L({N}), L({N}), "null"},
      {L({1}), L({L({1, N})}), "false"},
      {3, L({1, N, 3}), "true"},
      {4, L({1, N, 3}), "null"},
      {L({1, 2}), L({L({N, "foo"}), L({1, 2})}), "true"},
      {L({1, 2}), L({1, L({1, 2}), N}), "true"},
      {L({1, 2}), L({L({N, "foo"})}), "false"},
      {L({1, 2}), L({L({N, 2})}), "null"},
      {L({1, 2}), L({1, L({1, 2, N})}), "false"},
      {L({1, 2, N}), L({1, L({1, 2, N})}), "null"},
      {L({1, 2}), L({L({N, 2}), L({1, 2})}), "true"},
      {L({L({1, 2}), L({3, 4})}), L({5, L({L({1, 2}), L({3, 4}), N})}), "false"},
      {L({1, 2}), L({L({N, 2}), L({1, 3})}), "null"},
      {L({}), L({L({})}), "true"},
      {L({}), L({}), "false"},
      {L({}), L({1, L({})}), "true"},
      {L({}), L({1, 2}), "false"},
      {L({L({})}), L({1, L({L({})})}), "true"},
      {L({}), L({1, 2, N}), "null"},
      {L({L({}), L({})}), L({1, L({L({}), L({})})}), "true"},
  };
  for (const TriCase& c : cases) EXPECT_EQ(S(InList(c.a, c.b)), c.want) << S(c.a) << " IN " << S(c.b);
  for (const Value& bad : {Value(true), Value(123), Value(123.4), Value("foo"), M({{"x", L({})}})})
    EXPECT_ERROR(ErrorCode::kTypeError, InList(1, bad));
}

TEST(Subscript, ListsAndMaps) {
  EXPECT_EQ(S(Subscript(L({1, 2, 3}), 0)), "1");
  EXPECT_EQ(S(Subscript(L({1, 2, 3}), -1)), "3");
  EXPECT_EQ(S(Subscript(L({1, 2, 3}), -3)), "1");
  EXPECT_TRUE(Subscript(L({1, 2, 3}), 3).is_null());
  EXPECT_TRUE(Subscript(L({1, 2, 3}), -4).is_null());
  EXPECT_EQ(S(Subscript(Subscript(L({L({1})}), 0), 0)), "1");
  EXPECT_TRUE(Subscript(N, 0).is_null());
  EXPECT_TRUE(Subscript(L({1}), N).is_null());
  EXPECT_EQ(S(Subscript(M({{"name", "Apa"}}), "name")), "'Apa'");
  EXPECT_EQ(S(Subscript(M({{"name", "Mats"}, {"Name", "Pontus"}}), "Name")), "'Pontus'");
  EXPECT_TRUE(Subscript(M({{"name", "Mats"}}), "nAMe").is_null());
  EXPECT_TRUE(Subscript(M({{"name", "Mats"}}), N).is_null());
  EXPECT_TRUE(Subscript(N, "x").is_null());
  // List1 [6]-[9], Map2 [6]-[8].
  for (const Value& c : {Value(true), Value(123), Value(4.7), Value("1")})
    EXPECT_ERROR(ErrorCode::kTypeError, Subscript(c, 0));
  for (const Value& i : {Value(true), Value(4.7), Value("1"), L({1}), M({{"x", 3}})})
    EXPECT_ERROR(ErrorCode::kTypeError, Subscript(L({1, 2, 3, 4, 5}), i));
  EXPECT_ERROR(ErrorCode::kTypeError, Subscript(M({{"name", "Apa"}}), 0));
  EXPECT_ERROR(ErrorCode::kTypeError, Subscript(M({{"name", "Apa"}}), 12.3));
  try {
    (void)Subscript(M({{"name", "Apa"}}), 0);
  } catch (const ExecutorException& e) {
    EXPECT_EQ(e.error().detail, "MapElementAccessByNonString");
  }
}

TEST(Slice, TckCases) {
  const Value l5 = L({1, 2, 3, 4, 5});
  const Value l3 = L({1, 2, 3});
  EXPECT_EQ(S(Slice(l5, Value(1), Value(3))), "[2, 3]");
  EXPECT_EQ(S(Slice(l3, Value(1), std::nullopt)), "[2, 3]");
  EXPECT_EQ(S(Slice(l3, std::nullopt, Value(2))), "[1, 2]");
  EXPECT_EQ(S(Slice(l3, Value(0), Value(1))), "[1]");
  EXPECT_EQ(S(Slice(l3, Value(0), Value(0))), "[]");
  EXPECT_EQ(S(Slice(l3, Value(-3), Value(-1))), "[1, 2]");
  EXPECT_EQ(S(Slice(l3, Value(3), Value(1))), "[]");
  EXPECT_EQ(S(Slice(l3, Value(-5), Value(5))), "[1, 2, 3]");
  EXPECT_TRUE(Slice(l3, N, N).is_null());
  EXPECT_TRUE(Slice(l3, Value(1), N).is_null());
  EXPECT_TRUE(Slice(l3, N, Value(3)).is_null());
  EXPECT_TRUE(Slice(l3, std::nullopt, N).is_null());
  EXPECT_TRUE(Slice(l3, N, std::nullopt).is_null());
  EXPECT_TRUE(Slice(N, Value(1), Value(2)).is_null());
  EXPECT_EQ(S(InList(3, Slice(l3, Value(0), Value(1)))), "false");
  EXPECT_ERROR(ErrorCode::kTypeError, Slice("abc", Value(0), Value(1)));
  EXPECT_ERROR(ErrorCode::kTypeError, Slice(l3, Value(0.5), Value(1)));
}

// ---- Rendering --------------------------------------------------------------

TEST(FormatCypherFloat, LikeJavaDoubleToString) {
  const std::pair<double, const char*> cases[] = {
      {1.0, "1.0"},           {0.1, "0.1"},          {-1.5, "-1.5"},         {100.0, "100.0"},
      {1234567.0, "1234567.0"}, {1e7, "1.0E7"},      {1.0e10, "1.0E10"},     {12345678.9, "1.23456789E7"},
      {0.001, "0.001"},       {0.0001, "1.0E-4"},    {1.5e-5, "1.5E-5"},     {3.14, "3.14"},
      {0.0, "0.0"},           {-0.0, "-0.0"},        {1e300, "1.0E300"},     {123.456, "123.456"},
      {2.0 / 3.0, "0.6666666666666666"},             {82.9, "82.9"},         {9.2233720368547758e18, "9.223372036854776E18"},
  };
  for (const auto& [d, want] : cases) EXPECT_EQ(FormatCypherFloat(d), want) << d;
  EXPECT_EQ(FormatCypherFloat(std::nan("")), "NaN");
  EXPECT_EQ(FormatCypherFloat(HUGE_VAL), "Infinity");
  EXPECT_EQ(FormatCypherFloat(-HUGE_VAL), "-Infinity");
}

TEST(ToCypherString, Kinds) {
  EXPECT_EQ(ToCypherString(42), "42");
  EXPECT_EQ(ToCypherString(-7), "-7");
  EXPECT_EQ(ToCypherString(1.0), "1.0");
  EXPECT_EQ(ToCypherString(true), "true");
  EXPECT_EQ(ToCypherString("x"), "x");
  Date d;
  ASSERT_TRUE(DateFromCivil(2024, 3, 5, &d));
  EXPECT_EQ(ToCypherString(d), "2024-03-05");
  EXPECT_ERROR(ErrorCode::kTypeError, ToCypherString(L({1})));
  EXPECT_ERROR(ErrorCode::kTypeError, ToCypherString(M({})));
  EXPECT_ERROR(ErrorCode::kTypeError, ToCypherString(NodeRef{1}));
}

// ---- Dates ------------------------------------------------------------------

TEST(TemporalProperty, Fields) {
  Date d;
  ASSERT_TRUE(DateFromCivil(2024, 3, 5, &d));  // a Tuesday
  EXPECT_EQ(S(TemporalProperty(d, "year")), "2024");
  EXPECT_EQ(S(TemporalProperty(d, "month")), "3");
  EXPECT_EQ(S(TemporalProperty(d, "day")), "5");
  EXPECT_EQ(S(TemporalProperty(d, "quarter")), "1");
  EXPECT_EQ(S(TemporalProperty(d, "dayOfWeek")), "2");
  EXPECT_EQ(S(TemporalProperty(d, "ordinalDay")), "65");
  EXPECT_EQ(S(TemporalProperty(d, "dayOfQuarter")), "65");
  EXPECT_EQ(S(TemporalProperty(d, "week")), "10");
  EXPECT_EQ(S(TemporalProperty(d, "weekYear")), "2024");
  EXPECT_TRUE(TemporalProperty(d, "hour").is_null());
  EXPECT_TRUE(TemporalProperty(N, "year").is_null());
  EXPECT_ERROR(ErrorCode::kTypeError, TemporalProperty(Value(1), "year"));

  // ISO week edge cases: 2021-01-03 is in week 53 of 2020; 2024-12-30 in week 1 of 2025.
  ASSERT_TRUE(DateFromCivil(2021, 1, 3, &d));
  EXPECT_EQ(S(TemporalProperty(d, "week")), "53");
  EXPECT_EQ(S(TemporalProperty(d, "weekYear")), "2020");
  EXPECT_EQ(S(TemporalProperty(d, "dayOfWeek")), "7");
  ASSERT_TRUE(DateFromCivil(2024, 12, 30, &d));
  EXPECT_EQ(S(TemporalProperty(d, "week")), "1");
  EXPECT_EQ(S(TemporalProperty(d, "weekYear")), "2025");
  ASSERT_TRUE(DateFromCivil(2024, 8, 15, &d));
  EXPECT_EQ(S(TemporalProperty(d, "quarter")), "3");
  EXPECT_EQ(S(TemporalProperty(d, "dayOfQuarter")), "46");
  ASSERT_TRUE(DateFromCivil(1969, 12, 31, &d));  // before the epoch: a Wednesday
  EXPECT_EQ(S(TemporalProperty(d, "dayOfWeek")), "3");
}

}  // namespace
}  // namespace trendgraph::query
