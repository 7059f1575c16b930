// Ingest throughput: generated signals documents (gen_corpus.py) through the
// real plugin host, the real signals plugin and a real RocksDB store with the
// WAL on, through document transactions (group commits of 64 documents, each
// document all or nothing), parsed and applied on one thread. Issue 3's
// one-core figure comes from scripts/bench-ingest.sh (the CLI under taskset),
// which also counts RocksDB's background work.
//
//   bench/ingest_bench [--benchmark_filter=...]
// Environment: TRENDGRAPH_BENCH_DOCS=DIR uses that folder of documents
// instead of generating TRENDGRAPH_BENCH_COUNT (default 10000) of them.
// Reported: docs_per_s (documents per second) and rels_per_s.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "engine/plugin_host.h"
#include "storage/graph_store.h"

namespace trendgraph::engine {
namespace {

namespace fs = std::filesystem;

std::string MakeTempDir(const char* tag) {
  std::string tmpl = (fs::temp_directory_path() / (std::string("tg-bench-") + tag + "-XXXXXX")).string();
  return ::mkdtemp(tmpl.data());
}

const std::vector<IngestDocument>& Documents() {
  static std::vector<IngestDocument> docs = [] {
    std::string dir;
    if (const char* d = std::getenv("TRENDGRAPH_BENCH_DOCS")) {
      dir = d;
    } else {
      const char* n = std::getenv("TRENDGRAPH_BENCH_COUNT");
      dir = MakeTempDir("docs");
      std::string cmd = "python3 " TRENDGRAPH_SHARED_DIR "/bench/gen_corpus.py --docs " + std::string(n ? n : "10000") +
                        " --seed 42 --out " + dir + " >/dev/null";
      if (std::system(cmd.c_str()) != 0) {
        std::cerr << "cannot generate documents: " << cmd << "\n";
        std::exit(1);
      }
    }
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    std::vector<IngestDocument> out;
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      out.push_back({fs::path(f).filename().string(), ss.str()});
    }
    return out;
  }();
  return docs;
}

// Full pipeline: probe-free named plugin, parse, apply, group commits.
void BM_IngestSignals(benchmark::State& state, const char* plugin) {
  const auto& docs = Documents();
  uint64_t rels = 0, docs_done = 0;
  for (auto _ : state) {
    state.PauseTiming();
    std::string dir = MakeTempDir("db");
    {
      storage::Options o;
      o.path = dir + "/db";
      std::unique_ptr<storage::Database> db;
      if (!storage::Database::Open(o, &db).ok()) state.SkipWithError("cannot open database");
      std::shared_ptr<storage::Graph> graph;
      (void)db->GetGraph("default", &graph);
      PluginHost host(nullptr);
      Status s = host.Load(std::string(TRENDGRAPH_PLUGIN_DIR) + "/trendgraph_signals.so");
      if (!s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        break;
      }
      state.ResumeTiming();
      auto r = host.Ingest(*graph, plugin, docs, nullptr);
      state.PauseTiming();
      if (!r.ok() || r->failed) {
        state.SkipWithError(r.ok() ? (std::to_string(r->failed) + " documents failed: " + r->documents[0].error).c_str()
                                   : r.status().ToString().c_str());
        break;
      }
      rels += r->relationships_created;
      docs_done += r->ok;
    }
    fs::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["docs_per_s"] = benchmark::Counter(static_cast<double>(docs_done), benchmark::Counter::kIsRate);
  state.counters["rels_per_s"] = benchmark::Counter(static_cast<double>(rels), benchmark::Counter::kIsRate);
  state.counters["docs"] = static_cast<double>(docs.size());
}
BENCHMARK_CAPTURE(BM_IngestSignals, named, "signals")->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK_CAPTURE(BM_IngestSignals, auto, "auto")->Unit(benchmark::kMillisecond)->Iterations(1)->UseRealTime();

// Re-ingest of unchanged documents (the idempotence check's cost).
void BM_ReingestUnchanged(benchmark::State& state) {
  const auto& docs = Documents();
  std::string dir = MakeTempDir("db");
  storage::Options o;
  o.path = dir + "/db";
  std::unique_ptr<storage::Database> db;
  if (!storage::Database::Open(o, &db).ok()) state.SkipWithError("cannot open database");
  std::shared_ptr<storage::Graph> graph;
  (void)db->GetGraph("default", &graph);
  PluginHost host(nullptr);
  if (!host.Load(std::string(TRENDGRAPH_PLUGIN_DIR) + "/trendgraph_signals.so").ok()) state.SkipWithError("no plugin");
  (void)host.Ingest(*graph, "signals", docs, nullptr);
  uint64_t n = 0;
  for (auto _ : state) {
    auto r = host.Ingest(*graph, "signals", docs, nullptr);
    n += r.ok() ? r->ok : 0;
  }
  state.counters["docs_per_s"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsRate);
  db.reset();
  fs::remove_all(dir);
}
BENCHMARK(BM_ReingestUnchanged)->Unit(benchmark::kMillisecond)->Iterations(2)->UseRealTime();

}  // namespace
}  // namespace trendgraph::engine

BENCHMARK_MAIN();
