// Questions researchers ask, over the real shared corpus ingested with the
// real plugins. Every expectation below was derived by reading the files
// (the Technologies / Themes tables and title lines of ../shared/corpus/
// signals), not from the engine's output:
// - signals/1756bb0e... is the only page whose Technologies table names
//   "Artificial Intelligence (AI)"; its other five technologies are listed.
// - Four pages list "artificial intelligence" under Themes; their page dates
//   fall in 2024-03, 2025-04, 2025-05 and 2025-11.
// - signals/7c17ef71... is titled "NVIDIA Launches Project DIGITS ..."; its
//   Signals table has five rows.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "test_util.h"

namespace trendgraph {
namespace {

class Rows : public query::ResultSink {
 public:
  void OnColumns(const std::vector<std::string>&) override {}
  bool OnRow(const std::vector<Value>& row, query::EntityView&) override {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) line += " | ";
      line += row[i].is_string() ? row[i].as_string() : row[i].DebugString();
    }
    rows.push_back(line);
    return true;
  }
  std::vector<std::string> rows;
};

class CorpusQueryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    engine::EngineOptions opts;
    opts.storage.path = dir_->Sub("db");
    opts.plugin_dir = TRENDGRAPH_PLUGIN_DIR;
    ASSERT_OK(engine::Engine::Open(opts, &engine_));
    std::vector<engine::IngestDocument> docs;
    for (const char* folder : {"signals", "news"}) {
      for (const auto& e : std::filesystem::directory_iterator(std::string(TRENDGRAPH_CORPUS_DIR) + "/" + folder)) {
        std::ifstream in(e.path(), std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        docs.push_back({e.path().filename().string(), ss.str()});
      }
    }
    engine::Session session(*engine_);
    Result<engine::IngestReport> report = session.Ingest("default", "auto", docs);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    ASSERT_EQ(report->failed, 0u);
    ASSERT_EQ(report->ok, 133u);
  }
  static void TearDownTestSuite() {
    engine_.reset();
    delete dir_;
  }

  std::vector<std::string> Query(const std::string& text) {
    engine::Session session(*engine_);
    Rows sink;
    query::QueryOutcome outcome = session.Execute("default", text, {}, query::QueryOptions{}, &sink);
    EXPECT_TRUE(outcome.ok) << text << ": " << outcome.error.message;
    return sink.rows;
  }

  static testing::TempDir* dir_;
  static std::unique_ptr<engine::Engine> engine_;
};
testing::TempDir* CorpusQueryTest::dir_ = nullptr;
std::unique_ptr<engine::Engine> CorpusQueryTest::engine_;

TEST_F(CorpusQueryTest, TechnologiesCoMentionedWithAGivenOne) {
  EXPECT_EQ(Query("MATCH (t:Technology {name: 'artificial intelligence (ai)'})<-[:MENTIONS]-(a:Article)"
                  "-[:MENTIONS]->(o:Technology) WHERE o <> t "
                  "RETURN o.name AS technology, count(DISTINCT a) AS articles ORDER BY technology"),
            (std::vector<std::string>{"cloud computing resources | 1", "computing vouchers | 1",
                                      "domestic chips in ai applications | 1", "large language models (llms) | 1",
                                      "state-run data centers | 1"}));
}

TEST_F(CorpusQueryTest, ThemesPerMonth) {
  EXPECT_EQ(Query("MATCH (a:Article)-[:HAS_THEME]->(:Theme {name: 'artificial intelligence'}) "
                  "RETURN substring(a.published, 0, 7) AS month, count(*) AS articles ORDER BY month"),
            (std::vector<std::string>{"2024-03 | 1", "2025-04 | 1", "2025-05 | 1", "2025-11 | 1"}));
}

TEST_F(CorpusQueryTest, SignalsOfArticlesNamingAPolicyActor) {
  EXPECT_EQ(Query("MATCH (p:PolicyActor {name: 'nvidia'})<-[:MENTIONS_ACTOR]-(a:Article)-[:RAISES]->(s:Signal) "
                  "WHERE a.title STARTS WITH 'NVIDIA Launches Project DIGITS' RETURN s.name ORDER BY s.name"),
            (std::vector<std::string>{"collaboration in ai development", "democratization of ai supercomputing",
                                      "integration of power-efficient ai computing",
                                      "local development with cloud scalability", "rise of ai in education and research"}));
  // Every article that names Nvidia carries the sentence as evidence.
  for (const std::string& row : Query("MATCH (:PolicyActor {name: 'nvidia'})<-[m:MENTIONS_ACTOR]-(a:Article) "
                                      "RETURN toLower(m.evidence) CONTAINS 'nvidia'"))
    EXPECT_EQ(row, "true");
}

}  // namespace
}  // namespace trendgraph

namespace trendgraph {
namespace {

// A document's own Article is overwritten by that document; nodes it merely
// mentions (concepts, related-article stubs) keep what was written first.
TEST(IngestOwnershipTest, MentionsDoNotOverwriteWhatAnotherDocumentSaid) {
  testing::TempDir dir;
  engine::EngineOptions opts;
  opts.storage.path = dir.Sub("db");
  opts.plugin_dir = TRENDGRAPH_PLUGIN_DIR;
  std::unique_ptr<engine::Engine> eng;
  ASSERT_OK(engine::Engine::Open(opts, &eng));
  engine::Session session(*eng);
  auto news = [](const std::string& url, const std::string& title, const std::string& related) {
    std::string doc = "---\ncategory: news\ntitle: \"" + title + "\"\nexcerpt: \"x\"\n"
                      "publishedDateTime: 2024-03-05T00:00:00Z\noriginalUrl: \"" + url + "\"\n"
                      "webUrl: \"" + url + "\"\ntype: article\n\nprovider:\n  name: Example\n  domain: example.org\n\n"
                      "topics:\n  - AI\n  - ai chips\n";
    if (!related.empty())
      doc += "\nrelated:\n  - title: \"A stub title\"\n    webUrl: \"" + related + "\"\n    type: article\n";
    return doc + "---\n\n";
  };
  auto ingest = [&](const std::string& name, const std::string& content) {
    Result<engine::IngestReport> r = session.Ingest("default", "news", {{name, content}});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->ok, 1u) << r->documents[0].error;
  };
  ingest("a.md", news("https://example.org/a", "The real title of A", ""));
  ingest("b.md", news("https://example.org/b", "B", "https://example.org/a"));

  class Rows : public query::ResultSink {
   public:
    void OnColumns(const std::vector<std::string>&) override {}
    bool OnRow(const std::vector<Value>& row, query::EntityView&) override {
      rows.push_back(row[0].is_string() ? row[0].as_string() : row[0].DebugString());
      return true;
    }
    std::vector<std::string> rows;
  };
  Rows title;
  ASSERT_TRUE(session.Execute("default", "MATCH (a:Article {id: 'https://example.org/a'}) RETURN a.title", {}, {}, &title).ok);
  EXPECT_EQ(title.rows, std::vector<std::string>{"The real title of A"});
  Rows related;
  ASSERT_TRUE(session.Execute("default", "MATCH (:Article {id: 'https://example.org/b'})-[:RELATED_TO]->(a) RETURN a.id", {}, {},
                              &related).ok);
  EXPECT_EQ(related.rows, std::vector<std::string>{"https://example.org/a"});

  // An edited A still replaces A's own title.
  ingest("a.md", news("https://example.org/a", "A, edited", ""));
  Rows edited;
  ASSERT_TRUE(session.Execute("default", "MATCH (a:Article {id: 'https://example.org/a'}) RETURN a.title", {}, {}, &edited).ok);
  EXPECT_EQ(edited.rows, std::vector<std::string>{"A, edited"});
}

}  // namespace
}  // namespace trendgraph
