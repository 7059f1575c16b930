// PluginHost loading: good plugins load and are listed; broken ones are
// refused with a message naming the file and what is wrong, and the host
// (and the process) stays usable.
#include "engine/plugin_host.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "test_util.h"
#include "trendgraph/plugin.h"

namespace trendgraph::engine {
namespace {

std::string TestPlugin(const std::string& name) { return std::string(TG_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(PluginHostTest, LoadsSourcePluginAndRegistersItsProcedures) {
  query::ProcedureRegistry registry;
  PluginHost host(&registry);
  ASSERT_OK(host.Load(TestPlugin("tp_lines")));
  auto list = host.List();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].name, "tp_lines");
  EXPECT_EQ(list[0].kind, "source,model");
  EXPECT_EQ(list[0].version, "1.0.0");
  EXPECT_EQ(list[0].abi_version, TG_ABI_VERSION);
  EXPECT_EQ(list[0].path, TestPlugin("tp_lines"));
  EXPECT_EQ(list[0].procedures.size(), 6u);

  const auto* echo = registry.Find("TP.ECHO");  // case-insensitive lookup
  ASSERT_NE(echo, nullptr);
  const query::ProcedureSignature& sig = echo->first;
  EXPECT_EQ(sig.name, "tp.echo");
  ASSERT_EQ(sig.params.size(), 1u);
  EXPECT_EQ(sig.params[0].name, "value");
  EXPECT_EQ(sig.params[0].type, "ANY");
  ASSERT_TRUE(sig.params[0].default_value.has_value());
  EXPECT_EQ(sig.params[0].default_value->as_string(), "default");
  ASSERT_EQ(sig.outputs.size(), 1u);
  EXPECT_FALSE(sig.writes);
  const auto* add = registry.Find("tp.add");
  ASSERT_NE(add, nullptr);
  EXPECT_TRUE(add->first.writes);
  EXPECT_EQ(add->first.outputs[0].type, "NODE");
}

TEST(PluginHostTest, RefusesPluginNeedingNewerAbi) {
  PluginHost host(nullptr);
  Status s = host.Load(TestPlugin("tp_newer_abi"));
  ASSERT_TRUE(s.IsVersionMismatch()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), TestPlugin("tp_newer_abi"))) << s.message();
  EXPECT_TRUE(Contains(s.message(), "1.99")) << s.message();
  EXPECT_TRUE(Contains(s.message(), "1.0")) << s.message();
  EXPECT_TRUE(host.List().empty());
}

TEST(PluginHostTest, RefusesPluginOfAnotherMajorVersion) {
  PluginHost host(nullptr);
  Status s = host.Load(TestPlugin("tp_old_major"));
  ASSERT_TRUE(s.IsVersionMismatch()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "2.0")) << s.message();
}

TEST(PluginHostTest, RefusesLibraryWithoutEntryPoint) {
  PluginHost host(nullptr);
  Status s = host.Load(TestPlugin("tp_no_entry"));
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), TestPlugin("tp_no_entry")));
  EXPECT_TRUE(Contains(s.message(), "trendgraph_plugin_init")) << s.message();
}

TEST(PluginHostTest, RefusesPluginWhoseInitFails) {
  PluginHost host(nullptr);
  Status s = host.Load(TestPlugin("tp_init_fails"));
  ASSERT_TRUE(s.IsAborted()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), TestPlugin("tp_init_fails")));
  EXPECT_TRUE(Contains(s.message(), "gazetteer file /nonexistent/actors.tsv is missing")) << s.message();
}

TEST(PluginHostTest, RefusesMissingFileAndNonLibrary) {
  testing::TempDir dir;
  PluginHost host(nullptr);
  Status s = host.Load(dir.Sub("nope.so"));
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), dir.Sub("nope.so")));
  {
    std::FILE* f = std::fopen(dir.Sub("garbage.so").c_str(), "w");
    std::fputs("this is not an ELF file", f);
    std::fclose(f);
  }
  s = host.Load(dir.Sub("garbage.so"));
  ASSERT_TRUE(s.IsInvalidArgument()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), dir.Sub("garbage.so")));
}

TEST(PluginHostTest, RefusesSecondPluginOfTheSameName) {
  query::ProcedureRegistry registry;
  PluginHost host(&registry);
  ASSERT_OK(host.Load(TestPlugin("tp_lines")));
  Status s = host.Load(TestPlugin("tp_lines"));
  ASSERT_TRUE(s.IsAlreadyExists()) << s.ToString();
  EXPECT_TRUE(Contains(s.message(), "tp_lines"));
  EXPECT_EQ(host.List().size(), 1u);
  // The first one still works.
  EXPECT_NE(registry.Find("tp.rows"), nullptr);
}

TEST(PluginHostTest, LoadDirectoryLoadsTheGoodAndReportsEachBadOne) {
  query::ProcedureRegistry registry;
  PluginHost host(&registry);
  std::vector<std::string> errors = host.LoadDirectory(TG_TEST_PLUGIN_DIR);
  std::vector<std::string> names;
  for (const auto& p : host.List()) names.push_back(p.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"tp_enrich", "tp_lines"}));
  ASSERT_EQ(errors.size(), 4u);  // newer ABI, old major, no entry, init fails
  for (const char* bad : {"tp_newer_abi", "tp_old_major", "tp_no_entry", "tp_init_fails"}) {
    EXPECT_EQ(std::count_if(errors.begin(), errors.end(), [&](const std::string& e) { return Contains(e, bad); }), 1)
        << bad;
  }
}

TEST(PluginHostTest, LoadDirectoryOnMissingFolderIsOneMessage) {
  PluginHost host(nullptr);
  auto errors = host.LoadDirectory("/nonexistent/plugins");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(Contains(errors[0], "/nonexistent/plugins"));
}

TEST(PluginHostTest, DefaultPluginDirIsTheBuildFolderWhenItExists) {
  if (!std::filesystem::is_directory(TRENDGRAPH_PLUGIN_DIR)) GTEST_SKIP() << "no plugins built";
  EXPECT_EQ(PluginHost::DefaultPluginDir(), std::string(TRENDGRAPH_PLUGIN_DIR));
}

}  // namespace
}  // namespace trendgraph::engine
