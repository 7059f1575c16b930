// Fast paths of aggregation and sorting must give the answers of the plain
// ones: the GroupTable (Cypher equivalence of keys), grouping by entity then
// merging groups with equal keys (null keys, 1 ~ 1.0), Top-N that compares
// keys in place, count(DISTINCT n) over nodes, and the breadth-first
// "distinct ends" variable-length expansion (self-loops, parallel
// relationships, both directions, *0..).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "query/executor/group_table.h"
#include "query/query_api.h"
#include "storage/graph_store.h"
#include "graph_test.h"
#include "rows_sink.h"

namespace trendgraph::query {
namespace {

TEST(GroupTableTest, GroupsByEquivalenceInInsertionOrder) {
  GroupTable t(2);
  auto add = [&](Value a, Value b, bool* added) {
    Value k[2] = {std::move(a), std::move(b)};
    return t.FindOrAdd(k, added);
  };
  bool added = false;
  EXPECT_EQ(add(Value(int64_t{1}), Value("x"), &added), 0u);
  EXPECT_TRUE(added);
  EXPECT_EQ(add(Value(1.0), Value("x"), &added), 0u);  // 1 ~ 1.0
  EXPECT_FALSE(added);
  EXPECT_EQ(add(Value(), Value("x"), &added), 1u);  // null is a key of its own
  EXPECT_TRUE(added);
  EXPECT_EQ(add(Value(), Value("x"), &added), 1u);  // and equal to itself
  EXPECT_FALSE(added);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(add(Value(nan), Value(), &added), 2u);
  EXPECT_EQ(add(Value(nan), Value(), &added), 2u);  // NaN ~ NaN
  EXPECT_FALSE(added);
  EXPECT_EQ(add(Value("x"), Value(int64_t{1}), &added), 3u);  // order matters
  EXPECT_TRUE(added);
  EXPECT_EQ(add(Value(Value::List{Value(int64_t{2})}), Value(), &added), 4u);
  EXPECT_EQ(add(Value(Value::List{Value(2.0)}), Value(), &added), 4u);  // [2] ~ [2.0]
  EXPECT_FALSE(added);
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t.key(0)[0].as_int(), 1);  // the first spelling is kept
  EXPECT_EQ(t.key(3)[0].as_string(), "x");
}

TEST(GroupTableTest, AgreesWithAnOrderedMapOverManyKeys) {
  GroupTable t(1);
  std::map<int64_t, uint32_t> ref;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 100000; ++i) {
    if (i == 5000) t.Reserve(40000);  // rehashes the groups so far; keys stay
    int64_t v = static_cast<int64_t>(rng() % 20000);
    // Every third key as a string: never equivalent to the integer.
    Value k[1] = {i % 3 == 0 ? Value(std::to_string(v)) : Value(v)};
    int64_t ref_key = i % 3 == 0 ? -v - 1 : v;
    bool added = false;
    uint32_t g = t.FindOrAdd(k, &added);
    auto it = ref.find(ref_key);
    if (it == ref.end()) {
      ASSERT_TRUE(added);
      ASSERT_EQ(g, ref.size());
      ref.emplace(ref_key, g);
    } else {
      ASSERT_FALSE(added);
      ASSERT_EQ(g, it->second);
    }
  }
  EXPECT_EQ(t.size(), ref.size());
  for (auto& [k, g] : ref) {
    const Value& key = t.key(g)[0];
    EXPECT_TRUE(k < 0 ? key.as_string() == std::to_string(-k - 1) : key.as_int() == k);
  }
  t.clear();
  EXPECT_EQ(t.size(), 0u);
}

using CollectSink = testing::RowsSink;

class AggregationPathsTest : public trendgraph::testing::GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
  }
  std::vector<std::vector<Value>> Run(const std::string& q, std::string* plan = nullptr) {
    CollectSink sink;
    QueryOutcome o = ExecuteQuery(*graph_, q, {}, QueryOptions(), &procs_, &sink);
    EXPECT_TRUE(o.ok) << q << ": " << o.error.message;
    if (plan) *plan = o.plan;
    return sink.rows;
  }
  std::string Plan(const std::string& q) {
    std::string plan;
    Run("EXPLAIN " + q, &plan);
    return plan;
  }
  int64_t Int(const std::string& q) {
    auto rows = Run(q);
    EXPECT_EQ(rows.size(), 1u) << q;
    return rows.size() == 1 && rows[0][0].is_int() ? rows[0][0].as_int() : -1;
  }

  // A random multigraph: nodes :N {i}, relationships :X / :Y with self-loops
  // and parallel relationships in both directions.
  void RandomGraph(int nodes, int rels, uint64_t seed) {
    Run("UNWIND range(0, " + std::to_string(nodes - 1) + ") AS i CREATE (:N {i: i})");
    std::mt19937_64 rng(seed);
    std::string lists[2];
    for (int r = 0; r < rels; ++r) {
      int a = static_cast<int>(rng() % nodes);
      int b = rng() % 8 == 0 ? a : static_cast<int>(rng() % nodes);  // some self-loops
      if (r % 5 == 0 && r > 0) b = a == 0 ? 1 : a - 1;                // and parallel pairs
      std::string& l = lists[rng() % 2];
      l += (l.empty() ? "[" : ", [") + std::to_string(a) + ", " + std::to_string(b) + "]";
    }
    for (int t = 0; t < 2; ++t)
      Run("UNWIND [" + lists[t] + "] AS e MATCH (a:N {i: e[0]}), (b:N {i: e[1]}) CREATE (a)-[:" +
          (t == 0 ? "X" : "Y") + "]->(b)");
    EXPECT_EQ(Int("MATCH ()-[r]->() RETURN count(r)"), rels);
  }

  ProcedureRegistry procs_;
};

TEST_F(AggregationPathsTest, PerNodeGroupsMergeOnEqualKeysAndNullKeys) {
  // Ten targets; keys: 1, 1.0 (equivalent), 'a' twice, null (no property) three
  // times, and distinct others. Each target i gets i + 1 incoming :R.
  Run("UNWIND range(0, 9) AS i CREATE (:T {i: i})");
  Run("MATCH (t:T) WHERE t.i IN [0, 1] SET t.k = CASE t.i WHEN 0 THEN 1 ELSE 1.0 END");
  Run("MATCH (t:T) WHERE t.i IN [2, 3] SET t.k = 'a'");
  Run("MATCH (t:T) WHERE t.i IN [7, 8, 9] SET t.k = t.i * 100");
  Run("MATCH (t:T) UNWIND range(0, t.i) AS j CREATE (:S)-[:R]->(t)");
  // Expected: key 1 -> 1 + 2 = 3; 'a' -> 3 + 4 = 7; null (4, 5, 6) -> 5 + 6 + 7 = 18;
  // 700 -> 8, 800 -> 9, 900 -> 10.
  auto rows = Run("MATCH (:S)-[:R]->(t:T) RETURN t.k AS k, count(*) AS n ORDER BY n DESC");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_TRUE(rows[0][0].is_null());
  EXPECT_EQ(rows[0][1].as_int(), 18);
  EXPECT_EQ(rows[1][0].as_int(), 900);
  EXPECT_EQ(rows[1][1].as_int(), 10);
  EXPECT_EQ(rows[4][0].as_string(), "a");
  EXPECT_EQ(rows[4][1].as_int(), 7);
  EXPECT_TRUE(rows[5][0].is_number());
  EXPECT_EQ(rows[5][0].as_number(), 1.0);
  EXPECT_EQ(rows[5][1].as_int(), 3);
  // Two keys over two entities (the per-combination table) and the general
  // path (sum() is not count(*)) agree with it.
  auto two = Run(
      "MATCH (s:S)-[:R]->(t:T) WITH s, t MATCH (u:T {i: 0}) RETURN t.k AS k, u.i AS u, count(*) AS n "
      "ORDER BY n DESC");
  ASSERT_EQ(two.size(), 6u);
  EXPECT_EQ(two[0][2].as_int(), 18);
  auto general = Run("MATCH (:S)-[:R]->(t:T) RETURN t.k AS k, sum(1) AS n ORDER BY n DESC");
  ASSERT_EQ(general.size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(general[i][1].as_int(), rows[i][1].as_int());
}

TEST_F(AggregationPathsTest, TopNEqualsTheHeadOfTheFullSort) {
  Run("UNWIND range(0, 1999) AS i CREATE (:P {i: i, g: i % 37, s: CASE WHEN i % 11 = 0 THEN null "
      "ELSE toString(i % 53) END})");
  for (const char* order : {"n DESC, g ASC", "s ASC, g DESC", "s DESC, n ASC", "g * -1 ASC, s ASC",
                            "toString(g) DESC"}) {
    std::string base = std::string("MATCH (p:P) RETURN p.g AS g, p.s AS s, count(*) AS n ORDER BY ") + order;
    auto full = Run(base);
    for (int k : {1, 7, 50}) {
      auto top = Run(base + " LIMIT " + std::to_string(k));
      ASSERT_EQ(top.size(), std::min<size_t>(k, full.size())) << order;
      for (size_t r = 0; r < top.size(); ++r)
        for (size_t c = 0; c < 3; ++c)
          EXPECT_TRUE(top[r][c].Identical(full[r][c])) << order << " k=" << k << " row " << r;
      auto skipped = Run(base + " SKIP 3 LIMIT " + std::to_string(k));
      for (size_t r = 0; r < skipped.size(); ++r)
        EXPECT_TRUE(skipped[r][2].Identical(full[r + 3][2])) << order;
    }
  }
}

TEST_F(AggregationPathsTest, CountDistinctNodesAndOtherValues) {
  Run("UNWIND range(0, 4999) AS i CREATE (:Q {i: i})");
  EXPECT_EQ(Int("MATCH (a:Q) UNWIND range(0, 2) AS j RETURN count(DISTINCT a)"), 5000);
  EXPECT_EQ(Int("MATCH (a:Q) UNWIND [a, a, a.i, a.i * 1.0, null] AS x RETURN count(DISTINCT x)"), 10000);
}

TEST_F(AggregationPathsTest, DistinctEndsOfVariableLengthPathsEqualTrailEnds) {
  RandomGraph(60, 150, 5);
  // The first form plans the breadth-first expansion; the second reads the
  // relationship list, so it enumerates every trail.
  struct Shape {
    const char* pattern;
    const char* where;
  };
  const Shape shapes[] = {
      {"(k)-[*1..2]-(n)", "n <> k"}, {"(k)-[*1..2]-(n)", "true"},  {"(k)-[*..2]->(n)", "true"},
      {"(k)<-[*..2]-(n)", "true"},     {"(k)-[:X*0..2]-(n)", "true"}, {"(k)-[:Y*1]->(n)", "true"},
      {"(k)-[:X|Y*0..1]-(n)", "true"}, {"(k)<-[:X*1..2]-(n)", "n.i > 10"},
  };
  for (const Shape& s : shapes) {
    auto fast = [&](int i) {
      return "MATCH (k:N {i: " + std::to_string(i) + "}) MATCH " + s.pattern + " WHERE " + s.where +
             " RETURN count(DISTINCT n) AS c, min(n.i) AS lo, max(n.i) AS hi";
    };
    auto slow = [&](int i) {
      return "MATCH (k:N {i: " + std::to_string(i) + "}) MATCH p = " + s.pattern + " WHERE " + s.where +
             " WITH n, length(p) AS len RETURN count(DISTINCT n) AS c, min(n.i) AS lo, max(n.i) AS hi";
    };
    ASSERT_NE(Plan(fast(0)).find("distinct ends"), std::string::npos) << fast(0) << "\n" << Plan(fast(0));
    ASSERT_EQ(Plan(slow(0)).find("distinct ends"), std::string::npos) << slow(0);
    for (int i = 0; i < 60; i += 3) {
      const std::string q1 = fast(i);
      auto a = Run(q1), b = Run(slow(i));
      ASSERT_EQ(a.size(), 1u);
      ASSERT_EQ(b.size(), 1u);
      for (size_t c = 0; c < 3; ++c) EXPECT_TRUE(a[0][c].Identical(b[0][c])) << q1 << " column " << c;
    }
  }
  // Over all start nodes at once (one input row per k) and RETURN DISTINCT.
  EXPECT_EQ(Int("MATCH (k:N)-[*1..2]-(n) RETURN count(DISTINCT [k, n])"),
            Int("MATCH (k:N)-[r*1..2]-(n) WITH k, n, size(r) AS s RETURN count(DISTINCT [k, n])"));
  auto distinct = Run("MATCH (k:N {i: 0})-[*1..2]-(n) RETURN DISTINCT n.i AS i ORDER BY i");
  auto reference = Run("MATCH (k:N {i: 0})-[r*1..2]-(n) WITH n, r RETURN DISTINCT n.i AS i, size(r) > 0 AS x ORDER BY i");
  ASSERT_EQ(distinct.size(), reference.size());
  for (size_t r = 0; r < distinct.size(); ++r) EXPECT_TRUE(distinct[r][0].Identical(reference[r][0]));
}

TEST_F(AggregationPathsTest, DistinctEndsStartNodeNeedsADifferentRelationshipBack) {
  // a -> b once: a is not at the end of a trail from a (going back over the
  // same relationship is not allowed) ...
  Run("CREATE (:N {i: 0})-[:X]->(:N {i: 1})");
  const std::string q = "MATCH (k:N {i: 0})-[*1..2]-(n) RETURN count(DISTINCT n) AS c";
  ASSERT_NE(Plan(q).find("distinct ends"), std::string::npos);
  EXPECT_EQ(Int(q), 1);
  // ... but with a second, parallel relationship it is.
  Run("MATCH (a:N {i: 0}), (b:N {i: 1}) CREATE (b)-[:X]->(a)");
  EXPECT_EQ(Int(q), 2);
  EXPECT_EQ(Int("MATCH (k:N {i: 0})-[*1..2]->(n) RETURN count(DISTINCT n) AS c"), 2);  // a -> b -> a
  EXPECT_EQ(Int("MATCH (k:N {i: 0})-[*1..1]-(n) RETURN count(DISTINCT n) AS c"), 1);
  // A self-loop is a trail of length 1 from its node.
  Run("CREATE (:N {i: 5})-[:Y]->(:N {i: 6})");
  Run("MATCH (c:N {i: 5}) CREATE (c)-[:Y]->(c)");
  EXPECT_EQ(Int("MATCH (k:N {i: 5})-[*1..1]-(n) RETURN count(DISTINCT n) AS c"), 2);
  EXPECT_EQ(Int("MATCH (k:N {i: 6})-[*1..2]-(n) RETURN count(DISTINCT n) AS c"), 1);  // 5 only: 6-5-6 reuses
  EXPECT_EQ(Int("MATCH (k:N {i: 6})-[*0..2]-(n) RETURN count(DISTINCT n) AS c"), 2);
}

TEST_F(AggregationPathsTest, DistinctEndsOnlyWhenDuplicatesCannotMatter) {
  Run("CREATE (:N {i: 0})");
  for (const char* q : {
           "MATCH (k:N)-[*1..2]-(n) RETURN count(n)",                        // counts every trail
           "MATCH (k:N)-[*1..2]-(n) RETURN collect(DISTINCT n)",              // order of first sight
           "MATCH (k:N)-[*1..3]-(n) RETURN count(DISTINCT n)",                // longer trails
           "MATCH (k:N)-[*2..2]-(n) RETURN count(DISTINCT n)",                // min hops 2
           "MATCH (k:N)-[r*1..2]-(n) RETURN count(DISTINCT r)",               // reads the list
           "MATCH (k:N)-[*1..2]-(n) WITH n LIMIT 3 RETURN count(DISTINCT n)",  // LIMIT counts rows
           "MATCH (k:N)-[*1..2]-(n) WHERE rand() < n.i RETURN count(DISTINCT n)",
           "MATCH (k:N)-[*1..2 {w: 1}]-(n) RETURN count(DISTINCT n)",
           "MATCH (k:N)-[r]-(m)-[*1..2]-(n) RETURN count(DISTINCT n)",  // must differ from r
       })
    EXPECT_EQ(Plan(q).find("distinct ends"), std::string::npos) << q;
}

}  // namespace
}  // namespace trendgraph::query
