// Runs the real `trendgraph` binary: exit codes, messages, and that bad
// input writes nothing.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "cli_test_support.h"
#include "storage/graph_store.h"
#include "storage/store_check.h"
#include "test_util.h"

namespace trendgraph {
namespace {

using testing::RunCli;
using testing::RunResult;

size_t CountEntries(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::recursive_directory_iterator(dir)) ++n;
  return n;
}

TEST(CliTest, HelpAndUnknownCommand) {
  RunResult r = RunCli("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("serve"), std::string::npos);
  EXPECT_NE(r.output.find("ingest"), std::string::npos);
  r = RunCli("frobnicate");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("unknown command 'frobnicate'"), std::string::npos);
  for (const char* cmd : {"serve", "ingest", "query", "graphs", "stats", "backup", "restore"}) {
    r = RunCli(std::string(cmd) + " --help");
    EXPECT_EQ(r.exit_code, 0) << cmd << ": " << r.output;
    EXPECT_NE(r.output.find("--db"), std::string::npos) << cmd;
  }
}

TEST(CliTest, BadFlagIsAUsageError) {
  RunResult r = RunCli("stats --no-such-flag");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("no-such-flag"), std::string::npos) << r.output;
}

TEST(CliTest, DirectoryThatIsNotADatabaseIsRefusedAndUntouched) {
  testing::TempDir tmp;
  std::string dir = tmp.Sub("notes");
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/thesis.txt") << "my notes, not a database\n";
  size_t before = CountEntries(dir);
  RunResult r = RunCli("stats --db " + dir);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find(dir), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("not a trendgraph database"), std::string::npos) << r.output;
  EXPECT_EQ(CountEntries(dir), before);
}

TEST(CliTest, QueryErrorsAreTypedWithOnePosition) {
  testing::TempDir tmp;
  std::string db = tmp.Sub("db");
  RunResult r = RunCli("query --db " + db + " 'MATCH (n RETURN n'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_EQ(r.output.rfind("SyntaxError", 0), 0u) << r.output;
  EXPECT_NE(r.output.find("line 1, column 10"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("line 1, column 10"), r.output.rfind("line 1, column 10")) << r.output;
  r = RunCli("query --db " + db + " 'RETURN 1/0'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("ArgumentError: division by zero (line 1, column 8)"), std::string::npos) << r.output;
  r = RunCli("query --db " + db + " 'UNWIND range(1, 3) AS x RETURN x * 2 AS y'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("(3 rows)"), std::string::npos) << r.output;
}

TEST(CliTest, GraphsLifecycleStatsBackupRestore) {
  testing::TempDir tmp;
  std::string db = tmp.Sub("db");
  RunResult r = RunCli("graphs create trends --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli("graphs list --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("default"), std::string::npos);
  EXPECT_NE(r.output.find("trends"), std::string::npos);
  r = RunCli("graphs create trends --db " + db);
  EXPECT_EQ(r.exit_code, 1) << r.output;
  r = RunCli("graphs create 'bad name!' --db " + db);
  EXPECT_EQ(r.exit_code, 1) << r.output;

  // Put data in through the storage API, then back it up and restore it.
  {
    std::unique_ptr<storage::Database> d;
    storage::Options o;
    o.path = db;
    ASSERT_OK(storage::Database::Open(o, &d));
    std::shared_ptr<storage::Graph> g;
    ASSERT_OK(d->GetGraph("trends", &g));
    auto txn = g->BeginWrite();
    storage::LabelId l = txn->GetOrCreateLabel("Technology");
    storage::PropKeyId k = txn->GetOrCreatePropKey("name");
    ASSERT_TRUE(txn->CreateNode({l}, {{k, Value("ai chips")}}).ok());
    ASSERT_OK(txn->Commit());
  }
  r = RunCli("stats --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("graph trends: 1 nodes"), std::string::npos) << r.output;

  std::string backup = tmp.Sub("backup");
  r = RunCli("backup --db " + db + " --to " + backup);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string restored = tmp.Sub("restored");
  r = RunCli("restore --from " + backup + " --db " + restored);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli("stats --db " + restored);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("graph trends: 1 nodes"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("(:Technology) 1"), std::string::npos) << r.output;

  r = RunCli("graphs drop trends --db " + db);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = RunCli("graphs list --db " + db);
  EXPECT_EQ(r.output.find("trends"), std::string::npos) << r.output;
  r = RunCli("graphs drop trends --db " + db);
  EXPECT_EQ(r.exit_code, 1) << r.output;
}

// The graph of a database as text, without the ingest timestamps (the two
// loads run at different times), or an error message.
std::string DumpWithoutTimes(const std::string& db_path, std::string* consistency) {
  std::unique_ptr<storage::Database> db;
  storage::Options o;
  o.path = db_path;
  Status s = storage::Database::Open(o, &db);
  if (!s.ok()) return s.ToString();
  std::shared_ptr<storage::Graph> g;
  s = db->GetGraph("default", &g);
  if (!s.ok()) return s.ToString();
  *consistency = storage::testing::CheckConsistency(*g, *g->NewSnapshot());
  std::string dump = std::regex_replace(storage::testing::Dump(*g, *g->NewSnapshot()),
                                        std::regex("ingested_at: '[^']*'"), "ingested_at: _");
  // The side records (pending links), printable bytes as they are.
  auto it = g->NewSnapshot()->ScanSide("");
  for (; it->Valid(); it->Next()) {
    dump += "side ";
    for (unsigned char c : it->key()) {
      if (c >= 0x20 && c < 0x7f) {
        dump += static_cast<char>(c);
      } else {
        dump += "\\x";
        dump += "0123456789abcdef"[c >> 4];
        dump += "0123456789abcdef"[c & 15];
      }
    }
    for (const auto& [k, v] : it->props()) {
      dump += ' ';
      dump.append(g->PropKeyName(k)).append("=").append(v.DebugString());
    }
    dump += "\n";
  }
  if (!it->status().ok()) dump += it->status().ToString();
  return dump;
}

// --bulk builds the same graph as document transactions, from every corpus
// file (all three formats, the actors enricher, links between pages that
// arrive in either order), and keeps a bad document out without harm.
TEST(CliTest, BulkIngestBuildsTheSameGraphAsTransactions) {
  testing::TempDir tmp;
  const std::string docs = tmp.Sub("docs");
  std::filesystem::create_directories(docs);
  for (const char* part : {"signals", "news", "seeds"})
    std::filesystem::copy(std::string(TRENDGRAPH_CORPUS_DIR) + "/" + part, docs + "/" + part,
                          std::filesystem::copy_options::recursive);
  { std::ofstream(docs + "/zz_garbage.md") << "\x01\x02 not a document \xff"; }
  const std::string plain = tmp.Sub("plain"), bulk = tmp.Sub("bulk");
  RunResult a = RunCli("ingest --quiet --plugin auto --db " + plain + " " + docs);
  RunResult b = RunCli("ingest --quiet --plugin auto --bulk --db " + bulk + " " + docs);
  EXPECT_EQ(a.exit_code, 1) << a.output;  // the garbage file failed ...
  EXPECT_EQ(b.exit_code, 1) << b.output;
  EXPECT_NE(b.output.find("zz_garbage.md"), std::string::npos) << b.output;
  const std::string landed = "ingested 135 of 136 documents";
  EXPECT_NE(a.output.find(landed), std::string::npos) << a.output;  // ... and the rest landed
  EXPECT_NE(b.output.find(landed), std::string::npos) << b.output;
  std::string plain_check, bulk_check;
  std::string plain_dump = DumpWithoutTimes(plain, &plain_check), bulk_dump = DumpWithoutTimes(bulk, &bulk_check);
  EXPECT_GT(plain_dump.size(), 10000u);
  EXPECT_NE(plain_dump.find("ingested_at: _"), std::string::npos);  // the timestamps are masked
  EXPECT_NE(plain_dump.find(":PolicyActor:"), std::string::npos);
  // The corpus's Closest lists name only pages it does not hold: pending
  // CLOSEST links, side records the bulk load must carry as well.
  EXPECT_NE(plain_dump.find("CLOSEST"), std::string::npos);
  EXPECT_NE(plain_dump.find("side p"), std::string::npos);
  EXPECT_NE(plain_dump.find("side q"), std::string::npos);
  EXPECT_TRUE(plain_dump == bulk_dump) << "the bulk-loaded graph differs";
  EXPECT_EQ(bulk_check, "");
  EXPECT_EQ(plain_check, "");

  // With a budget of 0 every record goes through the temporary file.
  const std::string spilled = tmp.Sub("spilled");
  RunResult c = RunCli("ingest --plugin auto --bulk --bulk-memory-mib 0 --db " + spilled + " " + docs);
  EXPECT_EQ(c.exit_code, 1) << c.output;
  EXPECT_NE(c.output.find(landed), std::string::npos) << c.output;
  EXPECT_NE(c.output.find("spilled to a temporary file"), std::string::npos) << c.output;
  EXPECT_NE(c.output.find("memory budget 0 MiB (--bulk-memory-mib)"), std::string::npos) << c.output;
  EXPECT_NE(c.output.find("of adjacency spilled in"), std::string::npos) << c.output;
  std::string spilled_check;
  EXPECT_TRUE(DumpWithoutTimes(spilled, &spilled_check) == plain_dump) << "the spilled bulk load differs";
  EXPECT_EQ(spilled_check, "");

  // A negative budget is a usage error, not a huge budget.
  RunResult negative = RunCli("ingest --quiet --bulk --bulk-memory-mib -5 --db " + tmp.Sub("negative") + " " + docs);
  EXPECT_EQ(negative.exit_code, 2) << negative.output;
  EXPECT_NE(negative.output.find("--bulk-memory-mib must be 0 or more"), std::string::npos) << negative.output;

  // A bulk load fills only an empty graph.
  RunResult again = RunCli("ingest --quiet --plugin auto --bulk --db " + bulk + " " + docs);
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("not empty"), std::string::npos) << again.output;
  std::string unused;
  EXPECT_TRUE(DumpWithoutTimes(bulk, &unused) == bulk_dump);
}

// Without --bulk-memory-mib a bulk load may use a quarter of the machine's
// physical memory, at least 1 GiB (a fixed 1 GiB made 300k documents spill).
TEST(CliTest, BulkIngestDefaultBudgetIsAQuarterOfPhysicalMemory) {
  testing::TempDir tmp;
  const std::string page = std::string(TRENDGRAPH_CORPUS_DIR) + "/seeds/000_1a51899cdb64a49b.txt";
  RunResult r = RunCli("ingest --plugin signals --bulk --db " + tmp.Sub("db") + " " + page);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("memory budget ([0-9]+) MiB \\(default"))) << r.output;
  const long long physical_mib =
      static_cast<long long>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE) / (1LL << 20);
  EXPECT_EQ(std::stoll(m[1].str()), std::max(1024LL, physical_mib / 4)) << r.output;
}

}  // namespace
}  // namespace trendgraph
