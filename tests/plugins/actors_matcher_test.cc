// The actors gazetteer and matcher: the shipped examples/actors.tsv on the
// two seeds (through the real signals and news parsers), matching rules,
// and malformed gazetteers.
#include "actors_matcher.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "news_parser.h"
#include "signals_parser.h"
#include "test_util.h"

namespace trendgraph::formats {
namespace {

const std::string kCorpus = TRENDGRAPH_CORPUS_DIR;

using trendgraph::testing::ReadFile;

class ActorsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    ASSERT_TRUE(ActorGazetteer::FromFile(TRENDGRAPH_SOURCE_DIR "/examples/actors.tsv", &gazetteer_, &error)) << error;
  }
  static void TearDownTestSuite() { gazetteer_.reset(); }

  // Actor names found in `text`, in order of first mention.
  static std::vector<std::string> Names(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& m : gazetteer_->Find({{"t", text}})) out.push_back(gazetteer_->actors()[m.actor].name);
    return out;
  }
  static const ActorMention* Mention(const std::vector<ActorMention>& ms, std::string_view name) {
    for (const auto& m : ms)
      if (gazetteer_->actors()[m.actor].name == name) return &m;
    return nullptr;
  }
  static std::unique_ptr<ActorGazetteer> gazetteer_;
};
std::unique_ptr<ActorGazetteer> ActorsTest::gazetteer_;

TEST_F(ActorsTest, ShippedGazetteerIsLarge) {
  EXPECT_GE(gazetteer_->actors().size(), 150u);
  EXPECT_GE(gazetteer_->pattern_count(), 400u);
}

TEST_F(ActorsTest, SignalsSeedNamesChineseAndUsGovernments) {
  SignalsDocument d;
  std::string error;
  ASSERT_TRUE(ParseSignalsDocument("000.txt", ReadFile(kCorpus + "/seeds/000_1a51899cdb64a49b.txt"), &d, &error));
  std::vector<ActorField> fields = {{"title", d.article.title}, {"summary", d.article.summary}};
  for (const auto& c : d.concepts) {
    fields.push_back({"description", c.description});
    fields.push_back({"driving_force", c.driving_force});
  }
  auto ms = gazetteer_->Find(fields);
  const ActorMention* china = Mention(ms, "Government of China");
  ASSERT_NE(china, nullptr);
  EXPECT_EQ(china->section, "title");  // "China's Initiative ..."
  EXPECT_GE(china->count, 5u);        // China x4 in the summary, "Chinese government", "Beijing's", ...
  const ActorMention* us = Mention(ms, "Government of the United States");
  ASSERT_NE(us, nullptr);
  EXPECT_EQ(us->section, "summary");
  EXPECT_EQ(us->matched, "US");
  EXPECT_EQ(us->evidence,
            "The move comes in response to stringent US chip restrictions that have made essential AI resources "
            "harder to obtain.");
}

TEST_F(ActorsTest, NewsSeedNamesFinancialTimesAndChineseGovernment) {
  NewsDocument d;
  std::string error;
  ASSERT_TRUE(ParseNewsDocument("003.txt", ReadFile(kCorpus + "/seeds/003_532b44dc33cf5057.txt"), &d, &error));
  auto ms = gazetteer_->Find({{"title", d.article.title}, {"excerpt", d.article.excerpt}});
  const ActorMention* ft = Mention(ms, "Financial Times");
  ASSERT_NE(ft, nullptr);
  EXPECT_EQ(ft->section, "excerpt");
  EXPECT_EQ(ft->evidence.substr(0, 34), "According to the Financial Times, ");
  const ActorMention* china = Mention(ms, "Government of China");
  ASSERT_NE(china, nullptr);
  EXPECT_EQ(china->section, "title");
  EXPECT_EQ(china->count, 3u);  // title "China", excerpt "China", "the Chinese government"
}

TEST_F(ActorsTest, NvidiaHuaweiAndShanghaiWhereNamed) {
  NewsDocument d;
  std::string error;
  ASSERT_TRUE(ParseNewsDocument(
      "x.md", ReadFile(kCorpus + "/news/2024-02-03-clash-of-the-titans-in-chinas-ai-market-as-nvidia-takes-on-huawei.md"),
      &d, &error));
  auto names = Names(d.article.title);
  EXPECT_NE(std::find(names.begin(), names.end(), "Nvidia"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "Huawei"), names.end());
  EXPECT_EQ(Names("Shanghai's city government will hand out computing vouchers."),
            std::vector<std::string>{"Shanghai Municipal Government"});
  EXPECT_EQ(Names("The Beijing municipal government and Beijing agreed."),
            (std::vector<std::string>{"Beijing Municipal Government", "Government of China"}));
}

TEST_F(ActorsTest, CaseAndWordRules) {
  EXPECT_TRUE(Names("Please help us understand the bus schedule.").empty());
  EXPECT_EQ(Names("US export controls"), std::vector<std::string>{"Government of the United States"});
  EXPECT_EQ(Names("The U.S. government said so."), std::vector<std::string>{"Government of the United States"});
  EXPECT_TRUE(Names("an apple pie and artificial intelligence; a meta-analysis").empty());
  EXPECT_EQ(Names("Apple's iPhone and Meta's glasses"), (std::vector<std::string>{"Apple", "Meta"}));
  EXPECT_TRUE(Names("BISCUIT, Nvidias, INTELLIGENCE").empty());
  EXPECT_EQ(Names("Baidu’s chatbot and NVIDIA's chips"), (std::vector<std::string>{"Baidu", "Nvidia"}));
  // Leftmost-longest: the newspaper, not the government.
  EXPECT_EQ(Names("The Washington Post reported"), std::vector<std::string>{"The Washington Post"});
  EXPECT_EQ(Names("South China Morning Post"), std::vector<std::string>{"South China Morning Post"});
  // CJK aliases need no word boundary.
  EXPECT_EQ(Names("据中国日报网报道"), std::vector<std::string>{"China Daily"});
  // Accented letters are word characters: "Chinaé" is not "China".
  EXPECT_TRUE(Names("Chinaé").empty());
}

TEST(ActorsGazetteer, MalformedFilesGiveLineNumbers) {
  std::unique_ptr<ActorGazetteer> g;
  std::string error;
  EXPECT_FALSE(ActorGazetteer::FromTsv("name\tkind\tcountry\tlevel\taliases\nA\tcompany\tUS\n", &g, &error));
  EXPECT_EQ(error.substr(0, 7), "line 2:");
  EXPECT_NE(error.find("5 tab-separated columns"), std::string::npos);
  EXPECT_FALSE(ActorGazetteer::FromTsv("A\tx\tUS\t\t\nA\ty\tUS\t\t\n", &g, &error));
  EXPECT_NE(error.find("already defined on line 1"), std::string::npos) << error;
  EXPECT_FALSE(ActorGazetteer::FromTsv("A\tx\tUS\t\tfoo\nB\ty\tUS\t\tFOO bar|Foo\n", &g, &error));
  EXPECT_NE(error.find("'Foo' already names 'A'"), std::string::npos) << error;
  EXPECT_FALSE(ActorGazetteer::FromTsv("# only a comment\n\n", &g, &error));
  EXPECT_NE(error.find("no actors"), std::string::npos);
  EXPECT_FALSE(ActorGazetteer::FromFile("/nonexistent/actors.tsv", &g, &error));
  EXPECT_NE(error.find("cannot read"), std::string::npos);
  ASSERT_TRUE(ActorGazetteer::FromTsv("# c\nAcme\tcompany\tUS\tcorporate\tAcme Corp| =ACME \n", &g, &error)) << error;
  EXPECT_EQ(g->actors()[0].aliases.size(), 2u);
  EXPECT_EQ(g->Find({{"t", "acme corp and ACME and Acme"}})[0].count, 3u);
}

}  // namespace
}  // namespace trendgraph::formats
