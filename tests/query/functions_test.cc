// The function library: lookup, scalar functions and aggregates, case by case
// from the openCypher TCK (expressions/*) and the Cypher manual.
#include "query/function/functions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "query/expression/value_ops.h"
#include "graph_test.h"
#include "query/function_test_util.h"

namespace trendgraph::query {
namespace {

using testing::Call;
using testing::M;

Value L(std::initializer_list<Value> v) { return Value(Value::List(v)); }
const Value N;
const Value kNaN(std::numeric_limits<double>::quiet_NaN());

// Like Value::DebugString, but floats in Cypher's shortest form (3.4, not
// 3.3999999999999999).
std::string S(const Value& v) {
  if (v.is_double()) return FormatCypherFloat(v.as_double());
  if (v.is_list()) {
    std::string out = "[";
    for (size_t i = 0; i < v.as_list().size(); ++i) out += (i ? ", " : "") + S(v.as_list()[i]);
    return out + "]";
  }
  if (v.is_map()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [k, e] : v.as_map()) {
      out += (first ? "" : ", ") + k + ": " + S(e);
      first = false;
    }
    return out + "}";
  }
  return v.DebugString();
}


std::string C(std::string_view name, std::vector<Value> args) { return S(Call(name, std::move(args))); }


// Runs an aggregate over `rows` (each row = the argument list).
Value Aggregate(std::string_view name, const std::vector<std::vector<Value>>& rows, bool distinct = false) {
  const AggregateFunctionDef* def = FindAggregateFunction(name);
  if (def == nullptr) {
    ADD_FAILURE() << "no aggregate " << name;
    return Value();
  }
  std::unique_ptr<Aggregator> agg = def->make(distinct);
  for (const auto& row : rows) agg->Add(row.data(), row.size());
  return agg->Finish();
}

std::vector<std::vector<Value>> Rows(std::initializer_list<Value> values) {
  std::vector<std::vector<Value>> rows;
  for (const Value& v : values) rows.push_back({v});
  return rows;
}

// ---- Lookup -----------------------------------------------------------------

TEST(FunctionLookup, CaseInsensitive) {
  for (const char* name : {"toUpper", "TOUPPER", "toupper", "ToUpper"}) {
    const ScalarFunctionDef* def = FindScalarFunction(name);
    ASSERT_NE(def, nullptr) << name;
    EXPECT_STREQ(def->name, "toUpper");
  }
  EXPECT_EQ(FindScalarFunction("noSuchFunction"), nullptr);
  EXPECT_EQ(FindScalarFunction(""), nullptr);
  EXPECT_NE(FindAggregateFunction("COUNT"), nullptr);
  EXPECT_NE(FindAggregateFunction("percentilecont"), nullptr);
  EXPECT_EQ(FindAggregateFunction("toUpper"), nullptr);
  EXPECT_EQ(FindScalarFunction("count"), nullptr);
  EXPECT_TRUE(IsAggregateFunction("collect"));
  EXPECT_FALSE(IsAggregateFunction("coalesce"));
}

TEST(FunctionLookup, EveryDocumentedFunctionExists) {
  for (const char* name :
       {"id", "labels", "type", "properties", "keys", "nodes", "relationships", "length", "size", "head", "last",
        "tail", "range", "reverse", "coalesce", "startNode", "endNode", "exists", "toString", "toInteger",
        "toFloat", "toBoolean", "toUpper", "toLower", "trim", "lTrim", "rTrim", "replace", "substring", "left",
        "right", "split", "abs", "ceil", "floor", "round", "sign", "sqrt", "exp", "log", "log10", "e", "pi",
        "rand", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "cot", "degrees", "radians", "haversin",
        "timestamp", "date", "isEmpty", "toStringOrNull", "toIntegerOrNull", "toFloatOrNull",
        "toBooleanOrNull", "toIntegerList", "toStringList", "toFloatList", "toBooleanList", "randomUUID",
        "date.statement", "datetime.transaction", "localtime.realtime", "time.statement", "localdatetime.realtime"})
    EXPECT_NE(FindScalarFunction(name), nullptr) << name;
  for (const char* name : {"count", "sum", "avg", "min", "max", "collect", "percentileCont", "percentileDisc",
                           "stDev", "stDevP"})
    EXPECT_NE(FindAggregateFunction(name), nullptr) << name;
  EXPECT_FALSE(FindScalarFunction("rand")->deterministic);
  EXPECT_TRUE(FindScalarFunction("abs")->deterministic);
  EXPECT_EQ(FindScalarFunction("coalesce")->max_args, -1);
}

TEST(FunctionLookup, StaticArgumentKinds) {
  auto rejects = [](const char* fn, Value::Type kind) { return RejectsArgumentKind(*FindScalarFunction(fn), kind); };
  EXPECT_TRUE(rejects("labels", Value::Type::kPath));
  EXPECT_FALSE(rejects("labels", Value::Type::kNode));
  EXPECT_TRUE(rejects("length", Value::Type::kNode));
  EXPECT_TRUE(rejects("length", Value::Type::kRel));
  EXPECT_FALSE(rejects("length", Value::Type::kPath));
  EXPECT_TRUE(rejects("size", Value::Type::kPath));
  EXPECT_FALSE(rejects("size", Value::Type::kList));
  for (Value::Type t : {Value::Type::kInt, Value::Type::kString, Value::Type::kList})
    EXPECT_TRUE(rejects("properties", t));
  EXPECT_FALSE(rejects("properties", Value::Type::kMap));
  EXPECT_FALSE(rejects("properties", Value::Type::kRel));
  EXPECT_TRUE(rejects("toBoolean", Value::Type::kDouble));
  EXPECT_FALSE(rejects("toBoolean", Value::Type::kNull));
  EXPECT_FALSE(rejects("substring", Value::Type::kInt));  // more than one argument: not judged
}

// ---- Conversions (TypeConversion1-3) ---------------------------------------

TEST(Conversion, ToBoolean) {
  EXPECT_EQ(C("toBoolean", {true}), "true");
  EXPECT_EQ(C("toBoolean", {false}), "false");
  EXPECT_EQ(C("toBoolean", {"true"}), "true");
  EXPECT_EQ(C("toBoolean", {"false"}), "false");
  EXPECT_EQ(C("toBoolean", {"TRUE"}), "true");
  for (const Value& v : {N, Value(""), Value(" tru "), Value("f alse")}) EXPECT_EQ(C("toBoolean", {v}), "null");
  EXPECT_EQ(C("toBoolean", {0}), "false");
  EXPECT_EQ(C("toBoolean", {5}), "true");
  for (const Value& v : {L({}), M({}), Value(1.0), Value(NodeRef{1}), Value(RelRef{1, 1, 2, 0}),
                         Value(PathValue{{NodeRef{1}}, {}})})
    EXPECT_ERROR(ErrorCode::kTypeError, Call("toBoolean", {v}));
  EXPECT_EQ(C("toBooleanOrNull", {1.0}), "null");
  EXPECT_EQ(C("toBooleanOrNull", {"true"}), "true");
}

TEST(Conversion, ToInteger) {
  EXPECT_EQ(C("toInteger", {82.9}), "82");
  EXPECT_EQ(C("toInteger", {-82.9}), "-82");
  EXPECT_EQ(C("toInteger", {"foo"}), "null");
  EXPECT_EQ(C("toInteger", {""}), "null");
  EXPECT_EQ(C("toInteger", {2}), "2");
  EXPECT_EQ(C("toInteger", {2.9}), "2");
  EXPECT_EQ(C("toInteger", {"1.7"}), "1");
  EXPECT_EQ(C("toInteger", {"2"}), "2");
  EXPECT_EQ(C("toInteger", {"42"}), "42");
  EXPECT_EQ(C("toInteger", {"-42"}), "-42");
  EXPECT_EQ(C("toInteger", {"1e3"}), "1000");
  EXPECT_EQ(C("toInteger", {"9223372036854775807"}), "9223372036854775807");
  EXPECT_EQ(C("toInteger", {"9223372036854775808"}), "null");
  EXPECT_EQ(C("toInteger", {N}), "null");
  EXPECT_EQ(C("toInteger", {true}), "1");
  EXPECT_EQ(C("toInteger", {kNaN}), "null");
  for (const Value& v : {L({}), M({}), Value(NodeRef{1}), Value(RelRef{1, 1, 2, 0}),
                         Value(PathValue{{NodeRef{1}}, {}})})
    EXPECT_ERROR(ErrorCode::kTypeError, Call("toInteger", {v}));
  EXPECT_EQ(C("toIntegerOrNull", {L({})}), "null");
  EXPECT_EQ(C("toIntegerList", {L({"2", "2.9", "foo", N, L({})})}), "[2, 2, null, null, null]");
  EXPECT_EQ(C("toIntegerList", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("toIntegerList", {"1"}));
}

TEST(Conversion, ToFloat) {
  EXPECT_EQ(C("toFloat", {3.4}), "3.4");
  EXPECT_EQ(C("toFloat", {3}), "3.0");
  EXPECT_EQ(C("toFloat", {"5"}), "5.0");
  EXPECT_EQ(C("toFloat", {"foo"}), "null");
  EXPECT_EQ(C("toFloat", {""}), "null");
  EXPECT_EQ(C("toFloat", {"1"}), "1.0");
  EXPECT_EQ(C("toFloat", {" 2.5 "}), "2.5");
  EXPECT_EQ(C("toFloat", {"-1e3"}), "-1000.0");
  EXPECT_EQ(C("toFloat", {"NaN"}), "NaN");
  EXPECT_EQ(C("toFloat", {"inf"}), "null");
  EXPECT_EQ(C("toFloat", {N}), "null");
  for (const Value& v : {Value(true), L({}), M({}), Value(NodeRef{1}), Value(RelRef{1, 1, 2, 0}),
                         Value(PathValue{{NodeRef{1}}, {}})})
    EXPECT_ERROR(ErrorCode::kTypeError, Call("toFloat", {v}));
  EXPECT_EQ(C("toFloatList", {L({1, "2", "x"})}), "[1.0, 2.0, null]");
}

TEST(Conversion, ToString) {
  EXPECT_EQ(C("toString", {42}), "'42'");
  EXPECT_EQ(C("toString", {1.0}), "'1.0'");
  EXPECT_EQ(C("toString", {0.1}), "'0.1'");
  EXPECT_EQ(C("toString", {1e10}), "'1.0E10'");
  EXPECT_EQ(C("toString", {true}), "'true'");
  EXPECT_EQ(C("toString", {"abc"}), "'abc'");
  EXPECT_EQ(C("toString", {N}), "null");
  Date d;
  ASSERT_TRUE(DateFromCivil(2024, 3, 5, &d));
  EXPECT_EQ(C("toString", {d}), "'2024-03-05'");
  for (const Value& v : {L({}), M({}), Value(NodeRef{1})}) EXPECT_ERROR(ErrorCode::kTypeError, Call("toString", {v}));
  EXPECT_EQ(C("toStringOrNull", {L({})}), "null");
  EXPECT_EQ(C("toStringList", {L({1, 1.5, true, N, L({})})}), "['1', '1.5', 'true', null, null]");
}

// ---- Strings ------------------------------------------------------------------

TEST(Strings, Substring) {
  EXPECT_EQ(C("substring", {"0123456789", 1}), "'123456789'");
  EXPECT_EQ(C("substring", {"0123456789", 1, 3}), "'123'");
  EXPECT_EQ(C("substring", {"0123456789", 0, 0}), "''");
  EXPECT_EQ(C("substring", {"abc", 5}), "''");
  EXPECT_EQ(C("substring", {"abc", 1, 100}), "'bc'");
  EXPECT_EQ(C("substring", {"héllo", 1, 2}), "'él'");  // code points, not bytes
  EXPECT_EQ(C("substring", {N, 1}), "null");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("substring", {"abc", -1}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("substring", {"abc", 0, -1}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("substring", {"abc", N}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("substring", {"abc", 1.5}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("substring", {123, 1}));
}

TEST(Strings, LeftRight) {
  EXPECT_EQ(C("left", {"hello", 3}), "'hel'");
  EXPECT_EQ(C("left", {"hello", 0}), "''");
  EXPECT_EQ(C("left", {"hello", 10}), "'hello'");
  EXPECT_EQ(C("right", {"hello", 3}), "'llo'");
  EXPECT_EQ(C("right", {"hello", 10}), "'hello'");
  EXPECT_EQ(C("right", {"héllo", 4}), "'éllo'");
  EXPECT_EQ(C("left", {N, 3}), "null");
  EXPECT_EQ(C("right", {N, 3}), "null");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("left", {"hello", -1}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("right", {"hello", -1}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("left", {"hello", N}));
}

TEST(Strings, CaseTrimReplace) {
  EXPECT_EQ(C("toUpper", {"abc déjà"}), "'ABC DÉJÀ'");
  EXPECT_EQ(C("toLower", {"ABC ÉTÉ Ωμέγα"}), "'abc été ωμέγα'");
  EXPECT_EQ(C("toUpper", {"计算券"}), "'计算券'");
  EXPECT_EQ(C("toLower", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("toUpper", {1}));
  EXPECT_EQ(C("trim", {"  hello \t\n"}), "'hello'");
  EXPECT_EQ(C("lTrim", {"  hello  "}), "'hello  '");
  EXPECT_EQ(C("rTrim", {"  hello  "}), "'  hello'");
  EXPECT_EQ(C("trim", {"   "}), "''");
  EXPECT_EQ(C("trim", {N}), "null");
  EXPECT_EQ(C("replace", {"hello", "l", "w"}), "'hewwo'");
  EXPECT_EQ(C("replace", {"hello", "ll", ""}), "'heo'");
  EXPECT_EQ(C("replace", {"abc", "", "-"}), "'-a-b-c-'");
  EXPECT_EQ(C("replace", {"aaa", "aa", "b"}), "'ba'");
  EXPECT_EQ(C("replace", {N, "a", "b"}), "null");
  EXPECT_EQ(C("replace", {"a", N, "b"}), "null");
  EXPECT_EQ(C("replace", {"a", "a", N}), "null");
}

TEST(Strings, Split) {
  EXPECT_EQ(C("split", {"one,two", ","}), "['one', 'two']");
  EXPECT_EQ(C("split", {"a,b,", ","}), "['a', 'b', '']");
  EXPECT_EQ(C("split", {",a", ","}), "['', 'a']");
  EXPECT_EQ(C("split", {"abc", ""}), "['a', 'b', 'c']");
  EXPECT_EQ(C("split", {"a--b--c", "--"}), "['a', 'b', 'c']");
  EXPECT_EQ(C("split", {"abc", "x"}), "['abc']");
  EXPECT_EQ(C("split", {"", ","}), "['']");
  EXPECT_EQ(C("split", {"a,b;c", L({",", ";"})}), "['a', 'b', 'c']");
  EXPECT_EQ(C("split", {N, ","}), "null");
  EXPECT_EQ(C("split", {"a", N}), "null");
}

TEST(Strings, ReverseAndSize) {
  EXPECT_EQ(C("reverse", {"raksO"}), "'Oskar'");
  EXPECT_EQ(C("reverse", {"aé计"}), "'计éa'");
  EXPECT_EQ(C("reverse", {""}), "''");
  EXPECT_EQ(C("size", {"hello"}), "5");
  EXPECT_EQ(C("size", {"计算券"}), "3");
  EXPECT_EQ(C("size", {""}), "0");
  EXPECT_EQ(C("char_length", {"héllo"}), "5");
}

// ---- Lists (List6, List9-11) ------------------------------------------------------

TEST(Lists, SizeHeadLastTail) {
  EXPECT_EQ(C("size", {L({1, 2, 3})}), "3");
  EXPECT_EQ(C("size", {L({})}), "0");
  EXPECT_EQ(C("size", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("size", {PathValue{{NodeRef{1}}, {}}}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("size", {1}));
  EXPECT_EQ(C("head", {L({1, 2, 3})}), "1");
  EXPECT_EQ(C("head", {L({})}), "null");
  EXPECT_EQ(C("head", {N}), "null");
  EXPECT_EQ(C("last", {L({1, 2, 3})}), "3");
  EXPECT_EQ(C("last", {L({})}), "null");
  EXPECT_EQ(C("tail", {L({1, 2, 3, 4, 5})}), "[2, 3, 4, 5]");
  EXPECT_EQ(C("tail", {Call("tail", {L({1, 2, 3, 4, 5})})}), "[3, 4, 5]");
  EXPECT_EQ(C("tail", {L({})}), "[]");
  EXPECT_EQ(C("tail", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("head", {"abc"}));
  EXPECT_EQ(C("reverse", {L({1, "a", N})}), "[null, 'a', 1]");
  EXPECT_EQ(C("isEmpty", {L({})}), "true");
  EXPECT_EQ(C("isEmpty", {L({N})}), "false");
  EXPECT_EQ(C("isEmpty", {""}), "true");
  EXPECT_EQ(C("isEmpty", {M({})}), "true");
  EXPECT_EQ(C("isEmpty", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("isEmpty", {1}));
}

TEST(Lists, RangeDefaultStep) {
  const std::tuple<int, int, const char*> cases[] = {
      {-1236, -1234, "[-1236, -1235, -1234]"}, {-1234, -1234, "[-1234]"},
      {-10, -3, "[-10, -9, -8, -7, -6, -5, -4, -3]"},
      {0, -123, "[]"}, {0, -1, "[]"}, {-1, 1, "[-1, 0, 1]"}, {0, 0, "[0]"}, {0, 1, "[0, 1]"},
      {0, 10, "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"}, {1234, 1236, "[1234, 1235, 1236]"},
  };
  for (const auto& [a, b, want] : cases) EXPECT_EQ(C("range", {a, b}), want) << a << ".." << b;
}

TEST(Lists, RangeWithStep) {
  const std::tuple<int, int, int, const char*> cases[] = {
      {1381, -3412, -1298, "[1381, 83, -1215, -2513]"},
      {0, -2000, -1298, "[0, -1298]"},
      {10, -10, -3, "[10, 7, 4, 1, -2, -5, -8]"},
      {0, -10, -3, "[0, -3, -6, -9]"},
      {0, -1, -1, "[0, -1]"},
      {0, 1, -123, "[]"},
      {0, 1, -1, "[]"},
      {0, -123, 1, "[]"},
      {0, 0, -1, "[0]"},
      {0, 1, 2, "[0]"},
      {-10, 0, 3, "[-10, -7, -4, -1]"},
      {-10, 10, 3, "[-10, -7, -4, -1, 2, 5, 8]"},
      {-2000, 0, 1298, "[-2000, -702]"},
      {-3412, 1381, 1298, "[-3412, -2114, -816, 482]"},
  };
  for (const auto& [a, b, s, want] : cases) EXPECT_EQ(C("range", {a, b, s}), want) << a << ".." << b << " by " << s;
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(C("range", {kMax - 1, kMax}), "[9223372036854775806, 9223372036854775807]");
  EXPECT_EQ(C("range", {kMax - 1, kMax, kMax}), "[9223372036854775806]");
}

TEST(Lists, RangeErrors) {
  for (const auto& args : std::vector<std::vector<Value>>{{0, 0, 0}, {2, 8, 0}, {-2, 8, 0}, {2, -8, 0}})
    EXPECT_ERROR(ErrorCode::kArgumentError, Call("range", args));
  const std::vector<std::vector<Value>> bad_types = {
      {true, 1, 1}, {0, true, 1}, {0, 1, true}, {-1.1, 1, 1}, {-0.0, 1, 1}, {0.0, 1, 1}, {0, 1.1, 1},
      {0, 1, 1.1},  {"xyz", 1, 1}, {0, "xyz", 1}, {0, 1, "xyz"}, {L({0}), 1, 1}, {0, L({1}), 1},
      {M({{"start", 0}}), 1, 1}, {0, M({{"end", 1}}), 1}, {0, 1, M({{"step", 1}})}};
  for (const auto& args : bad_types) EXPECT_ERROR(ErrorCode::kArgumentError, Call("range", args));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("range", {0, int64_t{1} << 40}));  // too large to build
}

TEST(Lists, RangeInconsistentDirectionIsEmpty) {
  // List11 [3].
  for (int stop : {1, 2, 500, 1000, 1500})
    for (int step : {-1000, -3, -2, -1, 1, 2, 3, 1000}) {
      bool empty = (stop > 0) != (step > 0);
      EXPECT_EQ(Call("range", {0, stop, step}).as_list().empty(), empty) << stop << " " << step;
    }
}

TEST(Lists, CoalesceAndExists) {
  EXPECT_EQ(C("coalesce", {N, "CEO", "x"}), "'CEO'");
  EXPECT_EQ(C("coalesce", {N, N}), "null");
  EXPECT_EQ(C("coalesce", {N}), "null");
  EXPECT_EQ(C("exists", {N}), "false");
  EXPECT_EQ(C("exists", {0}), "true");
}

// ---- Maps and graph values without a store ----------------------------------------

TEST(Maps, KeysAndProperties) {
  EXPECT_EQ(C("keys", {M({{"name", "Alice"}, {"age", 38}, {"address", M({{"city", "London"}})}})}),
            "['address', 'age', 'name']");
  EXPECT_EQ(C("keys", {M({})}), "[]");
  EXPECT_EQ(C("keys", {M({{"k", N}, {"l", 1}})}), "['k', 'l']");
  EXPECT_EQ(C("keys", {N}), "null");
  EXPECT_EQ(C("properties", {M({{"name", "Popeye"}, {"level", 9001}})}), "{level: 9001, name: 'Popeye'}");
  EXPECT_EQ(C("properties", {N}), "null");
  for (const Value& v : {Value(1), Value("Cypher"), L({true, false})})
    EXPECT_ERROR(ErrorCode::kTypeError, Call("properties", {v}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("keys", {1}));
}

TEST(GraphValues, IdsEndpointsAndPaths) {
  RelRef r{7, 1, 2, 0};
  PathValue p{{NodeRef{1}, NodeRef{2}, NodeRef{3}}, {RelRef{7, 1, 2, 0}, RelRef{8, 3, 2, 0}}};
  EXPECT_EQ(C("id", {NodeRef{5}}), "5");
  EXPECT_EQ(C("id", {r}), "7");
  EXPECT_EQ(C("id", {N}), "null");
  EXPECT_EQ(C("elementId", {NodeRef{5}}), "'5'");
  EXPECT_EQ(C("elementId", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("elementId", {"5"}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("id", {1}));
  EXPECT_EQ(C("startNode", {r}), "(#1)");
  EXPECT_EQ(C("endNode", {r}), "(#2)");
  EXPECT_EQ(C("startNode", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("endNode", {NodeRef{1}}));
  EXPECT_EQ(C("nodes", {p}), "[(#1), (#2), (#3)]");
  EXPECT_EQ(C("relationships", {p}), "[[#7 1->2], [#8 3->2]]");
  EXPECT_EQ(C("length", {p}), "2");
  EXPECT_EQ(C("length", {PathValue{{NodeRef{1}}, {}}}), "0");
  EXPECT_EQ(C("nodes", {N}), "null");
  EXPECT_EQ(C("relationships", {N}), "null");
  EXPECT_EQ(C("length", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("length", {NodeRef{1}}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("length", {r}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("nodes", {L({})}));
  // Graph lookups without a store are refused cleanly.
  EXPECT_EQ(C("labels", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("labels", {1}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("labels", {NodeRef{1}}));
}

// ---- Graph functions against a real store (Graph3, Graph9, Map3) -----------------

class GraphFunctionsTest : public trendgraph::testing::GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
    auto txn = graph_->BeginWrite();
    storage::LabelId foo = txn->GetOrCreateLabel("Foo");
    storage::LabelId bar = txn->GetOrCreateLabel("Bar");
    storage::TypeId r = txn->GetOrCreateType("R");
    storage::PropKeyId name = txn->GetOrCreatePropKey("name");
    storage::PropKeyId level = txn->GetOrCreatePropKey("level");
    auto a = txn->CreateNode({foo, bar}, {{name, Value("Popeye")}, {level, Value(9001)}});
    auto b = txn->CreateNode({}, {});
    ASSERT_OK(a.status());
    ASSERT_OK(b.status());
    auto rel = txn->CreateRel(r, *a, *b, {{name, Value("knows")}});
    ASSERT_OK(rel.status());
    ASSERT_OK(txn->Commit());
    a_ = NodeRef{*a};
    b_ = NodeRef{*b};
    r_ = RelRef{*rel, *a, *b, r};
    snapshot_ = graph_->NewSnapshot();
    ctx_.reader = snapshot_.get();
    ctx_.graph = graph_.get();
  }

  Value Call(std::string_view name, std::vector<Value> args) {
    const ScalarFunctionDef* def = FindScalarFunction(name);
    return def->fn(args.data(), args.size(), ctx_);
  }

  std::unique_ptr<storage::Snapshot> snapshot_;
  FunctionContext ctx_;
  NodeRef a_, b_;
  RelRef r_;
};

TEST_F(GraphFunctionsTest, LabelsTypePropertiesKeys) {
  EXPECT_EQ(S(Call("labels", {a_})), "['Foo', 'Bar']");  // creation order
  EXPECT_EQ(S(Call("labels", {b_})), "[]");
  EXPECT_EQ(S(Call("labels", {N})), "null");
  EXPECT_EQ(S(Call("type", {r_})), "'R'");
  EXPECT_EQ(S(Call("type", {N})), "null");
  EXPECT_EQ(S(Call("properties", {a_})), "{level: 9001, name: 'Popeye'}");
  EXPECT_EQ(S(Call("properties", {b_})), "{}");
  EXPECT_EQ(S(Call("properties", {r_})), "{name: 'knows'}");
  EXPECT_EQ(S(Call("keys", {a_})), "['level', 'name']");
  EXPECT_EQ(S(Call("keys", {r_})), "['name']");
  EXPECT_EQ(S(Call("keys", {b_})), "[]");
  EXPECT_EQ(S(Call("id", {a_})), std::to_string(a_.id));
  EXPECT_EQ(S(Call("startNode", {r_})), S(Value(a_)));
  EXPECT_EQ(S(Call("endNode", {r_})), S(Value(b_)));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("labels", {1}));  // Graph3 [9]
  EXPECT_ERROR(ErrorCode::kTypeError, Call("type", {a_}));
}

TEST_F(GraphFunctionsTest, MissingEntityIsEntityNotFound) {
  EXPECT_ERROR(ErrorCode::kEntityNotFound, Call("labels", {NodeRef{a_.id + 1000}}));
  EXPECT_ERROR(ErrorCode::kEntityNotFound, Call("properties", {RelRef{r_.id + 1000, 0, 0, 0}}));
}

// The executor's view of tokens its own transaction created.
class TxnNames : public TokenNames {
 public:
  std::map<uint32_t, std::string> labels, types, keys;
  std::string LabelName(storage::LabelId id) const override { return labels.at(id); }
  std::string TypeName(storage::TypeId id) const override { return types.at(id); }
  std::string PropKeyName(storage::PropKeyId id) const override { return keys.at(id); }
};

TEST_F(GraphFunctionsTest, SeesOwnUncommittedWritesAndTokens) {
  snapshot_.reset();
  auto txn = graph_->BeginWrite();
  TxnNames names;
  storage::LabelId person = txn->GetOrCreateLabel("Person");
  storage::PropKeyId born = txn->GetOrCreatePropKey("born");
  names.labels = {{person, "Person"}};
  names.keys = {{born, "born"}};
  auto n = txn->CreateNode({person}, {{born, Value(1970)}});
  ASSERT_OK(n.status());
  ctx_.reader = txn.get();
  ctx_.names = &names;
  EXPECT_EQ(S(Call("labels", {NodeRef{*n}})), "['Person']");
  EXPECT_EQ(S(Call("properties", {NodeRef{*n}})), "{born: 1970}");
  EXPECT_EQ(S(Call("keys", {NodeRef{*n}})), "['born']");
}

// ---- Math (Mathematical*) ----------------------------------------------------------

TEST(Math, SignedAndRounding) {
  EXPECT_EQ(C("abs", {-1}), "1");
  EXPECT_EQ(C("abs", {-1.5}), "1.5");
  EXPECT_EQ(C("abs", {N}), "null");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("abs", {std::numeric_limits<int64_t>::min()}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("abs", {"1"}));
  EXPECT_EQ(C("sign", {-7}), "-1");
  EXPECT_EQ(C("sign", {0}), "0");
  EXPECT_EQ(C("sign", {2.5}), "1");
  EXPECT_EQ(C("sign", {-0.5}), "-1");
  EXPECT_EQ(C("ceil", {0.1}), "1.0");
  EXPECT_EQ(C("ceil", {1}), "1.0");
  EXPECT_EQ(C("floor", {0.9}), "0.0");
  EXPECT_EQ(C("floor", {-0.1}), "-1.0");
  EXPECT_EQ(C("round", {3.141592}), "3.0");
  EXPECT_EQ(C("round", {2.5}), "3.0");
  EXPECT_EQ(C("round", {-2.5}), "-2.0");  // Java Math.round: halves toward +infinity
  EXPECT_EQ(C("round", {-2.6}), "-3.0");
  EXPECT_EQ(C("round", {3.141592, 3}), "3.142");
  EXPECT_EQ(C("round", {2.675, 2}), "2.68");  // decimal, not binary, half-up
  EXPECT_EQ(C("round", {-1.5, 0}), "-1.0");    // precision 0 agrees with round(-1.5) (Neo4j 5 docs)
  EXPECT_EQ(C("round", {-1.55, 1}), "-1.6");   // HALF_UP is away from zero
  EXPECT_EQ(C("round", {-1.5, 0, "HALF_UP"}), "-2.0");
  EXPECT_EQ(C("round", {1.2, 1, "UNNECESSARY"}), "1.2");
  EXPECT_EQ(C("round", {1200.0, -2, "UNNECESSARY"}), "1200.0");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("round", {1.25, 1, "UNNECESSARY"}));
  EXPECT_EQ(C("round", {1234.5, -2}), "1200.0");
  EXPECT_EQ(C("round", {0.0049, 2}), "0.0");
  EXPECT_EQ(C("round", {9.99, 1}), "10.0");
  EXPECT_EQ(C("round", {1.25, 1, "HALF_EVEN"}), "1.2");
  EXPECT_EQ(C("round", {1.35, 1, "half_even"}), "1.4");
  EXPECT_EQ(C("round", {1.21, 1, "UP"}), "1.3");
  EXPECT_EQ(C("round", {-1.21, 1, "CEILING"}), "-1.2");
  EXPECT_EQ(C("round", {-1.21, 1, "FLOOR"}), "-1.3");
  EXPECT_EQ(C("round", {1.25, 1, "HALF_DOWN"}), "1.2");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("round", {1.25, 1, "SIDEWAYS"}));
  EXPECT_EQ(C("round", {N}), "null");
}

TEST(Math, Functions) {
  EXPECT_EQ(C("sqrt", {12.96}), "3.6");
  EXPECT_EQ(C("sqrt", {-1}), "NaN");
  EXPECT_EQ(C("sqrt", {N}), "null");
  EXPECT_EQ(C("exp", {0}), "1.0");
  EXPECT_EQ(C("log", {0}), "-Infinity");
  EXPECT_EQ(C("log10", {1000}), "3.0");
  EXPECT_NEAR(Call("e", {}).as_double(), 2.718281828459045, 1e-15);
  EXPECT_NEAR(Call("pi", {}).as_double(), 3.141592653589793, 1e-15);
  EXPECT_NEAR(Call("degrees", {Call("pi", {})}).as_double(), 180.0, 1e-12);
  EXPECT_NEAR(Call("radians", {180}).as_double(), M_PI, 1e-12);
  EXPECT_NEAR(Call("haversin", {0.5}).as_double(), (1 - std::cos(0.5)) / 2, 1e-15);
  EXPECT_NEAR(Call("atan2", {1, 1}).as_double(), M_PI / 4, 1e-15);
  EXPECT_NEAR(Call("cot", {1}).as_double(), 1 / std::tan(1.0), 1e-15);
  EXPECT_NEAR(Call("asin", {1}).as_double(), M_PI / 2, 1e-15);
  EXPECT_EQ(C("atan2", {N, 1}), "null");
  EXPECT_EQ(C("isNaN", {kNaN}), "true");
  EXPECT_EQ(C("isNaN", {1}), "false");
  EXPECT_EQ(C("isNaN", {N}), "null");
  EXPECT_ERROR(ErrorCode::kTypeError, Call("isNaN", {"NaN"}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("sin", {"0"}));
  for (int i = 0; i < 100; ++i) {
    double r = Call("rand", {}).as_double();
    EXPECT_GE(r, 0.0);
    EXPECT_LT(r, 1.0);
  }
}

// ---- Dates ------------------------------------------------------------------------

TEST(Dates, Construction) {
  EXPECT_EQ(C("date", {"2024-03-05"}), "date('2024-03-05')");
  EXPECT_EQ(C("date", {"20240305"}), "date('2024-03-05')");
  EXPECT_EQ(C("date", {"2024-03"}), "date('2024-03-01')");
  EXPECT_EQ(C("date", {"2024"}), "date('2024-01-01')");
  EXPECT_EQ(C("date", {"2015-W30-2"}), "date('2015-07-21')");
  EXPECT_EQ(C("date", {"2015W302"}), "date('2015-07-21')");
  EXPECT_EQ(C("date", {"2015-202"}), "date('2015-07-21')");
  EXPECT_EQ(C("date", {M({{"year", 2024}, {"month", 3}, {"day", 5}})}), "date('2024-03-05')");
  EXPECT_EQ(C("date", {M({{"year", 1910}, {"month", 5}, {"day", 6}})}), "date('1910-05-06')");
  EXPECT_EQ(C("date", {M({{"year", 1984}, {"month", 10}})}), "date('1984-10-01')");
  EXPECT_EQ(C("date", {M({{"year", 1984}})}), "date('1984-01-01')");
  EXPECT_EQ(C("date", {M({{"year", 1984}, {"week", 10}, {"dayOfWeek", 3}})}), "date('1984-03-07')");
  EXPECT_EQ(C("date", {M({{"year", 1984}, {"ordinalDay", 202}})}), "date('1984-07-20')");
  EXPECT_EQ(C("date", {M({{"year", 1984}, {"quarter", 3}, {"dayOfQuarter", 45}})}), "date('1984-08-14')");
  Date d;
  ASSERT_TRUE(DateFromCivil(2024, 3, 5, &d));
  EXPECT_EQ(C("date", {d}), "date('2024-03-05')");
  EXPECT_EQ(C("date", {M({{"date", d}, {"day", 28}})}), "date('2024-03-28')");
  EXPECT_EQ(C("date", {N}), "null");
  Value today = Call("date", {});
  ASSERT_TRUE(today.is_date());
  EXPECT_GT(today.as_date().days, 19000);  // after 2022
}

TEST(Dates, Errors) {
  for (const char* bad : {"2024-02-30", "2024-13-01", "x", "", "2024-3-5", "2023-02-29", "2015-W54-1", "2015-367"})
    EXPECT_ERROR(ErrorCode::kArgumentError, Call("date", {bad}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("date", {M({{"month", 3}})}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("date", {M({{"year", 2024}, {"hour", 3}})}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("date", {M({{"year", "2024"}})}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("date", {1}));
}

TEST(Dates, LeapYearsAndOrdering) {
  EXPECT_EQ(C("date", {"2024-02-29"}), "date('2024-02-29')");
  EXPECT_EQ(C("date", {"2000-02-29"}), "date('2000-02-29')");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("date", {"1900-02-29"}));
  Value a = Call("date", {"1980-12-24"}), b = Call("date", {"1984-10-11"});
  EXPECT_EQ(S(CypherCompareOp(CompareKind::kLt, a, b)), "true");
  EXPECT_EQ(S(CypherEquals(a, Call("date", {M({{"year", 1980}, {"month", 12}, {"day", 24}})}))), "true");
  EXPECT_EQ(S(TemporalProperty(b, "year")), "1984");
  EXPECT_GT(Call("timestamp", {}).as_int(), int64_t{1600000000000});
}

// ---- Aggregates (Aggregation1-7) ------------------------------------------------------

TEST(Aggregates, CountSumAvg) {
  EXPECT_EQ(S(Aggregate("count", Rows({1, N, "a", 1}))), "3");
  EXPECT_EQ(S(Aggregate("count", Rows({1, N, "a", 1, 1.0}), true)), "2");
  EXPECT_EQ(S(Aggregate("count", {})), "0");
  EXPECT_EQ(S(Aggregate("sum", Rows({33, N, 42}))), "75");
  EXPECT_EQ(S(Aggregate("sum", Rows({1, 2.5}))), "3.5");
  EXPECT_EQ(S(Aggregate("sum", {})), "0");
  EXPECT_EQ(S(Aggregate("sum", Rows({1, 1, 2}), true)), "3");
  std::vector<std::vector<Value>> big;
  for (int64_t i = 1000000; i < 1003000; ++i) big.push_back({Value(i)});
  EXPECT_EQ(S(Aggregate("sum", big)), "3004498500");  // Aggregation3 [2]
  EXPECT_ERROR(ErrorCode::kArgumentError,
               Aggregate("sum", Rows({std::numeric_limits<int64_t>::max(), Value(1)})));
  EXPECT_ERROR(ErrorCode::kTypeError, Aggregate("sum", Rows({1, "a"})));
  EXPECT_EQ(S(Aggregate("avg", Rows({1, 2, N}))), "1.5");
  EXPECT_EQ(S(Aggregate("avg", Rows({N}))), "null");
  EXPECT_EQ(S(Aggregate("avg", Rows({std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()}))),
            "9.223372036854776E18");
  EXPECT_ERROR(ErrorCode::kTypeError, Aggregate("avg", Rows({"a"})));
}

TEST(Aggregates, MinMax) {
  EXPECT_EQ(S(Aggregate("max", Rows({1, 2, 0, N, -1}))), "2");
  EXPECT_EQ(S(Aggregate("min", Rows({1, 2, 0, N, -1}))), "-1");
  EXPECT_EQ(S(Aggregate("max", Rows({1.0, 2.0, 0.5, N}))), "2.0");
  EXPECT_EQ(S(Aggregate("min", Rows({1.0, 2.0, 0.5, N}))), "0.5");
  EXPECT_EQ(S(Aggregate("max", Rows({1, 2.0, 5, N, 3.2, 0.1}))), "5");
  EXPECT_EQ(S(Aggregate("min", Rows({1, 2.0, 5, N, 3.2, 0.1}))), "0.1");
  EXPECT_EQ(S(Aggregate("max", Rows({"a", "b", "B", N, "abc", "abc1"}))), "'b'");
  EXPECT_EQ(S(Aggregate("min", Rows({"a", "b", "B", N, "abc", "abc1"}))), "'B'");
  EXPECT_EQ(S(Aggregate("max", Rows({L({1}), L({2}), L({2, 1})}))), "[2, 1]");
  EXPECT_EQ(S(Aggregate("min", Rows({L({1}), L({2}), L({2, 1})}))), "[1]");
  EXPECT_EQ(S(Aggregate("max", Rows({1, "a", N, L({1, 2}), 0.2, "b"}))), "1");
  EXPECT_EQ(S(Aggregate("min", Rows({1, "a", N, L({1, 2}), 0.2, "b"}))), "[1, 2]");
  EXPECT_EQ(S(Aggregate("max", Rows({N}))), "null");
  EXPECT_EQ(S(Aggregate("min", {})), "null");
}

TEST(Aggregates, Collect) {
  EXPECT_EQ(S(Aggregate("collect", Rows({N}))), "[]");
  EXPECT_EQ(S(Aggregate("collect", Rows({42, 43, 44}))), "[42, 43, 44]");
  EXPECT_EQ(S(Aggregate("collect", Rows({1, N, 1, 1.0, 2}), true)), "[1, 2]");
  EXPECT_EQ(S(Aggregate("collect", Rows({L({1, N}), L({1, N})}), true)), "[[1, null]]");
  EXPECT_EQ(S(Aggregate("collect", {})), "[]");
}

TEST(Aggregates, Percentiles) {
  auto rows = [](double p) {
    return std::vector<std::vector<Value>>{{10.0, p}, {20.0, p}, {30.0, p}};
  };
  EXPECT_EQ(S(Aggregate("percentileDisc", rows(0.0))), "10.0");
  EXPECT_EQ(S(Aggregate("percentileDisc", rows(0.5))), "20.0");
  EXPECT_EQ(S(Aggregate("percentileDisc", rows(1.0))), "30.0");
  EXPECT_EQ(S(Aggregate("percentileCont", rows(0.0))), "10.0");
  EXPECT_EQ(S(Aggregate("percentileCont", rows(0.5))), "20.0");
  EXPECT_EQ(S(Aggregate("percentileCont", rows(1.0))), "30.0");
  EXPECT_EQ(S(Aggregate("percentileCont", rows(0.25))), "15.0");
  EXPECT_EQ(S(Aggregate("percentileDisc", {{Value(1), Value(0.5)}, {Value(2), Value(0.5)}})), "1");
  for (const Value& p : {Value(1000), Value(-1), Value(1.1)}) {
    EXPECT_ERROR(ErrorCode::kArgumentError, Aggregate("percentileCont", {{Value(10.0), p}}));
    EXPECT_ERROR(ErrorCode::kArgumentError, Aggregate("percentileDisc", {{Value(10.0), p}}));
  }
  // Aggregation6 [5]: arguments swapped, the "percentile" is a degree > 2.
  EXPECT_ERROR(ErrorCode::kArgumentError, Aggregate("percentileDisc", {{Value(0.90), Value(3)}}));
  EXPECT_EQ(S(Aggregate("percentileDisc", {{N, Value(0.5)}})), "null");
}

TEST(Aggregates, StandardDeviation) {
  auto rows = Rows({2, 4, 4, 4, 5, 5, 7, 9});
  EXPECT_NEAR(Aggregate("stDevP", rows).as_double(), 2.0, 1e-12);
  EXPECT_NEAR(Aggregate("stDev", rows).as_double(), std::sqrt(32.0 / 7.0), 1e-12);
  EXPECT_EQ(S(Aggregate("stDev", Rows({5}))), "0.0");
  EXPECT_EQ(S(Aggregate("stDevP", {})), "0.0");
  EXPECT_NEAR(Aggregate("stDevP", Rows({2, 2, 4, N}), true).as_double(), 1.0, 1e-12);
  EXPECT_ERROR(ErrorCode::kTypeError, Aggregate("stDev", Rows({"x"})));
}

TEST(Random, RandomUuidIsVersion4AndFresh) {
  std::string a = Call("randomUUID", {}).as_string();
  std::string b = Call("randomUUID", {}).as_string();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.size(), 36u);
  for (size_t i : {8u, 13u, 18u, 23u}) EXPECT_EQ(a[i], '-') << a;
  EXPECT_EQ(a[14], '4') << a;                                    // version
  EXPECT_NE(std::string("89ab").find(a[19]), std::string::npos) << a;  // variant
  EXPECT_FALSE(FindScalarFunction("randomUUID")->deterministic);
}

TEST(Strings, UpperSharpS) {
  EXPECT_EQ(C("toUpper", {"straße"}), "'STRASSE'");
  EXPECT_EQ(C("toLower", {"STRASSE"}), "'strasse'");
}

TEST(Dates, StatementTransactionRealtimeClocks) {
  const ScalarFunctionDef* st = FindScalarFunction("datetime.statement");
  const ScalarFunctionDef* tx = FindScalarFunction("date.transaction");
  const ScalarFunctionDef* rt = FindScalarFunction("datetime.realtime");
  ASSERT_NE(st, nullptr);
  ASSERT_NE(tx, nullptr);
  ASSERT_NE(rt, nullptr);
  FunctionContext ctx;
  ctx.statement_time_nanos = int64_t{86400} * 1000000000 + 5;  // 1970-01-02T00:00:00.000000005Z
  Value dt = st->fn(nullptr, 0, ctx);
  ASSERT_EQ(dt.type(), Value::Type::kDateTime);
  EXPECT_EQ(ToCypherString(dt), "1970-01-02T00:00:00.000000005Z");
  Value zone("+05:00");
  EXPECT_EQ(ToCypherString(st->fn(&zone, 1, ctx)), "1970-01-02T05:00:00.000000005+05:00");
  Value west("-01:00");
  EXPECT_EQ(ToCypherString(tx->fn(&west, 1, ctx)), "1970-01-01");  // still the 1st west of UTC
  // realtime ignores the statement's clock.
  Value now = rt->fn(nullptr, 0, ctx);
  EXPECT_GT(now.as_date_time().seconds, int64_t{1700000000});
  Value bad("Mars/Olympus");
  EXPECT_ERROR(ErrorCode::kArgumentError, st->fn(&bad, 1, ctx));
  Value null;
  EXPECT_TRUE(st->fn(&null, 1, ctx).is_null());
}

}  // namespace
}  // namespace trendgraph::query
