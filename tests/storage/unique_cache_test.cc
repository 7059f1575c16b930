// The writer's cache of committed unique-index entries (GraphImpl::
// unique_cache) must never answer with an entry that a later commit removed
// or that a rolled-back transaction wrote.
#include "storage/graph_store.h"
#include "storage/unique_key_cache.h"

#include "company_index_test.h"

namespace trendgraph::storage {
namespace {


class UniqueCacheTest : public trendgraph::testing::CompanyIndexTest {
 protected:
  void SetUp() override {
    CompanyIndexTest::SetUp();
    CreateCompanyIndex();
  }
};

TEST_F(UniqueCacheTest, DeletedNodeIsNotFoundAgain) {
  bool created = false;
  NodeId a = Merge("Zhipu AI", &created);
  EXPECT_TRUE(created);
  NodeId found = 0;
  ASSERT_OK(Lookup("Zhipu AI", &found));  // now cached
  EXPECT_EQ(found, a);
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->DeleteNode(a, /*detach=*/true));
    ASSERT_OK(txn->Commit());
  }
  EXPECT_TRUE(Lookup("Zhipu AI", &found).IsNotFound());
  NodeId b = Merge("Zhipu AI", &created);
  EXPECT_TRUE(created);
  EXPECT_NE(b, a);
}

TEST_F(UniqueCacheTest, RolledBackEntryIsNotCached) {
  {
    auto txn = graph_->BeginWrite();
    bool created = false;
    ASSERT_OK(txn->MergeNodeByKey(company_, name_, Value("MiniMax"), &created).status());
    NodeId inside = 0;
    ASSERT_OK(txn->LookupUnique(company_, name_, Value("MiniMax"), &inside));  // read-your-writes
  }  // destroyed without commit
  NodeId found = 0;
  EXPECT_TRUE(Lookup("MiniMax", &found).IsNotFound());
}

TEST_F(UniqueCacheTest, ChangedKeyMovesTheEntry) {
  bool created = false;
  NodeId a = Merge("DeepSeek", &created);
  NodeId found = 0;
  ASSERT_OK(Lookup("DeepSeek", &found));
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->SetNodeProperty(a, name_, Value("DeepSeek AI")));
    ASSERT_OK(txn->Commit());
  }
  EXPECT_TRUE(Lookup("DeepSeek", &found).IsNotFound());
  ASSERT_OK(Lookup("DeepSeek AI", &found));
  EXPECT_EQ(found, a);
}

TEST_F(UniqueCacheTest, DroppedAndRebuiltIndexAnswersFromTheData) {
  bool created = false;
  NodeId a = Merge("Moonshot", &created);
  NodeId found = 0;
  ASSERT_OK(Lookup("Moonshot", &found));
  ASSERT_OK(graph_->DropIndex("Company", "name"));
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->DeleteNode(a, /*detach=*/true));
    ASSERT_OK(txn->Commit());
  }
  ASSERT_OK(graph_->CreateUniqueIndex("Company", "name"));
  EXPECT_TRUE(Lookup("Moonshot", &found).IsNotFound());
}

}  // namespace
}  // namespace trendgraph::storage

namespace trendgraph::storage {
namespace {

// A miss is remembered only while the transaction writes nothing: a key
// written after the miss must be seen by the next lookup and uniqueness check.
TEST_F(UniqueCacheTest, RememberedMissEndsWithTheNextWrite) {
  auto txn = graph_->BeginWrite();
  NodeId found = 0;
  EXPECT_TRUE(txn->LookupUnique(company_, name_, Value("Moonshot AI"), &found).IsNotFound());
  auto a = txn->CreateNode({company_}, {{name_, Value("Moonshot AI")}});  // the check after the miss
  ASSERT_OK(a.status());
  ASSERT_OK(txn->LookupUnique(company_, name_, Value("Moonshot AI"), &found));
  EXPECT_EQ(found, a.value());
  auto b = txn->CreateNode({company_}, {{name_, Value("Moonshot AI")}});
  EXPECT_TRUE(b.status().IsConstraintViolation()) << b.status().ToString();
}

TEST_F(UniqueCacheTest, RememberedMissDoesNotHideAnotherKey) {
  auto txn = graph_->BeginWrite();
  NodeId found = 0;
  EXPECT_TRUE(txn->LookupUnique(company_, name_, Value("Baichuan"), &found).IsNotFound());
  ASSERT_OK(txn->CreateNode({company_}, {{name_, Value("Baichuan")}}).status());
  EXPECT_TRUE(txn->LookupUnique(company_, name_, Value("MiniMax"), &found).IsNotFound());
  EXPECT_OK(txn->LookupUnique(company_, name_, Value("Baichuan"), &found));
}

}  // namespace
}  // namespace trendgraph::storage

namespace trendgraph::storage::internal {
namespace {

// The two-generation bound: never more than the bound, keys in use survive
// rotations, erased and overwritten keys never answer with the old id.
TEST(UniqueKeyCacheTest, BoundedAndKeepsKeysInUse) {
  UniqueKeyCache cache(8);  // generations of 4
  for (NodeId i = 0; i < 100; ++i) {
    cache.Put("key" + std::to_string(i), i);
    // "hot" is looked up between every insert: it must never be lost.
    if (i == 0) cache.Put("hot", 1000);
    std::optional<NodeId> hot = cache.Find("hot");
    ASSERT_TRUE(hot.has_value()) << "after " << i << " inserts";
    EXPECT_EQ(*hot, 1000u);
    EXPECT_LE(cache.size(), 8u);
  }
  EXPECT_FALSE(cache.Find("key0").has_value());  // rotated out long ago
  EXPECT_EQ(cache.Find("key99"), std::optional<NodeId>(99));

  cache.Put("hot", 2000);  // overwrite
  EXPECT_EQ(cache.Find("hot"), std::optional<NodeId>(2000));
  cache.Erase("hot");
  EXPECT_FALSE(cache.Find("hot").has_value());
}

// An entry sitting in the old generation is overwritten and erased there too.
TEST(UniqueKeyCacheTest, OldGenerationEntriesAreUpdatedAndErased) {
  UniqueKeyCache cache(4);  // generations of 2
  cache.Put("a", 1);
  cache.Put("b", 2);
  cache.Put("c", 3);  // rotates: a, b old; c young
  cache.Put("a", 10);
  EXPECT_EQ(cache.Find("a"), std::optional<NodeId>(10));
  cache.Put("d", 4);
  cache.Erase("b");
  EXPECT_FALSE(cache.Find("b").has_value());
}

}  // namespace
}  // namespace trendgraph::storage::internal
