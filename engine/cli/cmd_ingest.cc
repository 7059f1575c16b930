// trendgraph ingest: reads files (folders recursively) and ingests them
// through Session::Ingest, one transaction per document. Shows a progress
// bar on a terminal and ends with a summary that lists every failure.
// Exit 0 when every document landed, 1 when any failed (the others land).
// --bulk fills an empty graph through a storage::BulkLoad: the documents
// are built in memory and written at the end as sorted table files;
// --bulk-memory-mib bounds the memory (records past it go to a temporary file).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <future>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/cli/cli_common.h"
#include "engine/cli/commands.h"
#include "engine/plugin_host.h"

namespace trendgraph::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

struct IngestCommandOptions {
  CommonOptions common;
  std::string plugin = "auto";     // --plugin: source plugin name, or auto (highest probe)
  std::vector<std::string> paths;  // files or folders (recursive)
  size_t batch = 2048;             // --batch: documents read and ingested per Session::Ingest call
  bool quiet = false;              // --quiet: no progress bar
  bool bulk = false;               // --bulk: bulk load into an empty graph
  // --bulk-memory-mib: storage::BulkLoadOptions::memory_budget_bytes, in
  // MiB; when not given, DefaultBulkMemoryMib().
  int64_t bulk_memory_mib = 0;
  bool bulk_memory_given = false;
  size_t parse_threads = 0;        // --parse-threads: 0 = the host's default
};

// The bulk load's default memory budget: a quarter of the machine's physical
// memory, at least 1 GiB. Spilling records costs a load ~5-25% of its wall
// time (more at 300k documents, where it writes and reads back ~1.75 GB),
// so the default spills only where memory is short; like neo4j-admin
// import, whose default is a share of the machine's memory.
int64_t DefaultBulkMemoryMib() {
  const long pages = sysconf(_SC_PHYS_PAGES);
  const long page_size = sysconf(_SC_PAGESIZE);
  constexpr int64_t kFloorMib = 1024;
  if (pages <= 0 || page_size <= 0) return kFloorMib;
  const int64_t physical_mib = static_cast<int64_t>(pages) * page_size / (int64_t{1} << 20);
  return std::max(kFloorMib, physical_mib / 4);
}

// Files under `paths` in a stable order (folders recursively, hidden entries
// skipped). Paths that do not exist are reported in `missing`.
std::vector<std::string> CollectFiles(const std::vector<std::string>& paths, std::vector<std::string>* missing) {
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    fs::file_status st = fs::status(p, ec);
    if (ec || !fs::exists(st)) {
      missing->push_back(p);
      continue;
    }
    if (fs::is_regular_file(st)) {
      out.push_back(p);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = fs::recursive_directory_iterator(p, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      const std::string name = it->path().filename().string();
      if (!name.empty() && name[0] == '.') {
        if (it->is_directory()) it.disable_recursion_pending();
        continue;
      }
      if (it->is_regular_file()) found.push_back(it->path().string());
    }
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

bool ReadFile(const std::string& path, std::string* out, std::string* error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *error = "cannot open: " + std::string(std::strerror(errno));
    return false;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) {
    *error = "read error";
    return false;
  }
  *out = std::move(ss).str();
  return true;
}

class ProgressBar {
 public:
  explicit ProgressBar(size_t total, bool enabled) : total_(total), enabled_(enabled) {}
  void Update(size_t done, bool force = false) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (!force && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? done / secs : 0;
    double eta = rate > 0 ? (total_ - done) / rate : 0;
    const int width = 30;
    int filled = total_ ? static_cast<int>(width * done / total_) : width;
    std::fprintf(stderr, "\r[%.*s%.*s] %zu/%zu docs  %.0f docs/s  ETA %.0fs   ", filled,
                 "##############################", width - filled, "..............................", done, total_,
                 rate, eta);
    std::fflush(stderr);
  }
  void Finish() {
    if (enabled_) std::fprintf(stderr, "\r%*s\r", 80, "");
  }

 private:
  size_t total_;
  bool enabled_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace

int RunIngest(int argc, char** argv) {
  IngestCommandOptions o;
  po::options_description desc("ingest options");
  AddCommonOptions(&desc, &o.common, /*with_graph=*/true, /*with_plugins=*/true);
  desc.add_options()("plugin,p", po::value<std::string>(&o.plugin)->default_value(o.plugin),
                     "source plugin name, or 'auto' to pick by content")(
      "batch", po::value<size_t>(&o.batch)->default_value(o.batch), "documents per ingest call")(
      "quiet,q", po::bool_switch(&o.quiet), "no progress bar")(
      "parse-threads", po::value<size_t>(&o.parse_threads)->default_value(0),
      "threads that parse documents ahead of the writer (0: one per core, up to 4; 1: parse and write on one thread)")(
      "bulk", po::bool_switch(&o.bulk),
      "bulk load into an empty graph: build it in memory, write it at the end as sorted table files "
      "(no write-ahead log, no compaction; the graph shows nothing until the load ends)")(
      "bulk-memory-mib",
      po::value<int64_t>(&o.bulk_memory_mib)->notifier([&o](int64_t) { o.bulk_memory_given = true; }),
      "with --bulk: memory the load may use before its node and relationship records go to a temporary file "
      "in the database folder (removed at the end, and left behind by no crash); 0 spills from the first record. "
      "Default: a quarter of physical memory, at least 1024. "
      "Past the budget, adjacency follows the records to a temporary file; the unique index stays in memory "
      "whatever the budget (~3 KB a document)")(
      "paths", po::value<std::vector<std::string>>(&o.paths), "files or folders to ingest");
  po::positional_options_description pos;
  pos.add("paths", -1);
  const char* usage =
      "trendgraph ingest [--db DIR] [--graph NAME] [--plugin NAME|auto] [--plugin-dir DIR] [--bulk [--bulk-memory-mib N]] "
      "PATH...";
  int rc = ParseArgs(argc, argv, desc, &pos, usage);
  if (rc >= 0) return rc;
  if (o.paths.empty()) {
    std::fprintf(stderr, "trendgraph ingest: no files or folders given\nusage: %s\n", usage);
    return kExitUsage;
  }
  if (o.batch == 0) o.batch = 1;
  // Signed, so that "-5" is refused rather than read as a huge budget.
  if (!o.bulk_memory_given) o.bulk_memory_mib = DefaultBulkMemoryMib();
  if (o.bulk_memory_mib < 0) {
    std::fprintf(stderr, "trendgraph ingest: --bulk-memory-mib must be 0 or more (got %lld)\nusage: %s\n",
                 static_cast<long long>(o.bulk_memory_mib), usage);
    return kExitUsage;
  }

  std::vector<std::string> missing;
  std::vector<std::string> files = CollectFiles(o.paths, &missing);
  for (const auto& m : missing) std::fprintf(stderr, "trendgraph ingest: %s: no such file or folder\n", m.c_str());
  if (files.empty()) {
    std::fprintf(stderr, "trendgraph ingest: no documents found\n");
    return kExitFailure;
  }

  std::unique_ptr<engine::Engine> engine = OpenEngine(o.common, /*load_plugins=*/true);
  if (!engine) return kExitFailure;
  if (o.parse_threads) engine->plugins().SetIngestThreads(o.parse_threads);
  engine::Session session(*engine);
  std::unique_ptr<storage::BulkLoad> bulk;
  if (o.bulk) {
    std::shared_ptr<storage::Graph> graph;
    Status s = engine->db().GetGraph(o.common.graph.empty() ? "default" : o.common.graph, &graph);
    storage::BulkLoadOptions bulk_options;
    const auto mib = static_cast<uint64_t>(o.bulk_memory_mib);
    bulk_options.memory_budget_bytes = mib >= (uint64_t{1} << 44) ? UINT64_MAX : mib << 20;
    if (s.ok()) s = storage::BeginBulkLoad(*graph, bulk_options, &bulk);
    if (!s.ok()) {
      std::fprintf(stderr, "trendgraph ingest: %s\n", s.ToString().c_str());
      return kExitFailure;
    }
    if (!o.quiet)
      std::fprintf(stderr, "bulk load: memory budget %lld MiB (%s)\n", static_cast<long long>(o.bulk_memory_mib),
                   o.bulk_memory_given ? "--bulk-memory-mib" : "default: a quarter of physical memory, at least 1024");
  }

  ProgressBar bar(files.size(), !o.quiet && isatty(STDERR_FILENO));
  std::vector<std::string> failures;
  for (const auto& m : missing) failures.push_back(m + ": no such file or folder");
  uint64_t ok = 0, unchanged = 0, nodes = 0, rels = 0, replaced = 0;
  auto start = std::chrono::steady_clock::now();
  size_t done = 0;
  // Files are read one batch ahead, on other threads, while the current
  // batch is ingested. Several readers at once: from a cold page cache each
  // small file is a disk round trip, and one reader at a time left a
  // 300,000-file load waiting on the disk for most of its time.
  struct Batch {
    std::vector<engine::IngestDocument> docs;
    std::vector<std::string> unreadable;
  };
  auto read_batch = [&files, batch = o.batch](size_t begin) {
    const size_t end = std::min(files.size(), begin + batch);
    const size_t n = end - begin;
    std::vector<engine::IngestDocument> read(n);
    std::vector<std::string> errors(n);
    std::vector<char> ok(n, 0);
    constexpr size_t kReaders = 8;
    std::atomic<size_t> next_file{0};
    auto reader = [&] {
      for (size_t i; (i = next_file.fetch_add(1)) < n;) {
        read[i].name = files[begin + i];
        ok[i] = ReadFile(read[i].name, &read[i].content, &errors[i]);
      }
    };
    std::vector<std::thread> readers;
    for (size_t t = 1; t < std::min(kReaders, n); ++t) readers.emplace_back(reader);
    reader();
    for (std::thread& t : readers) t.join();
    Batch b;
    b.docs.reserve(n);
    for (size_t i = 0; i < n; ++i) {
      if (ok[i])
        b.docs.push_back(std::move(read[i]));
      else
        b.unreadable.push_back(files[begin + i] + ": " + errors[i]);
    }
    return b;
  };
  std::future<Batch> next = std::async(std::launch::async, read_batch, 0);
  for (size_t begin = 0; begin < files.size(); begin += o.batch) {
    Batch current = next.get();
    if (begin + o.batch < files.size()) next = std::async(std::launch::async, read_batch, begin + o.batch);
    for (std::string& f : current.unreadable) {
      failures.push_back(std::move(f));
      bar.Update(++done);
    }
    std::vector<engine::IngestDocument>& docs = current.docs;
    auto result = session.Ingest(
        o.common.graph, o.plugin, docs, [&](size_t, size_t, const engine::IngestDocReport&) { bar.Update(++done); },
        bulk.get());
    if (!result.ok()) {
      bar.Finish();
      std::fprintf(stderr, "trendgraph ingest: %s\n", result.status().ToString().c_str());
      return kExitFailure;
    }
    for (const auto& r : result->documents) {
      if (!r.ok) {
        failures.push_back(r.error);
        continue;
      }
      ++ok;
      if (r.unchanged) ++unchanged;
      nodes += r.nodes_created;
      rels += r.relationships_created;
      replaced += r.relationships_deleted;
    }
  }
  bar.Update(done, true);
  bar.Finish();
  if (bulk) {
    auto written = std::chrono::steady_clock::now();
    Status s = bulk->Finish();
    if (!s.ok()) {
      std::fprintf(stderr, "trendgraph ingest: %s\n", s.ToString().c_str());
      return kExitFailure;
    }
    storage::BulkLoadStats st = bulk->Stats();
    if (!o.quiet)
      std::fprintf(stderr, "bulk load: %llu keys in %llu table files (%.1f MiB) written in %.2f s\n",
                   static_cast<unsigned long long>(st.keys_written), static_cast<unsigned long long>(st.files_written),
                   st.bytes_written / 1048576.0,
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - written).count());
    if (!o.quiet && st.spilled_bytes)
      std::fprintf(stderr, "bulk load: %.1f MiB of records spilled to a temporary file (%llu read back by transactions)\n",
                   st.spilled_bytes / 1048576.0, static_cast<unsigned long long>(st.spill_reads));
    if (!o.quiet && st.adjacency_runs)
      std::fprintf(stderr, "bulk load: %.1f MiB of adjacency spilled in %llu sorted runs (merges included)\n",
                   st.adjacency_spilled_bytes / 1048576.0, static_cast<unsigned long long>(st.adjacency_runs));
  }
  // Leave the database settled (memtables flushed, compactions done), so
  // that the next reader does not compete with the rewrite this load left
  // behind; the time is part of the load.
  if (Status s = engine->db().Settle(); !s.ok())
    std::fprintf(stderr, "trendgraph ingest: %s\n", s.ToString().c_str());
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::printf("ingested %llu of %zu documents into graph '%s' in %.2f s (%.0f docs/s)\n",
              static_cast<unsigned long long>(ok), files.size() + missing.size(), o.common.graph.c_str(), secs,
              secs > 0 ? files.size() / secs : 0.0);
  std::printf("  unchanged: %llu  nodes created: %llu  relationships created: %llu  relationships replaced: %llu\n",
              static_cast<unsigned long long>(unchanged), static_cast<unsigned long long>(nodes),
              static_cast<unsigned long long>(rels), static_cast<unsigned long long>(replaced));
  if (!failures.empty()) {
    std::printf("  failed: %zu\n", failures.size());
    for (const auto& f : failures) std::printf("    %s\n", f.c_str());
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace trendgraph::cli
