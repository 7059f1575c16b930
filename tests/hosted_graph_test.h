// The setup most engine-level tests share: GraphTest's database and default
// graph, and a plugin host registering procedures into a registry. Subclasses load their plugins in SetUp():
//
//   class MyTest : public testing::HostedGraphTest {
//     void SetUp() override {
//       HostedGraphTest::SetUp();
//       ASSERT_OK(host_->Load(testing::BuiltPlugin("signals")));
//     }
//   };
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/plugin_host.h"
#include "query/query_api.h"
#include "graph_test.h"
#include "storage/graph_store.h"

namespace trendgraph::testing {

// A plugin built by this tree: plugins/<name> as trendgraph_<name>.so.
inline std::string BuiltPlugin(std::string_view name) {
  return std::string(TRENDGRAPH_PLUGIN_DIR) + "/trendgraph_" + std::string(name) + ".so";
}

class HostedGraphTest : public GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
    host_ = std::make_unique<engine::PluginHost>(&registry_);
  }

  // Ingests through the host; a failed call is a test failure and gives an
  // empty report.
  engine::IngestReport Ingest(const std::vector<engine::IngestDocument>& docs, std::string_view plugin = "auto") {
    auto r = host_->Ingest(*graph_, plugin, docs, nullptr);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : engine::IngestReport{};
  }

  // Committed counts, 0 for a label or type never created.
  uint64_t CountLabel(const std::string& label) {
    auto l = graph_->FindLabel(label);
    return l ? graph_->NewSnapshot()->NodeCountByLabel(*l) : 0;
  }
  uint64_t CountType(const std::string& type) {
    auto t = graph_->FindType(type);
    return t ? graph_->NewSnapshot()->RelCountByType(*t) : 0;
  }

  query::ProcedureRegistry registry_;
  std::unique_ptr<engine::PluginHost> host_;
};

}  // namespace trendgraph::testing
