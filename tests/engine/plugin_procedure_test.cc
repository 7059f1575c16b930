// Model-plugin procedures through the host: registration, argument checks
// and defaults, row emission, graph reads, writes into the query's
// transaction, failures crossing as ArgumentError / ProcedureError.
#include <gtest/gtest.h>

#include "engine/plugin_host.h"
#include "storage/graph_store.h"
#include "hosted_graph_test.h"

namespace trendgraph::engine {
namespace {

std::string TestPlugin(const std::string& name) { return std::string(TG_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

class PluginProcedureTest : public testing::HostedGraphTest {
 protected:
  void SetUp() override {
    HostedGraphTest::SetUp();
    ASSERT_OK(host_->Load(TestPlugin("tp_lines")));
  }

  // Calls a procedure on a snapshot (or in `txn` when given).
  std::optional<query::ProcedureFailure> Call(const std::string& name, std::vector<Value> args,
                                              std::vector<std::vector<Value>>* rows, storage::WriteTxn* txn = nullptr,
                                              size_t stop_after = SIZE_MAX) {
    const auto* proc = registry_.Find(name);
    EXPECT_NE(proc, nullptr) << name;
    if (!proc) return query::ProcedureFailure{query::ErrorCode::kProcedureError, "not registered"};
    auto snap = graph_->NewSnapshot();
    query::ProcedureContext ctx;
    ctx.graph = graph_.get();
    ctx.reader = txn ? static_cast<storage::GraphReader*>(txn) : snap.get();
    ctx.txn = txn;
    query::ProcedureEmit emit = [&](std::vector<Value> row) {
      rows->push_back(std::move(row));
      return rows->size() < stop_after;
    };
    return proc->second(args, ctx, emit);
  }

};

TEST_F(PluginProcedureTest, ArgumentsAndDefaultsCrossAsValues) {
  std::vector<std::vector<Value>> rows;
  ASSERT_FALSE(Call("tp.echo", {}, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][0].as_string(), "default");

  rows.clear();
  Value::Map m{{"budget", Value(1.5)}, {"cities", Value(Value::List{Value("Shanghai"), Value(int64_t{17})})},
               {"when", Value(Date{19800})}, {"flag", Value(true)}, {"none", Value()}};
  ASSERT_FALSE(Call("tp.echo", {Value(m)}, &rows));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0][0].Identical(Value(m))) << rows[0][0].DebugString();
}

TEST_F(PluginProcedureTest, ArgumentTypeAndCountAreChecked) {
  std::vector<std::vector<Value>> rows;
  auto f = Call("tp.rows", {Value("three")}, &rows);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, query::ErrorCode::kArgumentError);
  EXPECT_NE(f->message.find("'n'"), std::string::npos) << f->message;
  EXPECT_NE(f->message.find("INTEGER"), std::string::npos) << f->message;
  f = Call("tp.rows", {Value(int64_t{1}), Value(int64_t{2})}, &rows);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, query::ErrorCode::kArgumentError);
  f = Call("tp.keywords", {}, &rows);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, query::ErrorCode::kArgumentError);
  EXPECT_NE(f->message.find("missing argument 'article'"), std::string::npos) << f->message;
  EXPECT_TRUE(rows.empty());
}

TEST_F(PluginProcedureTest, PluginFailuresCrossAsTypedErrors) {
  std::vector<std::vector<Value>> rows;
  auto f = Call("tp.fail", {Value(int64_t{-1})}, &rows);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, query::ErrorCode::kArgumentError);
  EXPECT_NE(f->message.find("n: must be >= 0"), std::string::npos) << f->message;
  f = Call("tp.fail", {Value(int64_t{1})}, &rows);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, query::ErrorCode::kProcedureError);
  EXPECT_NE(f->message.find("boom in tp.fail"), std::string::npos) << f->message;
}

TEST_F(PluginProcedureTest, RowsStopWhenTheConsumerStops) {
  std::vector<std::vector<Value>> rows;
  ASSERT_FALSE(Call("tp.rows", {Value(int64_t{1000})}, &rows, nullptr, /*stop_after=*/5));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[4][0].as_int(), 4);
}

TEST_F(PluginProcedureTest, WritingProcedureWritesIntoTheTransactionAndReadsBack) {
  {
    auto txn = graph_->BeginWrite();
    std::vector<std::vector<Value>> rows;
    ASSERT_FALSE(Call("tp.add", {Value("https://a.example/1"), Value("chips")}, &rows, txn.get()));
    ASSERT_FALSE(Call("tp.add", {Value("https://a.example/1"), Value("vouchers")}, &rows, txn.get()));
    ASSERT_FALSE(Call("tp.add", {Value("https://a.example/1"), Value("chips")}, &rows, txn.get()));  // merged
    ASSERT_EQ(rows.size(), 3u);
    ASSERT_TRUE(rows[0][0].is_node());
    EXPECT_EQ(rows[0][0].as_node(), rows[2][0].as_node());
    // Read-your-own-writes inside the txn.
    std::vector<std::vector<Value>> kws;
    ASSERT_FALSE(Call("tp.keywords", {Value("https://a.example/1")}, &kws, txn.get()));
    EXPECT_EQ(kws.size(), 2u);
    ASSERT_OK(txn->Commit());
  }
  std::vector<std::vector<Value>> kws;
  ASSERT_FALSE(Call("tp.keywords", {Value("https://a.example/1")}, &kws));
  std::vector<std::string> names;
  for (const auto& r : kws) {
    names.push_back(r[0].as_string());
    EXPECT_TRUE(r[1].is_node());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"chips", "vouchers"}));
  EXPECT_EQ(graph_->Counts().rels, 2u);

  // A read procedure's argument error names the parameter.
  auto f = Call("tp.keywords", {Value("https://nope")}, &kws);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, query::ErrorCode::kArgumentError);
  EXPECT_NE(f->message.find("article"), std::string::npos);
}

TEST_F(PluginProcedureTest, WritingProcedureWithoutTransactionFails) {
  std::vector<std::vector<Value>> rows;
  auto f = Call("tp.add", {Value("x"), Value("y")}, &rows);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->code, query::ErrorCode::kProcedureError);
  EXPECT_EQ(graph_->Counts().nodes, 0u);
}

}  // namespace
}  // namespace trendgraph::engine
