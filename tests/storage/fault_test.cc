// Faults injected through the storage seam (storage/test_hooks.h): a file
// system that starts reporting "no space left" on demand.
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>

#include "storage/graph_store.h"
#include "storage/test_hooks.h"
#include "full_disk_fs.h"
#include "store_check.h"
#include "test_util.h"

namespace trendgraph::storage {
namespace {

using testing::FullDiskFs;

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs_ = std::make_shared<FullDiskFs>();
    env_ = rocksdb::NewCompositeEnv(fs_);
    internal::SetEnvForTesting(env_.get());
  }
  void TearDown() override { internal::SetEnvForTesting(nullptr); }

  trendgraph::testing::TempDir dir_;
  std::shared_ptr<FullDiskFs> fs_;
  std::unique_ptr<rocksdb::Env> env_;
};

TEST_F(FaultTest, DiskFullAtCommitLosesNothingAndKeepsTheProcessUp) {
  Options o;
  o.path = dir_.Sub("db");
  std::unique_ptr<Database> db;
  ASSERT_OK(Database::Open(o, &db));
  std::shared_ptr<Graph> g;
  ASSERT_OK(db->GetGraph("default", &g));
  {
    auto txn = g->BeginWrite();
    LabelId l = txn->GetOrCreateLabel("Company");
    for (int i = 0; i < 10; ++i) ASSERT_OK(txn->CreateNode({l}, {}).status());
    ASSERT_OK(txn->Commit());
  }
  std::string before = testing::Dump(*g, *g->NewSnapshot());

  fs_->full = true;
  {
    auto txn = g->BeginWrite();
    LabelId l = txn->GetOrCreateLabel("Lost");
    NodeId a = txn->CreateNode({l}, {}).value();
    ASSERT_OK(txn->CreateRel(txn->GetOrCreateType("T"), a, 0, {}).status());
    Status s = txn->Commit();
    EXPECT_TRUE(s.IsResourceExhausted()) << s.ToString();
  }
  // Reads still work and show the state before the failed commit.
  auto snap = g->NewSnapshot();
  EXPECT_EQ(testing::Dump(*g, *snap), before);
  EXPECT_FALSE(g->FindLabel("Lost").has_value());
  EXPECT_EQ(snap->NodeCount(), 10u);
  snap.reset();
  // After a WAL write error RocksDB refuses writes until it has recovered;
  // a commit meanwhile fails cleanly (never a crash, never a partial write).
  fs_->full = false;
  bool wrote_after = false;
  {
    auto txn = g->BeginWrite();
    ASSERT_OK(txn->CreateNode({txn->GetOrCreateLabel("After")}, {}).status());
    wrote_after = txn->Commit().ok();
  }
  EXPECT_EQ(g->NewSnapshot()->NodeCount(), wrote_after ? 11u : 10u);
  g.reset();
  db.reset();

  internal::SetEnvForTesting(nullptr);
  ASSERT_OK(Database::Open(o, &db));
  ASSERT_OK(db->GetGraph("default", &g));
  snap = g->NewSnapshot();
  EXPECT_FALSE(g->FindLabel("Lost").has_value());
  EXPECT_EQ(snap->NodeCount(), wrote_after ? 11u : 10u);
  EXPECT_EQ(g->FindLabel("After").has_value(), wrote_after);
  EXPECT_EQ(testing::CheckConsistency(*g, *snap), "");
}

TEST_F(FaultTest, DiskFullWhileCreatingADatabase) {
  fs_->full = true;
  Options o;
  o.path = dir_.Sub("db");
  std::unique_ptr<Database> db;
  Status s = Database::Open(o, &db);
  EXPECT_TRUE(s.IsResourceExhausted()) << s.ToString();
  // Once space is back, the interrupted creation completes.
  fs_->full = false;
  internal::SetEnvForTesting(nullptr);
  ASSERT_OK(Database::Open(o, &db));
  EXPECT_EQ(db->ListGraphs(), std::vector<std::string>{"default"});
}

}  // namespace
}  // namespace trendgraph::storage
