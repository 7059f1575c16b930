// The SDK as a plugin author gets it: `cmake --install --component sdk` into
// a temp prefix, the out-of-tree example plugin (examples/plugins/rss) built
// against that prefix with find_package(trendgraph), loaded by PluginHost and
// used to ingest its sample feed into a real store.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "engine/plugin_host.h"
#include "storage/graph_store.h"
#include "test_util.h"

namespace trendgraph::engine {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs a shell command, its output into `log`; true on exit status 0.
bool RunShell(const std::string& cmd, const std::string& log) {
  std::string full = cmd + " >>" + log + " 2>&1";
  return std::system(full.c_str()) == 0;
}

TEST(PluginSdkInstallTest, OutOfTreePluginBuildsAgainstInstalledSdkAndIngests) {
  testing::TempDir dir;
  const std::string log = dir.Sub("build.log");
  const std::string prefix = dir.Sub("prefix");
  const std::string cmake = TG_CMAKE_COMMAND;
  ASSERT_TRUE(RunShell("'" + cmake + "' --install '" TRENDGRAPH_BINARY_DIR "' --prefix '" + prefix + "' --component sdk", log))
      << ReadAll(log);
  EXPECT_TRUE(fs::exists(prefix + "/include/trendgraph/plugin.h"));
  EXPECT_TRUE(fs::exists(prefix + "/include/trendgraph/plugin.hpp"));
  // Only the SDK: no server, no engine library, no bundled plugins.
  EXPECT_FALSE(fs::exists(prefix + "/bin"));

  const std::string build = dir.Sub("rss-build");
  ASSERT_TRUE(RunShell("'" + cmake + "' -S '" TRENDGRAPH_SOURCE_DIR "/examples/plugins/rss' -B '" + build + "' -G '" +
                      TG_CMAKE_GENERATOR + "' -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH='" + prefix + "'",
                  log))
      << ReadAll(log);
  EXPECT_NE(ReadAll(log).find("trendgraph plugin ABI 1.0"), std::string::npos) << ReadAll(log);
  ASSERT_TRUE(RunShell("'" + cmake + "' --build '" + build + "'", log)) << ReadAll(log);
  const std::string so = build + "/trendgraph_rss.so";
  ASSERT_TRUE(fs::exists(so)) << ReadAll(log);

  PluginHost host(nullptr);
  ASSERT_OK(host.Load(so));
  ASSERT_EQ(host.List().size(), 1u);
  EXPECT_EQ(host.List()[0].name, "rss");
  EXPECT_EQ(host.List()[0].kind, "source");

  storage::Options o;
  o.path = dir.Sub("db");
  std::unique_ptr<storage::Database> db;
  ASSERT_OK(storage::Database::Open(o, &db));
  std::shared_ptr<storage::Graph> graph;
  ASSERT_OK(db->GetGraph("default", &graph));
  const std::string feed = ReadAll(TRENDGRAPH_SOURCE_DIR "/examples/plugins/rss/sample.xml");
  auto r = host.Ingest(*graph, "auto", {{"sample.xml", feed}, {"not-a-feed.txt", "hello"}}, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->documents.size(), 2u);
  ASSERT_TRUE(r->documents[0].ok) << r->documents[0].error;
  EXPECT_FALSE(r->documents[1].ok);

  auto snap = graph->NewSnapshot();
  auto article = graph->FindLabel("Article");
  ASSERT_TRUE(article);
  EXPECT_EQ(snap->NodeCountByLabel(*article), 3u);
  EXPECT_EQ(snap->NodeCountByLabel(*graph->FindLabel("Feed")), 1u);
  // "Compute subsidies" and "compute   SUBSIDIES" are one topic; plus China, Export controls.
  EXPECT_EQ(snap->NodeCountByLabel(*graph->FindLabel("Topic")), 3u);
  EXPECT_EQ(snap->RelCountByType(*graph->FindType("LISTS")), 3u);
  EXPECT_EQ(snap->RelCountByType(*graph->FindType("TAGGED")), 4u);

  // The first item: canonical id, decoded text, ISO date.
  storage::NodeId id = 0;
  ASSERT_OK(snap->LookupUnique(*article, *graph->FindPropKey("id"),
                               Value("https://www.example.com/2024/03/05/china-computing-vouchers"), &id));
  Value v;
  ASSERT_OK(snap->GetNodeProperty(id, *graph->FindPropKey("published"), &v));
  EXPECT_EQ(v.as_string(), "2024-03-05");
  ASSERT_OK(snap->GetNodeProperty(id, *graph->FindPropKey("summary"), &v));
  EXPECT_EQ(v.as_string(),
            "At least 17 city governments, including Shanghai, give AI start-ups vouchers worth $140,000 to $280,000.");
  ASSERT_OK(snap->LookupUnique(*article, *graph->FindPropKey("id"), Value("https://news.example.net/us-chip-rules"), &id));
  ASSERT_OK(snap->GetNodeProperty(id, *graph->FindPropKey("title"), &v));
  EXPECT_EQ(v.as_string(), "US tightens rules on AI chip exports \u2014 H20 & the October rule");
  ASSERT_OK(snap->GetNodeProperty(id, *graph->FindPropKey("summary"), &v));
  // Escaped HTML in a description is markup (RSS convention): stripped.
  EXPECT_EQ(v.as_string(), "The Commerce Department's update sets a TPP threshold & a performance density test.");
}

}  // namespace
}  // namespace trendgraph::engine
