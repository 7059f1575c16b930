// ExecuteQuery as an API: limits (timeout, max_rows, cancel), read-only mode,
// atomicity of write queries, IsReadOnlyQuery, built-in procedures, and a
// runaway query stopping while another query completes.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "query/query_api.h"
#include "storage/graph_store.h"
#include "graph_test.h"

namespace trendgraph::query {
namespace {

class CountSink : public ResultSink {
 public:
  void OnColumns(const std::vector<std::string>&) override {}
  bool OnRow(const std::vector<Value>& row, EntityView&) override {
    rows.push_back(row);
    return rows.size() < stop_after;
  }
  std::vector<std::vector<Value>> rows;
  size_t stop_after = SIZE_MAX;
};

class ExecutorTest : public trendgraph::testing::GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
    RegisterBuiltinProcedures(&procs_);
  }
  QueryOutcome Run(const std::string& q, const QueryOptions& opts = QueryOptions(), CountSink* sink = nullptr) {
    CountSink local;
    return ExecuteQuery(*graph_, q, {}, opts, &procs_, sink ? sink : &local);
  }
  int64_t Count(const std::string& q) {
    CountSink sink;
    QueryOutcome o = Run(q, QueryOptions(), &sink);
    EXPECT_TRUE(o.ok) << o.error.message;
    return sink.rows.empty() ? -1 : sink.rows[0][0].as_int();
  }
  // A complete directed graph: variable-length trails over it never end.
  void MakeDense(int n) {
    ASSERT_TRUE(Run("UNWIND range(1, " + std::to_string(n) + ") AS i CREATE (:N {i: i})").ok);
    ASSERT_TRUE(Run("MATCH (a:N), (b:N) WHERE a.i <> b.i CREATE (a)-[:R]->(b)").ok);
  }

  ProcedureRegistry procs_;
};

TEST_F(ExecutorTest, RunawayQueryTimesOutWhileAnotherQueryCompletes) {
  MakeDense(25);
  QueryOptions opts;
  opts.timeout = std::chrono::milliseconds(300);
  std::atomic<bool> other_ok{false};
  std::thread other([&] {
    CountSink sink;
    QueryOptions o;
    QueryOutcome out = ExecuteQuery(*graph_, "MATCH (n:N) RETURN count(n)", {}, o, &procs_, &sink);
    other_ok = out.ok && sink.rows.size() == 1 && sink.rows[0][0].as_int() == 25;
  });
  auto t0 = std::chrono::steady_clock::now();
  QueryOutcome o = Run("MATCH p = ()-[*]-() RETURN count(p)", opts);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  other.join();
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kTimeout, o.error.code) << o.error.message;
  EXPECT_LT(ms, 600) << "stopped after " << ms << " ms";
  EXPECT_TRUE(other_ok);
}

TEST_F(ExecutorTest, ShortestPathSearchHonoursTheTimeoutToo) {
  MakeDense(25);
  QueryOptions opts;
  opts.timeout = std::chrono::milliseconds(200);
  QueryOutcome o = Run("MATCH (a:N), (b:N) MATCH p = allShortestPaths((a)-[*]-(b)) "
                       "MATCH q = ()-[*]-() RETURN count(q)",
                       opts);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kTimeout, o.error.code);
}

TEST_F(ExecutorTest, CancelFlagStopsTheQuery) {
  MakeDense(25);
  std::atomic<bool> cancel{false};
  QueryOptions opts;
  opts.cancel = &cancel;
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    cancel = true;
  });
  QueryOutcome o = Run("MATCH p = ()-[*]-() RETURN count(p)", opts);
  t.join();
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kCancelled, o.error.code);
}

TEST_F(ExecutorTest, MaxRowsIsAResourceLimit) {
  QueryOptions opts;
  opts.max_rows = 5;
  QueryOutcome o = Run("UNWIND range(1, 10) AS x RETURN x", opts);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kResourceLimit, o.error.code);
  EXPECT_TRUE(Run("UNWIND range(1, 5) AS x RETURN x", opts).ok);
}

TEST_F(ExecutorTest, ReadOnlyModeRefusesWritesBeforeRunning) {
  QueryOptions opts;
  opts.read_only = true;
  QueryOutcome o = Run("CREATE (:A)", opts);
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kSemanticError, o.error.code);
  EXPECT_EQ(0, Count("MATCH (n) RETURN count(n)"));
  EXPECT_TRUE(Run("MATCH (n) RETURN n", opts).ok);
}

TEST_F(ExecutorTest, FailingWriteQueryWritesNothing) {
  ASSERT_TRUE(Run("CREATE (:A {v: 1})").ok);
  // The CREATE succeeds for the first row, the division fails on the second.
  QueryOutcome o = Run("UNWIND [1, 0] AS x CREATE (:B {v: 1 / x})");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kArgumentError, o.error.code);
  EXPECT_EQ(0, Count("MATCH (b:B) RETURN count(b)"));
  EXPECT_EQ(1, Count("MATCH (a:A) RETURN count(a)"));
}

TEST_F(ExecutorTest, WriteStatsAreReported) {
  QueryOutcome o = Run("CREATE (a:A:B {x: 1})-[:R {y: 2}]->(:C)");
  ASSERT_TRUE(o.ok);
  EXPECT_TRUE(o.is_write);
  EXPECT_EQ(2u, o.stats.nodes_created);
  EXPECT_EQ(1u, o.stats.relationships_created);
  EXPECT_EQ(2u, o.stats.properties_set);
  EXPECT_EQ(3u, o.stats.labels_added);
  o = Run("MATCH (n) DETACH DELETE n");
  ASSERT_TRUE(o.ok);
  EXPECT_EQ(2u, o.stats.nodes_deleted);
  EXPECT_EQ(1u, o.stats.relationships_deleted);
}

TEST_F(ExecutorTest, SinkStoppingEndsAReadQuery) {
  CountSink sink;
  sink.stop_after = 2;
  QueryOutcome o = Run("UNWIND range(1, 1000) AS x RETURN x", QueryOptions(), &sink);
  EXPECT_EQ(2u, sink.rows.size());
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kCancelled, o.error.code);
}

TEST_F(ExecutorTest, ErrorsCarryPositions) {
  QueryOutcome o = Run("MATCH (n)\nRETURN m");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kSyntaxError, o.error.code);
  EXPECT_EQ("UndefinedVariable", o.error.detail);
  EXPECT_EQ(2, o.error.position.line);
  EXPECT_EQ(8, o.error.position.column);
}

TEST_F(ExecutorTest, IsReadOnlyQuery) {
  EXPECT_TRUE(IsReadOnlyQuery("MATCH (n) RETURN n", &procs_));
  EXPECT_TRUE(IsReadOnlyQuery("CALL db.labels()", &procs_));
  EXPECT_FALSE(IsReadOnlyQuery("MATCH (n) SET n.x = 1", &procs_));
  EXPECT_FALSE(IsReadOnlyQuery("MERGE (n:A)", &procs_));
  EXPECT_FALSE(IsReadOnlyQuery("MATCH (n) DETACH DELETE n", &procs_));
  EXPECT_TRUE(IsReadOnlyQuery("this is not cypher", &procs_));
}

TEST_F(ExecutorTest, WritesInsideForeachAndCallSubqueriesCountAsWrites) {
  EXPECT_FALSE(IsReadOnlyQuery("FOREACH (x IN [1] | CREATE (:A))", &procs_));
  EXPECT_FALSE(IsReadOnlyQuery("UNWIND [1] AS x CALL { WITH x CREATE (:A) } RETURN x", &procs_));
  EXPECT_FALSE(IsReadOnlyQuery("CALL { CALL { MERGE (:A) RETURN 1 AS one } RETURN one } RETURN one", &procs_));
  EXPECT_TRUE(IsReadOnlyQuery("CALL { MATCH (n) RETURN n } RETURN count(n)", &procs_));
  EXPECT_TRUE(IsReadOnlyQuery("MATCH (n) RETURN COUNT { (n)-->() } AS c", &procs_));
  QueryOptions opts;
  opts.read_only = true;
  EXPECT_FALSE(Run("FOREACH (x IN [1] | CREATE (:A))", opts).ok);
  EXPECT_FALSE(Run("UNWIND [1] AS x CALL { WITH x CREATE (:A) } RETURN x", opts).ok);
  EXPECT_TRUE(Run("CALL { RETURN 1 AS one } RETURN one", opts).ok);
  EXPECT_EQ(0, Count("MATCH (n) RETURN count(n)"));
}

TEST_F(ExecutorTest, FailingForeachAndCallSubqueryWriteNothing) {
  // The third element fails after two nodes were created in the transaction.
  QueryOutcome o = Run("FOREACH (x IN [1, 2, 0] | CREATE (:B {v: 1 / x}))");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kArgumentError, o.error.code);
  o = Run("UNWIND [1, 2, 0] AS x CALL { WITH x CREATE (:B {v: 1 / x}) } RETURN count(*)");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kArgumentError, o.error.code);
  EXPECT_EQ(0, Count("MATCH (b:B) RETURN count(b)"));
}

TEST_F(ExecutorTest, LongLabelDisjunctionStaysShallow) {
  ASSERT_TRUE(Run("CREATE (:L4999 {v: 1}), (:Other {v: 2})").ok);
  std::string labels = "L0";
  for (int i = 1; i < 5000; ++i) labels += "|L" + std::to_string(i);
  EXPECT_EQ(1, Count("MATCH (n:" + labels + ") RETURN count(n)"));
  EXPECT_EQ(1, Count("MATCH (n:!(" + labels + ")) RETURN count(n)"));
}

TEST_F(ExecutorTest, BuiltinProceduresSeeTheGraph) {
  ASSERT_TRUE(Run("CREATE (:Tech {name: 'x'})-[:MENTIONS]->(:Topic)").ok);
  CountSink sink;
  ASSERT_TRUE(Run("CALL db.labels() YIELD label RETURN label ORDER BY label", QueryOptions(), &sink).ok);
  ASSERT_EQ(2u, sink.rows.size());
  EXPECT_EQ("Tech", sink.rows[0][0].as_string());
  EXPECT_EQ("Topic", sink.rows[1][0].as_string());
  EXPECT_EQ(1, Count("CALL db.relationshipTypes() YIELD relationshipType RETURN count(*)"));
  EXPECT_EQ(1, Count("CALL db.propertyKeys() YIELD propertyKey RETURN count(*)"));
}

}  // namespace
}  // namespace trendgraph::query

namespace trendgraph::query {
namespace {
TEST_F(ExecutorTest, RuntimeErrorsCarryTheExpressionPosition) {
  QueryOutcome o = Run("UNWIND [1] AS x\nRETURN x + 'a' - 1");
  ASSERT_FALSE(o.ok);
  EXPECT_EQ(ErrorCode::kTypeError, o.error.code);
  EXPECT_EQ(2, o.error.position.line);
}
}  // namespace
}  // namespace trendgraph::query
