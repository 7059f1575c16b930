// Bulk load: the same transactions committed into a BulkLoad and into the
// database must leave byte-identical keys and values, answer every read
// inside the transactions the same way, and keep the load's rules (empty
// graph only, nothing visible until Finish, nothing loaded when the graph
// was written to meanwhile).
#include "storage/bulk_load.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <sys/resource.h>
#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <functional>
#include <limits>
#include <random>
#include <sstream>

#include "store_check.h"
#include "test_util.h"

namespace trendgraph::storage {
namespace {

using testing::CheckConsistency;
using testing::Dump;
using trendgraph::testing::TempDir;

// Every key and value of the database, hex-escaped, one per line.
std::string RawDump(const std::string& path) {
  rocksdb::DB* raw = nullptr;
  rocksdb::Options o;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(o, path, &raw);
  if (!s.ok()) return "cannot open: " + s.ToString();
  std::unique_ptr<rocksdb::DB> db(raw);
  std::ostringstream out;
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(ro));
  auto hex = [](rocksdb::Slice x) {
    static const char* d = "0123456789abcdef";
    std::string h;
    for (size_t i = 0; i < x.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(x[i]);
      h += d[c >> 4];
      h += d[c & 15];
    }
    return h;
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) out << hex(it->key()) << " = " << hex(it->value()) << "\n";
  return out.str();
}

// The committed side records, one line each.
std::string SideDump(Graph& g) {
  std::ostringstream out;
  auto it = g.NewSnapshot()->ScanSide("");
  for (; it->Valid(); it->Next()) out << "side " << it->key() << " " << it->props().size() << "\n";
  out << it->status().ToString() << "\n";
  return out.str();
}

std::string PersonName(uint32_t i) {
  std::string s = "p";
  s += std::to_string(i);
  return s;
}

// Where a script's transactions come from.
using BeginFn = std::function<std::unique_ptr<WriteTxn>()>;

// A deterministic mixed workload: creates, property changes, label changes,
// deletes (detach and not), side records, unique violations, transactions dropped without
// commit, an index created half way. Returns a log of every read the
// transactions made, which must not depend on where they commit.
std::string Script(Graph& graph, const BeginFn& begin, uint32_t seed) {
  std::ostringstream log;
  std::mt19937 rng(seed);
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  std::vector<NodeId> live;
  std::vector<RelId> rels;
  for (int t = 0; t < 40; ++t) {
    if (t == 20) {
      // Half way: an index over nodes that already exist (the bulk load
      // builds its entries from memory, the database from its keys).
      Status s = graph.CreatePropertyIndex("Person", "city");
      log << "index city: " << s.ToString() << "\n";
    }
    std::unique_ptr<WriteTxn> txn = begin();
    LabelId person = txn->GetOrCreateLabel("Person");
    LabelId extra = txn->GetOrCreateLabel(pick(2) ? "Researcher" : "Official");
    PropKeyId name = txn->GetOrCreatePropKey("name");
    PropKeyId age = txn->GetOrCreatePropKey("age");
    PropKeyId city = txn->GetOrCreatePropKey("city");
    TypeId knows = txn->GetOrCreateType("KNOWS");
    TypeId cites = txn->GetOrCreateType(pick(3) ? "CITES" : "FUNDS");
    PropKeyId weight = txn->GetOrCreatePropKey("weight");
    std::vector<NodeId> created;
    std::vector<RelId> created_rels;
    bool failed = false;
    for (int op = 0; op < 30 && !failed; ++op) {
      uint32_t what = pick(100);
      Status s;
      if (pick(4) == 0) {
        // Side records: puts, deletes and scans (a 9-byte prefix goes
        // through the bloom filters), read back inside the transaction.
        std::string key(pick(2) ? "pending:" : "q");
        key.append(std::to_string(pick(40)));
        uint32_t side = pick(10);
        Status ss;
        if (side < 5) {
          ss = txn->PutSide(key, {{weight, Value(int64_t(pick(9)))}});
        } else if (side < 8) {
          ss = txn->DeleteSide(key);
        } else {
          std::string prefix = key.substr(0, side == 8 ? 1 : 9);
          log << "side " << prefix << ":";
          auto it = txn->ScanSide(prefix);
          for (; it->Valid(); it->Next())
            log << " " << it->key() << "=" << (it->props().empty() ? -1 : it->props()[0].second.as_int());
          log << " " << it->status().ToString() << "\n";
        }
        log << "side op " << side << ": " << ss.ToString() << "\n";
      }
      if (what < 30 || live.size() < 4) {
        Properties props = {{name, Value(PersonName(pick(400)))}, {age, Value(int64_t(pick(90)))}};
        if (pick(2)) props.emplace_back(city, Value(pick(2) ? "Beijing" : "Shanghai"));
        std::vector<LabelId> labels = {person};
        if (pick(3) == 0) labels.push_back(extra);
        Result<NodeId> r = txn->CreateNode(labels, props);
        s = r.status();
        if (r.ok()) {
          created.push_back(r.value());
          live.push_back(r.value());
        }
      } else if (what < 55) {
        NodeId a = live[pick(live.size())], b = live[pick(live.size())];
        Result<RelId> r = txn->CreateRel(pick(2) ? knows : cites, a, b, {{weight, Value(double(pick(100)) / 10)}});
        s = r.status();
        if (r.ok()) {
          created_rels.push_back(r.value());
          rels.push_back(r.value());
        }
      } else if (what < 65) {
        s = txn->SetNodeProperty(live[pick(live.size())], pick(4) ? age : city,
                                 pick(5) ? Value(int64_t(pick(90))) : Value());
      } else if (what < 70) {
        s = txn->SetNodeProperty(live[pick(live.size())], name, Value(PersonName(pick(400))));
      } else if (what < 75) {
        s = pick(2) ? txn->AddLabel(live[pick(live.size())], extra) : txn->RemoveLabel(live[pick(live.size())], extra);
      } else if (what < 80 && !rels.empty()) {
        size_t i = pick(rels.size());
        s = txn->DeleteRel(rels[i]);
        if (s.IsNotFound()) s = Status::OK();  // deleted with its node earlier
        rels.erase(rels.begin() + static_cast<std::ptrdiff_t>(i));
      } else if (what < 85) {
        size_t i = pick(live.size());
        s = txn->DeleteNode(live[i], /*detach=*/pick(2) == 0);
        if (s.ok()) live.erase(live.begin() + static_cast<std::ptrdiff_t>(i));
      } else if (what < 90 && !rels.empty()) {
        RelId r = rels[pick(rels.size())];
        s = txn->SetRelProperty(r, weight, pick(4) ? Value(int64_t(pick(9))) : Value());
        if (s.IsNotFound()) s = Status::OK();
      } else {
        // Reads: everything a transaction can ask.
        NodeId n = live[pick(live.size())];
        NodeRecord rec;
        log << "get " << n << ": " << txn->GetNode(n, &rec).ToString() << " " << rec.props.size() << "\n";
        for (Direction d : {Direction::kOut, Direction::kIn}) {
          log << "adj " << n << "/" << int(d) << ":";
          for (auto it = txn->Adjacency(n, d, std::nullopt); it->Valid(); it->Next())
            log << " " << it->entry().type << "," << it->entry().other << "," << it->entry().rel;
          log << " deg " << txn->Degree(n, d, knows) << "\n";
        }
        NodeId found = 0;
        Value key(PersonName(pick(400)));
        log << "unique " << txn->LookupUnique(person, name, key, &found).ToString() << " " << found << "\n";
        log << "seek age:";
        for (auto it = txn->IndexSeek(person, age, Value(int64_t(pick(90)))); it->Valid(); it->Next())
          log << " " << it->id();
        log << "\nrange age:";
        for (auto it = txn->IndexRange(person, age, Value(int64_t(10)), true, Value(int64_t(20)), false); it->Valid();
             it->Next())
          log << " " << it->id();
        log << "\nlabel extra:";
        for (auto it = txn->ScanLabel(extra); it->Valid(); it->Next()) log << " " << it->id();
        bool merged = false;
        Result<NodeId> m = txn->MergeNodeByKey(person, name, key, &merged);
        log << "\nmerge " << m.status().ToString() << " " << (m.ok() ? m.value() : 0) << " " << merged << "\n";
        if (m.ok() && merged) live.push_back(m.value());
        log << "counts " << txn->NodeCount() << " " << txn->RelCount() << " " << txn->NodeCountByLabel(person)
            << " " << txn->RelCountByType(knows) << "\n";
      }
      log << "op " << what << ": " << s.ToString() << "\n";
      failed = !s.ok();
    }
    bool drop = failed || pick(6) == 0;
    if (!drop) {
      Status s = txn->Commit();
      log << "commit " << t << ": " << s.ToString() << "\n";
      drop = !s.ok();
    }
    if (drop) {
      // Undo the bookkeeping of what this transaction created.
      for (NodeId n : created) std::erase(live, n);
      for (RelId r : created_rels) std::erase(rels, r);
      log << "dropped " << t << "\n";
    }
    txn.reset();  // releases the writer slot of a dropped transaction
    // Nodes a dropped transaction deleted are alive again; rebuild from a
    // fresh transaction's view.
    std::unique_ptr<WriteTxn> view = begin();
    std::vector<NodeId> now;
    for (auto it = view->ScanNodes(); it->Valid(); it->Next()) now.push_back(it->id());
    live = now;
    std::vector<RelId> now_rels;
    for (auto it = view->ScanRels(); it->Valid(); it->Next()) now_rels.push_back(it->id());
    rels = now_rels;
    log << "state " << live.size() << " nodes " << rels.size() << " rels\n";
  }
  return log.str();
}

class BulkLoadTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> Open(const std::string& path) {
    Options o;
    o.path = path;
    std::unique_ptr<Database> db;
    EXPECT_OK(Database::Open(o, &db));
    return db;
  }
  std::shared_ptr<Graph> Default(Database& db) {
    std::shared_ptr<Graph> g;
    EXPECT_OK(db.GetGraph("default", &g));
    return g;
  }
  // A database at `path`, its default graph and a bulk load of it.
  struct Loading {
    std::unique_ptr<Database> db;
    std::shared_ptr<Graph> graph;
    std::unique_ptr<BulkLoad> bulk;
  };
  Loading StartLoad(const std::string& path, const BulkLoadOptions& options = BulkLoadOptions()) {
    Loading l;
    l.db = Open(path);
    l.graph = Default(*l.db);
    EXPECT_OK(BeginBulkLoad(*l.graph, options, &l.bulk));
    return l;
  }
  // A load with a budget of 0: records and adjacency spill from the first
  // transaction.
  Loading StartSpillingLoad(const std::string& path) {
    BulkLoadOptions spill_all;
    spill_all.memory_budget_bytes = 0;
    return StartLoad(path, spill_all);
  }
  // One committed bulk transaction creating a node labelled `label`.
  static void LoadOneNode(BulkLoad& bulk, std::string_view label) {
    auto r = bulk.BeginWrite();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(r.value()->CreateNode({r.value()->GetOrCreateLabel(label)}, {}).ok());
    ASSERT_OK(r.value()->Commit());
  }
  // One committed bulk transaction: two nodes labelled `label` and `rels`
  // relationships between them (adjacency to spill).
  static void LoadLinkedPair(BulkLoad& bulk, std::string_view label, int rels = 1) {
    auto r = bulk.BeginWrite();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    WriteTxn& t = *r.value();
    auto a = t.CreateNode({t.GetOrCreateLabel(label)}, {});
    auto b = t.CreateNode({t.GetOrCreateLabel(label)}, {});
    ASSERT_TRUE(a.ok() && b.ok());
    for (int i = 0; i < rels; ++i) ASSERT_TRUE(t.CreateRel(t.GetOrCreateType("LINKS"), a.value(), b.value(), {}).ok());
    ASSERT_OK(t.Commit());
  }
  static void Schema(Graph& g) {
    ASSERT_OK(g.CreateUniqueIndex("Person", "name"));
    ASSERT_OK(g.CreatePropertyIndex("Person", "age"));
  }
  TempDir dir_;
};

// Open files in `dir` that have no name: a bulk load's spilled records and
// adjacency runs.
int SpillFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string prefix = fs::canonical(dir).string() + "/";
  int n = 0;
  std::error_code ec;
  for (const auto& fd : fs::directory_iterator("/proc/self/fd", ec)) {
    std::string target = fs::read_symlink(fd.path(), ec).string();
    if (ec || !target.starts_with(prefix) || !target.ends_with(" (deleted)")) continue;
    std::string name = target.substr(prefix.size());
    n += name.starts_with("#") || name.starts_with("bulk-load-");
  }
  return n;
}

// Names in `dir` that a bulk load made (its table folder, a spill file).
std::string LoadFiles(const std::string& dir) {
  std::string names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::string name = e.path().filename().string();
    if (name.find("bulk") != std::string::npos || name.find("spill") != std::string::npos) names += name + " ";
  }
  return names;
}

// Runs `load` with the process's file size limit at `limit` bytes (the
// limit standing in for a full disk; SIGXFSZ ignored), then restores both.
void WithFileSizeLimit(rlim_t limit, const std::function<void()>& load) {
  rlimit old{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &old), 0);
  auto previous = std::signal(SIGXFSZ, SIG_IGN);
  rlimit lowered = old;
  lowered.rlim_cur = limit;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &lowered), 0);
  load();
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &old), 0);
  std::signal(SIGXFSZ, previous);
}

// After a failed write to a temporary file: the next transaction and Finish
// fail with an IOError whose message holds `why`, no file is left and
// nothing is loaded.
void ExpectTheLoadFailed(BulkLoad& bulk, Graph& g, const std::string& path, std::string_view why) {
  auto r = bulk.BeginWrite();
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsIOError()) << r.status().ToString();
  EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().ToString();
  Status s = bulk.Finish();
  EXPECT_TRUE(s.IsIOError()) << s.ToString();
  EXPECT_EQ(SpillFiles(path), 0);
  EXPECT_EQ(LoadFiles(path), "");
  EXPECT_EQ(g.NewSnapshot()->NodeCount(), 0u);
  EXPECT_EQ(g.NewSnapshot()->RelCount(), 0u);
  EXPECT_EQ(CheckConsistency(g, *g.NewSnapshot()), "");
}

// The memory budgets the byte-for-byte comparison runs with: records in
// memory only, spilled from the first record (every append and read a
// system call; adjacency as a run at every transaction's end, the runs
// merged every 4), records spilled part way (moved out of the arena), and
// adjacency spilled part way (runs of at least 1/16 of the budget).
struct BudgetCase {
  const char* name;
  uint64_t bytes;
  uint64_t min_adjacency_runs;  // 0: adjacency stays in memory
};
constexpr BudgetCase kBudgets[] = {
    {"in memory", std::numeric_limits<uint64_t>::max(), 0},
    // 6-8 runs (a committed transaction that made a relationship makes one),
    // so at least one merge (at 4 runs).
    {"spilled", 0, 5},
    // Past the arenas' first chunks (~160 KiB), short of the whole script
    // (~190 KiB): measured to move 1.3-1.5 KB of records (of 1.8-2.9 KB).
    // Adjacency (a few KiB) stays under 1/16 of the budget.
    {"spilled part way", 176 << 10, 0},
    // Records spill at once; adjacency in runs of >= 1.9 KiB: measured 2-3
    // runs, no merge, 10-12 spilled entries erased afterwards.
    {"adjacency spilled part way", 30 << 10, 2}};

TEST_F(BulkLoadTest, SameKeysAndReadsAsTheDatabase) {
  for (const BudgetCase& budget : kBudgets)
  for (uint32_t seed : {1u, 2u, 3u}) {
    SCOPED_TRACE(std::string(budget.name) + ", seed " + std::to_string(seed));
    const std::string tag = std::to_string(budget.bytes % 1000) + "-" + std::to_string(seed);
    const std::string plain_path = dir_.Sub("plain" + tag);
    const std::string bulk_path = dir_.Sub("bulk" + tag);
    std::string plain_log, bulk_log, plain_dump, bulk_dump;
    {
      auto db = Open(plain_path);
      auto g = Default(*db);
      Schema(*g);
      plain_log = Script(*g, [&] { return g->BeginWrite(); }, seed);
      plain_dump = Dump(*g, *g->NewSnapshot()) + SideDump(*g);
    }
    {
      auto db = Open(bulk_path);
      auto g = Default(*db);
      Schema(*g);
      std::unique_ptr<BulkLoad> bulk;
      BulkLoadOptions options;
      options.memory_budget_bytes = budget.bytes;
      ASSERT_OK(BeginBulkLoad(*g, options, &bulk));
      bulk_log = Script(*g, [&] {
        auto r = bulk->BeginWrite();
        EXPECT_TRUE(r.ok()) << r.status().ToString();
        return std::move(r.value());
      }, seed);
      // Nothing is visible before Finish.
      EXPECT_EQ(g->NewSnapshot()->NodeCount(), 0u);
      BulkLoadStats before = bulk->Stats();
      if (budget.bytes == 0) {
        EXPECT_GT(before.spill_reads, 0u);  // the transactions read records back from the file
      }
      if (budget.bytes < std::numeric_limits<uint64_t>::max()) {
        EXPECT_GT(before.spilled_bytes, 0u);
      } else {
        EXPECT_EQ(before.spilled_bytes, 0u);
        EXPECT_EQ(SpillFiles(bulk_path), 0);
      }
      if (budget.min_adjacency_runs > 0) {
        // Runs made and spilled entries erased by later transactions: what
        // the reads above and Finish below must merge and skip.
        EXPECT_GE(before.adjacency_runs, budget.min_adjacency_runs);
        EXPECT_GT(before.adjacency_spilled_bytes, 0u);
        EXPECT_GT(before.adjacency_erased, 0u);
        EXPECT_GE(SpillFiles(bulk_path), 3);  // records, and at least one run
        EXPECT_LE(SpillFiles(bulk_path), 2 + 4);  // merged at 4 runs
      } else {
        EXPECT_EQ(before.adjacency_runs, 0u);
        EXPECT_EQ(before.adjacency_spilled_bytes, 0u);
        if (budget.bytes < std::numeric_limits<uint64_t>::max()) {
          EXPECT_EQ(SpillFiles(bulk_path), 2);
        }
      }
      ASSERT_OK(bulk->Finish());
      EXPECT_EQ(SpillFiles(bulk_path), 0);
      EXPECT_EQ(LoadFiles(bulk_path), "");
      EXPECT_GT(bulk->Stats().keys_written, 0u);
      bulk_dump = Dump(*g, *g->NewSnapshot()) + SideDump(*g);
      EXPECT_EQ(CheckConsistency(*g, *g->NewSnapshot()), "");
    }
    EXPECT_EQ(bulk_log, plain_log);
    EXPECT_EQ(bulk_dump, plain_dump);
    EXPECT_NE(plain_log.find("dropped"), std::string::npos);          // the script did drop transactions
    EXPECT_NE(plain_log.find("side p: pending:"), std::string::npos);  // and found side records
    EXPECT_NE(plain_dump.find("side pending:"), std::string::npos);    // some of which stayed
    EXPECT_NE(plain_log.find("ConstraintViolation"), std::string::npos);  // and hit the unique index
    std::string plain_raw = RawDump(plain_path), bulk_raw = RawDump(bulk_path);
    EXPECT_GT(plain_raw.size(), 1000u);
    EXPECT_TRUE(plain_raw == bulk_raw) << "raw keys differ";
    // Reopened, the bulk-loaded graph reads the same and takes new writes.
    auto db = Open(bulk_path);
    auto g = Default(*db);
    EXPECT_EQ(Dump(*g, *g->NewSnapshot()) + SideDump(*g), plain_dump);
    auto txn = g->BeginWrite();
    ASSERT_TRUE(txn->CreateNode({txn->GetOrCreateLabel("Person")}, {{txn->GetOrCreatePropKey("name"), Value("new")}}).ok());
    ASSERT_OK(txn->Commit());
    EXPECT_EQ(CheckConsistency(*g, *g->NewSnapshot()), "");
  }
}

// A hub whose adjacency spans every run, each of its blocks larger than a
// read's window (450 entries of 20 bytes a transaction), some of its
// spilled relationships deleted later: reads inside the transactions and
// the keys Finish writes must match the database's.
std::string HubScript(const BeginFn& begin) {
  std::ostringstream log;
  NodeId hub = 0;
  std::vector<NodeId> leaves;
  std::vector<RelId> rels;
  for (int t = 0; t < 8; ++t) {
    std::unique_ptr<WriteTxn> txn = begin();
    TypeId types[2] = {txn->GetOrCreateType("KNOWS"), txn->GetOrCreateType("CITES")};
    if (t == 0) {
      hub = txn->CreateNode({txn->GetOrCreateLabel("Hub")}, {}).value();
      for (int i = 0; i < 20; ++i) leaves.push_back(txn->CreateNode({txn->GetOrCreateLabel("Leaf")}, {}).value());
    }
    for (int i = 0; i < 450; ++i) {
      NodeId leaf = leaves[(i * 7 + t) % leaves.size()];
      auto r = i % 3 ? txn->CreateRel(types[i % 2], hub, leaf, {}) : txn->CreateRel(types[i % 2], leaf, hub, {});
      rels.push_back(r.value());
    }
    for (int i = 0; t % 2 == 1 && i < 40; ++i) {  // earlier transactions' relationships: spilled
      size_t at = (static_cast<size_t>(i) * 37 + t) % (rels.size() - 450);
      log << "delete " << rels[at] << ": " << txn->DeleteRel(rels[at]).ToString() << "\n";
      rels.erase(rels.begin() + static_cast<std::ptrdiff_t>(at));
    }
    for (Direction d : {Direction::kOut, Direction::kIn}) {
      uint64_t sum = 0;
      for (auto it = txn->Adjacency(hub, d, types[1]); it->Valid(); it->Next())
        sum += it->entry().other * 31 + it->entry().rel;
      log << "hub " << int(d) << ": deg " << txn->Degree(hub, d, std::nullopt) << " cites sum " << sum << "\n";
    }
    log << "commit " << t << ": " << txn->Commit().ToString() << "\n";
  }
  return log.str();
}

TEST_F(BulkLoadTest, AHubAcrossRunsReadsAndLoadsAsTheDatabase) {
  const std::string plain_path = dir_.Sub("plain");
  std::string plain_log;
  {
    auto db = Open(plain_path);
    auto g = Default(*db);
    plain_log = HubScript([&] { return g->BeginWrite(); });
  }
  const std::string plain_raw = RawDump(plain_path);
  for (uint64_t budget : {uint64_t{0}, uint64_t{30} << 10}) {
    SCOPED_TRACE("budget " + std::to_string(budget));
    const std::string bulk_path = dir_.Sub("bulk" + std::to_string(budget));
    {
      auto db = Open(bulk_path);
      auto g = Default(*db);
      std::unique_ptr<BulkLoad> bulk;
      BulkLoadOptions options;
      options.memory_budget_bytes = budget;
      ASSERT_OK(BeginBulkLoad(*g, options, &bulk));
      std::string bulk_log = HubScript([&] { return std::move(bulk->BeginWrite().value()); });
      EXPECT_EQ(bulk_log, plain_log);
      EXPECT_GE(bulk->Stats().adjacency_runs, 2u);
      EXPECT_GT(bulk->Stats().adjacency_erased, 0u);
      ASSERT_OK(bulk->Finish());
      EXPECT_EQ(CheckConsistency(*g, *g->NewSnapshot()), "");
    }
    EXPECT_TRUE(RawDump(bulk_path) == plain_raw) << "raw keys differ";
  }
  EXPECT_EQ(plain_log.find("NotFound"), std::string::npos) << plain_log;
}

TEST_F(BulkLoadTest, RefusesAGraphThatIsNotEmpty) {
  auto db = Open(dir_.Sub("db"));
  auto g = Default(*db);
  auto txn = g->BeginWrite();
  ASSERT_TRUE(txn->CreateNode({txn->GetOrCreateLabel("X")}, {}).ok());
  ASSERT_OK(txn->Commit());
  std::unique_ptr<BulkLoad> bulk;
  Status s = BeginBulkLoad(*g, &bulk);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find("not empty"), std::string::npos) << s.ToString();
}

TEST_F(BulkLoadTest, WriteDuringTheLoadLoadsNothing) {
  Loading l = StartLoad(dir_.Sub("db"));
  auto& g = l.graph;
  auto& bulk = l.bulk;
  LoadOneNode(*bulk, "Loaded");
  {
    auto txn = g->BeginWrite();
    ASSERT_TRUE(txn->CreateNode({txn->GetOrCreateLabel("Direct")}, {}).ok());
    ASSERT_OK(txn->Commit());
  }
  Status s = bulk->Finish();
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  auto snap = g->NewSnapshot();
  EXPECT_EQ(snap->NodeCount(), 1u);
  EXPECT_EQ(snap->NodeCountByLabel(*g->FindLabel("Direct")), 1u);
  EXPECT_EQ(snap->NodeCountByLabel(*g->FindLabel("Loaded")), 0u);
  EXPECT_EQ(CheckConsistency(*g, *snap), "");
}

TEST_F(BulkLoadTest, AnAbandonedLoadLeavesAConsistentDatabase) {
  const std::string path = dir_.Sub("db");
  {
    Loading l = StartLoad(path);
    auto g = l.graph;
    LoadOneNode(*l.bulk, "OnlyInTheLoad");
    l.bulk.reset();  // dropped without Finish
    // The graph knows the label's name now; a new one gets the next id.
    auto txn = g->BeginWrite();
    ASSERT_TRUE(txn->CreateNode({txn->GetOrCreateLabel("After")}, {}).ok());
    ASSERT_OK(txn->Commit());
  }
  auto db = Open(path);  // token ids without gaps, or Open fails
  ASSERT_NE(db, nullptr);
  auto g = Default(*db);
  auto snap = g->NewSnapshot();
  EXPECT_EQ(snap->NodeCount(), 1u);
  ASSERT_TRUE(g->FindLabel("OnlyInTheLoad").has_value());
  EXPECT_EQ(snap->NodeCountByLabel(*g->FindLabel("OnlyInTheLoad")), 0u);
  EXPECT_EQ(snap->NodeCountByLabel(*g->FindLabel("After")), 1u);
  EXPECT_EQ(CheckConsistency(*g, *snap), "");
}

TEST_F(BulkLoadTest, AbandonedOrFailedLoadsLeaveNoTemporaryFile) {
  BulkLoadOptions spill_all;
  spill_all.memory_budget_bytes = 0;
  const std::string path = dir_.Sub("db");
  auto db = Open(path);
  auto g = Default(*db);
  {
    std::unique_ptr<BulkLoad> bulk;
    ASSERT_OK(BeginBulkLoad(*g, spill_all, &bulk));
    LoadLinkedPair(*bulk, "Abandoned");
    EXPECT_GT(bulk->Stats().spilled_bytes, 0u);
    // Adjacency spilled at the first transaction's end, as one run.
    EXPECT_EQ(bulk->Stats().adjacency_runs, 1u);
    EXPECT_GT(bulk->Stats().adjacency_spilled_bytes, 0u);
    EXPECT_EQ(SpillFiles(path), 3);
    EXPECT_EQ(LoadFiles(path), "");  // never named
  }
  EXPECT_EQ(SpillFiles(path), 0);
  EXPECT_EQ(LoadFiles(path), "");
  std::unique_ptr<BulkLoad> bulk;
  ASSERT_OK(BeginBulkLoad(*g, spill_all, &bulk));
  LoadLinkedPair(*bulk, "Loaded");
  LoadLinkedPair(*bulk, "Loaded");
  EXPECT_EQ(bulk->Stats().adjacency_runs, 2u);
  EXPECT_EQ(SpillFiles(path), 4);
  {
    auto txn = g->BeginWrite();
    ASSERT_TRUE(txn->CreateNode({txn->GetOrCreateLabel("Direct")}, {}).ok());
    ASSERT_OK(txn->Commit());
  }
  Status s = bulk->Finish();
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_EQ(SpillFiles(path), 0);  // gone with the failed Finish, not only with the load
  EXPECT_EQ(LoadFiles(path), "");
  EXPECT_EQ(g->NewSnapshot()->NodeCount(), 1u);
}

// A successful load with merged runs leaves no temporary file either, and
// loads what the runs held.
TEST_F(BulkLoadTest, ASuccessfulLoadLeavesNoTemporaryFile) {
  const std::string path = dir_.Sub("db");
  Loading l = StartSpillingLoad(path);
  auto& [db, g, bulk] = l;
  ASSERT_NE(bulk, nullptr);
  for (int i = 0; i < 9; ++i) LoadLinkedPair(*bulk, "Pair", 3);
  EXPECT_EQ(bulk->Stats().adjacency_runs, 9u + 2u);  // and two merges, at 4 runs
  EXPECT_EQ(SpillFiles(path), 2 + 3);               // one merged run and runs 8 and 9
  ASSERT_OK(bulk->Finish());
  EXPECT_EQ(SpillFiles(path), 0);
  EXPECT_EQ(LoadFiles(path), "");
  auto snap = g->NewSnapshot();
  EXPECT_EQ(snap->NodeCount(), 18u);
  EXPECT_EQ(snap->RelCount(), 27u);
  uint64_t out = 0;
  for (auto it = snap->ScanNodes(); it->Valid(); it->Next()) out += snap->Degree(it->id(), Direction::kOut, std::nullopt);
  EXPECT_EQ(out, 27u);
  EXPECT_EQ(CheckConsistency(*g, *snap), "");
}

// A write to the temporary file that fails (here: the file size limit, as a
// full disk would) fails the load as a whole: the next transaction and
// Finish say why, and nothing is loaded.
TEST_F(BulkLoadTest, AFailedSpillWriteLoadsNothing) {
  const std::string path = dir_.Sub("db");
  Loading l = StartSpillingLoad(path);
  auto& [db, g, bulk] = l;
  ASSERT_NE(bulk, nullptr);
  LoadOneNode(*bulk, "Before");
  // 1 byte: below what the first record already wrote. The transaction
  // commits into the load; its record's write fails.
  ASSERT_NO_FATAL_FAILURE(WithFileSizeLimit(1, [&] { LoadOneNode(*bulk, "Lost"); }));
  ASSERT_NO_FATAL_FAILURE(ExpectTheLoadFailed(*bulk, *g, path, "temporary file"));
  // The graph knows the load's labels by name, and a label made after them
  // gets the next id: reopened, the database must know them all.
  bulk.reset();
  {
    auto txn = g->BeginWrite();
    ASSERT_TRUE(txn->CreateNode({txn->GetOrCreateLabel("After")}, {}).ok());
    ASSERT_OK(txn->Commit());
  }
  g.reset();
  db.reset();
  db = Open(path);  // token ids without gaps, or Open fails
  ASSERT_NE(db, nullptr);
  g = Default(*db);
  EXPECT_TRUE(g->FindLabel("Lost").has_value());
  EXPECT_EQ(g->NewSnapshot()->NodeCount(), 1u);
  EXPECT_EQ(CheckConsistency(*g, *g->NewSnapshot()), "");
}

// The same for a write of an adjacency run: a transaction's records fit
// under the file size limit, its 100 relationships' adjacency (2 KB) does not.
TEST_F(BulkLoadTest, AFailedAdjacencySpillWriteLoadsNothing) {
  const std::string path = dir_.Sub("db");
  Loading l = StartSpillingLoad(path);
  auto& [db, g, bulk] = l;
  ASSERT_NE(bulk, nullptr);
  LoadLinkedPair(*bulk, "Before");
  ASSERT_EQ(bulk->Stats().adjacency_runs, 1u);
  // The records' files stay below the limit.
  const rlim_t limit = bulk->Stats().spilled_bytes + 1000;
  ASSERT_NO_FATAL_FAILURE(WithFileSizeLimit(limit, [&] { LoadLinkedPair(*bulk, "Lost", 100); }));
  ASSERT_NO_FATAL_FAILURE(ExpectTheLoadFailed(*bulk, *g, path, "temporary file of adjacency"));
}

TEST_F(BulkLoadTest, AnIndexTheLoadedNodesViolateFailsTheNextTransaction) {
  Loading l = StartLoad(dir_.Sub("db"));
  auto& g = l.graph;
  auto& bulk = l.bulk;
  {
    auto r = bulk->BeginWrite();
    ASSERT_TRUE(r.ok());
    WriteTxn& t = *r.value();
    LabelId l = t.GetOrCreateLabel("Tech");
    PropKeyId k = t.GetOrCreatePropKey("name");
    ASSERT_TRUE(t.CreateNode({l}, {{k, Value("gpu")}}).ok());
    ASSERT_TRUE(t.CreateNode({l}, {{k, Value("gpu")}}).ok());
    ASSERT_OK(t.Commit());
  }
  ASSERT_OK(g->CreateUniqueIndex("Tech", "name"));  // the database holds no Tech node yet
  auto r = bulk->BeginWrite();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("Tech"), std::string::npos) << r.status().ToString();
}

}  // namespace
}  // namespace trendgraph::storage
