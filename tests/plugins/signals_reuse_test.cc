// One SignalsDocument reused page after page (as the plugin's per-thread
// document is) must give exactly what a fresh document gives: Clear()
// recycles concepts and keeps string capacity, so a field left over from a
// longer earlier row or page would show here.
#include "signals_dump.h"
#include "signals_parser.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace trendgraph::formats {
namespace {

namespace fs = std::filesystem;

std::string Dump(const SignalsDocument& d) { return DumpSignalsDocument(d); }

std::string Fresh(const std::string& name, const std::string& text) {
  SignalsDocument d;
  std::string error;
  EXPECT_TRUE(ParseSignalsDocument(name, text, &d, &error)) << name << ": " << error;
  return Dump(d);
}

TEST(SignalsReuse, ReusedDocumentMatchesFreshOnTheCorpus) {
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(std::string(TRENDGRAPH_CORPUS_DIR) + "/signals")) paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  ASSERT_GT(paths.size(), 10u);
  SignalsDocument reused;
  std::string error;
  // Forward and backward, so each page follows both a smaller and a larger one.
  for (int pass = 0; pass < 2; ++pass) {
    for (const fs::path& p : paths) {
      const std::string text = testing::ReadFile(p);
      const std::string name = p.filename().string();
      ASSERT_TRUE(ParseSignalsDocument(name, text, &reused, &error)) << name << ": " << error;
      EXPECT_EQ(Dump(reused), Fresh(name, text)) << name;
    }
    std::reverse(paths.begin(), paths.end());
  }
}

// Rows with fewer columns, and a failed parse, after a page that filled
// every field.
TEST(SignalsReuse, NoFieldLeaksFromAnEarlierPage) {
  const std::string full =
      "# __Full__, from ([20240101](x).)\n"
      "__[External link](https://a.example/full)__\n"
      "## Keywords\n* Alpha Beta\n* Gamma\n"
      "## Signals\n"
      "| name | description | change | 10-year | driving-force | relevancy |\n"
      "|---|---|---|---|---|---|\n"
      "| S1 | d1 | c1 | t1 | f1 | 5 |\n"
      "| S2 | d2 | c2 | t2 | f2 | 7 |\n";
  const std::string thin =
      "# __Thin__, from ([20240102](x).)\n"
      "## Signals\n"
      "| name |\n"
      "|---|\n"
      "| S9 |\n"
      "## Concerns\n"
      "| name | description |\n"
      "|---|---|\n"
      "| C1 | |\n";
  const std::string bad =
      "# __Bad__, from ([20240103](x).)\n"
      "## Signals\n| name | relevancy |\n|---|---|\n| S | high |\n";
  SignalsDocument d;
  std::string error;
  ASSERT_TRUE(ParseSignalsDocument("full.md", full, &d, &error)) << error;
  ASSERT_EQ(d.concepts.size(), 4u);
  EXPECT_FALSE(ParseSignalsDocument("bad.md", bad, &d, &error));
  EXPECT_TRUE(d.concepts.empty());
  ASSERT_TRUE(ParseSignalsDocument("thin.md", thin, &d, &error)) << error;
  EXPECT_EQ(Dump(d), Fresh("thin.md", thin));
  ASSERT_EQ(d.concepts.size(), 2u);
  EXPECT_EQ(d.concepts[0].name, "s9");
  EXPECT_TRUE(d.concepts[0].description.empty());
  EXPECT_FALSE(d.concepts[0].relevancy.has_value());
  EXPECT_TRUE(d.concepts[1].description.empty());
  EXPECT_TRUE(d.article.url.empty());
  EXPECT_EQ(d.article.id, "file:thin.md");
}

}  // namespace
}  // namespace trendgraph::formats
