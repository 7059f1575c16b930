// Runs the real `trendgraph` binary: exit codes, messages, and that bad
// input writes nothing.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "storage/graph_store.h"
#include "test_util.h"

namespace trendgraph {
namespace {

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

RunResult RunCli(const std::string& args) {
  std::string cmd = std::string(TRENDGRAPH_BIN) + " " + args + " 2>&1";
  RunResult r;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

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

}  // namespace
}  // namespace trendgraph
