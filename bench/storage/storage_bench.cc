// Storage micro-benchmarks (Google Benchmark), real RocksDB in a temp dir:
//   BM_LookupUnique      warm unique-key lookup through a snapshot
//   BM_AdjacencyScan     per-relationship cost of scanning a 10k-degree node
//   BM_InsertRels        batched relationship inserts, WAL on (1000 per txn)
//   BM_GetNodeProperty   one property of a node by id
//
// Run: build/<dir>/bench/storage_bench --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "storage/graph_store.h"

namespace trendgraph::storage {
namespace {

class Fixture {
 public:
  Fixture() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "trendgraph-bench-XXXXXX").string();
    dir_ = ::mkdtemp(tmpl.data());
    Options o;
    o.path = dir_ + "/db";
    if (!Database::Open(o, &db_).ok()) std::abort();
    if (!db_->GetGraph("default", &graph_).ok()) std::abort();
  }
  ~Fixture() {
    graph_.reset();
    db_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  Graph& graph() { return *graph_; }
  Database& db() { return *db_; }

 private:
  std::string dir_;
  std::unique_ptr<Database> db_;
  std::shared_ptr<Graph> graph_;
};

void Check(const Status& s) {
  if (!s.ok()) {
    fprintf(stderr, "%s\n", s.ToString().c_str());
    std::abort();
  }
}

void BM_LookupUnique(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Fixture f;
  Check(f.graph().CreateUniqueIndex("Company", "name"));
  LabelId company = *f.graph().FindLabel("Company");
  PropKeyId name = *f.graph().FindPropKey("name");
  for (int b = 0; b < n; b += 10000) {
    auto txn = f.graph().BeginWrite();
    for (int i = b; i < std::min(n, b + 10000); ++i) {
      Properties props;
      props.emplace_back(name, Value("company-" + std::to_string(i)));
      Check(txn->CreateNode({company}, std::move(props)).status());
    }
    Check(txn->Commit());
  }
  if (state.range(1)) Check(f.db().Flush());
  auto snap = f.graph().NewSnapshot();
  std::mt19937 rng(1);
  std::vector<Value> keys;
  for (int i = 0; i < 4096; ++i) keys.emplace_back("company-" + std::to_string(rng() % n));
  size_t i = 0;
  for (auto _ : state) {
    NodeId id;
    Check(snap->LookupUnique(company, name, keys[i++ & 4095], &id));
    benchmark::DoNotOptimize(id);
  }
  state.SetItemsProcessed(state.iterations());
}
// (nodes, flushed to SST files?)
BENCHMARK(BM_LookupUnique)->Args({100000, 0})->Args({100000, 1})->Unit(benchmark::kMicrosecond);

void BM_AdjacencyScan(benchmark::State& state) {
  const int degree = static_cast<int>(state.range(0));
  Fixture f;
  NodeId hub;
  TypeId t;
  {
    auto txn = f.graph().BeginWrite();
    t = txn->GetOrCreateType("FUNDS");
    hub = txn->CreateNode({}, {}).value();
    for (int i = 0; i < degree; ++i) {
      NodeId other = txn->CreateNode({}, {}).value();
      Check(txn->CreateRel(t, hub, other, {}).status());
    }
    Check(txn->Commit());
  }
  if (state.range(1)) Check(f.db().Flush());
  auto snap = f.graph().NewSnapshot();
  uint64_t entries = 0;
  for (auto _ : state) {
    uint64_t sum = 0;
    auto it = snap->Adjacency(hub, Direction::kOut, t);
    for (; it->Valid(); it->Next()) sum += it->entry().other;
    benchmark::DoNotOptimize(sum);
    entries += degree;
  }
  state.SetItemsProcessed(entries);  // items/s = relationships/s
}
BENCHMARK(BM_AdjacencyScan)->Args({10000, 0})->Args({10000, 1})->Unit(benchmark::kMicrosecond);

void BM_InsertRels(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  Fixture f;
  const int kNodes = 100000;
  {
    auto txn = f.graph().BeginWrite();
    for (int i = 0; i < kNodes; ++i) Check(txn->CreateNode({}, {}).status());
    Check(txn->Commit());
  }
  TypeId t;
  PropKeyId w;
  {
    auto txn = f.graph().BeginWrite();
    t = txn->GetOrCreateType("MENTIONS");
    w = txn->GetOrCreatePropKey("weight");
    Check(txn->Commit());
  }
  std::mt19937 rng(2);
  uint64_t rels = 0;
  for (auto _ : state) {
    auto txn = f.graph().BeginWrite();
    for (int i = 0; i < batch; ++i) {
      Properties props;
      props.emplace_back(w, Value(i));
      Check(txn->CreateRel(t, rng() % kNodes, rng() % kNodes, std::move(props)).status());
    }
    Check(txn->Commit());
    rels += batch;
  }
  state.SetItemsProcessed(rels);  // items/s = relationships/s
}
BENCHMARK(BM_InsertRels)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_GetNodeProperty(benchmark::State& state) {
  Fixture f;
  const int n = 100000;
  PropKeyId k0, k5;
  {
    auto txn = f.graph().BeginWrite();
    std::vector<PropKeyId> ks;
    // Not "p" + std::to_string(j): GCC 12 -O3 reports a false -Wrestrict there.
    for (int j = 0; j < 8; ++j) ks.push_back(txn->GetOrCreatePropKey(std::string(1, 'p').append(std::to_string(j))));
    k0 = ks[0];
    k5 = ks[5];
    for (int i = 0; i < n; ++i) {
      Properties p;
      for (PropKeyId k : ks) p.emplace_back(k, Value("value of " + std::to_string(i)));
      Check(txn->CreateNode({}, std::move(p)).status());
    }
    Check(txn->Commit());
  }
  Check(f.db().Flush());
  auto snap = f.graph().NewSnapshot();
  std::mt19937 rng(3);
  for (auto _ : state) {
    Value v;
    Check(snap->GetNodeProperty(rng() % n, (rng() & 1) ? k0 : k5, &v));
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetNodeProperty)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace trendgraph::storage

BENCHMARK_MAIN();
