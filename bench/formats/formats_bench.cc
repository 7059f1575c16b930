// Parser throughput on the generated benchmark corpus (one core).
//
//   formats_bench [--benchmark_filter=...]
// Documents: $TRENDGRAPH_BENCH_DOCS (a folder of generated .md files), else
// 2,000 documents generated with gen_corpus.py --seed 42 into a temp folder.
// Reports docs/s and bytes/s per parser.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "signals_parser.h"
#ifdef TRENDGRAPH_SIGNALS_PLUGIN
#include <dlfcn.h>

#include "engine/ingest_facts.h"
#include "engine/plugin_abi.h"
#endif
#ifdef TRENDGRAPH_BENCH_NEWS
#include "news_parser.h"
#endif
#ifdef TRENDGRAPH_BENCH_ACTORS
#include "actors_matcher.h"
#endif

namespace {

namespace fs = std::filesystem;

struct Corpus {
  std::vector<std::string> names;
  std::vector<std::string> texts;
  size_t bytes = 0;
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Corpus LoadDir(const fs::path& dir, const std::string& ext) {
  Corpus c;
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ext) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files) {
    c.names.push_back(f.filename().string());
    c.texts.push_back(ReadFile(f));
    c.bytes += c.texts.back().size();
  }
  return c;
}

const Corpus& Generated() {
  static Corpus corpus = [] {
    const char* env = std::getenv("TRENDGRAPH_BENCH_DOCS");
    if (env && *env) return LoadDir(env, ".md");
    const fs::path dir = fs::temp_directory_path() / "trendgraph-formats-bench-docs";
    if (LoadDir(dir, ".md").names.size() < 2000) {
      const std::string cmd = "python3 '" TRENDGRAPH_SHARED_DIR "/bench/gen_corpus.py' --docs 2000 --seed 42 --force --out '" +
                              dir.string() + "' > /dev/null";
      if (std::system(cmd.c_str()) != 0) return Corpus();
    }
    return LoadDir(dir, ".md");
  }();
  return corpus;
}

void BM_SignalsParse(benchmark::State& state) {
  const Corpus& c = Generated();
  if (c.texts.empty()) {
    state.SkipWithError("no generated corpus");
    return;
  }
  trendgraph::formats::SignalsDocument doc;
  trendgraph::formats::SignalsParseOptions options;
  options.parse_cell_inlines = state.range(0) != 0;
  std::string error;
  size_t i = 0, docs = 0, bytes = 0, concepts = 0;
  for (auto _ : state) {
    const std::string& t = c.texts[i];
    if (!trendgraph::formats::ParseSignalsDocument(c.names[i], t, &doc, &error, options)) {
      state.SkipWithError(error.c_str());
      return;
    }
    concepts += doc.concepts.size();
    bytes += t.size();
    ++docs;
    if (++i == c.texts.size()) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(docs));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["docs/s"] = benchmark::Counter(static_cast<double>(docs), benchmark::Counter::kIsRate);
  state.counters["concepts/doc"] = static_cast<double>(concepts) / static_cast<double>(docs ? docs : 1);
}
// Arg 0: the default parse; arg 1: with cmark's inline parse of table cells
// (same result, the cost the default skips).
BENCHMARK(BM_SignalsParse)->ArgName("cell_inlines")->Arg(0)->Arg(1)->Unit(benchmark::kMicrosecond);

#ifdef TRENDGRAPH_SIGNALS_PLUGIN
// What PluginHost does per document before applying it: the built signals
// plugin (dlopen'ed as the host loads it) parses into a fresh DocumentFacts
// through the C ABI, and the facts are freed. Parse + SDK calls + fact
// conversion, no storage.
void BM_SignalsPrepare(benchmark::State& state) {
  const Corpus& c = Generated();
  void* dl = dlopen(TRENDGRAPH_SIGNALS_PLUGIN, RTLD_NOW | RTLD_LOCAL);
  auto init = dl ? reinterpret_cast<tg_plugin_init_fn>(dlsym(dl, TG_PLUGIN_ENTRY_SYMBOL)) : nullptr;
  tg_context init_ctx;
  tg_plugin_descriptor desc{};
  if (c.texts.empty() || init == nullptr || init(trendgraph::engine::HostApiTable(), &init_ctx, &desc) != TG_OK) {
    state.SkipWithError("no corpus, or the signals plugin did not load");
    return;
  }
  size_t i = 0, docs = 0, bytes = 0, facts_count = 0;
  for (auto _ : state) {
    const std::string& t = c.texts[i];
    auto facts = std::make_unique<trendgraph::engine::DocumentFacts>(c.names[i], t);
    tg_context ctx;
    facts->ctx = &ctx;
    tg_source_call call{};
    call.struct_size = sizeof(call);
    call.ctx = &ctx;
    call.facts = facts.get();
    call.name = tg_string{c.names[i].data(), c.names[i].size()};
    call.bytes = tg_string{t.data(), t.size()};
    if (desc.parse(desc.state, &call) != TG_OK || !facts->error.ok()) {
      state.SkipWithError(("parse failed: " + ctx.message).c_str());
      break;
    }
    facts_count += facts->nodes().size() + facts->rels().size();
    facts.reset();
    bytes += t.size();
    ++docs;
    if (++i == c.texts.size()) i = 0;
  }
  if (desc.destroy) desc.destroy(desc.state);
  state.SetItemsProcessed(static_cast<int64_t>(docs));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["docs/s"] = benchmark::Counter(static_cast<double>(docs), benchmark::Counter::kIsRate);
  state.counters["facts/doc"] = static_cast<double>(facts_count) / static_cast<double>(docs ? docs : 1);
}
BENCHMARK(BM_SignalsPrepare)->Unit(benchmark::kMicrosecond);
#endif

#ifdef TRENDGRAPH_BENCH_NEWS
// The 66 collected news items, round robin.
void BM_NewsParse(benchmark::State& state) {
  static const Corpus c = LoadDir(TRENDGRAPH_SHARED_DIR "/corpus/news", ".md");
  if (c.texts.empty()) {
    state.SkipWithError("no news corpus");
    return;
  }
  trendgraph::formats::NewsDocument doc;
  std::string error;
  size_t i = 0, docs = 0, bytes = 0;
  for (auto _ : state) {
    if (!trendgraph::formats::ParseNewsDocument(c.names[i], c.texts[i], &doc, &error)) {
      state.SkipWithError(error.c_str());
      return;
    }
    bytes += c.texts[i].size();
    ++docs;
    if (++i == c.texts.size()) i = 0;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.counters["docs/s"] = benchmark::Counter(static_cast<double>(docs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_NewsParse)->Unit(benchmark::kMicrosecond);
#endif

#ifdef TRENDGRAPH_BENCH_ACTORS
// The actors matcher over each generated document's title, summary and
// table texts (what the enricher searches), parsing excluded.
void BM_ActorsFind(benchmark::State& state) {
  const Corpus& c = Generated();
  std::unique_ptr<trendgraph::formats::ActorGazetteer> g;
  std::string error;
  if (c.texts.empty() ||
      !trendgraph::formats::ActorGazetteer::FromFile(TRENDGRAPH_ACTORS_FILE, &g, &error)) {
    state.SkipWithError(("no corpus or gazetteer: " + error).c_str());
    return;
  }
  std::vector<trendgraph::formats::SignalsDocument> parsed(std::min<size_t>(c.texts.size(), 500));
  for (size_t i = 0; i < parsed.size(); ++i) (void)trendgraph::formats::ParseSignalsDocument(c.names[i], c.texts[i], &parsed[i], &error);
  size_t i = 0, docs = 0, mentions = 0;
  std::vector<trendgraph::formats::ActorField> fields;
  for (auto _ : state) {
    const auto& d = parsed[i];
    fields.clear();
    fields.push_back({"title", d.article.title});
    fields.push_back({"summary", d.article.summary});
    for (const auto& k : d.concepts) {
      if (!k.description.empty()) fields.push_back({"description", k.description});
    }
    mentions += g->Find(fields).size();
    ++docs;
    if (++i == parsed.size()) i = 0;
  }
  state.counters["docs/s"] = benchmark::Counter(static_cast<double>(docs), benchmark::Counter::kIsRate);
  state.counters["actors/doc"] = static_cast<double>(mentions) / static_cast<double>(docs ? docs : 1);
}
BENCHMARK(BM_ActorsFind)->Unit(benchmark::kMicrosecond);
#endif

}  // namespace

BENCHMARK_MAIN();
