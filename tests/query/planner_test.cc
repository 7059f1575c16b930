// Planner choices, checked through EXPLAIN / PROFILE text on a real database:
// index seeks for equality on an indexed (label, key), label scans otherwise,
// the selective end of a pattern first, Top-N sorts and LIMIT stopping scans.
#include <gtest/gtest.h>

#include "query/query_api.h"
#include "storage/graph_store.h"
#include "graph_test.h"
#include "rows_sink.h"

namespace trendgraph::query {
namespace {

using PlanSink = testing::RowsSink;

class PlannerTest : public trendgraph::testing::GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
    Run("UNWIND range(1, 200) AS i CREATE (:Article {id: i, title: 'a' + toString(i)})");
    Run("UNWIND range(1, 20) AS i CREATE (:Technology {name: 't' + toString(i)})");
    Run("UNWIND range(1, 2) AS i CREATE (:Theme {name: 'th' + toString(i)})");
    Run("MATCH (a:Article), (t:Technology) WHERE t.name = 't' + toString(a.id % 20 + 1) "
        "CREATE (a)-[:MENTIONS]->(t)");
    Run("MATCH (a:Article), (th:Theme {name: 'th1'}) CREATE (a)-[:HAS_THEME]->(th)");
    ASSERT_OK(graph_->CreateUniqueIndex("Technology", "name"));
  }

  QueryOutcome Run(const std::string& q, PlanSink* sink = nullptr) {
    PlanSink local;
    Value::Map params{{"name", Value("t3")}};
    QueryOutcome o = ExecuteQuery(*graph_, q, params, QueryOptions(), nullptr, sink ? sink : &local);
    EXPECT_TRUE(o.ok) << q << ": " << o.error.message;
    return o;
  }
  std::string Explain(const std::string& q) {
    PlanSink sink;
    QueryOutcome o = Run("EXPLAIN " + q, &sink);
    EXPECT_EQ(std::vector<std::string>{"plan"}, sink.columns);
    EXPECT_FALSE(sink.rows.empty());
    return o.plan;
  }

};

TEST_F(PlannerTest, InlinePropertyOnIndexedLabelUsesUniqueSeek) {
  std::string plan = Explain("MATCH (t:Technology {name: $name}) RETURN t.name");
  EXPECT_NE(plan.find("NodeIndexSeek (t:Technology {name: 't3'}) unique index"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("NodeScan"), std::string::npos) << plan;
}

TEST_F(PlannerTest, WhereEqualityUsesSeek) {
  std::string plan = Explain("MATCH (t:Technology) WHERE t.name = 't5' RETURN t");
  EXPECT_NE(plan.find("NodeIndexSeek"), std::string::npos) << plan;
}

TEST_F(PlannerTest, UnindexedPropertyScansLabel) {
  std::string plan = Explain("MATCH (a:Article {title: 'a1'}) RETURN a");
  EXPECT_NE(plan.find("NodeScan (a:Article)"), std::string::npos) << plan;
  EXPECT_NE(plan.find("NodeFilter a title="), std::string::npos) << plan;
}

TEST_F(PlannerTest, StartsFromTheSeekAndExpandsTowardsTheRest) {
  std::string plan = Explain("MATCH (a:Article)-[:MENTIONS]->(t:Technology {name: $name}) RETURN a.id");
  EXPECT_NE(plan.find("NodeIndexSeek (t:Technology"), std::string::npos) << plan;
  EXPECT_NE(plan.find("Expand (t)<-["), std::string::npos) << plan;
  EXPECT_EQ(plan.find("NodeScan"), std::string::npos) << plan;
}

TEST_F(PlannerTest, SmallerLabelIsScanned) {
  std::string plan = Explain("MATCH (a:Article)-[:HAS_THEME]->(th:Theme) RETURN count(*)");
  EXPECT_NE(plan.find("NodeScan (th:Theme)"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("NodeScan (a:Article)"), std::string::npos) << plan;
}

TEST_F(PlannerTest, RangePredicateOnIndexedPropertyScansTheIndexRange) {
  ASSERT_OK(graph_->CreatePropertyIndex("Article", "id"));
  std::string plan = Explain("MATCH (a:Article) WHERE a.id >= 190 AND 195 > a.id RETURN a.id");
  EXPECT_NE(plan.find("NodeIndexRange (a:Article) [190, 195) on id"), std::string::npos) << plan;
  PlanSink sink;
  Run("MATCH (a:Article) WHERE a.id >= 190 AND 195 > a.id RETURN a.id ORDER BY a.id", &sink);
  ASSERT_EQ(5u, sink.rows.size());
  EXPECT_EQ(190, sink.rows[0][0].as_int());
  EXPECT_EQ(194, sink.rows[4][0].as_int());
  // One-sided, and with a string bound that no integer satisfies.
  sink.rows.clear();
  Run("MATCH (a:Article) WHERE a.id > 198 RETURN a.id", &sink);
  EXPECT_EQ(2u, sink.rows.size());
  sink.rows.clear();
  Run("MATCH (a:Article) WHERE a.id > 'x' RETURN a.id", &sink);
  EXPECT_EQ(0u, sink.rows.size());
}

TEST_F(PlannerTest, OrderByLimitIsTopN) {
  std::string plan = Explain("MATCH (a:Article) RETURN a.id AS id ORDER BY id DESC LIMIT 5");
  EXPECT_NE(plan.find("Sort id DESC top 5"), std::string::npos) << plan;
}

TEST_F(PlannerTest, LimitStopsTheScan) {
  PlanSink sink;
  QueryOutcome o = Run("PROFILE MATCH (a:Article) RETURN a.id LIMIT 3", &sink);
  EXPECT_EQ(3u, sink.rows.size());
  // The scan produced only the rows the limit asked for, not all 200.
  EXPECT_NE(o.plan.find("NodeScan  rows=3 "), std::string::npos) << o.plan;
}

TEST_F(PlannerTest, ShortestPathBindsBothEndsBySeek) {
  std::string plan = Explain(
      "MATCH p = shortestPath((a:Technology {name: 't1'})-[*..6]-(b:Technology {name: 't2'})) RETURN length(p)");
  EXPECT_NE(plan.find("ShortestPath"), std::string::npos) << plan;
  EXPECT_EQ(2u, [&] {
    size_t n = 0;
    for (size_t pos = plan.find("NodeIndexSeek"); pos != std::string::npos; pos = plan.find("NodeIndexSeek", pos + 1)) ++n;
    return n;
  }()) << plan;
  PlanSink sink;
  Run("MATCH p = shortestPath((a:Technology {name: 't1'})-[*..6]-(b:Technology {name: 't2'})) RETURN length(p)",
      &sink);
  ASSERT_EQ(1u, sink.rows.size());
  EXPECT_EQ(4, sink.rows[0][0].as_int());  // t1 <- article -> ... two articles apart via Theme th1
}

}  // namespace
}  // namespace trendgraph::query
