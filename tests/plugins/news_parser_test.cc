// news_parser on the real corpus (every file; golden expectations read off
// the files by hand) and on malformed and hostile YAML.
#include "news_parser.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace trendgraph::formats {
namespace {

namespace fs = std::filesystem;
const std::string kNews = std::string(TRENDGRAPH_CORPUS_DIR) + "/news/";

using trendgraph::testing::ReadFile;

NewsDocument ParseFileOrDie(const std::string& path) {
  NewsDocument d;
  std::string error;
  const std::string text = ReadFile(path);
  EXPECT_FALSE(text.empty()) << path;
  EXPECT_TRUE(ParseNewsDocument(fs::path(path).filename().string(), text, &d, &error)) << path << ": " << error;
  return d;
}

TEST(NewsCorpus, EveryFileParses) {
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(kNews)) paths.push_back(e.path().string());
  paths.push_back(std::string(TRENDGRAPH_CORPUS_DIR) + "/seeds/003_532b44dc33cf5057.txt");
  ASSERT_EQ(paths.size(), 67u);
  for (const auto& p : paths) {
    NewsDocument d = ParseFileOrDie(p);
    EXPECT_FALSE(d.article.title.empty()) << p;
    EXPECT_EQ(d.article.id.substr(0, 4), "http") << p;
    EXPECT_EQ(d.article.published.size(), 10u) << p;
    EXPECT_TRUE(d.provider.has_value()) << p;
    EXPECT_FALSE(d.topics.empty()) << p;
    EXPECT_TRUE(LooksLikeNewsDocument(ReadFile(p))) << p;
  }
}

TEST(NewsGolden, SeedComputingVouchers) {
  NewsDocument d = ParseFileOrDie(std::string(TRENDGRAPH_CORPUS_DIR) + "/seeds/003_532b44dc33cf5057.txt");
  const NewsArticle& a = d.article;
  EXPECT_EQ(a.title, "China offers AI computing ‘vouchers’ to its underpowered start-ups");
  EXPECT_EQ(a.id, "https://www.techradar.com/pro/china-offers-ai-computing-vouchers-to-its-underpowered-start-ups");
  EXPECT_EQ(a.published, "2024-03-05");
  EXPECT_EQ(a.published_at, "2024-03-05T00:00:00Z");
  EXPECT_EQ(a.category, "news");
  EXPECT_EQ(a.type, "article");
  EXPECT_EQ(a.quality, 47);
  EXPECT_EQ(a.heat, 47);
  EXPECT_EQ(a.site_published, false);
  EXPECT_EQ(a.image, "");  // no top-level images
  EXPECT_NE(a.excerpt.find("According to the Financial Times"), std::string::npos);
  ASSERT_TRUE(d.provider);
  EXPECT_EQ(d.provider->name.name, "techradar");
  EXPECT_EQ(d.provider->name.display, "TechRadar");
  EXPECT_EQ(d.provider->domain, "techradar.com");
  ASSERT_EQ(d.topics.size(), 1u);
  EXPECT_EQ(d.topics[0].name, "ai");
  EXPECT_EQ(d.topics[0].display, "AI");
  ASSERT_EQ(d.related.size(), 1u);
  const NewsRelated& r = d.related[0];
  EXPECT_EQ(r.id, "https://www.ft.com/content/9d67cda3-b157-47a0-98cb-e8e9842b2c90");
  EXPECT_EQ(r.title, "China offers AI computing ‘vouchers’ to its underpowered start-ups");
  EXPECT_EQ(r.published, "2024-03-04");
  EXPECT_EQ(r.rank, 1);
  ASSERT_TRUE(r.provider);
  EXPECT_EQ(r.provider->name.name, "the financial times");
  EXPECT_EQ(r.provider->domain, "ft.com");
}

// Oldest era: no quality/heat/published/related; webUrl differs from originalUrl.
TEST(NewsGolden, OldEraItem) {
  NewsDocument d = ParseFileOrDie(kNews + "2017-07-24-become-an-ft-subscriber-to-read.md");
  EXPECT_EQ(d.article.title, "Become an FT subscriber to read:");
  EXPECT_EQ(d.article.url, "https://www.ft.com/content/211de800-6fbc-11e7-aca6-c6bd07df1a3c");
  EXPECT_EQ(d.article.web_url, "https://www.ft.com/content/8dff0ca6-11ad-4da9-8222-3248927688ef");
  EXPECT_EQ(d.article.published, "2017-07-23");
  EXPECT_FALSE(d.article.quality);
  EXPECT_FALSE(d.article.heat);
  EXPECT_FALSE(d.article.site_published);
  EXPECT_TRUE(d.related.empty());
  EXPECT_EQ(d.provider->name.name, "the financial times");
}

// 32 related items (one with a CJK provider), heat -1 ("unknown").
TEST(NewsGolden, ManyRelatedAndUnknownHeat) {
  NewsDocument d = ParseFileOrDie(kNews + "2022-09-01-officials-limit-nvidias-ability-to-provide-ai-chips-to-china.md");
  EXPECT_EQ(d.article.title, "Officials limit Nvidia's ability to provide AI chips to China");
  EXPECT_EQ(d.article.quality, 54);
  EXPECT_FALSE(d.article.heat);
  EXPECT_EQ(d.provider->name.display, "Washington Examiner");
  EXPECT_EQ(d.topics[0].name, "ai hardware");
  EXPECT_EQ(d.related.size(), 32u);
  EXPECT_EQ(d.related.back().rank, 32);
  bool cjk = false;
  for (const auto& r : d.related) {
    if (r.id == "https://global.chinadaily.com.cn/a/202209/02/WS6311570da310fd2b29e758d4.html") {
      ASSERT_TRUE(r.provider);
      EXPECT_EQ(r.provider->name.name, "中国日报网");
      EXPECT_EQ(r.provider->domain, "chinadaily.com.cn");
      cjk = true;
    }
  }
  EXPECT_TRUE(cjk);
}

TEST(NewsGolden, EscapedQuotesInStrings) {
  NewsDocument d = ParseFileOrDie(kNews + "2021-03-05-facebook-trains-ai-to-see-using-1-billion-public-instagram-photos.md");
  EXPECT_EQ(d.article.excerpt.substr(0, 31), "The \"computer vision\" program, ");
}

// --- malformed and hostile input -------------------------------------------

void ExpectError(const std::string& text, std::string_view needle) {
  NewsDocument d;
  std::string error;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(ParseNewsDocument("x.md", text, &d, &error));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 5.0);
  EXPECT_NE(error.find(needle), std::string::npos) << "error was: " << error;
  EXPECT_TRUE(d.article.id.empty());
  EXPECT_TRUE(d.related.empty());
}

TEST(NewsMalformed, ClearErrors) {
  ExpectError("", "empty");
  ExpectError("title: x\n", "no YAML front matter");
  ExpectError("---\ntitle: x\n", "not closed");
  ExpectError(std::string("---\ntitle: \"caf\xC3\"\n---\n"), "not valid UTF-8");
  ExpectError(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "NUL");
  ExpectError("---\ntitle: t\nx: [1, 2\n---\n", "YAML error at line");
  ExpectError("---\n- a\n- b\n---\n", "must be a YAML mapping");
  ExpectError("---\ncategory: news\n---\n", "no 'title'");
  ExpectError("---\ntitle: t\nprovider: [a, b]\n---\n", "'provider' must be a mapping");
  ExpectError("---\ntitle: t\nquality: high\n---\n", "'quality' is 'high', not an integer");
  ExpectError("---\ntitle: t\npublished: maybe\n---\n", "not true or false");
  ExpectError("---\ntitle: t\ntopics: {a: 1}\n---\n", "'topics' must be a list");
  ExpectError("---\ntitle: [x]\n---\n", "'title' must be a string");
  ExpectError("---\ntitle: t\nrelated:\n  - just text\n---\n", "'related[0]' must be a mapping");
}

TEST(NewsMalformed, DeepNestingIsAYamlError) {
  ExpectError("---\ntitle: t\nx: " + std::string(200000, '[') + std::string(200000, ']') + "\n---\n", "YAML error");
  std::string block = "---\ntitle: t\n";
  for (int i = 0; i < 1000; ++i) block += std::string(i * 2, ' ') + "k" + std::to_string(i) + ":\n";
  block += "---\n";
  ExpectError(block, "YAML error");
}

TEST(NewsMalformed, AliasBombsAreReadInBoundedTime) {
  // "Billion laughs": 10 * 5^29 topics if expanded. The walker reads each
  // node it visits once per reference, so the budget stops it.
  std::string bomb = "---\ntitle: t\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 30; ++i) {
    std::string p = "*a" + std::to_string(i - 1);
    const std::string n = std::to_string(i);
    bomb.append("a").append(n).append(": &a").append(n).append(" [");
    for (int k = 0; k < 5; ++k) bomb.append(p).append(k < 4 ? ", " : "]\n");
  }
  NewsDocument d;
  std::string error;
  // Unused anchors cost nothing: the walker never reads a0..a29.
  EXPECT_TRUE(ParseNewsDocument("x.md", bomb + "---\n", &d, &error)) << error;
  // Used where a list of strings is expected: a clear error.
  ExpectError(bomb + "topics: *a29\n---\n", "'topics[0]' must be a string");
  // A flat list of aliases to a large mapping: the node budget ends it.
  std::string wide = "---\ntitle: t\nm: &m {title: r, webUrl: \"https://e.x/1\"}\nrelated: [";
  for (int i = 0; i < 60000; ++i) wide += "*m, ";
  wide += "*m]\n---\n";
  ExpectError(wide, "more than 100000 YAML nodes");
  // Self-referencing anchors.
  ExpectError("---\ntitle: t\nrelated: &r [*r]\n---\n", "must be a mapping");
  ExpectError("---\ntitle: t\nprovider: &p {name: *p}\n---\n", "'provider.name' must be a string");
}

TEST(NewsMalformed, HugeDocumentsAreRefused) {
  std::string huge = "---\ntitle: t\nexcerpt: \"" + std::string(50u << 20, 'a') + "\"\n---\n";
  ExpectError(huge, "limit");
  // 3 MB: under the limit, parsed in bounded time.
  std::string big = "---\ntitle: t\ntopics:\n";
  for (int i = 0; big.size() < (3u << 20); ++i) big += "  - \"topic " + std::to_string(i % 50000) + "\"\n";
  big += "---\n";
  NewsDocument d;
  std::string error;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(ParseNewsDocument("x.md", big, &d, &error));  // 150,000 topics exceed the node budget
  EXPECT_NE(error.find("YAML nodes"), std::string::npos) << error;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 20.0);
}

}  // namespace
}  // namespace trendgraph::formats
