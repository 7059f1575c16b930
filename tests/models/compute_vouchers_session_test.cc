// The compute_vouchers procedures through the query language: an Engine
// with the build's plugins, queries run by engine::Session::Execute (the
// path HTTP and the CLI take), model output joined with the graph.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "test_util.h"

namespace trendgraph {
namespace {

const std::string kModel = std::string(TRENDGRAPH_SOURCE_DIR) + "/examples/compute_vouchers/model.json";

class Collect : public query::ResultSink {
 public:
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
  void OnColumns(const std::vector<std::string>& c) override { columns = c; }
  bool OnRow(const std::vector<Value>& row, query::EntityView&) override {
    rows.push_back(row);
    return true;
  }
};

class ComputeVouchersSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::EngineOptions opts;
    opts.storage.path = dir_.Sub("db");
    opts.plugin_dir = TRENDGRAPH_PLUGIN_DIR;
    ASSERT_OK(engine::Engine::Open(opts, &engine_));
    ASSERT_NE(engine_->procedures().Find("chips.legal"), nullptr) << "compute_vouchers plugin not loaded";
  }
  query::QueryOutcome Run(const std::string& text, Collect* sink, Value::Map params = {}) {
    engine::Session session(*engine_);
    return session.Execute("default", text, params, query::QueryOptions{}, sink);
  }
  Collect MustRun(const std::string& text, Value::Map params = {}) {
    Collect sink;
    query::QueryOutcome out = Run(text, &sink, std::move(params));
    EXPECT_TRUE(out.ok) << text << "\n" << out.error.message;
    return sink;
  }

  testing::TempDir dir_;
  std::unique_ptr<engine::Engine> engine_;
};

TEST_F(ComputeVouchersSessionTest, ChipsLegalFromCypher) {
  Collect r = MustRun("CALL chips.legal('H20', date('2024-01-01')) YIELD legal, rule, test RETURN legal, rule, test");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_TRUE(r.rows[0][0].as_bool());
  EXPECT_TRUE(r.rows[0][1].is_null());
  EXPECT_NE(r.rows[0][2].as_string().find("PD 2.92 < 5.92"), std::string::npos);
  Collect h100 = MustRun("CALL chips.legal('H100', date('2024-01-01')) YIELD legal, rule RETURN legal, rule");
  ASSERT_EQ(h100.rows.size(), 1u);
  EXPECT_FALSE(h100.rows[0][0].as_bool());
  EXPECT_EQ(h100.rows[0][1].as_string(), "E03");
}

TEST_F(ComputeVouchersSessionTest, BadScenarioIsAnArgumentError) {
  Collect sink;
  query::QueryOutcome out = Run("CALL vouchers.simulate({budgets: {V10: -1}}) YIELD program RETURN program", &sink);
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.error.code, query::ErrorCode::kArgumentError);
  EXPECT_NE(out.error.message.find("budgets.V10"), std::string::npos) << out.error.message;
  out = Run("CALL chips.legal('H20', 'next tuesday') YIELD legal RETURN legal", &sink);
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.error.code, query::ErrorCode::kArgumentError);
  EXPECT_NE(out.error.message.find("date"), std::string::npos) << out.error.message;
}

TEST_F(ComputeVouchersSessionTest, ModelOutputJoinsTheArticleGraph) {
  Collect load = MustRun("CALL vouchers.load($path) YIELD nodes, relationships RETURN nodes, relationships",
                         Value::Map{{"path", Value(kModel)}});
  ASSERT_EQ(load.rows.size(), 1u);
  EXPECT_GT(load.rows[0][0].as_int(), 70);
  // An article that names Chengdu (as the actors enricher would link it).
  MustRun("CREATE (:Article {id: 'a1', title: 'Chengdu hands out computing vouchers'})");
  MustRun("MATCH (x:Article {id: 'a1'}), (a:PolicyActor {name: 'chengdu municipal government'}) CREATE (x)-[:MENTIONS_ACTOR]->(a)");

  // Which articles evidence the programmes with the largest unmet demand?
  Collect r = MustRun(
      "CALL vouchers.simulate({firms: 200}) YIELD program, unmet_gpu_hours "
      "WITH program, sum(unmet_gpu_hours) AS unmet ORDER BY unmet DESC LIMIT 3 "
      "MATCH (a:PolicyActor)-[:ISSUES]->(v:VoucherProgram {id: program}) "
      "OPTIONAL MATCH (art:Article)-[:MENTIONS_ACTOR]->(a) "
      "RETURN program, a.display AS issuer, unmet, collect(art.title) AS evidence ORDER BY unmet DESC");
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_GE(r.rows[0][2].as_number(), r.rows[1][2].as_number());
  EXPECT_GE(r.rows[1][2].as_number(), r.rows[2][2].as_number());
  // Chengdu's 10M CNY/yr budget runs out first: its programme leads.
  EXPECT_EQ(r.rows[0][0].as_string(), "V01");
  EXPECT_EQ(r.rows[0][1].as_string(), "Chengdu Municipal Government");
  ASSERT_EQ(r.rows[0][3].as_list().size(), 1u);
  EXPECT_EQ(r.rows[0][3].as_list()[0].as_string(), "Chengdu hands out computing vouchers");
}

// Every example in examples/compute_vouchers/queries.cypher runs and returns rows.
TEST_F(ComputeVouchersSessionTest, ExampleQueriesRun) {
  MustRun("CALL vouchers.load($path) YIELD nodes RETURN nodes", Value::Map{{"path", Value(kModel)}});
  std::ifstream in(std::string(TRENDGRAPH_SOURCE_DIR) + "/examples/compute_vouchers/queries.cypher");
  ASSERT_TRUE(in);
  std::stringstream text;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("//", 0) != 0) text << line << "\n";
  std::string all = text.str();
  int count = 0;
  for (size_t pos = 0, end; (end = all.find(';', pos)) != std::string::npos; pos = end + 1) {
    std::string q = all.substr(pos, end - pos);
    if (q.find_first_not_of(" \n") == std::string::npos) continue;
    Collect r = MustRun(q);
    EXPECT_FALSE(r.rows.empty()) << q;
    ++count;
  }
  EXPECT_EQ(count, 12);
}

}  // namespace
}  // namespace trendgraph
