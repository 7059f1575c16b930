// Read-path shortcuts must not change answers: the flat id map, NodeFilter's
// switch from point reads to a label bitmap, per-node count(*) grouping,
// pooled adjacency iterators (nested expansions), the snapshot's
// last-node-record cache, and the filter's per-node memo.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>

#include "query/executor/flat_id_map.h"
#include "query/query_api.h"
#include "storage/graph_store.h"
#include "graph_test.h"
#include "rows_sink.h"

namespace trendgraph::query {
namespace {

TEST(FlatIdMapTest, AgreesWithUnorderedMapAndKeepsInsertionOrder) {
  FlatIdMap<uint64_t> flat;
  std::unordered_map<uint64_t, uint64_t> ref;
  std::vector<uint64_t> order;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 200000; ++i) {
    uint64_t id = rng() % 50000 + (i % 3 == 0 ? (uint64_t{1} << 40) : 0);
    bool inserted = false;
    ++flat.FindOrInsert(id, 0, &inserted);
    EXPECT_EQ(inserted, ref.find(id) == ref.end());
    if (inserted) order.push_back(id);
    ++ref[id];
  }
  ASSERT_EQ(flat.size(), ref.size());
  for (size_t i = 0; i < order.size(); ++i) {
    ASSERT_EQ(flat.entries()[i].first, order[i]);
    ASSERT_EQ(flat.entries()[i].second, ref[order[i]]);
  }
  EXPECT_EQ(flat.Find(uint64_t{1} << 50), nullptr);
  ASSERT_NE(flat.Find(order[0]), nullptr);
  flat.clear();
  EXPECT_EQ(flat.Find(order[0]), nullptr);
}

using CollectSink = testing::RowsSink;

class ReadPathTest : public trendgraph::testing::GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
    // A hub with 3000 targets :T: i % 3 == 0 -> :A, 1 -> :B, 2 -> :A:B; each
    // target links on to the next two (nested expansions).
    ASSERT_OK(graph_->CreatePropertyIndex("T", "i"));
    ASSERT_TRUE(Rows("CREATE (:Hub {name: 'h'})").ok);
    for (const char* labels : {":T:A", ":T:B", ":T:A:B"}) {
      int rest = labels == std::string(":T:A") ? 0 : labels == std::string(":T:B") ? 1 : 2;
      QueryOutcome o = Rows("MATCH (h:Hub) UNWIND [i IN range(0, 2999) WHERE i % 3 = " + std::to_string(rest) +
                            "] AS i CREATE (h)-[:R]->(" + labels + " {i: i, g: i % 7})");
      ASSERT_TRUE(o.ok) << o.error.message;
    }
    ASSERT_TRUE(Rows("UNWIND range(0, 2998) AS i MATCH (x:T {i: i}), (y:T {i: i + 1}) CREATE (x)-[:S]->(y)").ok);
    ASSERT_TRUE(Rows("UNWIND range(0, 2997) AS i MATCH (x:T {i: i}), (y:T {i: i + 2}) CREATE (x)-[:S]->(y)").ok);
  }
  QueryOutcome Rows(const std::string& q, CollectSink* sink = nullptr) {
    CollectSink local;
    return ExecuteQuery(*graph_, q, {}, QueryOptions(), &procs_, sink ? sink : &local);
  }
  int64_t Count(const std::string& q) {
    CollectSink sink;
    QueryOutcome o = Rows(q, &sink);
    EXPECT_TRUE(o.ok) << o.error.message;
    return sink.rows.size() == 1 ? sink.rows[0][0].as_int() : -1;
  }

  ProcedureRegistry procs_;
};

TEST_F(ReadPathTest, LabelFilterOverManyDistinctNodesMatchesTheLabelScan) {
  // 3000 distinct targets: well past the point where NodeFilter builds bitmaps.
  EXPECT_EQ(Count("MATCH (:Hub)-[:R]->(x:A) RETURN count(*)"), 2000);
  EXPECT_EQ(Count("MATCH (:Hub)-[:R]->(x:B) RETURN count(*)"), 2000);
  EXPECT_EQ(Count("MATCH (:Hub)-[:R]->(x:A:B) RETURN count(*)"), 1000);
  EXPECT_EQ(Count("MATCH (:Hub)-[:R]->(x:Nope) RETURN count(*)"), 0);
  EXPECT_EQ(Count("MATCH (:Hub)-[:R]->(x:A) WHERE x.i % 3 = 1 RETURN count(*)"), 0);
  EXPECT_EQ(Count("MATCH (x:A:B) RETURN count(x)"), 1000);
}

TEST_F(ReadPathTest, NestedExpansionsOverPooledIterators) {
  // Every target but the last two has two S successors, each of which has two
  // (but the last ones): paths of length 2 = sum over x of successors' degrees.
  EXPECT_EQ(Count("MATCH (:Hub)-[:R]->(x)-[:S]->(y) RETURN count(*)"), 2 * 3000 - 3);
  EXPECT_EQ(Count("MATCH (:Hub)-[:R]->(x)-[:S]->(y)-[:S]->(z) RETURN count(*)"), 4 * 3000 - 12);
  EXPECT_EQ(Count("MATCH (x {i: 5}) RETURN size([(x)-[:S]->(y) | y])"), 2);
  EXPECT_EQ(Count("MATCH (x {i: 2999})<-[:S]-(w) RETURN count(w)"), 2);
}

TEST_F(ReadPathTest, CountPerNodeThenRegroupByKey) {
  CollectSink sink;
  QueryOutcome o =
      Rows("MATCH (:Hub)-[:R]->(x)-[:S]->(y:A) RETURN y.g AS g, count(*) AS n ORDER BY g", &sink);
  ASSERT_TRUE(o.ok) << o.error.message;
  // Reference: the same counts computed per y without entity grouping.
  std::vector<int64_t> expect(7, 0);
  for (int y = 1; y < 3000; ++y)
    if (y % 3 != 1) expect[y % 7] += (y >= 2 ? 2 : 1);
  ASSERT_EQ(sink.rows.size(), 7u);
  for (int g = 0; g < 7; ++g) {
    EXPECT_EQ(sink.rows[g][0].as_int(), g);
    EXPECT_EQ(sink.rows[g][1].as_int(), expect[g]) << "g=" << g;
  }
}

TEST_F(ReadPathTest, RelationshipTypesResolvedOncePerReadQueryButPerRowInWrites) {
  // A read query resolves :R once for 3000 input rows; an unknown type
  // matches nothing.
  EXPECT_EQ(Count("MATCH (x:T)<-[:R]-(h) RETURN count(*)"), 3000);
  EXPECT_EQ(Count("MATCH (x:T)-[:NEVER|S]->(y) RETURN count(*)"), 2 * 3000 - 3);
  EXPECT_EQ(Count("MATCH (x:T)-[:NEVER]->(y) RETURN count(*)"), 0);
  // A write query sees the type it created a row earlier: MERGE's match
  // branch expands :FRESH before it exists (row 1 creates it) and must find
  // it for row 2, or it would create a second relationship.
  EXPECT_EQ(Count("UNWIND [1, 2] AS i MATCH (x:T {i: 0}) MERGE (x)-[:FRESH]->(y:T {i: 1}) RETURN count(*)"), 2);
  EXPECT_EQ(Count("MATCH ()-[r:FRESH]->() RETURN count(r)"), 1);
}

TEST_F(ReadPathTest, PropertiesAndLabelsOfTheSameNodeInARow) {
  CollectSink sink;
  QueryOutcome o = Rows(
      "MATCH (:Hub)-[:R]->(x) WHERE x.i IN [3, 4, 5] "
      "RETURN x.i AS i, labels(x) AS l, x.g AS g, x.i * 10 AS t ORDER BY i",
      &sink);
  ASSERT_TRUE(o.ok) << o.error.message;
  ASSERT_EQ(sink.rows.size(), 3u);
  EXPECT_EQ(sink.rows[0][1].as_list().size(), 2u);  // 3: :T:A
  EXPECT_EQ(sink.rows[1][1].as_list().size(), 2u);  // 4: :T:B
  EXPECT_EQ(sink.rows[2][1].as_list().size(), 3u);  // 5: :T:A:B
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(sink.rows[r][2].as_int(), (3 + r) % 7);
    EXPECT_EQ(sink.rows[r][3].as_int(), (3 + r) * 10);
  }
}

// Filter memo (planner.cc MarkFilterMemo): a pure predicate of node
// variables answered once per node of the variable bound right below, while
// the others stay the same. Each answer is checked against a count computed
// here, and against the same predicate with `rand() < 2` ANDed in (always
// true, but non-deterministic: no memo).
TEST_F(ReadPathTest, FilterMemoAgreesWithEvaluationPerRow) {
  // x -[:S]-> y for y = x + 1 and x + 2: every y but 0 and 1 is reached twice.
  auto pairs = [](auto keep) {
    int64_t n = 0;
    for (int x = 0; x < 3000; ++x)
      for (int y = x + 1; y <= x + 2 && y < 3000; ++y) n += keep(x, y);
    return n;
  };
  struct Case {
    std::string match, where;
    int64_t expect;
    std::string memo;  // the EXPLAIN mark, "" = none
  };
  const std::vector<Case> cases = {
      // The context (h) never changes: the memo answers y's second visit.
      {"MATCH (h:Hub)-[:R]->(x)-[:S]->(y)", "y.g > 3 AND h.name = 'h'", pairs([](int, int y) { return y % 7 > 3; }),
       "memo per y"},
      // The context (x) changes every second row: the memo is cleared each
      // time and soon switched off; answers stay exact.
      {"MATCH (:Hub)-[:R]->(x)-[:S]->(y)", "y.g > x.g", pairs([](int x, int y) { return y % 7 > x % 7; }),
       "memo per y"},
      // The context (c) changes twice, between runs of 3000 rows each: the
      // memo of one c must not answer for the next.
      {"UNWIND [0, 1, 2] AS k MATCH (c:T {i: k}) MATCH (:Hub)-[:R]->(y)", "y.g > c.g",
       [] {
         int64_t n = 0;
         for (int k = 0; k < 3; ++k)
           for (int y = 0; y < 3000; ++y) n += y % 7 > k;
         return n;
       }(),
       "memo per y"},
      // A node compared as a value, and labels.
      {"MATCH (:Hub)-[:R]->(x)-[:S]->(y)", "y <> x AND y:A", pairs([](int, int y) { return y % 3 != 1; }),
       "memo per y"},
      // A relationship variable in the predicate keeps it per row.
      {"MATCH (:Hub)-[:R]->(x)-[s:S]->(y)", "y.g > 3 OR s IS NULL", pairs([](int, int y) { return y % 7 > 3; }),
       ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.match + " WHERE " + c.where);
    const std::string q = c.match + " WHERE " + c.where + " RETURN count(*)";
    EXPECT_EQ(Count(q), c.expect);
    EXPECT_EQ(Count(c.match + " WHERE " + c.where + " AND rand() < 2 RETURN count(*)"), c.expect);
    CollectSink plan;
    ASSERT_TRUE(Rows("EXPLAIN " + q, &plan).ok);
    std::string text;
    for (auto& row : plan.rows) text += row[0].as_string() + "\n";
    if (c.memo.empty()) {
      EXPECT_EQ(text.find("memo per"), std::string::npos) << text;
    } else {
      EXPECT_NE(text.find(c.memo), std::string::npos) << text;
    }
  }
  // A query with updates never memoizes (its reads see its own writes).
  EXPECT_EQ(Count("MATCH (h:Hub)-[:R]->(x)-[:S]->(y) WHERE y.g > 3 AND h.name = 'h' SET y.seen = true "
                  "RETURN count(*)"),
            pairs([](int, int y) { return y % 7 > 3; }));
}

// Aggregation by a unique key (planner.cc InjectiveKey): groups of distinct
// nodes are not merged by key, except null keys, which still merge. The
// rows must equal those of the same key written so that the planner cannot
// see it is unique (u.name + '').
TEST_F(ReadPathTest, UniqueKeyGroupsAgreeWithMergedGroups) {
  ASSERT_OK(graph_->CreateUniqueIndex("U", "name"));
  ASSERT_TRUE(Rows("CREATE (:Hub2)").ok);
  // 300 named :U nodes, each linked k % 3 + 1 times; 20 without a name,
  // linked twice each.
  QueryOutcome o = Rows(
      "MATCH (h:Hub2) UNWIND range(0, 299) AS k CREATE (u:U {name: 'u' + toString(k)}) "
      "WITH h, u, k UNWIND range(0, k % 3) AS r CREATE (h)-[:M]->(u)");
  ASSERT_TRUE(o.ok) << o.error.message;
  o = Rows("MATCH (h:Hub2) UNWIND range(1, 20) AS k CREATE (u:U {other: k}), (h)-[:M]->(u), (h)-[:M]->(u)");
  ASSERT_TRUE(o.ok) << o.error.message;
  auto rows = [&](const std::string& key) {
    CollectSink sink;
    QueryOutcome r = Rows("MATCH (:Hub2)-[:M]->(u:U) RETURN " + key + " AS n, count(*) AS c ORDER BY n", &sink);
    EXPECT_TRUE(r.ok) << r.error.message;
    std::vector<std::pair<std::string, int64_t>> out;
    for (auto& row : sink.rows) out.emplace_back(row[0].is_null() ? "<null>" : row[0].as_string(), row[1].as_int());
    return out;
  };
  auto unique = rows("u.name");
  EXPECT_EQ(unique, rows("u.name + ''"));
  ASSERT_EQ(unique.size(), 301u);
  EXPECT_EQ(unique.back(), std::make_pair(std::string("<null>"), int64_t{40}));
  int64_t total = 0;
  for (auto& [n, c] : unique) total += c;
  EXPECT_EQ(total, 300 + 300 + 40);  // k % 3 + 1 summed over 0..299: 600
  CollectSink plan;
  ASSERT_TRUE(Rows("EXPLAIN MATCH (:Hub2)-[:M]->(u:U) RETURN u.name AS n, count(*) AS c", &plan).ok);
  std::string text;
  for (auto& row : plan.rows) text += row[0].as_string() + "\n";
  EXPECT_NE(text.find("unique key"), std::string::npos) << text;
  // Without a label known to carry the unique index, keys are merged.
  plan.rows.clear();
  ASSERT_TRUE(Rows("EXPLAIN MATCH (:Hub2)-[:M]->(u) RETURN u.name AS n, count(*) AS c", &plan).ok);
  text.clear();
  for (auto& row : plan.rows) text += row[0].as_string() + "\n";
  EXPECT_EQ(text.find("unique key"), std::string::npos) << text;
}

}  // namespace
}  // namespace trendgraph::query
