// The base of most tests above storage: a real database in a fresh
// temporary directory and its default graph, opened in SetUp().
#pragma once

#include <memory>

#include "storage/graph_store.h"
#include "test_util.h"

namespace trendgraph::testing {

class GraphTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  // Closes the database and opens it again from disk, as a restarted
  // process would (the graph handle is renewed).
  void Reopen() {
    graph_.reset();
    db_.reset();
    Open();
  }

  void Open() {
    storage::Options opts;
    opts.path = dir_.Sub("db");
    ASSERT_OK(storage::Database::Open(opts, &db_));
    ASSERT_OK(db_->GetGraph("default", &graph_));
  }

  TempDir dir_;
  std::unique_ptr<storage::Database> db_;
  std::shared_ptr<storage::Graph> graph_;
};

}  // namespace trendgraph::testing
