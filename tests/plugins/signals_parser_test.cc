// signals_parser on the real corpus (every file, and golden expectations
// read off the files by hand) and on malformed input.
#include "signals_parser.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace trendgraph::formats {
namespace {

namespace fs = std::filesystem;
const std::string kCorpus = TRENDGRAPH_CORPUS_DIR;

using trendgraph::testing::ReadFile;

std::vector<const SignalsConcept*> OfLabel(const SignalsDocument& d, SignalsLabel l) {
  std::vector<const SignalsConcept*> out;
  for (const auto& c : d.concepts)
    if (c.label == l) out.push_back(&c);
  return out;
}

const SignalsConcept* Find(const SignalsDocument& d, SignalsLabel l, std::string_view name) {
  for (const auto& c : d.concepts)
    if (c.label == l && c.name == name) return &c;
  return nullptr;
}

SignalsDocument ParseFileOrDie(const std::string& path) {
  SignalsDocument d;
  std::string error;
  const std::string text = ReadFile(path);
  EXPECT_FALSE(text.empty()) << path;
  EXPECT_TRUE(ParseSignalsDocument(fs::path(path).filename().string(), text, &d, &error)) << path << ": " << error;
  return d;
}

TEST(SignalsCorpus, EveryFileParses) {
  size_t files = 0, concepts = 0;
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(kCorpus + "/signals")) paths.push_back(e.path().string());
  paths.push_back(kCorpus + "/seeds/000_1a51899cdb64a49b.txt");
  for (const auto& p : paths) {
    SignalsDocument d = ParseFileOrDie(p);
    ++files;
    concepts += d.concepts.size();
    EXPECT_FALSE(d.article.title.empty()) << p;
    EXPECT_FALSE(d.article.url.empty()) << p;
    EXPECT_EQ(d.article.id.substr(0, 4), "http") << p;
    EXPECT_FALSE(OfLabel(d, SignalsLabel::kSignal).empty()) << p;
    EXPECT_FALSE(OfLabel(d, SignalsLabel::kKeyword).empty()) << p;
  }
  EXPECT_EQ(files, 68u);
  EXPECT_GT(concepts, 68u * 20);
}

// The running example: older revision, float page id, no Concerns.
TEST(SignalsGolden, SeedComputingVouchers) {
  SignalsDocument d = ParseFileOrDie(kCorpus + "/seeds/000_1a51899cdb64a49b.txt");
  EXPECT_EQ(d.article.title, "China's Initiative to Support AI Start-ups with Computing Vouchers Amid Chip Restrictions");
  EXPECT_EQ(d.article.page, "4805.0");
  EXPECT_EQ(d.article.published, "");
  EXPECT_EQ(d.article.url, "https://techovedas.com/chinas-ai-empowering-start-ups-with-computing-vouchers/");
  EXPECT_EQ(d.article.id, "https://techovedas.com/chinas-ai-empowering-start-ups-with-computing-vouchers");
  EXPECT_EQ(d.article.category, "technology");
  EXPECT_EQ(d.article.type, "blog post");
  EXPECT_EQ(d.article.summary.substr(0, 62), "China is addressing the challenges faced by its AI start-ups, ");
  EXPECT_NE(d.article.summary.find("\"computing vouchers\""), std::string::npos);
  EXPECT_EQ(d.article.file_hash, "000_1a51899cdb64a49b.txt");
  EXPECT_EQ(OfLabel(d, SignalsLabel::kKeyword).size(), 7u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kTheme).size(), 5u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kSignal).size(), 5u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kConcern).size(), 0u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kBehavior).size(), 6u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kTechnology).size(), 6u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kIssue).size(), 5u);
  // "China" is both a keyword and a theme: two distinct labels.
  ASSERT_NE(Find(d, SignalsLabel::kKeyword, "china"), nullptr);
  ASSERT_NE(Find(d, SignalsLabel::kTheme, "china"), nullptr);
  EXPECT_EQ(Find(d, SignalsLabel::kKeyword, "china")->display, "China");
  const SignalsConcept* s = Find(d, SignalsLabel::kSignal, "escalating chip restrictions");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->display, "Escalating Chip Restrictions");
  EXPECT_EQ(s->description, "US chip export controls creating scarcity in AI computing resources in China.");
  EXPECT_EQ(s->change, "From open access to restricted access for Chinese tech companies.");
  EXPECT_EQ(s->ten_year, "In 10 years, global chip supply chains may be restructured, affecting tech dependencies.");
  EXPECT_EQ(s->driving_force,
            "Geopolitical tensions and trade policies are reshaping access to critical technology resources.");
  EXPECT_EQ(s->relevancy, 5);
  const SignalsConcept* t = Find(d, SignalsLabel::kTechnology, "domestic chips in ai applications");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->relevancy, 3);
  const SignalsConcept* i = Find(d, SignalsLabel::kIssue, "chip export restrictions");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->relevancy, 5);
  EXPECT_TRUE(d.closest.empty());
}

// The stored revision of the same page: current title form, with Concerns.
TEST(SignalsGolden, StoredRevisionHasConcernsAndPageDate) {
  SignalsDocument d = ParseFileOrDie(kCorpus + "/signals/1756bb0eb782683277498274a354c1c8.md");
  EXPECT_EQ(d.article.page, "20240324");
  EXPECT_EQ(d.article.published, "2024-03-24");
  EXPECT_EQ(d.article.id, "https://techovedas.com/chinas-ai-empowering-start-ups-with-computing-vouchers");
  EXPECT_EQ(d.article.file_hash, "1756bb0eb782683277498274a354c1c8");
  auto concerns = OfLabel(d, SignalsLabel::kConcern);
  ASSERT_EQ(concerns.size(), 6u);
  EXPECT_EQ(concerns[0]->name, "us chip restrictions");
  EXPECT_EQ(concerns[5]->name, "economic impact of ai development");
}

// Oldest form: "from ([date](..).)", Summary first, 4-column Signals table, Closest.
TEST(SignalsGolden, OldestFormWithClosest) {
  SignalsDocument d = ParseFileOrDie(kCorpus + "/signals/01dd20372573227317c7126faacfec9b.md");
  EXPECT_EQ(d.article.title, "The Rise of Micro-Subscriptions");
  EXPECT_EQ(d.article.published, "2022-08-24");
  EXPECT_EQ(d.article.category, "");  // no ## Other
  EXPECT_EQ(d.article.type, "");
  EXPECT_EQ(OfLabel(d, SignalsLabel::kKeyword).size(), 10u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kTheme).size(), 3u);
  auto signals = OfLabel(d, SignalsLabel::kSignal);
  ASSERT_EQ(signals.size(), 10u);
  const SignalsConcept* s = Find(d, SignalsLabel::kSignal, "backlash against \"free\" business model");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->change, "Shift from non-monetary remittance to monetary payment");
  EXPECT_EQ(s->ten_year, "Consumers paying for products/services with money instead of data");
  EXPECT_EQ(s->driving_force, "Increasing consumer awareness and desire for privacy");
  EXPECT_EQ(s->description, "");
  EXPECT_FALSE(s->relevancy.has_value());
  // 10 bullets: 7 self-links (dropped) and 3 distinct other pages at ranks 5, 6, 10.
  ASSERT_EQ(d.closest.size(), 3u);
  EXPECT_EQ(d.closest[0].file_hash, "9f6a82373421931ea7e960ae526ff457");
  EXPECT_EQ(d.closest[0].title, "\"Career Cushioning: Protecting Your Future\"");
  EXPECT_EQ(d.closest[0].rank, 5);
  EXPECT_EQ(d.closest[1].file_hash, "2a489a36a1fa238ae4e3d65423f52e92");
  EXPECT_EQ(d.closest[1].rank, 6);
  EXPECT_EQ(d.closest[2].file_hash, "77a1e8adf276dbc84c60c1c7fd878db8");
  EXPECT_EQ(d.closest[2].rank, 10);
}

TEST(SignalsGolden, AllClosestAreSelfLinks) {
  SignalsDocument d = ParseFileOrDie(kCorpus + "/signals/e91b6e1d0dcf2c5d43dfddbf6a56310b.md");
  EXPECT_TRUE(d.closest.empty());
}

// Float page id, keywords and themes exploded one character per bullet.
TEST(SignalsGolden, FloatIdExplodedBullets) {
  SignalsDocument d = ParseFileOrDie(kCorpus + "/signals/b4cc7b5ac1c99e45eb6fc1f733189405.md");
  EXPECT_EQ(d.article.page, "3364.0");
  EXPECT_EQ(d.article.published, "");
  EXPECT_EQ(d.article.id,
            "https://www.tomshardware.com/news/"
            "chinas-bytedance-has-gobbled-up-dollar1-billion-of-nvidia-gpus-for-ai-this-year");
  // "ByteDance, Nvidia, HPC, TikTok, Alibaba, Tencent, Baidu, export
  // restrictions, AI market": 21 distinct characters once lower-cased, the
  // "*  " bullets (a single space) skipped.
  auto kw = OfLabel(d, SignalsLabel::kKeyword);
  std::string joined;
  for (auto* c : kw) joined += c->name;
  EXPECT_EQ(joined, "bytedanc,vihpkoluxrsm");
  EXPECT_EQ(Find(d, SignalsLabel::kKeyword, "b")->display, "B");
  // "technology, AI, China, business": t e c h n o l g y , a i
  EXPECT_EQ(OfLabel(d, SignalsLabel::kTheme).size(), 15u);
}

// 2025 page: date with 'd' suffix, 2-column Concerns/Behaviors/Technologies/Issues.
TEST(SignalsGolden, TwoColumnTablesHaveNoRelevancy) {
  SignalsDocument d = ParseFileOrDie(kCorpus + "/signals/00344fccd0922ea64c011f2e3e163153.md");
  EXPECT_EQ(d.article.page, "20250511d");
  EXPECT_EQ(d.article.published, "2025-05-11");
  EXPECT_EQ(d.article.category, "culture");
  EXPECT_EQ(OfLabel(d, SignalsLabel::kSignal).size(), 5u);
  for (auto* s : OfLabel(d, SignalsLabel::kSignal)) EXPECT_TRUE(s->relevancy.has_value()) << s->name;
  EXPECT_EQ(OfLabel(d, SignalsLabel::kConcern).size(), 7u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kBehavior).size(), 6u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kTechnology).size(), 5u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kIssue).size(), 7u);
  for (const auto& c : d.concepts) {
    if (c.label != SignalsLabel::kSignal) {
      EXPECT_FALSE(c.relevancy.has_value()) << c.name;
    }
  }
  const SignalsConcept* i = Find(d, SignalsLabel::kIssue, "tradwife aesthetic");
  ASSERT_NE(i, nullptr);
  EXPECT_EQ(i->description.substr(0, 30), "The revival of the ‘tradwife");
  // "Female Radicalisation" is a Signal, a Behavior and an Issue: three nodes.
  EXPECT_NE(Find(d, SignalsLabel::kSignal, "female radicalisation"), nullptr);
  EXPECT_NE(Find(d, SignalsLabel::kBehavior, "female radicalisation"), nullptr);
  EXPECT_NE(Find(d, SignalsLabel::kIssue, "female radicalisation"), nullptr);
  EXPECT_NE(Find(d, SignalsLabel::kSignal, "patriarchy’s online influence"), nullptr);
}

TEST(SignalsGolden, FrenchPage) {
  SignalsDocument d = ParseFileOrDie(kCorpus + "/signals/ad7796667773f68ddd046be8c7f8164d.md");
  EXPECT_EQ(d.article.title, "Réduisez votre utilisation des réseaux sociaux avec l'application \"one sec\".");
  EXPECT_EQ(d.article.id, "https://one-sec.app/localized-files/fr_ALL");
  EXPECT_EQ(d.article.published, "2024-06-16");
  ASSERT_NE(Find(d, SignalsLabel::kKeyword, "réseaux sociaux"), nullptr);
  ASSERT_NE(Find(d, SignalsLabel::kKeyword, "anxiété"), nullptr);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kConcern).size(), 8u);
  const SignalsConcept* c = Find(d, SignalsLabel::kConcern, "unconscious usage habits");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->relevancy, 4);
  EXPECT_EQ(Find(d, SignalsLabel::kTechnology, "one sec")->relevancy, 5);
}

TEST(SignalsGolden, EmptyFinalThemeBulletIsSkipped) {
  SignalsDocument d = ParseFileOrDie(kCorpus + "/signals/bdfa8c77247184ac2447cfbbb266a603.md");
  auto themes = OfLabel(d, SignalsLabel::kTheme);
  ASSERT_EQ(themes.size(), 5u);
  EXPECT_EQ(themes.back()->name, "china");
}

// --- constructed documents -------------------------------------------------

const char kHeader[] =
    "# __A Title__, (from page [20240102](https://x.example/p/20240102).)\n\n"
    "__[External link](https://News.Example.com/a/b/?utm_source=x&id=7#top)__\n\n\n\n";

bool Parse(const std::string& text, SignalsDocument* d, std::string* error) {
  return ParseSignalsDocument("doc.md", text, d, error);
}

TEST(SignalsRules, EscapedPipesBlankCellsDuplicatesAndPadding) {
  std::string text = std::string(kHeader) +
                     "## Keywords  \n\n*   Big   Data \n* big\tdata\n* \n*  \n* ÉNERGIE\n\n"
                     "## Technologies\n\n"
                     "| name | description |   relevancy |\n"
                     "|:-----|:------------|------------:|\n"
                     "| A \\| B | cost \\| benefit *not emphasis* &amp; |   2 |\n"
                     "|      | nameless row |  3 |\n"
                     "| a \\|  b | repeated: dropped | 1 |\n"
                     "| C | | |\n"
                     "\n## Summary\n\n  First line.  \nsecond line\n\n\tthird\n";
  SignalsDocument d;
  std::string error;
  ASSERT_TRUE(Parse(text, &d, &error)) << error;
  EXPECT_EQ(d.article.id, "https://news.example.com/a/b?id=7");
  EXPECT_EQ(d.article.summary, "First line. second line third");
  auto kw = OfLabel(d, SignalsLabel::kKeyword);
  ASSERT_EQ(kw.size(), 2u);
  EXPECT_EQ(kw[0]->name, "big data");
  EXPECT_EQ(kw[0]->display, "Big   Data");
  EXPECT_EQ(kw[1]->name, "énergie");
  auto tech = OfLabel(d, SignalsLabel::kTechnology);
  ASSERT_EQ(tech.size(), 2u);
  EXPECT_EQ(tech[0]->name, "a | b");
  EXPECT_EQ(tech[0]->description, "cost | benefit *not emphasis* &amp;");
  EXPECT_EQ(tech[0]->relevancy, 2);
  EXPECT_EQ(tech[1]->name, "c");
  EXPECT_EQ(tech[1]->description, "");
  EXPECT_FALSE(tech[1]->relevancy.has_value());
}

TEST(SignalsRules, TableWithZeroRowsAndLegacyHeaderAndNoLink) {
  std::string text =
      "# __T__, from ([20250511d ](https://x.example/p/20250511d ).)\n\n\n\n"
      "## Issues\n\n| name | description |   relevancy |\n|:--|:--|--:|\n\n## Concerns\n\n| name | description |\n|:-|:-|\n| X | y |";
  SignalsDocument d;
  std::string error;
  ASSERT_TRUE(ParseSignalsDocument("dir/abc.md", text, &d, &error)) << error;
  EXPECT_EQ(d.article.page, "20250511d");
  EXPECT_EQ(d.article.published, "2025-05-11");
  EXPECT_EQ(d.article.id, "file:abc.md");
  EXPECT_EQ(d.article.file_hash, "abc");
  EXPECT_TRUE(OfLabel(d, SignalsLabel::kIssue).empty());
  ASSERT_EQ(OfLabel(d, SignalsLabel::kConcern).size(), 1u);  // last row, no final newline
}

TEST(SignalsRules, CrLfLineEnds) {
  std::string text = "# __T__, (from page [20240102](https://x/p/1).)\r\n\r\n__[External link](https://a.example/x)__\r\n"
                     "\r\n## Keywords\r\n\r\n* One\r\n* Two\r\n\r\n## Signals\r\n\r\n| name | relevancy |\r\n|--|--|\r\n| S | 4 |\r\n";
  SignalsDocument d;
  std::string error;
  ASSERT_TRUE(Parse(text, &d, &error)) << error;
  EXPECT_EQ(d.article.url, "https://a.example/x");
  ASSERT_EQ(OfLabel(d, SignalsLabel::kKeyword).size(), 2u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kKeyword)[1]->name, "two");
  ASSERT_EQ(OfLabel(d, SignalsLabel::kSignal).size(), 1u);
  EXPECT_EQ(OfLabel(d, SignalsLabel::kSignal)[0]->relevancy, 4);
}

// --- malformed input -------------------------------------------------------

void ExpectError(const std::string& text, std::string_view needle) {
  SignalsDocument d;
  std::string error;
  EXPECT_FALSE(Parse(text, &d, &error));
  EXPECT_NE(error.find(needle), std::string::npos) << "error was: " << error;
  EXPECT_TRUE(d.concepts.empty());
}

TEST(SignalsMalformed, ClearErrors) {
  ExpectError("", "empty");
  ExpectError(std::string("\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10), "NUL");
  ExpectError(std::string(kHeader) + "## Keywords\n\n* caf\xC3\n", "not valid UTF-8");
  ExpectError("just some text\n## Keywords\n* a\n", "line 1");
  ExpectError(std::string(kHeader) + "## Keywords\n\n* a\n\n## Themes\n\n* b\n\n## Keywords\n\n* c\n",
              "repeats the one at line");
  ExpectError(std::string(kHeader) + "## Signals\n\n| name | description |   relevancy |\n| A | b | 3 |\n",
              "malformed");
  ExpectError(std::string(kHeader) + "## Issues\n\n| name | relevancy |\n|--|--|\n| A | high |\n",
              "relevancy 'high' is not an integer");
}

TEST(SignalsMalformed, TruncatedDocumentKeepsWhatIsComplete) {
  const std::string full = ReadFile(kCorpus + "/seeds/000_1a51899cdb64a49b.txt");
  // Cut in the middle of the last table row: the row loses its last cells.
  const std::string cut = full.substr(0, full.size() - 100);
  SignalsDocument d;
  std::string error;
  ASSERT_TRUE(Parse(cut, &d, &error)) << error;
  EXPECT_EQ(OfLabel(d, SignalsLabel::kIssue).size(), 5u);
  const SignalsConcept* last = Find(d, SignalsLabel::kIssue, "government support for technology");
  ASSERT_NE(last, nullptr);
  EXPECT_FALSE(last->relevancy.has_value());
  // Every prefix parses or fails cleanly.
  for (size_t n = 1; n < full.size(); n += 97) {
    std::string e;
    (void)Parse(full.substr(0, n), &d, &e);
  }
}

TEST(SignalsMalformed, HugeAndGarbageInputIsBounded) {
  std::string huge(50u << 20, 'a');
  SignalsDocument d;
  std::string error;
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(Parse(huge, &d, &error));
  EXPECT_NE(error.find("limit"), std::string::npos) << error;
  // A large page under the limit: 1.5 MB of table rows still parses.
  std::string big = std::string(kHeader) + "## Signals\n\n| name | relevancy |\n|--|--|\n";
  for (int i = 0; big.size() < (3u << 19); ++i) big += "| signal " + std::to_string(i) + " | 3 |\n";
  EXPECT_TRUE(Parse(big, &d, &error)) << error;
  EXPECT_GT(d.concepts.size(), 50000u);
  // Shapes on which cmark-gfm 0.29 is super-linear are refused up front:
  // deep block-quote nesting over a long bracket line (minutes otherwise),
  // and rows of thousands of cells.
  EXPECT_FALSE(Parse(std::string(kHeader) + std::string(100000, '>') + " x\n" + std::string(50000, '[') + "\n", &d,
                     &error));
  EXPECT_NE(error.find("leading block markers"), std::string::npos) << error;
  std::string wide = std::string(kHeader) + "## Signals\n\n";
  for (int r = 0; r < 3; ++r) {
    wide += "|";
    for (int c = 0; c < 5000; ++c) wide += (r == 1 ? "-|" : "a|");
    wide += "\n";
  }
  EXPECT_FALSE(Parse(wide, &d, &error));
  EXPECT_NE(error.find("table cells"), std::string::npos) << error;
  // 2 MB of brackets in one paragraph: accepted, in bounded time.
  EXPECT_TRUE(Parse(std::string(kHeader) + "x\n" + std::string(2000000, '['), &d, &error)) << error;
  std::string noise;
  uint32_t x = 12345;
  for (int i = 0; i < 1 << 20; ++i) {
    x = x * 1103515245 + 12345;
    noise.push_back(static_cast<char>(0x20 + (x >> 16) % 95));
  }
  EXPECT_FALSE(Parse(noise, &d, &error));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 20.0);
}

}  // namespace
}  // namespace trendgraph::formats
