// Loading model.json: the real data set and malformed input (model/model_data.h).
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <string>

#include <fstream>
#include <set>

#include "model_data.h"
#include "model_test_util.h"

namespace compute_vouchers {
namespace {

using namespace compute_vouchers::test_util;  // NOLINT

TEST(ModelDataTest, RealDataLoadsWithSourcesOnEveryRecord) {
  const ModelData& m = Real();
  EXPECT_EQ(m.programs.size(), 24u);
  EXPECT_EQ(m.controls.size(), 15u);
  EXPECT_EQ(m.chips.size(), 14u);
  EXPECT_FALSE(m.providers.empty());
  for (const auto& p : m.programs) EXPECT_FALSE(p.prov.source.empty()) << p.id;
  for (const auto& c : m.controls) EXPECT_FALSE(c.prov.source.empty()) << c.id;
  for (const auto& c : m.chips) EXPECT_FALSE(c.prov.source.empty()) << c.id;
  for (const auto& o : m.operates) EXPECT_TRUE(o.prov.estimate) << o.provider;  // no sourced fleets exist
  ASSERT_NE(m.FindChip("H20"), nullptr);
  EXPECT_EQ(m.FindChip("h20"), m.FindChip("C05"));
  EXPECT_DOUBLE_EQ(*m.FindChip("H20")->tpp, 2368);
  EXPECT_DOUBLE_EQ(*m.FindProgram("V10")->share, 0.20);
  EXPECT_DOUBLE_EQ(*m.FindProgram("V10")->domestic_share, 0.30);
  EXPECT_DOUBLE_EQ(*m.FindProgram("V11")->budget_per_year, 250e6);
}

// The model's PolicyActor nodes are the actors enricher's: same canonical
// names as the gazetteer (examples/actors.tsv), normalised into `name`.
TEST(ModelDataTest, ActorsUseTheGazetteerNames) {
  std::ifstream in(std::string(TRENDGRAPH_SOURCE_DIR) + "/examples/actors.tsv");
  if (!in) GTEST_SKIP() << "no examples/actors.tsv";
  std::set<std::string> gazetteer;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::string name = line.substr(0, line.find('\t'));
    if (!name.empty() && name[0] == '=') name.erase(0, 1);
    gazetteer.insert(NormaliseName(name));
  }
  size_t found = 0;
  for (const auto& a : Real().actors) {
    EXPECT_EQ(a.name, NormaliseName(a.display));
    found += gazetteer.count(a.name);
  }
  for (const char* key : {"shanghai municipal government", "beijing municipal government", "hangzhou municipal government",
                          "shenzhen municipal government", "chengdu municipal government", "bureau of industry and security",
                          "government of the united states", "government of china", "cyberspace administration of china"}) {
    EXPECT_TRUE(gazetteer.count(key)) << key << " is not in the gazetteer";
  }
  EXPECT_GE(found, 12u);
}

TEST(ModelDataTest, MalformedDataNamesTheProblem) {
  auto bad_json = ParseModelData("{\"meta\": ");
  ASSERT_FALSE(bad_json.ok());
  EXPECT_EQ(bad_json.error().kind, ModelError::Kind::kData);
  EXPECT_NE(bad_json.error().message.find("invalid JSON"), std::string::npos);

  std::string text = SyntheticJson();
  text.replace(text.find("\"launch\": \"2020-01-01\""), 22, "\"launch\": \"2020-02-30\"");
  auto bad_date = ParseModelData(text);
  ASSERT_FALSE(bad_date.ok());
  EXPECT_NE(bad_date.error().message.find("chip C03"), std::string::npos) << bad_date.error().message;
  EXPECT_NE(bad_date.error().message.find("launch"), std::string::npos);

  auto missing = LoadModelData("/nonexistent/model.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().param, "path");
}

}  // namespace
}  // namespace compute_vouchers
