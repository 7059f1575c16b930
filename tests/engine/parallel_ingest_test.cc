// Threaded ingest (PluginHost::SetIngestThreads): documents are prepared on
// worker threads while the calling thread applies them in input order, so a
// threaded ingest must give exactly the graph (ids included), the
// per-document reports and the progress sequence of a serial one; failures
// stay with their document; prepared documents wait in a bounded window.
// Real RocksDB in a temp dir, real plugins from the build.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/plugin_host.h"
#include "hosted_graph_test.h"
#include "query/query_api.h"
#include "storage/graph_store.h"
#include "test_util.h"

namespace trendgraph::engine {
namespace {

namespace fs = std::filesystem;

std::string TestPlugin(const std::string& name) { return std::string(TG_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

// One database, its default graph and a plugin host.
struct Hosted {
  std::unique_ptr<storage::Database> db;
  std::shared_ptr<storage::Graph> graph;
  query::ProcedureRegistry registry;
  std::unique_ptr<PluginHost> host;
};

// What one Ingest call produced, as comparable text.
struct IngestRun {
  IngestReport report;
  std::vector<std::string> progress;  // "done/total name ok|error" per callback, in call order
};

std::string ReportLine(const IngestDocReport& r) {
  return r.name + " ok=" + std::to_string(r.ok) + " error=" + r.error + " article=" + r.article_id +
         " unchanged=" + std::to_string(r.unchanged) + " nodes=" + std::to_string(r.nodes_created) +
         " rels=" + std::to_string(r.relationships_created) + " deleted=" + std::to_string(r.relationships_deleted);
}

std::vector<std::string> ReportLines(const IngestReport& r) {
  std::vector<std::string> out;
  for (const auto& d : r.documents) out.push_back(ReportLine(d));
  out.push_back("totals ok=" + std::to_string(r.ok) + " failed=" + std::to_string(r.failed) +
                " nodes=" + std::to_string(r.nodes_created) + " rels=" + std::to_string(r.relationships_created));
  return out;
}

std::string PropsText(storage::Graph& g, const storage::Properties& props) {
  std::vector<std::string> kv;
  for (const auto& [k, v] : props) {
    std::string name = g.PropKeyName(k);
    if (name == "ingested_at") continue;  // wall-clock time of the call
    kv.push_back(name + "=" + v.DebugString());
  }
  std::sort(kv.begin(), kv.end());
  std::string out;
  for (const auto& s : kv) out += " " + s;
  return out;
}

// Every node (id, labels, properties) and every relationship (id, type,
// ends, properties), in id order.
std::vector<std::string> Dump(storage::Graph& g) {
  std::vector<std::string> out;
  auto snap = g.NewSnapshot();
  auto nodes = snap->ScanNodes();
  for (; nodes->Valid(); nodes->Next()) {
    storage::NodeRecord rec;
    EXPECT_OK(snap->GetNode(nodes->id(), &rec));
    std::string line = "node " + std::to_string(rec.id);
    for (storage::LabelId l : rec.labels) line += " :" + g.LabelName(l);
    out.push_back(line + PropsText(g, rec.props));
  }
  EXPECT_OK(nodes->status());
  auto rels = snap->ScanRels();
  for (; rels->Valid(); rels->Next()) {
    storage::RelRecord rec;
    EXPECT_OK(snap->GetRel(rels->id(), &rec));
    out.push_back("rel " + std::to_string(rec.id) + " " + std::to_string(rec.start) + "-[:" + g.TypeName(rec.type) +
                  "]->" + std::to_string(rec.end) + PropsText(g, rec.props));
  }
  EXPECT_OK(rels->status());
  return out;
}

uint64_t CountOfType(storage::Graph& g, const std::string& type) {
  auto t = g.FindType(type);
  return t ? g.NewSnapshot()->RelCountByType(*t) : 0;
}

// The shared corpus, every folder (signals and news markdown, seed texts),
// in a fixed order.
std::vector<IngestDocument> CorpusDocuments() {
  std::vector<IngestDocument> docs;
  for (const char* folder : {"signals", "news", "seeds"}) {
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(fs::path(TRENDGRAPH_CORPUS_DIR) / folder))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) docs.push_back({std::string(folder) + "/" + f.filename().string(), testing::ReadFile(f)});
  }
  return docs;
}

// tp_raw's counters, read through its exported functions.
struct RawCounters {
  void (*reset)() = nullptr;
  uint64_t (*parses)() = nullptr;
  uint64_t (*threads)() = nullptr;
};

class ParallelIngestTest : public ::testing::Test {
 protected:
  // A fresh database under the temp dir with `plugins` loaded.
  std::unique_ptr<Hosted> Open(const std::string& name, const std::vector<std::string>& plugins) {
    auto h = std::make_unique<Hosted>();
    storage::Options opts;
    opts.path = dir_.Sub(name);
    EXPECT_OK(storage::Database::Open(opts, &h->db));
    if (!h->db) return nullptr;
    EXPECT_OK(h->db->GetGraph("default", &h->graph));
    h->host = std::make_unique<PluginHost>(&h->registry);
    for (const auto& p : plugins) EXPECT_OK(h->host->Load(p));
    return h;
  }

  IngestRun Ingest(Hosted& h, const std::vector<IngestDocument>& docs, std::string_view plugin = "auto") {
    IngestRun run;
    auto r = h.host->Ingest(*h.graph, plugin, docs, [&](size_t done, size_t total, const IngestDocReport& d) {
      run.progress.push_back(std::to_string(done) + "/" + std::to_string(total) + " " + d.name + " " +
                             (d.ok ? "ok" : d.error));
    });
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) run.report = std::move(r).value();
    return run;
  }

  static RawCounters Counters() {
    RawCounters c;
    void* dl = dlopen(TG_RAW_PLUGIN, RTLD_NOW | RTLD_NOLOAD);
    if (!dl) return c;
    c.reset = reinterpret_cast<void (*)()>(dlsym(dl, "tp_raw_reset"));
    c.parses = reinterpret_cast<uint64_t (*)()>(dlsym(dl, "tp_raw_parse_count"));
    c.threads = reinterpret_cast<uint64_t (*)()>(dlsym(dl, "tp_raw_thread_count"));
    dlclose(dl);  // drops only the reference taken here; the host keeps the library
    return c;
  }

  testing::TempDir dir_;
};

TEST_F(ParallelIngestTest, ThreadSettingDefaultsToTheHardwareAtMostFour) {
  PluginHost host(nullptr);
  EXPECT_GE(host.ingest_threads(), 1u);
  EXPECT_LE(host.ingest_threads(), 4u);
  host.SetIngestThreads(0);
  EXPECT_EQ(host.ingest_threads(), 1u);
  host.SetIngestThreads(8);
  EXPECT_EQ(host.ingest_threads(), 8u);
}

// The real corpus through signals, news and the actors enricher, with a
// malformed document and a write failure in the middle: serial and threaded
// ingest agree on every node, relationship, id, report and progress step.
TEST_F(ParallelIngestTest, CorpusThreadedIsIdenticalToSerial) {
  std::vector<IngestDocument> docs = CorpusDocuments();
  ASSERT_GT(docs.size(), 130u);
  docs.insert(docs.begin() + 50, {"broken/garbage.md", "\x01\x02 not a document at all\n"});
  docs.insert(docs.begin() + 90, {"broken/empty-signals.md", "# A title\n\n## Keywords\n"});
  const std::string faulty = docs[31].name;
  const std::vector<std::string> plugins = {testing::BuiltPlugin("signals"), testing::BuiltPlugin("news"),
                                            testing::BuiltPlugin("actors")};

  auto serial = Open("serial", plugins);
  auto threaded = Open("threaded", plugins);
  ASSERT_TRUE(serial && threaded);
  for (Hosted* h : {serial.get(), threaded.get()}) {
    h->host->SetIngestGroup(8, 64u << 10);  // many groups, some cut by bytes
    h->host->SetApplyFaultForTesting([faulty](std::string_view name) { return name == faulty; });
  }
  serial->host->SetIngestThreads(1);
  threaded->host->SetIngestThreads(4);

  IngestRun a = Ingest(*serial, docs);
  IngestRun b = Ingest(*threaded, docs);

  // Not vacuous: the corpus landed, and exactly the three bad ones failed.
  ASSERT_EQ(a.report.documents.size(), docs.size());
  EXPECT_GE(a.report.ok, 133u);
  EXPECT_FALSE(a.report.documents[31].ok);
  EXPECT_NE(a.report.documents[31].error.find("injected failure"), std::string::npos) << a.report.documents[31].error;
  EXPECT_FALSE(a.report.documents[50].ok);
  EXPECT_NE(a.report.documents[50].error.find("broken/garbage.md"), std::string::npos);
  EXPECT_FALSE(a.report.documents[90].ok);
  EXPECT_EQ(a.report.failed + a.report.ok, docs.size());
  EXPECT_GT(serial->graph->Counts().nodes, 1000u);
  EXPECT_GT(CountOfType(*serial->graph, "MENTIONS_ACTOR"), 0u);

  EXPECT_EQ(ReportLines(a.report), ReportLines(b.report));
  EXPECT_EQ(a.progress, b.progress);
  std::vector<std::string> da = Dump(*serial->graph), db = Dump(*threaded->graph);
  EXPECT_EQ(da.size(), db.size());
  EXPECT_EQ(da, db);

  // Again: a seed is an older revision of a signals page with the same
  // Article id, so this replaces facts twice and ids move on; the same again.
  IngestRun a2 = Ingest(*serial, docs);
  IngestRun b2 = Ingest(*threaded, docs);
  EXPECT_EQ(ReportLines(a2.report), ReportLines(b2.report));
  EXPECT_EQ(a2.progress, b2.progress);
  std::vector<std::string> da2 = Dump(*serial->graph);
  EXPECT_EQ(Dump(*threaded->graph), da2);
}

// Two hundred revisions of one article in one call, of very different
// parse costs so that workers finish them out of order: applied in input
// order, each revision replaces exactly the previous one's facts and the
// last one wins.
TEST_F(ParallelIngestTest, RevisionsOfOneArticleApplyInInputOrder) {
  auto h = Open("db", {TestPlugin("tp_lines")});
  ASSERT_TRUE(h);
  h->host->SetIngestThreads(4);
  h->host->SetIngestGroup(16, 8u << 20);
  constexpr int kRevisions = 200;
  std::vector<IngestDocument> docs;
  std::vector<size_t> keywords;
  for (int k = 0; k < kRevisions; ++k) {
    std::string text = "TGL1\narticle https://o.example/1|rev " + std::to_string(k) + "|hashO\n";
    const size_t n = 1 + (k % 3 == 0 ? 300 : k % 7);
    for (size_t j = 0; j < n; ++j) text += "kw r" + std::to_string(k) + "-" + std::to_string(j) + "\n";
    docs.push_back({"o.txt", std::move(text)});
    keywords.push_back(n);
  }
  IngestRun run = Ingest(*h, docs, "tp_lines");
  ASSERT_EQ(run.report.ok, static_cast<uint64_t>(kRevisions));
  for (int k = 0; k < kRevisions; ++k) {
    const IngestDocReport& r = run.report.documents[k];
    EXPECT_EQ(r.relationships_created, keywords[k]) << "revision " << k;
    EXPECT_EQ(r.relationships_deleted, k == 0 ? 0u : keywords[k - 1]) << "revision " << k;
    EXPECT_EQ(run.progress[k], std::to_string(k + 1) + "/" + std::to_string(kRevisions) + " o.txt ok");
  }
  auto title_key = h->graph->FindPropKey("title");
  auto article = h->graph->FindLabel("Article");
  ASSERT_TRUE(title_key && article);
  auto snap = h->graph->NewSnapshot();
  auto it = snap->ScanLabel(*article);
  ASSERT_TRUE(it->Valid());
  Value title;
  ASSERT_OK(snap->GetNodeProperty(it->id(), *title_key, &title));
  EXPECT_EQ(title.as_string(), "rev " + std::to_string(kRevisions - 1));
  it->Next();
  EXPECT_FALSE(it->Valid());
  EXPECT_EQ(snap->RelCount(), keywords.back());
}

// Bad documents of every kind among good ones, prepared on worker threads:
// each fails alone with its own message, the rest land, and the reports
// equal a serial run's.
TEST_F(ParallelIngestTest, FailuresStayWithTheirDocument) {
  std::vector<IngestDocument> docs;
  for (int i = 0; i < 40; ++i) {
    const std::string n = std::to_string(i);
    if (i % 2) docs.push_back({"raw" + n, "TGR1\nhttps://raw.example/" + n + "\n"});
    else docs.push_back({"lines" + n, "TGL1\narticle https://lines.example/" + n + "|L" + n + "|h" + n + "\nkw k" + n + "\n"});
  }
  docs[5] = {"raw-throws", "TGR1\nthrow on a worker\n"};                          // exception escapes the C ABI
  docs[6] = {"lines-throws", "TGL1\narticle https://t.example/1|T|ht\nthrow boom\n"};  // caught by the SDK
  docs[12] = {"lines-fails", "TGL1\narticle https://f.example/1|F|hf\nfail bad line\n"};
  docs[13] = {"unknown", "neither format\n"};
  docs[20] = {"lines-badutf8", "TGL1\narticle https://u.example/1|U|hu\nbadutf8\n"};
  docs[21] = {"write-fails", "TGR1\nhttps://w.example/1\n"};
  const std::vector<std::string> plugins = {TestPlugin("tp_lines"), std::string(TG_RAW_PLUGIN)};
  auto serial = Open("serial", plugins);
  auto threaded = Open("threaded", plugins);
  ASSERT_TRUE(serial && threaded);
  for (Hosted* h : {serial.get(), threaded.get()}) {
    h->host->SetIngestGroup(4, 8u << 20);
    h->host->SetApplyFaultForTesting([](std::string_view name) { return name == "write-fails"; });
  }
  serial->host->SetIngestThreads(1);
  threaded->host->SetIngestThreads(4);
  IngestRun a = Ingest(*serial, docs);
  IngestRun b = Ingest(*threaded, docs);

  const IngestReport& r = b.report;
  ASSERT_EQ(r.documents.size(), docs.size());
  auto error_of = [&](size_t i) { return r.documents[i].ok ? std::string("(ok)") : r.documents[i].error; };
  EXPECT_NE(error_of(5).find("raw-throws: plugin 'tp_raw': an exception escaped the plugin"), std::string::npos)
      << error_of(5);
  EXPECT_NE(error_of(6).find("plugin threw: boom"), std::string::npos) << error_of(6);
  EXPECT_NE(error_of(12).find("bad line"), std::string::npos) << error_of(12);
  EXPECT_NE(error_of(13).find("no source plugin recognises"), std::string::npos) << error_of(13);
  EXPECT_NE(error_of(20).find("lines-badutf8"), std::string::npos) << error_of(20);
  EXPECT_NE(error_of(21).find("injected failure"), std::string::npos) << error_of(21);
  EXPECT_EQ(r.failed, 6u);
  EXPECT_EQ(r.ok, docs.size() - 6);
  for (size_t i = 0; i < docs.size(); ++i) {
    if (i == 5 || i == 6 || i == 12 || i == 13 || i == 20 || i == 21) continue;
    EXPECT_TRUE(r.documents[i].ok) << i << ": " << r.documents[i].error;
  }
  auto article = threaded->graph->FindLabel("Article");
  ASSERT_TRUE(article);
  EXPECT_EQ(threaded->graph->NewSnapshot()->NodeCountByLabel(*article), docs.size() - 6);

  EXPECT_EQ(ReportLines(a.report), ReportLines(b.report));
  EXPECT_EQ(a.progress, b.progress);
  EXPECT_EQ(Dump(*serial->graph), Dump(*threaded->graph));
}

// Prepared documents wait in a bounded window: when document k is reported,
// at most max(2 x group, 4 x threads) documents beyond the group being
// written have been parsed. And the work really is spread over threads;
// with one thread it is not.
TEST_F(ParallelIngestTest, PreparedDocumentsStayWithinTheWindow) {
  auto h = Open("db", {std::string(TG_RAW_PLUGIN)});
  ASSERT_TRUE(h);
  RawCounters c = Counters();
  ASSERT_TRUE(c.reset && c.parses && c.threads);
  constexpr size_t kDocs = 2000, kGroup = 8, kThreads = 4;
  std::vector<IngestDocument> docs;
  for (size_t i = 0; i < kDocs; ++i) {
    const std::string n = std::to_string(i);
    docs.push_back({std::string("d").append(n), std::string("TGR1\nhttps://w.example/").append(n)});
  }
  h->host->SetIngestGroup(kGroup, 8u << 20);
  h->host->SetIngestThreads(kThreads);
  c.reset();
  size_t most_ahead = 0;
  auto r = h->host->Ingest(*h->graph, "tp_raw", docs, [&](size_t done, size_t, const IngestDocReport&) {
    const size_t parsed = c.parses();
    most_ahead = std::max(most_ahead, parsed > done ? parsed - done : 0);
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ok, kDocs);
  EXPECT_EQ(c.parses(), kDocs);
  EXPECT_LE(most_ahead, kGroup + std::max(2 * kGroup, 4 * kThreads));
  EXPECT_GT(c.threads(), 1u);

  // One thread: everything on the caller, nothing started.
  h->host->SetIngestThreads(1);
  c.reset();
  for (auto& d : docs) d.content.append("/v2");
  r = h->host->Ingest(*h->graph, "tp_raw", docs, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->ok, kDocs);
  EXPECT_EQ(c.threads(), 1u);
}

}  // namespace
}  // namespace trendgraph::engine
