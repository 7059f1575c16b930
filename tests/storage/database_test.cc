// Database-level behaviour: open errors, reopen, named graphs, drop, backup
// and restore, stats. Real RocksDB in temp dirs.
#include "storage/graph_store.h"

#include <rocksdb/db.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "storage/key_codec.h"
#include "store_check.h"
#include "test_util.h"

namespace trendgraph::storage {
namespace {

namespace fs = std::filesystem;
using trendgraph::testing::TempDir;
using testing::CheckConsistency;
using testing::Dump;

std::unique_ptr<Database> OpenOrDie(const std::string& path, bool read_only = false) {
  Options o;
  o.path = path;
  o.read_only = read_only;
  std::unique_ptr<Database> db;
  Status s = Database::Open(o, &db);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return db;
}

std::shared_ptr<Graph> G(Database& db, const std::string& name) {
  std::shared_ptr<Graph> g;
  EXPECT_OK(db.GetGraph(name, &g));
  return g;
}

// A small trend graph: companies, a policy, FUNDS relationships.
void Populate(Graph& g, int n, const std::string& tag) {
  ASSERT_OK(g.CreateUniqueIndex("Company", "name"));
  ASSERT_OK(g.CreatePropertyIndex("Company", "founded"));
  auto txn = g.BeginWrite();
  LabelId company = txn->GetOrCreateLabel("Company");
  LabelId policy = txn->GetOrCreateLabel("Policy");
  TypeId funds = txn->GetOrCreateType("FUNDS");
  PropKeyId name = txn->GetOrCreatePropKey("name");
  PropKeyId founded = txn->GetOrCreatePropKey("founded");
  PropKeyId amount = txn->GetOrCreatePropKey("amount");
  NodeId p = txn->CreateNode({policy}, {{name, Value("Computing vouchers " + tag)}}).value();
  for (int i = 0; i < n; ++i) {
    NodeId c = txn->CreateNode({company}, {{name, Value(tag + std::to_string(i))}, {founded, Value(2015 + i % 8)}})
                   .value();
    ASSERT_OK(txn->CreateRel(funds, p, c, {{amount, Value(1000.0 * i)}}).status());
  }
  ASSERT_OK(txn->Commit());
}

TEST(DatabaseTest, CreatesDefaultGraphAndReopensWithEverything) {
  TempDir dir;
  std::string before;
  {
    auto db = OpenOrDie(dir.Sub("db"));
    EXPECT_EQ(db->ListGraphs(), std::vector<std::string>{"default"});
    auto g = G(*db, "default");
    Populate(*g, 20, "c");
    before = Dump(*g, *g->NewSnapshot());
  }
  auto db = OpenOrDie(dir.Sub("db"));
  auto g = G(*db, "default");
  auto snap = g->NewSnapshot();
  EXPECT_EQ(Dump(*g, *snap), before);
  EXPECT_EQ(CheckConsistency(*g, *snap), "");
  EXPECT_EQ(snap->NodeCount(), 21u);
  EXPECT_EQ(g->Indexes().size(), 2u);
  // Ids continue after the last committed ones; tokens keep their ids.
  auto txn = g->BeginWrite();
  EXPECT_EQ(txn->CreateNode({}, {}).value(), 21u);
  EXPECT_EQ(txn->GetOrCreateLabel("Company"), *g->FindLabel("Company"));
  EXPECT_EQ(txn->GetOrCreateLabel("New"), 2u);
  // Deleted nodes stay deleted for the writer's existence checks.
  ASSERT_OK(txn->DeleteNode(5, true));
  ASSERT_OK(txn->Commit());
  txn.reset();
  g.reset();
  snap.reset();
  db.reset();
  db = OpenOrDie(dir.Sub("db"));
  g = G(*db, "default");
  txn = g->BeginWrite();
  EXPECT_TRUE(txn->CreateRel(0, 5, 6, {}).status().IsNotFound());
  EXPECT_TRUE(txn->CreateRel(0, 6, 22, {}).status().IsNotFound());
  EXPECT_TRUE(txn->CreateRel(0, 6, 21, {}).ok());
  // The unique index still holds after reopen.
  EXPECT_TRUE(txn->CreateNode({*g->FindLabel("Company")}, {{*g->FindPropKey("name"), Value("c3")}})
                  .status()
                  .IsConstraintViolation());
}

TEST(DatabaseTest, NamedGraphsAreIsolatedAndDropReclaims) {
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("db"));
  ASSERT_OK(db->CreateGraph("chips-2024"));
  ASSERT_OK(db->CreateGraph("vouchers_CN"));
  EXPECT_TRUE(db->CreateGraph("chips-2024").IsAlreadyExists());
  EXPECT_TRUE(db->CreateGraph("").IsInvalidArgument());
  EXPECT_TRUE(db->CreateGraph("has space").IsInvalidArgument());
  EXPECT_TRUE(db->CreateGraph(std::string(65, 'a')).IsInvalidArgument());
  ASSERT_OK(db->CreateGraph(std::string(64, 'a')));
  EXPECT_EQ(db->ListGraphs().size(), 4u);
  std::shared_ptr<Graph> missing;
  EXPECT_TRUE(db->GetGraph("nope", &missing).IsNotFound());

  auto chips = G(*db, "chips-2024");
  auto vouchers = G(*db, "vouchers_CN");
  Populate(*chips, 30, "chip");
  Populate(*vouchers, 5, "v");
  EXPECT_EQ(chips->NewSnapshot()->NodeCount(), 31u);
  EXPECT_EQ(vouchers->NewSnapshot()->NodeCount(), 6u);
  EXPECT_EQ(G(*db, "default")->NewSnapshot()->NodeCount(), 0u);
  EXPECT_FALSE(G(*db, "default")->FindLabel("Company").has_value());
  std::string vouchers_dump = Dump(*vouchers, *vouchers->NewSnapshot());

  ASSERT_OK(db->DropGraph("chips-2024"));
  EXPECT_TRUE(db->DropGraph("chips-2024").IsNotFound());
  EXPECT_TRUE(db->GetGraph("chips-2024", &missing).IsNotFound());
  // The old handle sees no data and cannot write.
  auto snap = chips->NewSnapshot();
  EXPECT_EQ(snap->NodeCount(), 0u);
  EXPECT_FALSE(snap->ScanNodes()->Valid());
  EXPECT_FALSE(chips->FindLabel("Company").has_value());
  auto txn = chips->BeginWrite();
  ASSERT_OK(txn->CreateNode({}, {}).status());
  EXPECT_TRUE(txn->Commit().IsNotFound());
  EXPECT_EQ(Dump(*vouchers, *vouchers->NewSnapshot()), vouchers_dump);

  // No key is left in the dropped graph's range (graph ids: default 1,
  // chips-2024 2). Readers and graphs go before their database.
  snap.reset();
  txn.reset();
  chips.reset();
  vouchers.reset();
  db.reset();
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options ro;
    ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(ro, dir.Sub("db"), &raw).ok());
    std::unique_ptr<rocksdb::DB> rdb(raw);
    std::unique_ptr<rocksdb::Iterator> it(rdb->NewIterator(rocksdb::ReadOptions()));
    std::string begin = keys::GraphPrefix(2), end = keys::GraphPrefix(3);
    it->Seek(begin);
    EXPECT_TRUE(!it->Valid() || it->key().compare(end) >= 0) << "dropped graph left keys";
    // ... while the other graph's keys are still there.
    it->Seek(keys::GraphPrefix(3));
    EXPECT_TRUE(it->Valid());
  }
  db = OpenOrDie(dir.Sub("db"));
  EXPECT_EQ(db->ListGraphs().size(), 3u);
  vouchers = G(*db, "vouchers_CN");
  EXPECT_EQ(Dump(*vouchers, *vouchers->NewSnapshot()), vouchers_dump);
}

TEST(DatabaseTest, DropWaitsForTheOpenTransaction) {
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("db"));
  ASSERT_OK(db->CreateGraph("busy"));
  auto g = G(*db, "busy");
  auto txn = g->BeginWrite();
  ASSERT_OK(txn->CreateNode({}, {}).status());
  Status dropped = Status::Aborted("not run");
  std::thread dropper([&] { dropped = db->DropGraph("busy"); });
  // The catalogue stays usable while the drop waits for the writer.
  EXPECT_FALSE(db->ListGraphs().empty());
  ASSERT_OK(txn->Commit());
  dropper.join();
  ASSERT_OK(dropped);
  EXPECT_EQ(g->NewSnapshot()->NodeCount(), 0u);
  EXPECT_FALSE(g->NewSnapshot()->NodeExists(0));
  std::shared_ptr<Graph> missing;
  EXPECT_TRUE(db->GetGraph("busy", &missing).IsNotFound());
}

TEST(DatabaseTest, DroppingDefaultRecreatesItEmpty) {
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("db"));
  Populate(*G(*db, "default"), 3, "d");
  ASSERT_OK(db->DropGraph("default"));
  auto g = G(*db, "default");
  EXPECT_EQ(g->NewSnapshot()->NodeCount(), 0u);
  EXPECT_TRUE(g->Indexes().empty());
  g.reset();  // graphs go before their database (graph_store.h)
  db.reset();
  db = OpenOrDie(dir.Sub("db"));
  EXPECT_EQ(G(*db, "default")->NewSnapshot()->NodeCount(), 0u);
}

TEST(DatabaseTest, RefusesDirectoryThatIsNotADatabase) {
  TempDir dir;
  std::string path = dir.Sub("notes");
  fs::create_directories(path);
  { std::ofstream(path + "/paper.txt") << "not a database"; }
  Options o;
  o.path = path;
  std::unique_ptr<Database> db;
  Status s = Database::Open(o, &db);
  EXPECT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_NE(s.message().find(path), std::string::npos) << s.message();
  // Nothing was written.
  int files = 0;
  for (auto& e : fs::directory_iterator(path)) (void)e, ++files;
  EXPECT_EQ(files, 1);

  // A plain file is not a database either.
  o.path = path + "/paper.txt";
  EXPECT_TRUE(Database::Open(o, &db).IsInvalidArgument());
  // A missing database with create_if_missing = false.
  o.path = dir.Sub("absent");
  o.create_if_missing = false;
  EXPECT_TRUE(Database::Open(o, &db).IsNotFound());
  EXPECT_FALSE(fs::exists(o.path));
}

TEST(DatabaseTest, RefusesNewerFormatVersion) {
  TempDir dir;
  { auto db = OpenOrDie(dir.Sub("db")); }
  { std::ofstream(dir.Sub("db") + "/TRENDGRAPH", std::ios::trunc) << "trendgraph database\nformat 99\n"; }
  Options o;
  o.path = dir.Sub("db");
  std::unique_ptr<Database> db;
  Status s = Database::Open(o, &db);
  EXPECT_TRUE(s.IsVersionMismatch()) << s.ToString();

  // The version record inside the store is checked too.
  { std::ofstream(dir.Sub("db") + "/TRENDGRAPH", std::ios::trunc) << "trendgraph database\nformat 1\n"; }
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options ro;
    ASSERT_TRUE(rocksdb::DB::Open(ro, dir.Sub("db"), &raw).ok());
    std::string v;
    keys::PutU32BE(&v, keys::kFormatVersion + 1);
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), keys::MetaKey(keys::Tag::kMetaVersion), v).ok());
    delete raw;
  }
  s = Database::Open(o, &db);
  EXPECT_TRUE(s.IsVersionMismatch()) << s.ToString();
}

// An older database opened for writing is upgraded: this build writes only
// its own format, so an older build must refuse the database afterwards.
// Read-only opens change nothing.
TEST(DatabaseTest, OpeningAnOlderFormatForWritingUpgradesIt) {
  static_assert(keys::kFormatVersion >= 2, "needs an older format to start from");
  TempDir dir;
  { auto db = OpenOrDie(dir.Sub("db")); }
  const std::string marker = dir.Sub("db") + "/TRENDGRAPH";
  auto marker_text = [&] {
    std::ifstream in(marker);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  auto stored_version = [&] {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options ro;
    EXPECT_TRUE(rocksdb::DB::OpenForReadOnly(ro, dir.Sub("db"), &raw).ok());
    std::string v;
    EXPECT_TRUE(raw->Get(rocksdb::ReadOptions(), keys::MetaKey(keys::Tag::kMetaVersion), &v).ok());
    delete raw;
    return v.size() == 4 ? keys::GetU32BE(v.data()) : 0u;
  };
  const std::string old_marker = "trendgraph database\nformat " + std::to_string(keys::kFormatVersion - 1) + "\n";
  { std::ofstream(marker, std::ios::trunc) << old_marker; }
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options ro;
    ASSERT_TRUE(rocksdb::DB::Open(ro, dir.Sub("db"), &raw).ok());
    std::string v;
    keys::PutU32BE(&v, keys::kFormatVersion - 1);
    ASSERT_TRUE(raw->Put(rocksdb::WriteOptions(), keys::MetaKey(keys::Tag::kMetaVersion), v).ok());
    delete raw;
  }
  Options o;
  o.path = dir.Sub("db");
  o.read_only = true;
  {
    std::unique_ptr<Database> db;
    ASSERT_OK(Database::Open(o, &db));
  }
  EXPECT_EQ(marker_text(), old_marker);
  EXPECT_EQ(stored_version(), keys::kFormatVersion - 1);

  o.read_only = false;
  {
    std::unique_ptr<Database> db;
    ASSERT_OK(Database::Open(o, &db));
  }
  EXPECT_EQ(marker_text(), "trendgraph database\nformat " + std::to_string(keys::kFormatVersion) + "\n");
  EXPECT_EQ(stored_version(), keys::kFormatVersion);
}

// Settle flushes what the memtables hold and returns once no background work
// is left; the data reads back the same.
TEST(DatabaseTest, SettleFlushesAndWaits) {
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("db"));
  std::shared_ptr<Graph> g;
  ASSERT_OK(db->GetGraph("default", &g));
  {
    auto txn = g->BeginWrite();
    LabelId l = txn->GetOrCreateLabel("Article");
    PropKeyId k = txn->GetOrCreatePropKey("title");
    for (int i = 0; i < 2000; ++i) ASSERT_TRUE(txn->CreateNode({l}, {{k, Value("title " + std::to_string(i))}}).ok());
    ASSERT_OK(txn->Commit());
  }
  EXPECT_EQ(db->Stats().live_sst_bytes, 0u);  // all still in the memtable
  ASSERT_OK(db->Settle());
  EXPECT_GT(db->Stats().live_sst_bytes, 0u);
  EXPECT_EQ(g->NewSnapshot()->NodeCount(), 2000u);
}

TEST(DatabaseTest, LockedByAnotherProcessIsBusy) {
  TempDir dir;
  { auto db = OpenOrDie(dir.Sub("db")); }
  int ready[2], release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    Options o;
    o.path = dir.Sub("db");
    std::unique_ptr<Database> db;
    char c = Database::Open(o, &db).ok() ? 'y' : 'n';
    (void)!::write(ready[1], &c, 1);
    (void)!::read(release[0], &c, 1);
    db.reset();
    ::_exit(0);
  }
  char c = 0;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ASSERT_EQ(c, 'y');
  Options o;
  o.path = dir.Sub("db");
  std::unique_ptr<Database> db;
  Status s = Database::Open(o, &db);
  EXPECT_TRUE(s.IsBusy()) << s.ToString();
  EXPECT_NE(s.message().find("another process"), std::string::npos);
  // The same process opening twice is refused the same way.
  (void)!::write(release[1], &c, 1);
  int status = 0;
  ::waitpid(pid, &status, 0);
  auto first = OpenOrDie(dir.Sub("db"));
  EXPECT_TRUE(Database::Open(o, &db).IsBusy());
  // A read-only open does not conflict.
  o.read_only = true;
  ASSERT_OK(Database::Open(o, &db));
  EXPECT_TRUE(db->CreateGraph("x").IsNotSupported());
}

TEST(DatabaseTest, BackupWhileWritingThenRestoreGivesSameGraph) {
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("db"));
  ASSERT_OK(db->CreateGraph("trends"));
  Populate(*G(*db, "default"), 40, "a");
  Populate(*G(*db, "trends"), 10, "t");
  {
    // A side record (bookkeeping outside the graph) travels with the graph.
    auto txn = G(*db, "trends")->BeginWrite();
    ASSERT_OK(txn->PutSide("pending", {{txn->GetOrCreatePropKey("rank"), Value(7)}}));
    ASSERT_OK(txn->Commit());
  }
  std::string dump_default = Dump(*G(*db, "default"), *G(*db, "default")->NewSnapshot());
  std::string dump_trends = Dump(*G(*db, "trends"), *G(*db, "trends")->NewSnapshot());
  ASSERT_OK(db->Backup(dir.Sub("backup")));
  EXPECT_TRUE(db->Backup(dir.Sub("backup")).IsAlreadyExists());
  // Writes after the backup are not in it.
  Populate(*G(*db, "trends"), 5, "late");

  EXPECT_TRUE(Database::Restore(dir.Sub("nothing-here"), dir.Sub("r")).IsInvalidArgument());
  EXPECT_TRUE(Database::Restore(dir.Sub("backup"), dir.Sub("db")).IsInvalidArgument());  // not empty
  ASSERT_OK(Database::Restore(dir.Sub("backup"), dir.Sub("restored")));
  auto restored = OpenOrDie(dir.Sub("restored"));
  EXPECT_EQ(restored->ListGraphs(), (std::vector<std::string>{"default", "trends"}));
  auto g = G(*restored, "default");
  EXPECT_EQ(Dump(*g, *g->NewSnapshot()), dump_default);
  EXPECT_EQ(CheckConsistency(*g, *g->NewSnapshot()), "");
  g = G(*restored, "trends");
  EXPECT_EQ(Dump(*g, *g->NewSnapshot()), dump_trends);
  {
    auto side = g->NewSnapshot()->ScanSide("");
    ASSERT_TRUE(side->Valid());
    EXPECT_EQ(side->key(), "pending");
    ASSERT_EQ(side->props().size(), 1u);
    EXPECT_EQ(side->props()[0].second.DebugString(), "7");
    side->Next();
    EXPECT_FALSE(side->Valid());
    EXPECT_FALSE(G(*restored, "default")->NewSnapshot()->ScanSide("")->Valid());  // per graph
  }
  // The restored database is writable and independent.
  auto txn = g->BeginWrite();
  ASSERT_OK(txn->CreateNode({}, {}).status());
  ASSERT_OK(txn->Commit());
}

TEST(DatabaseTest, StatsAndFlush) {
  TempDir dir;
  auto db = OpenOrDie(dir.Sub("db"));
  Populate(*G(*db, "default"), 200, "s");
  EXPECT_GT(db->Stats().memtable_bytes, 0u);
  ASSERT_OK(db->Flush());
  DatabaseStats s = db->Stats();
  EXPECT_GT(s.live_sst_bytes, 0u);
  EXPECT_GT(s.estimated_keys, 200u);
  EXPECT_EQ(db->options().path, dir.Sub("db"));
}

TEST(DatabaseTest, ReadOnlyOpenSeesDataAndRefusesWrites) {
  TempDir dir;
  {
    auto db = OpenOrDie(dir.Sub("db"));
    Populate(*G(*db, "default"), 4, "r");
  }
  auto db = OpenOrDie(dir.Sub("db"), /*read_only=*/true);
  auto g = G(*db, "default");
  EXPECT_EQ(g->NewSnapshot()->NodeCount(), 5u);
  auto txn = g->BeginWrite();
  ASSERT_OK(txn->CreateNode({}, {}).status());
  Status s = txn->Commit();
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(g->CreatePropertyIndex("Company", "x").IsNotSupported());
}

}  // namespace
}  // namespace trendgraph::storage
