// The writer's cache of committed node records (GraphImpl::record_cache)
// must never answer with a record that a later commit changed or removed, or
// that a rolled-back transaction wrote; and RecordCache itself must stay
// exact under its two-generation bound.
#include "storage/record_cache.h"

#include <random>
#include <string>
#include <unordered_map>

#include "graph_test.h"
#include "storage/graph_store.h"

namespace trendgraph::storage {
namespace {

class RecordCacheTest : public trendgraph::testing::GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
    auto txn = graph_->BeginWrite();
    org_ = txn->GetOrCreateLabel("PolicyActor");
    agency_ = txn->GetOrCreateLabel("Agency");
    name_ = txn->GetOrCreatePropKey("name");
    kind_ = txn->GetOrCreatePropKey("kind");
    auto r = txn->CreateNode({org_}, {{name_, Value("MIIT")}, {kind_, Value("ministry")}});
    ASSERT_OK(r.status());
    id_ = r.value();
    ASSERT_OK(txn->Commit());
  }

  // The node as a new writer sees it (each call a read through the cache).
  Status Read(NodeRecord* out) {
    auto txn = graph_->BeginWrite();
    return txn->GetNode(id_, out);
  }
  // The node's kind as a new writer reads it; "" when it has none.
  std::string Kind() {
    auto txn = graph_->BeginWrite();
    Value v;
    EXPECT_OK(txn->GetNodeProperty(id_, kind_, &v));
    return v.is_string() ? v.as_string() : "";
  }

  LabelId org_ = 0, agency_ = 0;
  PropKeyId name_ = 0, kind_ = 0;
  NodeId id_ = 0;
};

TEST_F(RecordCacheTest, CommittedChangesAreSeenByTheNextWriter) {
  EXPECT_EQ(Kind(), "ministry");  // cached by the commit, read again
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->SetNodeProperty(id_, kind_, Value("agency")));
    ASSERT_OK(txn->AddLabel(id_, agency_));
    ASSERT_OK(txn->Commit());
  }
  EXPECT_EQ(Kind(), "agency");
  NodeRecord rec;
  ASSERT_OK(Read(&rec));
  EXPECT_EQ(rec.labels.size(), 2u);
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->SetNodeProperty(id_, kind_, Value()));  // remove
    ASSERT_OK(txn->Commit());
  }
  EXPECT_EQ(Kind(), "");
}

TEST_F(RecordCacheTest, RolledBackChangeIsNotSeen) {
  EXPECT_EQ(Kind(), "ministry");
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->SetNodeProperty(id_, kind_, Value("commission")));
    Value inside;
    ASSERT_OK(txn->GetNodeProperty(id_, kind_, &inside));  // read-your-writes
    EXPECT_EQ(inside.as_string(), "commission");
  }  // destroyed without commit
  EXPECT_EQ(Kind(), "ministry");
}

TEST_F(RecordCacheTest, DeletedNodeIsGone) {
  EXPECT_EQ(Kind(), "ministry");
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->DeleteNode(id_, /*detach=*/true));
    ASSERT_OK(txn->Commit());
  }
  NodeRecord rec;
  EXPECT_TRUE(Read(&rec).IsNotFound());
}

TEST_F(RecordCacheTest, ReopenedDatabaseReadsTheSameRecord) {
  {
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->SetNodeProperty(id_, kind_, Value("regulator")));
    ASSERT_OK(txn->Commit());
  }
  ASSERT_NO_FATAL_FAILURE(Reopen());
  EXPECT_EQ(Kind(), "regulator");  // from RocksDB, then cached
  EXPECT_EQ(Kind(), "regulator");  // from the cache
}

}  // namespace
}  // namespace trendgraph::storage

namespace trendgraph::storage::internal {
namespace {

// Against a std::unordered_map model with a budget small enough to rotate
// many times: a hit always gives the latest record put (never an erased or
// overwritten one), a returned view holds its bytes until the next call, and
// memory stays within the bound.
TEST(RecordCacheUnitTest, ExactUnderRotations) {
  std::mt19937_64 rng(11);
  const size_t budget = 1 << 20;  // ~2,000 of the ~3,000 records: rotations
  RecordCache cache(budget);
  std::unordered_map<std::string, std::string> model;
  size_t hits = 0, dropped = 0;
  for (int i = 0; i < 100000; ++i) {
    std::string key = std::string("\x00\x00\x00\x01N", 5) + std::to_string(rng() % 3000);
    switch (rng() % 4) {
      case 0:
      case 1: {
        std::string record(1 + rng() % 300, static_cast<char>('a' + rng() % 26));
        record += std::to_string(i);
        cache.Put(key, record);
        model[key] = record;
        break;
      }
      case 2:
        cache.Erase(key);
        model.erase(key);
        break;
      default: {
        std::optional<std::string_view> got = cache.Find(key);
        auto it = model.find(key);
        if (it == model.end()) {
          ASSERT_FALSE(got.has_value()) << key;
        } else if (got) {
          ++hits;
          ASSERT_EQ(std::string(*got), it->second) << key;
        } else {
          ++dropped;
        }
      }
    }
    // Two generations of about half the budget each (the young one may
    // pass it by its last arena chunk).
    ASSERT_LT(cache.bytes(), 2 * budget);
  }
  EXPECT_GT(hits, 1000u);    // the cache does answer
  EXPECT_GT(dropped, 1000u);  // and the bound did drop records
}

TEST(RecordCacheUnitTest, HotRecordSurvivesRotationsAndOversizedIsNotKept) {
  RecordCache cache(1 << 20);
  cache.Put("hot", "record of a concept read by every document");
  for (int i = 0; i < 20000; ++i) {
    cache.Put("k" + std::to_string(i), std::string(100, 'x'));
    std::optional<std::string_view> hot = cache.Find("hot");
    ASSERT_TRUE(hot.has_value()) << "after " << i << " puts";
    ASSERT_EQ(*hot, "record of a concept read by every document");
  }
  EXPECT_FALSE(cache.Find("k0").has_value());  // rotated out
  cache.Put("hot", std::string(RecordCache::kMaxRecordBytes + 1, 'y'));
  EXPECT_FALSE(cache.Find("hot").has_value());  // too large to keep: the old one is gone too
}

}  // namespace
}  // namespace trendgraph::storage::internal
