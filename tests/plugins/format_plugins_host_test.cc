// The signals, news and actors plugins through the real host
// (engine::PluginHost, dlopen) into a real RocksDB database in a temp dir:
// the whole corpus with "auto", the generated benchmark corpus against its
// ground-truth counts, and bad documents failing alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "csv_reader.h"
#include "engine/plugin_host.h"
#include "query/query_api.h"
#include "storage/graph_store.h"
#include "format_text.h"
#include "hosted_graph_test.h"

namespace trendgraph {
namespace {

namespace fs = std::filesystem;

using trendgraph::testing::ReadFile;

std::vector<engine::IngestDocument> LoadDocs(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::vector<engine::IngestDocument> docs;
  for (const auto& f : files) docs.push_back({f.filename().string(), ReadFile(f)});
  return docs;
}

class FormatPluginsHostTest : public testing::HostedGraphTest {
 protected:
  void SetUp() override {
    HostedGraphTest::SetUp();
    for (const char* p : {"signals", "news", "actors"}) ASSERT_OK(host_->Load(testing::BuiltPlugin(p)));
  }

  engine::IngestReport Ingest(std::string_view plugin, const std::vector<engine::IngestDocument>& docs) {
    return HostedGraphTest::Ingest(docs, plugin);
  }
  std::vector<std::string> StringsOf(const std::string& label, const std::string& key) {
    std::vector<std::string> out;
    auto l = graph_->FindLabel(label);
    auto k = graph_->FindPropKey(key);
    if (!l || !k) return out;
    auto snap = graph_->NewSnapshot();
    for (auto it = snap->ScanLabel(*l); it->Valid(); it->Next()) {
      Value v;
      EXPECT_OK(snap->GetNodeProperty(it->id(), *k, &v));
      if (v.is_string()) out.push_back(v.as_string());
    }
    return out;
  }
};

TEST_F(FormatPluginsHostTest, WholeCorpusIngestsWithAuto) {
  std::vector<engine::IngestDocument> docs = LoadDocs(std::string(TRENDGRAPH_CORPUS_DIR) + "/signals");
  auto news = LoadDocs(std::string(TRENDGRAPH_CORPUS_DIR) + "/news");
  auto seeds = LoadDocs(std::string(TRENDGRAPH_CORPUS_DIR) + "/seeds");
  docs.insert(docs.end(), news.begin(), news.end());
  docs.insert(docs.end(), seeds.begin(), seeds.end());
  ASSERT_EQ(docs.size(), 135u);
  engine::IngestReport report = Ingest("auto", docs);
  for (const auto& d : report.documents) EXPECT_TRUE(d.ok) << d.name << ": " << d.error;
  EXPECT_EQ(report.ok, 135u);
  EXPECT_EQ(report.failed, 0u);
  // The signals seed is an older revision of signals/1756bb0e... (same
  // External link), the news seed a copy of a news file: one Article each.
  const auto ids = StringsOf("Article", "id");
  EXPECT_EQ(std::count(ids.begin(), ids.end(),
                       "https://techovedas.com/chinas-ai-empowering-start-ups-with-computing-vouchers"),
            1);
  EXPECT_GT(CountLabel("Keyword"), 400u);
  EXPECT_GT(CountType("RAISES"), 300u);
  EXPECT_GT(CountType("FLAGS"), 300u);
  EXPECT_GT(CountLabel("Provider"), 20u);
  EXPECT_GT(CountType("TAGGED"), 66u);
  EXPECT_GT(CountType("RELATED_TO"), 100u);
  EXPECT_GT(CountType("PUBLISHED_BY"), 66u);
  // PolicyActor is keyed by the normalised name, like every concept node (so
  // the model plugin's actors are the same nodes); `display` keeps the form
  // written in the gazetteer.
  const auto actors = StringsOf("PolicyActor", "name");
  const auto displays = StringsOf("PolicyActor", "display");
  for (const char* a : {"Government of China", "Government of the United States", "Financial Times", "Nvidia",
                        "Huawei", "Shanghai Municipal Government"}) {
    EXPECT_NE(std::find(displays.begin(), displays.end(), a), displays.end()) << a;
    EXPECT_NE(std::find(actors.begin(), actors.end(), formats::NormaliseName(a)), actors.end()) << a;
  }
  EXPECT_GT(CountType("MENTIONS_ACTOR"), 150u);
}

TEST_F(FormatPluginsHostTest, GeneratedCorpusMatchesGroundTruthCounts) {
  const std::string cmd = "python3 '" TRENDGRAPH_SHARED_DIR "/bench/gen_corpus.py' --docs 500 --seed 42 --jobs 2 --out '" +
                          dir_.Sub("docs") + "' --csv '" + dir_.Sub("csv") + "' > /dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const auto docs = LoadDocs(dir_.Sub("docs"));
  ASSERT_EQ(docs.size(), 500u);
  auto t0 = std::chrono::steady_clock::now();
  engine::IngestReport report = Ingest("signals", docs);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(report.ok, 500u);
  RecordProperty("docs_per_second", std::to_string(static_cast<int>(500 / seconds)));
  std::printf("ingested 500 generated documents (signals + actors enricher) in %.3f s: %.0f docs/s\n", seconds,
              500 / seconds);
  auto rows = [&](const std::string& file) { return testing::ReadCsvRows(dir_.Sub("csv") + "/" + file + ".csv").size(); };
  EXPECT_EQ(CountLabel("Article"), rows("Article"));
  for (const char* label : {"Keyword", "Theme", "Signal", "Behavior", "Technology", "Issue", "Concern"}) {
    EXPECT_EQ(CountLabel(label), rows(label)) << label;
  }
  EXPECT_EQ(CountType("HAS_KEYWORD"), rows("HAS_KEYWORD"));
  EXPECT_EQ(CountType("HAS_THEME"), rows("HAS_THEME"));
  EXPECT_EQ(CountType("RAISES"), rows("RAISES"));
  EXPECT_EQ(CountType("DESCRIBES"), rows("DESCRIBES"));
  EXPECT_EQ(CountType("MENTIONS"), rows("MENTIONS"));
  EXPECT_EQ(CountType("FLAGS"), rows("FLAGS_Issue") + rows("FLAGS_Concern"));
}

TEST_F(FormatPluginsHostTest, BadDocumentsFailAloneAndWriteNothing) {
  const std::string good = ReadFile(std::string(TRENDGRAPH_CORPUS_DIR) + "/seeds/000_1a51899cdb64a49b.txt");
  const std::string news = ReadFile(std::string(TRENDGRAPH_CORPUS_DIR) + "/seeds/003_532b44dc33cf5057.txt");
  std::vector<engine::IngestDocument> docs = {
      {"binary.md", std::string("\x7f" "ELF\x02\x01\x01\x00garbage", 16)},
      {"badutf8.md", good.substr(0, 200) + "\xC3(" + good.substr(200)},
      {"bomb.md", "---\ntitle: t\nprovider: &p {name: *p}\n---\n"},
      {"badrel.md", good.substr(0, good.find("|           4 |")) + "|        high |" +
                        good.substr(good.find("|           4 |") + 15)},
  };
  engine::IngestReport bad = Ingest("auto", docs);
  EXPECT_EQ(bad.ok, 0u);
  EXPECT_EQ(bad.failed, 4u);
  for (const auto& d : bad.documents) {
    EXPECT_FALSE(d.ok) << d.name;
    EXPECT_FALSE(d.error.empty()) << d.name;
  }
  EXPECT_NE(bad.documents[1].error.find("UTF-8"), std::string::npos) << bad.documents[1].error;
  EXPECT_NE(bad.documents[2].error.find("provider.name"), std::string::npos) << bad.documents[2].error;
  EXPECT_NE(bad.documents[3].error.find("not an integer"), std::string::npos) << bad.documents[3].error;
  EXPECT_EQ(CountLabel("Article"), 0u);
  EXPECT_EQ(CountLabel("Keyword"), 0u);
  engine::IngestReport ok = Ingest("auto", {{"000.txt", good}, {"003.txt", news}});
  EXPECT_EQ(ok.ok, 2u);
  EXPECT_EQ(CountLabel("Article"), 3u);  // two items and the FT article related to the news item
}

// `## Closest` links by file hash: pending until the linked page arrives.
TEST_F(FormatPluginsHostTest, ClosestLinksResolveWhenTheLinkedPageArrives) {
  auto page = [](const std::string& title, const std::string& url, const std::string& closest) {
    return "# __" + title + "__, from ([20230101](https://x.example/p/20230101).)\n\n__[External link](" + url +
           ")__\n\n\n\n## Keywords\n\n* k\n\n## Closest\n\n" + closest;
  };
  const std::string a = page("A", "https://a.example/1", "* [B](bbbb)\n* [A](aaaa)\n* [B](bbbb)");
  const std::string b = page("B", "https://b.example/2", "* [A](aaaa)");
  EXPECT_EQ(Ingest("signals", {{"aaaa.md", a}}).ok, 1u);
  EXPECT_EQ(CountType("CLOSEST"), 0u);  // bbbb not ingested yet; the self-link is dropped
  EXPECT_EQ(Ingest("signals", {{"bbbb.md", b}}).ok, 1u);
  EXPECT_EQ(CountType("CLOSEST"), 2u);  // a->b (pending, now resolved) and b->a
}

}  // namespace
}  // namespace trendgraph
