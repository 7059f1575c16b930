// The writer's unique-key cache answers a miss without reading RocksDB only
// while it holds every committed unique entry of its graph (see
// unique_key_cache.h). These tests write through every path that could put
// a unique entry in the database behind the cache's back, and check that a
// lookup or merge afterwards still finds the node (a wrong "complete" would
// create a duplicate).
#include <rocksdb/env.h>

#include <memory>
#include <string>

#include "company_index_test.h"
#include "full_disk_fs.h"
#include "storage/bulk_load.h"
#include "storage/db_impl.h"
#include "storage/graph_store.h"
#include "storage/test_hooks.h"
#include "storage/unique_key_cache.h"

namespace trendgraph::storage {
namespace {

class UniqueCacheCompleteTest : public trendgraph::testing::CompanyIndexTest {};

// A fresh graph: misses answered by the cache are right, hits too, through
// creates, deletes and re-creates.
TEST_F(UniqueCacheCompleteTest, FreshGraphAnswersMissesAndHits) {
  CreateCompanyIndex();
  NodeId out = 0;
  EXPECT_TRUE(Lookup("SMIC", &out).IsNotFound());
  bool created = false;
  NodeId smic = Merge("SMIC", &created);
  EXPECT_TRUE(created);
  NodeId again = Merge("SMIC", &created);
  EXPECT_FALSE(created);
  EXPECT_EQ(again, smic);
  ASSERT_OK(Lookup("SMIC", &out));
  EXPECT_EQ(out, smic);
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->DeleteNode(smic, /*detach=*/true));
    ASSERT_OK(txn->Commit());
  }
  EXPECT_TRUE(Lookup("SMIC", &out).IsNotFound());
  NodeId reborn = Merge("SMIC", &created);
  EXPECT_TRUE(created);
  EXPECT_NE(reborn, smic);
  // A duplicate is refused, whichever way it comes.
  auto txn = graph_->BeginWrite();
  auto r = txn->CreateNode({company_}, {{name_, Value("SMIC")}});
  EXPECT_TRUE(r.status().IsConstraintViolation()) << r.status().ToString();
}

// Entries committed before this process (a reopened database) are not in
// the cache: it must not call itself complete.
TEST_F(UniqueCacheCompleteTest, ReopenedDatabaseReadsTheEntries) {
  CreateCompanyIndex();
  bool created = false;
  NodeId huawei = Merge("Huawei", &created);
  ASSERT_NO_FATAL_FAILURE(Reopen());
  NodeId out = 0;
  EXPECT_TRUE(Lookup("Cambricon", &out).IsNotFound());  // a miss first: the cache decides what it knows
  ASSERT_OK(Lookup("Huawei", &out));
  EXPECT_EQ(out, huawei);
  EXPECT_EQ(Merge("Huawei", &created), huawei);
  EXPECT_FALSE(created);
}

// A bulk load links tables with unique entries into the database without
// the cache; a writer that had established completeness before the load
// must not trust it afterwards.
TEST_F(UniqueCacheCompleteTest, BulkLoadEndsCompleteness) {
  CreateCompanyIndex();
  NodeId out = 0;
  EXPECT_TRUE(Lookup("Zhipu", &out).IsNotFound());  // the graph is empty: the cache is complete now
  std::unique_ptr<BulkLoad> bulk;
  ASSERT_OK(BeginBulkLoad(*graph_, &bulk));
  NodeId loaded = 0;
  {
    auto r = bulk->BeginWrite();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    bool created = false;
    auto id = r.value()->MergeNodeByKey(company_, name_, Value("Zhipu"), &created);
    ASSERT_OK(id.status());
    loaded = id.value();
    ASSERT_OK(r.value()->Commit());
  }
  ASSERT_OK(bulk->Finish());
  ASSERT_OK(Lookup("Zhipu", &out));
  EXPECT_EQ(out, loaded);
  bool created = true;
  EXPECT_EQ(Merge("Zhipu", &created), loaded);
  EXPECT_FALSE(created);
  EXPECT_EQ(graph_->NewSnapshot()->NodeCount(), 1u);
}

// A unique index built over existing nodes writes its entries in a commit:
// they reach the cache like any other.
TEST_F(UniqueCacheCompleteTest, IndexBuiltOverExistingNodes) {
  {
    auto txn = graph_->BeginWrite();
    LabelId l = txn->GetOrCreateLabel("Company");
    PropKeyId k = txn->GetOrCreatePropKey("name");
    ASSERT_OK(txn->CreateNode({l}, {{k, Value("Moonshot")}}).status());
    ASSERT_OK(txn->Commit());
  }
  CreateCompanyIndex();
  NodeId out = 0;
  ASSERT_OK(Lookup("Moonshot", &out));
  bool created = true;
  EXPECT_EQ(Merge("Moonshot", &created), out);
  EXPECT_FALSE(created);
  ASSERT_OK(graph_->DropIndex("Company", "name"));
  ASSERT_OK(graph_->CreateUniqueIndex("Company", "name"));
  ASSERT_OK(Lookup("Moonshot", &out));
}

// A commit that fails may have reached RocksDB's log or memtable before
// the failure was reported, so the cache cannot know what the graph holds:
// it stops answering misses, and the lookups after it read RocksDB.
TEST_F(UniqueCacheCompleteTest, FailedCommitEndsCompleteness) {
  auto fs = std::make_shared<testing::FullDiskFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  internal::SetEnvForTesting(env.get());
  ASSERT_NO_FATAL_FAILURE(Reopen());
  CreateCompanyIndex();
  const auto& cache = static_cast<internal::GraphImpl&>(*graph_).unique_cache();
  NodeId out = 0;
  EXPECT_TRUE(Lookup("Biren", &out).IsNotFound());  // the graph is empty: the cache is complete now
  EXPECT_TRUE(cache.complete());
  fs->full = true;
  {
    auto txn = graph_->BeginWrite();
    bool created = false;
    ASSERT_OK(txn->MergeNodeByKey(company_, name_, Value("Biren"), &created).status());
    EXPECT_TRUE(created);
    EXPECT_FALSE(txn->Commit().ok());
  }
  fs->full = false;
  EXPECT_EQ(cache.completeness(), internal::UniqueKeyCache::Completeness::kIncomplete);
  // The failed commit left nothing, and the cache does not claim otherwise.
  EXPECT_TRUE(Lookup("Biren", &out).IsNotFound());
  EXPECT_EQ(cache.completeness(), internal::UniqueKeyCache::Completeness::kIncomplete);
  graph_.reset();
  db_.reset();
  internal::SetEnvForTesting(nullptr);
}

}  // namespace
}  // namespace trendgraph::storage

namespace trendgraph::storage::internal {
namespace {

TEST(UniqueKeyCacheCompletenessTest, RotationAndMarksEndIt) {
  UniqueKeyCache cache(4);  // generations of 2
  EXPECT_EQ(cache.completeness(), UniqueKeyCache::Completeness::kUnknown);
  cache.MarkComplete();
  EXPECT_TRUE(cache.complete());
  cache.Put("a", 1);
  cache.Erase("a");
  cache.Put("a", 1);
  cache.Put("b", 2);
  EXPECT_TRUE(cache.complete());  // nothing dropped yet
  cache.Put("c", 3);              // rotates: the old generation goes
  EXPECT_FALSE(cache.complete());
  cache.MarkComplete();  // no way back
  EXPECT_FALSE(cache.complete());

  UniqueKeyCache other(100);
  other.MarkIncomplete();
  other.MarkComplete();
  EXPECT_FALSE(other.complete());
}

}  // namespace
}  // namespace trendgraph::storage::internal
