// GraphReader::PrefetchNodes and the read cache's prefetch steps: a hint
// that must never fault, never fill the cache, never change an answer, for
// cached, uncached, deleted and out-of-range ids, with and without a cache.
#include <string>
#include <vector>

#include "storage/graph_store.h"
#include "storage/read_cache.h"
#include "test_util.h"

namespace trendgraph::storage {
namespace {

using trendgraph::testing::TempDir;

TEST(ReadPrefetchUnitTest, StepsOnAnyIdLeaveTheCacheUnchanged) {
  internal::ReadCache cache(/*node_capacity=*/5000, /*rel_capacity=*/10, /*label_capacity=*/4,
                            /*budget_bytes=*/1 << 20);
  // Nothing allocated yet: no table, no page.
  cache.PrefetchNodeSlot(7);
  cache.PrefetchNodeRecord(7, 2);
  const internal::CachedRecord* n = cache.InsertNode(7, true, std::string(300, 'x'));
  ASSERT_NE(n, nullptr);
  const internal::CachedRecord* gone = cache.InsertNode(8, false, {});
  ASSERT_NE(gone, nullptr);
  const uint64_t bytes = cache.Stats().bytes;
  const uint64_t entries = cache.Stats().entries;
  // Cached, cached as absent, same page but not cached, another page never
  // allocated, at and past the capacity.
  for (NodeId id : {NodeId{7}, NodeId{8}, NodeId{9}, NodeId{4000}, NodeId{5000}, ~NodeId{0}}) {
    cache.PrefetchNodeSlot(id);
    cache.PrefetchNodeRecord(id, 4);
  }
  EXPECT_EQ(cache.Stats().bytes, bytes);
  EXPECT_EQ(cache.Stats().entries, entries);
  EXPECT_EQ(cache.FindNode(7), n);
  EXPECT_EQ(cache.FindNode(8), gone);
  EXPECT_EQ(cache.FindNode(9), nullptr);
  EXPECT_EQ(cache.FindNode(4000), nullptr);
}

class ReadPrefetchTest : public ::testing::TestWithParam<size_t> {};

// Every node's name read after a prefetch of a mix of ids equals the name
// written, on a snapshot with the cache (budget > 0) and without it (0);
// prefetching never inserts into the cache (the hit/miss counters and bytes
// do not move) and a deleted node stays NotFound.
TEST_P(ReadPrefetchTest, AnswersAreUnchangedAndNothingIsCached) {
  TempDir dir;
  Options o;
  o.path = dir.Sub("db");
  o.read_cache_bytes = GetParam();
  std::unique_ptr<Database> db;
  ASSERT_OK(Database::Open(o, &db));
  std::shared_ptr<Graph> g;
  ASSERT_OK(db->GetGraph("default", &g));
  std::vector<NodeId> ids;
  NodeId deleted = 0;
  PropKeyId name = 0;
  {
    auto txn = g->BeginWrite();
    LabelId tech = txn->GetOrCreateLabel("Technology");
    name = txn->GetOrCreatePropKey("name");
    for (int i = 0; i < 100; ++i)
      ids.push_back(txn->CreateNode({tech}, {{name, Value("technology number " + std::to_string(i))}}).value());
    deleted = ids[50];
    ASSERT_OK(txn->DeleteNode(deleted, false));
    ASSERT_OK(txn->Commit());
  }
  auto snap = g->NewSnapshot();
  // Read half of them first (cached when there is a cache), then prefetch
  // everything, including ids that never existed.
  for (size_t i = 0; i < ids.size(); i += 2) {
    Value v;
    (void)snap->GetNodeProperty(ids[i], name, &v);
  }
  const DatabaseStats before = db->Stats();
  std::vector<NodeId> batch = ids;
  batch.push_back(ids.back() + 1000);
  batch.push_back(~NodeId{0});
  snap->PrefetchNodes(batch.data(), batch.size());
  snap->PrefetchNodes(nullptr, 0);
  const DatabaseStats after = db->Stats();
  EXPECT_EQ(after.read_cache_bytes, before.read_cache_bytes);
  for (int i = 0; i < 100; ++i) {
    Value v;
    Status s = snap->GetNodeProperty(ids[i], name, &v);
    if (ids[i] == deleted) {
      EXPECT_TRUE(s.IsNotFound()) << s.ToString();
      continue;
    }
    ASSERT_OK(s);
    ASSERT_TRUE(v.is_string());
    EXPECT_EQ(v.as_string(), "technology number " + std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(CacheOnAndOff, ReadPrefetchTest, ::testing::Values(size_t{64} << 20, size_t{0}));

}  // namespace
}  // namespace trendgraph::storage
