// The generated benchmark corpus must give exactly the graph in the
// generator's CSVs: articles, nodes, relationships and their properties.
// The corpus is generated at test time (standard-library Python), so the
// expectations come from the generator, never from this parser.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "csv_reader.h"
#include "signals_parser.h"
#include "test_util.h"

namespace trendgraph::formats {
namespace {

namespace fs = std::filesystem;
using Rows = std::vector<std::vector<std::string>>;

using trendgraph::testing::ReadFile;

std::string Join(const std::vector<std::string>& row) {
  std::string s;
  for (const auto& f : row) s += "[" + f + "]";
  return s;
}

// Sorted comparison with the first few differences in the failure message.
void ExpectSameRows(const std::string& what, Rows parsed, Rows expected) {
  std::sort(parsed.begin(), parsed.end());
  std::sort(expected.begin(), expected.end());
  if (parsed == expected) return;
  Rows only_parsed, only_expected;
  std::set_difference(parsed.begin(), parsed.end(), expected.begin(), expected.end(),
                      std::back_inserter(only_parsed));
  std::set_difference(expected.begin(), expected.end(), parsed.begin(), parsed.end(),
                      std::back_inserter(only_expected));
  std::string msg = what + ": parsed " + std::to_string(parsed.size()) + " rows, CSV " +
                    std::to_string(expected.size()) + "\n";
  for (size_t i = 0; i < std::min<size_t>(3, only_parsed.size()); ++i) msg += "  only parsed: " + Join(only_parsed[i]) + "\n";
  for (size_t i = 0; i < std::min<size_t>(3, only_expected.size()); ++i) msg += "  only CSV:    " + Join(only_expected[i]) + "\n";
  ADD_FAILURE() << msg;
}

class SignalsGroundTruth : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new trendgraph::testing::TempDir();
    const std::string cmd = "python3 '" TRENDGRAPH_SHARED_DIR "/bench/gen_corpus.py' --docs 3000 --seed 42 --jobs 2 --out '" +
                            dir_->Sub("docs") + "' --csv '" + dir_->Sub("csv") + "' > /dev/null";
    generated_ = std::system(cmd.c_str()) == 0;
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static trendgraph::testing::TempDir* dir_;
  static bool generated_;
};
trendgraph::testing::TempDir* SignalsGroundTruth::dir_ = nullptr;
bool SignalsGroundTruth::generated_ = false;

TEST_F(SignalsGroundTruth, EveryDocumentGivesExactlyTheCsvGraph) {
  ASSERT_TRUE(generated_) << "gen_corpus.py failed";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir_->Sub("docs"))) {
    if (e.path().extension() == ".md") files.push_back(e.path());
  }
  ASSERT_EQ(files.size(), 3000u);
  std::sort(files.begin(), files.end());

  static constexpr const char* kRelFile[] = {"HAS_KEYWORD", "HAS_THEME", "RAISES",       "FLAGS_Concern",
                                             "DESCRIBES",   "MENTIONS",  "FLAGS_Issue"};
  Rows articles;
  std::vector<Rows> rels(kSignalsLabelCount);
  std::vector<std::set<std::string>> names(kSignalsLabelCount);
  SignalsDocument doc;
  std::string error;
  for (const fs::path& p : files) {
    const std::string text = ReadFile(p);
    ASSERT_TRUE(ParseSignalsDocument(p.filename().string(), text, &doc, &error)) << p << ": " << error;
    const SignalsArticle& a = doc.article;
    articles.push_back({a.id, a.title, a.url, a.page, a.published, a.category, a.type, a.summary});
    for (const SignalsConcept& c : doc.concepts) {
      const int l = static_cast<int>(c.label);
      names[l].insert(c.name);
      std::string relv = c.relevancy ? std::to_string(*c.relevancy) : "";
      if (c.label == SignalsLabel::kKeyword || c.label == SignalsLabel::kTheme) {
        rels[l].push_back({a.id, c.name});
      } else if (c.label == SignalsLabel::kSignal) {
        rels[l].push_back({a.id, c.name, c.description, c.change, c.ten_year, c.driving_force, relv});
      } else {
        rels[l].push_back({a.id, c.name, c.description, relv});
      }
    }
  }
  const std::string csv = dir_->Sub("csv") + "/";
  ExpectSameRows("Article", articles, trendgraph::testing::ReadCsvRows(csv + "Article.csv"));
  for (int l = 0; l < kSignalsLabelCount; ++l) {
    const std::string label(SignalsLabelName(static_cast<SignalsLabel>(l)));
    Rows node_rows;
    for (const auto& n : names[l]) node_rows.push_back({n});
    ExpectSameRows(label, node_rows, trendgraph::testing::ReadCsvRows(csv + label + ".csv"));
    ExpectSameRows(kRelFile[l], rels[l], trendgraph::testing::ReadCsvRows(csv + kRelFile[l] + ".csv"));
  }
}

}  // namespace
}  // namespace trendgraph::formats
