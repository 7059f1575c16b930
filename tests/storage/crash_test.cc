// Crash consistency: a child process (this binary, re-executed) writes
// recognisable batches as fast as it can and is killed with SIGKILL at a
// random moment, 20 times. After each kill the database must reopen with
// every batch all-or-nothing, every batch the child saw committed present,
// and all indexes, adjacency lists and counters agreeing with the data.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "storage/graph_store.h"
#include "store_check.h"
#include "test_util.h"

extern char** environ;

namespace trendgraph::storage {
namespace {

constexpr int kItemsPerBatch = 20;
constexpr const char* kChildEnv = "TG_CRASH_CHILD_DB";
constexpr const char* kStartEnv = "TG_CRASH_CHILD_START";

// Batch b: one Batch node {b}, kItemsPerBatch Item nodes {key: "b-i", batch: b},
// HAS from the Batch node to each item, NEXT between consecutive items. A
// batch with b % 3 == 0 also detach-deletes batch b - 2.
Status WriteBatch(Graph& g, int64_t b) {
  auto txn = g.BeginWrite();
  LabelId batch_label = txn->GetOrCreateLabel("Batch");
  LabelId item = txn->GetOrCreateLabel("Item");
  TypeId has = txn->GetOrCreateType("HAS");
  TypeId next = txn->GetOrCreateType("NEXT");
  PropKeyId key = txn->GetOrCreatePropKey("key");
  PropKeyId batch = txn->GetOrCreatePropKey("batch");
  auto head = txn->CreateNode({batch_label}, {{batch, Value(b)}});
  TG_RETURN_IF_ERROR(head.status());
  NodeId prev = 0;
  for (int i = 0; i < kItemsPerBatch; ++i) {
    auto n = txn->CreateNode({item}, {{key, Value(std::to_string(b) + "-" + std::to_string(i))}, {batch, Value(b)}});
    TG_RETURN_IF_ERROR(n.status());
    TG_RETURN_IF_ERROR(txn->CreateRel(has, *head, *n, {{batch, Value(b)}}).status());
    if (i > 0) TG_RETURN_IF_ERROR(txn->CreateRel(next, prev, *n, {}).status());
    prev = *n;
  }
  if (b % 3 == 0 && b >= 2) {
    std::vector<NodeId> doomed;
    for (auto it = txn->IndexSeek(item, batch, Value(b - 2)); it->Valid(); it->Next()) doomed.push_back(it->id());
    for (auto it = txn->ScanLabel(batch_label); it->Valid(); it->Next()) {
      Value v;
      TG_RETURN_IF_ERROR(txn->GetNodeProperty(it->id(), batch, &v));
      if (v.is_int() && v.as_int() == b - 2) doomed.push_back(it->id());
    }
    for (NodeId id : doomed) TG_RETURN_IF_ERROR(txn->DeleteNode(id, true));
  }
  return txn->Commit();
}

// The child: writes batches from TG_CRASH_CHILD_START on, reporting each
// committed batch number on fd 3, until killed.
TEST(CrashChild, WriteForever) {
  const char* path = std::getenv(kChildEnv);
  if (path == nullptr) GTEST_SKIP() << "only runs as the crash test's child";
  Options o;
  o.path = path;
  std::unique_ptr<Database> db;
  ASSERT_OK(Database::Open(o, &db));
  std::shared_ptr<Graph> g;
  ASSERT_OK(db->GetGraph("default", &g));
  for (int64_t b = std::atoll(std::getenv(kStartEnv));; ++b) {
    ASSERT_OK(WriteBatch(*g, b));
    std::string line = std::to_string(b) + "\n";
    ASSERT_EQ(::write(3, line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }
}

struct Verdict {
  std::set<int64_t> present;
  std::string problems;
};

Verdict Verify(const std::string& path) {
  Verdict v;
  Options o;
  o.path = path;
  std::unique_ptr<Database> db;
  Status s = Database::Open(o, &db);
  if (!s.ok()) {
    v.problems = "reopen failed: " + s.ToString();
    return v;
  }
  std::shared_ptr<Graph> g;
  (void)db->GetGraph("default", &g);
  {
    auto snap = g->NewSnapshot();
    v.problems = testing::CheckConsistency(*g, *snap);
    auto item = g->FindLabel("Item");
    auto batch_label = g->FindLabel("Batch");
    auto batch = g->FindPropKey("batch");
    std::map<int64_t, int> items, heads;
    if (item && batch) {
      for (auto it = snap->ScanLabel(*item); it->Valid(); it->Next()) {
        Value b;
        (void)snap->GetNodeProperty(it->id(), *batch, &b);
        items[b.as_int()]++;
      }
      for (auto it = snap->ScanLabel(*batch_label); it->Valid(); it->Next()) {
        Value b;
        (void)snap->GetNodeProperty(it->id(), *batch, &b);
        heads[b.as_int()]++;
        NodeId head = it->id();
        if (snap->Degree(head, Direction::kOut, std::nullopt) != kItemsPerBatch)
          v.problems += "batch " + std::to_string(b.as_int()) + " has a partial HAS fan-out\n";
      }
    }
    for (const auto& [b, n] : items)
      if (n != kItemsPerBatch || heads[b] != 1)
        v.problems += "batch " + std::to_string(b) + " is partial: " + std::to_string(n) + " items, " +
                      std::to_string(heads[b]) + " heads\n";
    for (const auto& [b, n] : heads) {
      if (!items.count(b)) v.problems += "batch " + std::to_string(b) + " has a head but no items\n";
      v.present.insert(b);
    }
    // A committed deleter means its victim is gone.
    for (int64_t b : v.present)
      if (b % 3 == 0 && b >= 2 && v.present.count(b - 2))
        v.problems += "batch " + std::to_string(b) + " committed but batch " + std::to_string(b - 2) + " survived\n";
  }
  return v;
}

TEST(CrashTest, KilledWriterLeavesWholeBatchesOnly) {
  trendgraph::testing::TempDir dir;
  const std::string path = dir.Sub("db");
  {
    Options o;
    o.path = path;
    std::unique_ptr<Database> db;
    ASSERT_OK(Database::Open(o, &db));
    std::shared_ptr<Graph> g;
    ASSERT_OK(db->GetGraph("default", &g));
    ASSERT_OK(g->CreateUniqueIndex("Item", "key"));
    ASSERT_OK(g->CreatePropertyIndex("Item", "batch"));
  }
  std::mt19937 rng(20240305);
  int64_t next_batch = 0;
  std::set<int64_t> acknowledged;  // the child saw Commit() return OK
  size_t max_present = 0;
  for (int round = 0; round < 20; ++round) {
    int out[2];
    ASSERT_EQ(::pipe(out), 0);
    std::string env_db = std::string(kChildEnv) + "=" + path;
    std::string env_start = std::string(kStartEnv) + "=" + std::to_string(next_batch);
    pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (out[0] != 3) ::close(out[0]);
      ::dup2(out[1], 3);  // the report channel; gtest's own output goes nowhere
      if (out[1] != 3) ::close(out[1]);
      int devnull = ::open("/dev/null", O_WRONLY);
      ::dup2(devnull, 1);
      ::dup2(devnull, 2);
      ::setenv(kChildEnv, path.c_str(), 1);
      ::setenv(kStartEnv, std::to_string(next_batch).c_str(), 1);
      const char* argv[] = {"crash_test_child", "--gtest_filter=CrashChild.WriteForever", nullptr};
      ::execve("/proc/self/exe", const_cast<char**>(argv), environ);
      ::_exit(127);
    }
    ::close(out[1]);
    // Kill at a random moment: sometimes while opening, mostly mid-stream.
    std::this_thread::sleep_for(std::chrono::milliseconds(40 + rng() % 260));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited by itself (status " << status << ")";
    std::string reported;
    char buf[4096];
    for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) reported.append(buf, n);
    ::close(out[0]);
    for (size_t pos = 0, nl; (nl = reported.find('\n', pos)) != std::string::npos; pos = nl + 1)
      acknowledged.insert(std::stoll(reported.substr(pos, nl - pos)));

    Verdict v = Verify(path);
    ASSERT_EQ(v.problems, "") << "round " << round;
    for (int64_t b : acknowledged) {
      bool deleted = (b + 2) % 3 == 0 && v.present.count(b + 2);
      EXPECT_TRUE(v.present.count(b) || deleted) << "acknowledged batch " << b << " lost in round " << round;
    }
    for (int64_t b : v.present) next_batch = std::max(next_batch, b + 1);
    for (int64_t b : acknowledged) next_batch = std::max(next_batch, b + 1);
    // An unacknowledged batch may have committed just before the kill; the
    // next child starts after everything seen.
    max_present = std::max(max_present, v.present.size());
  }
  std::cout << "[ crash    ] " << acknowledged.size() << " batches acknowledged, " << next_batch
            << " batch numbers used over 20 kills\n";
  EXPECT_GT(acknowledged.size(), 20u) << "the child made too little progress to test anything";
  EXPECT_GT(max_present, 0u);
}

}  // namespace
}  // namespace trendgraph::storage
