// The per-epoch read cache of snapshots (storage/read_cache.h): whatever a
// snapshot answers from the cache must be exactly what RocksDB holds for the
// snapshot's own state, across commits, index changes, drops, failed commits
// and concurrent readers.
#include "storage/read_cache.h"

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <sstream>
#include <thread>

#include "storage/db_impl.h"
#include "storage/graph_store.h"
#include "storage/test_hooks.h"
#include "full_disk_fs.h"
#include "test_util.h"

namespace trendgraph::storage {
namespace {

using trendgraph::testing::TempDir;

// The token names of a graph at one time (tokens only grow: an older
// snapshot is read with the names it knew).
struct Vocabulary {
  std::vector<std::string> labels, types, keys;
};
Vocabulary VocabularyOf(Graph& g) { return {g.Labels(), g.Types(), g.PropKeys()}; }

// Everything the cache can answer, read through `r`: per node id below
// `max_id` its record, labels, each property, existence, adjacency (all
// types, and each type) and degrees; per label its scan.
std::string ReadAll(Graph& g, GraphReader& r, NodeId max_id, const Vocabulary& vocab) {
  std::ostringstream out;
  const auto& labels = vocab.labels;
  const auto& types = vocab.types;
  const auto& keys = vocab.keys;
  for (NodeId id = 0; id < max_id; ++id) {
    out << "node " << id << " exists=" << r.NodeExists(id);
    NodeRecord rec;
    Status s = r.GetNode(id, &rec);
    if (!s.ok()) {
      out << " " << (s.IsNotFound() ? "NotFound" : s.ToString()) << "\n";
      std::vector<LabelId> ls;
      out << " labels:" << (r.GetNodeLabels(id, &ls).IsNotFound() ? "NotFound" : "?");
      Value v;
      out << " prop:" << (r.GetNodeProperty(id, 0, &v).IsNotFound() ? "NotFound" : "?") << "\n";
    } else {
      for (LabelId l : rec.labels) out << " :" << g.LabelName(l);
      for (const auto& [k, v] : rec.props) out << " " << g.PropKeyName(k) << "=" << v.DebugString();
      std::vector<LabelId> ls;
      s = r.GetNodeLabels(id, &ls);
      out << " labels[" << s.ToString();
      for (LabelId l : ls) out << " " << l;
      out << "]";
      for (const std::string& name : keys) {
        Value v;
        s = r.GetNodeProperty(id, *g.FindPropKey(name), &v);
        out << " " << name << ":" << (s.ok() ? v.DebugString() : s.ToString());
      }
      out << "\n";
    }
    for (Direction dir : {Direction::kOut, Direction::kIn}) {
      out << "  " << (dir == Direction::kOut ? "out" : "in") << " deg=" << r.Degree(id, dir, std::nullopt) << ":";
      auto it = r.Adjacency(id, dir, std::nullopt);
      for (; it->Valid(); it->Next()) {
        const AdjEntry& e = it->entry();
        out << " " << g.TypeName(e.type) << "/" << e.other << "/" << e.rel << "/" << static_cast<int>(e.dir);
      }
      out << " " << it->status().ToString();
      for (const std::string& t : types) {
        TypeId type = *g.FindType(t);
        out << " | " << t << " deg=" << r.Degree(id, dir, type) << ":";
        for (auto ti = r.Adjacency(id, dir, type); ti->Valid(); ti->Next()) out << " " << ti->entry().rel;
      }
      out << "\n";
    }
  }
  for (RelId id = 0; id < max_id; ++id) {  // fewer rels than node ids here: absent ones too
    RelRecord rel;
    Status s = r.GetRel(id, &rel);
    out << "rel " << id << " ";
    if (!s.ok()) {
      Value v;
      out << (s.IsNotFound() ? "NotFound" : s.ToString())
          << (r.GetRelProperty(id, 0, &v).IsNotFound() ? " NotFound" : " ?") << "\n";
      continue;
    }
    out << rel.start << "-" << g.TypeName(rel.type) << "->" << rel.end;
    for (const auto& [k, v] : rel.props) out << " " << g.PropKeyName(k) << "=" << v.DebugString();
    for (const std::string& name : keys) {
      Value v;
      s = r.GetRelProperty(id, *g.FindPropKey(name), &v);
      out << " " << name << ":" << (s.ok() ? v.DebugString() : s.ToString());
    }
    out << "\n";
  }
  for (const std::string& name : labels) {
    out << "label " << name << ":";
    auto it = r.ScanLabel(*g.FindLabel(name));
    for (; it->Valid(); it->Next()) out << " " << it->id();
    out << " " << it->status().ToString() << "\n";
  }
  return out.str();
}
std::string ReadAll(Graph& g, GraphReader& r, NodeId max_id) { return ReadAll(g, r, max_id, VocabularyOf(g)); }

// What RocksDB holds, read without the cache: a write transaction's reads
// never use it (and nothing is written through it here).
std::string Uncached(Graph& g, NodeId max_id) {
  auto txn = g.BeginWrite();
  return ReadAll(g, *txn, max_id);
}

class ReadCacheTest : public ::testing::Test {
 protected:
  void Open(size_t budget = 512u << 20) {
    Options o;
    o.path = dir_.Sub("db");
    o.read_cache_bytes = budget;
    ASSERT_OK(Database::Open(o, &db_));
    ASSERT_OK(db_->GetGraph("default", &g_));
  }

  // A small research graph: articles mentioning technologies, one hub.
  void Populate(Graph& g) {
    auto txn = g.BeginWrite();
    LabelId article = txn->GetOrCreateLabel("Article");
    LabelId tech = txn->GetOrCreateLabel("Technology");
    LabelId policy = txn->GetOrCreateLabel("Policy");
    PropKeyId name = txn->GetOrCreatePropKey("name");
    PropKeyId published = txn->GetOrCreatePropKey("published");
    PropKeyId relevancy = txn->GetOrCreatePropKey("relevancy");
    TypeId mentions = txn->GetOrCreateType("MENTIONS");
    TypeId cites = txn->GetOrCreateType("CITES");
    std::vector<NodeId> techs;
    for (int i = 0; i < 5; ++i)
      techs.push_back(txn->CreateNode({tech}, {{name, Value("tech " + std::to_string(i))}}).value());
    NodeId voucher = txn->CreateNode({policy, tech}, {{name, Value("computing vouchers")}}).value();
    NodeId prev = voucher;
    for (int i = 0; i < 12; ++i) {
      NodeId a = txn->CreateNode({article}, {{name, Value("article " + std::to_string(i))},
                                             {published, Value("2025-0" + std::to_string(1 + i % 9) + "-01")}})
                     .value();
      for (int k = 0; k <= i % 4; ++k)
        ASSERT_OK(txn->CreateRel(mentions, a, techs[(i + k) % 5], {{relevancy, Value(int64_t{1 + (i + k) % 5})}})
                      .status());
      ASSERT_OK(txn->CreateRel(cites, a, prev, {}).status());
      prev = a;
    }
    ASSERT_OK(txn->CreateRel(mentions, voucher, voucher, {}).status());  // a self-loop
    ASSERT_OK(txn->Commit());
    max_id_ = prev + 3;  // a few ids past the end: absent nodes too
  }

  // A chain of 2,000 Keyword nodes with names of 100-odd bytes, ~500 KB of
  // records: more than a small budget holds. Sets name_ to their key.
  void PopulateChain() {
    auto txn = g_->BeginWrite();
    LabelId l = txn->GetOrCreateLabel("Keyword");
    name_ = txn->GetOrCreatePropKey("name");
    TypeId t = txn->GetOrCreateType("RELATED");
    NodeId prev = 0;
    for (int i = 0; i < 2000; ++i) {
      NodeId n = txn->CreateNode({l}, {{name_, Value(std::string(100, 'a' + i % 26) + std::to_string(i))}}).value();
      if (i > 0) ASSERT_OK(txn->CreateRel(t, prev, n, {}).status());
      prev = n;
    }
    ASSERT_OK(txn->Commit());
    max_id_ = prev + 1;
  }

  DatabaseStats Stats() const { return db_->Stats(); }
  // Bytes of every live read cache, including those only snapshots hold.
  uint64_t LiveBytes() const { return dynamic_cast<internal::DatabaseImpl&>(*db_).LiveReadCacheBytes(); }

  TempDir dir_;
  std::unique_ptr<Database> db_;
  std::shared_ptr<Graph> g_;
  NodeId max_id_ = 0;
  PropKeyId name_ = 0;  // set by PopulateChain
};

TEST_F(ReadCacheTest, HitsReturnExactlyWhatRocksDbHolds) {
  Open();
  Populate(*g_);
  const std::string truth = Uncached(*g_, max_id_);
  ASSERT_NE(truth.find("computing vouchers"), std::string::npos);
  auto snap = g_->NewSnapshot();
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), truth);  // misses, filling
  uint64_t hits_before = Stats().read_cache_hits;
  EXPECT_GT(Stats().read_cache_bytes, 0u);
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), truth);  // hits
  auto other = g_->NewSnapshot();                  // a second snapshot shares the cache
  EXPECT_EQ(ReadAll(*g_, *other, max_id_), truth);
  snap.reset();
  other.reset();
  DatabaseStats s = Stats();
  EXPECT_GT(s.read_cache_hits, hits_before);
  // The second and third passes were all hits: at least twice the misses.
  EXPECT_GE(s.read_cache_hits, 2 * s.read_cache_misses);
}

TEST_F(ReadCacheTest, CommitStartsANewEpochAndOldSnapshotsKeepTheirs) {
  Open();
  Populate(*g_);
  auto old_snap = g_->NewSnapshot();
  const Vocabulary old_vocab = VocabularyOf(*g_);
  const std::string old_state = ReadAll(*g_, *old_snap, max_id_, old_vocab);
  {
    auto txn = g_->BeginWrite();
    LabelId tech = txn->GetOrCreateLabel("Technology");
    LabelId sanction = txn->GetOrCreateLabel("ExportControl");
    PropKeyId name = txn->GetOrCreatePropKey("name");
    TypeId mentions = txn->GetOrCreateType("MENTIONS");
    TypeId restricts = txn->GetOrCreateType("RESTRICTS");
    ASSERT_OK(txn->SetNodeProperty(0, name, Value("large language models")));
    ASSERT_OK(txn->SetNodeProperty(1, name, Value()));  // removed
    ASSERT_OK(txn->RemoveLabel(2, tech));
    ASSERT_OK(txn->AddLabel(3, sanction));
    ASSERT_OK(txn->DeleteNode(4, /*detach=*/true));
    NodeId ban = txn->CreateNode({sanction}, {{name, Value("A100 export ban")}}).value();
    ASSERT_OK(txn->CreateRel(restricts, ban, 0, {}).status());
    ASSERT_OK(txn->CreateRel(mentions, 7, 0, {}).status());
    ASSERT_OK(txn->DeleteRel(0));
    ASSERT_OK(txn->SetRelProperty(1, txn->GetOrCreatePropKey("relevancy"), Value(int64_t{9})));
    ASSERT_OK(txn->Commit());
  }
  EXPECT_EQ(Stats().read_cache_bytes, 0u) << "a commit must leave no cache entries of the old epoch current";
  max_id_ += 2;
  const std::string truth = Uncached(*g_, max_id_);
  ASSERT_NE(truth, ReadAll(*g_, *old_snap, max_id_));
  auto new_snap = g_->NewSnapshot();
  EXPECT_EQ(ReadAll(*g_, *new_snap, max_id_), truth);
  EXPECT_EQ(ReadAll(*g_, *new_snap, max_id_), truth);
  // The old snapshot still reads its own state, from its own cache.
  EXPECT_EQ(ReadAll(*g_, *old_snap, max_id_ - 2, old_vocab), old_state);
  old_snap.reset();
  EXPECT_EQ(ReadAll(*g_, *new_snap, max_id_), truth);
}

TEST_F(ReadCacheTest, IndexCreationAndDropStartANewEpoch) {
  Open();
  Populate(*g_);
  auto snap = g_->NewSnapshot();
  (void)ReadAll(*g_, *snap, max_id_);
  ASSERT_GT(Stats().read_cache_bytes, 0u);
  // Creates a label and a property key too: the new epoch caches the label.
  ASSERT_OK(g_->CreateUniqueIndex("Regulator", "code"));
  EXPECT_EQ(Stats().read_cache_bytes, 0u);
  {
    auto txn = g_->BeginWrite();
    LabelId reg = *g_->FindLabel("Regulator");
    PropKeyId code = *g_->FindPropKey("code");
    ASSERT_OK(txn->CreateNode({reg}, {{code, Value("BIS")}}).status());
    ASSERT_OK(txn->Commit());
  }
  ++max_id_;
  auto snap2 = g_->NewSnapshot();
  const std::string truth = Uncached(*g_, max_id_);
  EXPECT_NE(truth.find("label Regulator: " + std::to_string(max_id_ - 1 - 2)), std::string::npos) << truth;
  EXPECT_EQ(ReadAll(*g_, *snap2, max_id_), truth);
  EXPECT_EQ(ReadAll(*g_, *snap2, max_id_), truth);
  ASSERT_OK(g_->DropIndex("Regulator", "code"));
  EXPECT_EQ(Stats().read_cache_bytes, 0u);
  EXPECT_EQ(ReadAll(*g_, *g_->NewSnapshot(), max_id_), truth);
}

TEST_F(ReadCacheTest, DroppedGraphShowsNoCachedData) {
  Open();
  ASSERT_OK(db_->CreateGraph("trends"));
  std::shared_ptr<Graph> g;
  ASSERT_OK(db_->GetGraph("trends", &g));
  Populate(*g);
  auto snap = g->NewSnapshot();
  const std::string full = ReadAll(*g, *snap, max_id_);
  ASSERT_NE(full.find("tech 0"), std::string::npos);
  EXPECT_EQ(ReadAll(*g, *snap, max_id_), full);
  ASSERT_OK(db_->DropGraph("trends"));
  // A holder of the dropped graph sees no data, even though a cache of the
  // last state was filled.
  auto after = g->NewSnapshot();
  NodeRecord rec;
  EXPECT_TRUE(after->GetNode(0, &rec).IsNotFound());
  EXPECT_FALSE(after->NodeExists(5));
  EXPECT_FALSE(after->Adjacency(5, Direction::kIn, std::nullopt)->Valid());
  EXPECT_EQ(after->Degree(5, Direction::kIn, std::nullopt), 0u);
  EXPECT_FALSE(after->ScanLabel(0)->Valid());
  // A new graph of the same name starts empty too.
  ASSERT_OK(db_->CreateGraph("trends"));
  std::shared_ptr<Graph> g2;
  ASSERT_OK(db_->GetGraph("trends", &g2));
  auto fresh = g2->NewSnapshot();
  EXPECT_FALSE(fresh->NodeExists(0));
  EXPECT_FALSE(fresh->Adjacency(5, Direction::kIn, std::nullopt)->Valid());
}

using testing::FullDiskFs;

TEST_F(ReadCacheTest, FailedCommitLeavesTheCachedStateExact) {
  auto fs = std::make_shared<FullDiskFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  internal::SetEnvForTesting(env.get());
  Open();
  Populate(*g_);
  const std::string before = Uncached(*g_, max_id_);
  auto snap = g_->NewSnapshot();
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), before);
  fs->full = true;
  {
    auto txn = g_->BeginWrite();
    PropKeyId name = txn->GetOrCreatePropKey("name");
    ASSERT_OK(txn->SetNodeProperty(0, name, Value("lost")));
    ASSERT_OK(txn->DeleteNode(3, /*detach=*/true));
    ASSERT_OK(txn->CreateRel(txn->GetOrCreateType("LOST"), 5, 6, {}).status());
    EXPECT_FALSE(txn->Commit().ok());
  }
  fs->full = false;
  auto after = g_->NewSnapshot();
  EXPECT_EQ(ReadAll(*g_, *after, max_id_), before);
  EXPECT_EQ(ReadAll(*g_, *after, max_id_), before);
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), before);
  snap.reset();
  after.reset();
  g_.reset();
  db_.reset();
  internal::SetEnvForTesting(nullptr);
}

TEST_F(ReadCacheTest, BudgetZeroDisablesTheCache) {
  Open(0);
  Populate(*g_);
  const std::string truth = Uncached(*g_, max_id_);
  auto snap = g_->NewSnapshot();
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), truth);
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), truth);
  snap.reset();
  DatabaseStats s = Stats();
  EXPECT_EQ(s.read_cache_bytes, 0u);
  EXPECT_EQ(s.read_cache_hits, 0u);
  EXPECT_EQ(s.read_cache_misses, 0u);
}

TEST_F(ReadCacheTest, ASmallBudgetCachesSomeAndAnswersTheRestFromRocksDb) {
  // Room for some of what the 2,000-node chain needs (~500 KB), not for
  // all of it.
  Open(200 << 10);
  ASSERT_NO_FATAL_FAILURE(PopulateChain());
  const std::string truth = Uncached(*g_, max_id_);
  auto snap = g_->NewSnapshot();
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), truth);
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), truth);
  uint64_t bytes = Stats().read_cache_bytes;
  EXPECT_GT(bytes, 100u << 10);
  EXPECT_LE(bytes, 200u << 10);
  snap.reset();
  // The second pass still missed: the cache was full.
  DatabaseStats s = Stats();
  EXPECT_GT(s.read_cache_misses, s.read_cache_hits / 4);
}

// The main deployment: a graph that rarely changes, read for hours, with a
// budget far below the working set. A full cache is replaced (not frozen):
// answers stay exact, a node read after the cache filled gets cached and hit,
// and the caches alive at once stay within twice the budget, even while old
// snapshots hold full caches.
class ReadCacheFullTest : public ReadCacheTest {
 protected:
  static constexpr size_t kBudget = 200 << 10;
  void SetUp() override {
    Open(kBudget);
    ASSERT_NO_FATAL_FAILURE(PopulateChain());
  }
  // Reads node `id`'s name through a new snapshot; returns the hits it got.
  uint64_t HitsReading(NodeId id, Value* out) {
    uint64_t before = Stats().read_cache_hits;
    {
      auto snap = g_->NewSnapshot();
      EXPECT_OK(snap->GetNodeProperty(id, name_, out));
    }
    return Stats().read_cache_hits - before;
  }
};

TEST_F(ReadCacheFullTest, AHotNodeReadAfterTheCacheFilledIsCachedAgain) {
  {
    // The first query reads everything: the cache fills with the low ids.
    auto snap = g_->NewSnapshot();
    EXPECT_EQ(ReadAll(*g_, *snap, max_id_), Uncached(*g_, max_id_));
  }
  // The last node did not fit, so far. Read it on and on, as a dashboard
  // would: from the second read on it is a hit.
  const NodeId hot = max_id_ - 1;
  Value v;
  EXPECT_EQ(HitsReading(hot, &v), 0u);
  EXPECT_EQ(v.DebugString(), Value(std::string(100, 'a' + 1999 % 26) + "1999").DebugString());
  for (int i = 0; i < 3; ++i) {
    Value again;
    EXPECT_EQ(HitsReading(hot, &again), 1u) << "read " << i;
    EXPECT_EQ(again.DebugString(), v.DebugString());
  }
}

TEST_F(ReadCacheFullTest, AnswersStayExactAndMemoryBoundedWhileSnapshotsHoldFullCaches) {
  const std::string truth = Uncached(*g_, max_id_);
  uint64_t max_bytes = 0;
  std::vector<std::unique_ptr<Snapshot>> held;  // long queries, each pinning the cache it had
  for (int round = 0; round < 12; ++round) {
    auto snap = g_->NewSnapshot();
    // Each round starts reading at another node, so every cache holds
    // different entries.
    const NodeId from = static_cast<NodeId>(round * 150) % max_id_;
    EXPECT_EQ(ReadAll(*g_, *snap, max_id_), truth) << "round " << round;
    for (NodeId id = from; id < max_id_; ++id) {
      Value x;
      EXPECT_OK(snap->GetNodeProperty(id, name_, &x));
    }
    max_bytes = std::max(max_bytes, LiveBytes());
    EXPECT_LE(Stats().read_cache_bytes, LiveBytes());
    if (round % 3 == 0) held.push_back(std::move(snap));
  }
  EXPECT_GT(max_bytes, kBudget / 2);
  EXPECT_LE(max_bytes, 2 * kBudget);
  // The held snapshots still answer exactly, from the caches they have.
  for (auto& s : held) EXPECT_EQ(ReadAll(*g_, *s, max_id_), truth);
  held.clear();
  // Once they are gone, a new snapshot starts filling a fresh cache.
  auto snap = g_->NewSnapshot();
  Value x;
  ASSERT_OK(snap->GetNodeProperty(7, name_, &x));
  EXPECT_LE(LiveBytes(), 2 * kBudget);
  EXPECT_EQ(ReadAll(*g_, *snap, max_id_), truth);
  snap.reset();
  // A cache dies with the last snapshot holding it; the graph's current
  // cache (and the one it replaced, if the graph still points at it) stay.
  EXPECT_EQ(LiveBytes(), Stats().read_cache_bytes);
}

// Many readers on several threads, a small budget: caches are replaced
// while other threads read them.
TEST_F(ReadCacheFullTest, ConcurrentReadersReplacingFullCaches) {
  const std::string truth = Uncached(*g_, max_id_);
  std::atomic<int> bad{0};
  std::atomic<uint64_t> max_bytes{0};
  auto reader = [&](int seed) {
    for (int i = 0; i < 6; ++i) {
      auto snap = g_->NewSnapshot();
      // A short query on a few nodes, then sometimes a long one.
      for (NodeId id = (seed * 97 + i * 31) % max_id_, n = 0; n < 50; ++n, id = (id + 37) % max_id_) {
        Value x;
        if (!snap->GetNodeProperty(id, name_, &x).ok() || !x.is_string()) ++bad;
        if (snap->Degree(id, Direction::kOut, std::nullopt) != (id + 1 < max_id_ ? 1u : 0u)) ++bad;
      }
      if (i % 3 == seed % 3 && ReadAll(*g_, *snap, max_id_) != truth) ++bad;
      uint64_t b = LiveBytes();
      uint64_t m = max_bytes.load();
      while (b > m && !max_bytes.compare_exchange_weak(m, b)) {
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back(reader, i);
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_LE(max_bytes.load(), 2 * kBudget);
}

TEST(ReadCacheUnitTest, InsertThenFindAndBudget) {
  internal::ReadCache cache(/*node_capacity=*/100, /*rel_capacity=*/10, /*label_capacity=*/4, /*budget_bytes=*/1 << 20);
  EXPECT_EQ(cache.FindNode(3), nullptr);
  const internal::CachedRecord* n = cache.InsertNode(3, true, "record");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(cache.FindNode(3), n);
  EXPECT_EQ(n->bytes(), "record");
  // A second insert of the same id loses to the first.
  EXPECT_EQ(cache.InsertNode(3, true, "other"), n);
  EXPECT_EQ(cache.InsertNode(100, true, "x"), nullptr);  // out of range
  EXPECT_EQ(cache.FindRel(3), nullptr);  // nodes and relationships apart
  const internal::CachedRecord* r = cache.InsertRel(3, false, {});
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->exists);
  EXPECT_EQ(cache.FindRel(3), r);
  EXPECT_EQ(cache.InsertRel(10, true, "x"), nullptr);
  // rel, type, other, dir; in key order (type, other, rel).
  std::vector<AdjEntry> adj = {{7, 1, 2, Direction::kIn}, {9, 1, 5, Direction::kIn}, {8, 2, 1, Direction::kIn}};
  const internal::CachedAdjacency* a = cache.InsertAdjacency(3, Direction::kIn, adj);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(cache.FindAdjacency(3, Direction::kOut), nullptr);
  EXPECT_EQ(cache.FindAdjacency(3, Direction::kIn), a);
  ASSERT_EQ(a->count, 3u);
  EXPECT_EQ(a->entries[1].rel, 9u);
  EXPECT_EQ(a->entries[2].other, 1u);
  ASSERT_EQ(a->run_count, 2u);
  EXPECT_EQ(a->FindRun(1)->begin, 0u);
  EXPECT_EQ(a->FindRun(1)->end, 2u);
  EXPECT_EQ(a->FindRun(2)->begin, 2u);
  EXPECT_EQ(a->FindRun(2)->end, 3u);
  EXPECT_EQ(a->FindRun(3), nullptr);
  const internal::CachedAdjacency* empty = cache.InsertAdjacency(4, Direction::kOut, {});
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->count, 0u);
  EXPECT_EQ(empty->run_count, 0u);
  const internal::CachedIds* ids = cache.InsertLabel(2, {1, 5, 9});
  ASSERT_NE(ids, nullptr);
  EXPECT_EQ(cache.FindLabel(2)->ids[2], 9u);
  EXPECT_EQ(cache.InsertLabel(4, {1}), nullptr);
  // An entry over an eighth of the budget is refused without making the
  // cache full: there is room for everything else.
  std::vector<NodeId> big(200000, 1);
  EXPECT_EQ(cache.InsertLabel(1, big), nullptr);
  EXPECT_FALSE(cache.full());
  EXPECT_EQ(cache.InsertLabel(1, std::vector<NodeId>(1000, 2))->count, 1000u);
  // Past the budget nothing more goes in, and what is there stays.
  const std::string record(100 << 10, 'r');
  NodeId id = 10;
  while (cache.InsertNode(id, true, record) != nullptr) ++id;
  EXPECT_TRUE(cache.full());
  EXPECT_GT(id, 15u);
  EXPECT_LE(cache.Stats().bytes, 1u << 20);
  EXPECT_EQ(cache.FindNode(3), n);
  EXPECT_EQ(cache.FindNode(id), nullptr);
}

// Readers on several threads share one cache per epoch while a writer
// commits: every snapshot must see one consistent state. Each commit k sets
// every node's "v" to k and adds the k-th relationship from the hub.
TEST_F(ReadCacheTest, ConcurrentReadersAndAWriter) {
  Open();
  constexpr int kNodes = 200;
  constexpr int kCommits = 40;
  LabelId item;
  PropKeyId v;
  TypeId t;
  {
    auto txn = g_->BeginWrite();
    item = txn->GetOrCreateLabel("Item");
    v = txn->GetOrCreatePropKey("v");
    t = txn->GetOrCreateType("LINK");
    for (int i = 0; i < kNodes; ++i) ASSERT_OK(txn->CreateNode({item}, {{v, Value(int64_t{0})}}).status());
    ASSERT_OK(txn->Commit());
  }
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::atomic<uint64_t> checked{0};
  auto reader = [&] {
    int64_t last_k = 0;  // a later snapshot never sees an older state
    while (!stop.load()) {
      auto snap = g_->NewSnapshot();
      for (int pass = 0; pass < 2; ++pass) {
        Value first;
        if (!snap->GetNodeProperty(0, v, &first).ok() || !first.is_int()) {
          ++bad;
          continue;
        }
        const int64_t k = first.as_int();
        if (k < last_k) ++bad;
        last_k = k;
        uint64_t n = 0;
        for (auto it = snap->ScanLabel(item); it->Valid(); it->Next()) {
          Value x;
          if (!snap->GetNodeProperty(it->id(), v, &x).ok() || !x.is_int() || x.as_int() != k) ++bad;
          ++n;
        }
        if (n != kNodes) ++bad;
        if (snap->Degree(0, Direction::kOut, t) != static_cast<uint64_t>(k)) ++bad;
        uint64_t in = 0;
        for (NodeId id = 1; id < kNodes; ++id) in += snap->Degree(id, Direction::kIn, std::nullopt);
        if (in != static_cast<uint64_t>(k)) ++bad;
        ++checked;
      }
    }
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 4; ++i) readers.emplace_back(reader);
  for (int k = 1; k <= kCommits; ++k) {
    auto txn = g_->BeginWrite();
    for (NodeId id = 0; id < kNodes; ++id) ASSERT_OK(txn->SetNodeProperty(id, v, Value(int64_t{k})));
    ASSERT_OK(txn->CreateRel(t, 0, 1 + (k % (kNodes - 1)), {}).status());
    ASSERT_OK(txn->Commit());
    std::this_thread::yield();
  }
  stop = true;
  for (auto& th : readers) th.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_GT(checked.load(), 0u);
  auto last = g_->NewSnapshot();
  Value x;
  ASSERT_OK(last->GetNodeProperty(kNodes - 1, v, &x));
  ASSERT_TRUE(x.is_int());
  EXPECT_EQ(x.as_int(), kCommits);
  EXPECT_EQ(last->Degree(0, Direction::kOut, t), static_cast<uint64_t>(kCommits));
  EXPECT_GT(Stats().read_cache_hits, 0u);
}

}  // namespace
}  // namespace trendgraph::storage
