// The ingest pipeline end to end with a real RocksDB store and real plugin
// libraries (tests/engine/plugins): facts land in one transaction per
// document, failures lose nothing, re-ingest is idempotent, edits replace,
// links by key wait for their target, enrichers add facts.
#include <gtest/gtest.h>

#include <optional>

#include "engine/plugin_host.h"
#include "storage/graph_store.h"
#include "hosted_graph_test.h"

namespace trendgraph::engine {
namespace {

std::string TestPlugin(const std::string& name) { return std::string(TG_TEST_PLUGIN_DIR) + "/" + name + ".so"; }

class IngestPipelineTest : public testing::HostedGraphTest {
 protected:
  void SetUp() override {
    HostedGraphTest::SetUp();
    ASSERT_OK(host_->Load(TestPlugin("tp_lines")));
  }

  IngestDocReport IngestOne(const std::string& name, const std::string& content) {
    IngestReport r = Ingest({{name, content}});
    EXPECT_EQ(r.documents.size(), 1u);
    return r.documents.empty() ? IngestDocReport{} : r.documents[0];
  }

  std::optional<storage::NodeId> Find(const std::string& label, const std::string& key, const Value& v) {
    auto l = graph_->FindLabel(label);
    auto k = graph_->FindPropKey(key);
    if (!l || !k) return std::nullopt;
    auto snap = graph_->NewSnapshot();
    for (auto it = snap->ScanLabel(*l); it->Valid(); it->Next()) {
      Value x;
      if (snap->GetNodeProperty(it->id(), *k, &x).ok() && x.Identical(v)) return it->id();
    }
    return std::nullopt;
  }
  Value Prop(storage::NodeId id, const std::string& key) {
    Value v;
    auto k = graph_->FindPropKey(key);
    if (k) EXPECT_OK(graph_->NewSnapshot()->GetNodeProperty(id, *k, &v));
    return v;
  }
  // Names of the targets of `node`'s outgoing `type` relationships, sorted.
  std::vector<std::string> Targets(storage::NodeId node, const std::string& type, const std::string& key) {
    std::vector<std::string> out;
    auto t = graph_->FindType(type);
    if (!t) return out;
    auto snap = graph_->NewSnapshot();
    auto k = graph_->FindPropKey(key);
    for (auto it = snap->Adjacency(node, storage::Direction::kOut, *t); it->Valid(); it->Next()) {
      Value v;
      EXPECT_OK(snap->GetNodeProperty(it->entry().other, *k, &v));
      out.push_back(v.is_string() ? v.as_string() : v.DebugString());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

};

const char kDocA[] = "TGL1\narticle https://a.example/1|Chips and vouchers|hashA\nkw compute\nkw chips\nkw vouchers\n";
const char kDocB[] = "TGL1\narticle https://b.example/2|Export controls|hashB\nkw chips\nkw export controls\n";

TEST_F(IngestPipelineTest, DocumentLandsWithProvenanceAndSchema) {
  IngestDocReport r = IngestOne("a.txt", kDocA);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.article_id, "https://a.example/1");
  EXPECT_FALSE(r.unchanged);
  EXPECT_EQ(r.nodes_created, 4u);
  EXPECT_EQ(r.relationships_created, 3u);
  EXPECT_EQ(CountLabel("Article"), 1u);
  EXPECT_EQ(CountLabel("Keyword"), 3u);
  EXPECT_EQ(CountType("HAS_KEYWORD"), 3u);

  auto a = Find("Article", "id", Value("https://a.example/1"));
  ASSERT_TRUE(a);
  EXPECT_EQ(Prop(*a, "title").as_string(), "Chips and vouchers");
  EXPECT_EQ(Prop(*a, "source").as_string(), "a.txt");
  EXPECT_EQ(Prop(*a, "plugin").as_string(), "tp_lines");
  EXPECT_EQ(Prop(*a, "content_hash").as_string().size(), 16u);
  EXPECT_EQ(Prop(*a, "ingested_at").as_string().size(), 20u);  // 2026-01-02T03:04:05Z
  EXPECT_EQ(Targets(*a, "HAS_KEYWORD", "name"), (std::vector<std::string>{"chips", "compute", "vouchers"}));

  // The host made the schema: unique keys and the published index.
  auto has_index = [&](const char* label, const char* key, storage::IndexInfo::Kind kind) {
    auto l = graph_->FindLabel(label);
    auto k = graph_->FindPropKey(key);
    if (!l || !k) return false;
    auto i = graph_->FindIndex(*l, *k);
    return i && i->kind == kind;
  };
  EXPECT_TRUE(has_index("Article", "id", storage::IndexInfo::Kind::kUnique));
  EXPECT_TRUE(has_index("Keyword", "name", storage::IndexInfo::Kind::kUnique));
  EXPECT_TRUE(has_index("PolicyActor", "name", storage::IndexInfo::Kind::kUnique));
  EXPECT_TRUE(has_index("Article", "published", storage::IndexInfo::Kind::kProperty));
}

TEST_F(IngestPipelineTest, ReingestingTheSameDocumentChangesNothing) {
  ASSERT_TRUE(IngestOne("a.txt", kDocA).ok);
  auto before = graph_->Counts();
  IngestDocReport r = IngestOne("a.txt", kDocA);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_TRUE(r.unchanged);
  EXPECT_EQ(r.nodes_created, 0u);
  EXPECT_EQ(r.relationships_created, 0u);
  auto after = graph_->Counts();
  EXPECT_EQ(before.nodes, after.nodes);
  EXPECT_EQ(before.rels, after.rels);
}

TEST_F(IngestPipelineTest, EditedDocumentReplacesItsFactsAndKeepsSharedConcepts) {
  ASSERT_TRUE(IngestOne("a.txt", kDocA).ok);
  ASSERT_TRUE(IngestOne("b.txt", kDocB).ok);
  EXPECT_EQ(CountLabel("Keyword"), 4u);  // compute, chips, vouchers, export controls

  // Edit A: drop "chips" (shared with B) and "vouchers" (A's alone), add "subsidies".
  const char kDocA2[] = "TGL1\narticle https://a.example/1|Chips and vouchers (updated)|hashA\nkw compute\nkw subsidies\n";
  IngestDocReport r = IngestOne("a.txt", kDocA2);
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_FALSE(r.unchanged);
  EXPECT_EQ(r.relationships_deleted, 3u);
  EXPECT_EQ(r.relationships_created, 2u);
  EXPECT_EQ(r.nodes_created, 1u);  // subsidies

  auto a = Find("Article", "id", Value("https://a.example/1"));
  ASSERT_TRUE(a);
  EXPECT_EQ(Prop(*a, "title").as_string(), "Chips and vouchers (updated)");
  EXPECT_EQ(Targets(*a, "HAS_KEYWORD", "name"), (std::vector<std::string>{"compute", "subsidies"}));
  EXPECT_TRUE(Find("Keyword", "name", Value("chips")));      // still used by B
  EXPECT_FALSE(Find("Keyword", "name", Value("vouchers")));  // used by nobody: gone
  EXPECT_TRUE(Find("Keyword", "name", Value("compute")));
  EXPECT_EQ(CountLabel("Keyword"), 4u);  // compute, chips, export controls, subsidies
  EXPECT_EQ(CountType("HAS_KEYWORD"), 4u);
  auto b = Find("Article", "id", Value("https://b.example/2"));
  ASSERT_TRUE(b);
  EXPECT_EQ(Targets(*b, "HAS_KEYWORD", "name"), (std::vector<std::string>{"chips", "export controls"}));
}

TEST_F(IngestPipelineTest, FailingDocumentWritesNothingAndTheNextGoesOn) {
  auto before = graph_->Counts();
  IngestReport r = Ingest({
      {"fails.txt", "TGL1\narticle https://f.example/1|F|hashF\nkw never\nfail the table is truncated\n"},
      {"throws.txt", "TGL1\narticle https://t.example/1|T|hashT\nkw never2\nthrow parser exploded\n"},
      {"badutf8.txt", "TGL1\narticle https://u.example/1|U|hashU\nbadutf8\n"},
      {"badhandle.txt", "TGL1\narticle https://h.example/1|H|hashH\nbadhandle\n"},
      {"unknown.bin", std::string("\x00\x01garbage", 9)},
      {"a.txt", kDocA},
  });
  ASSERT_EQ(r.documents.size(), 6u);
  EXPECT_EQ(r.failed, 5u);
  EXPECT_EQ(r.ok, 1u);
  const auto& d = r.documents;
  EXPECT_FALSE(d[0].ok);
  EXPECT_NE(d[0].error.find("fails.txt"), std::string::npos) << d[0].error;
  EXPECT_NE(d[0].error.find("the table is truncated"), std::string::npos) << d[0].error;
  EXPECT_NE(d[0].error.find("tp_lines"), std::string::npos) << d[0].error;
  EXPECT_FALSE(d[1].ok);
  EXPECT_NE(d[1].error.find("throws.txt"), std::string::npos) << d[1].error;
  EXPECT_NE(d[1].error.find("parser exploded"), std::string::npos) << d[1].error;
  EXPECT_FALSE(d[2].ok);
  EXPECT_NE(d[2].error.find("UTF-8"), std::string::npos) << d[2].error;
  EXPECT_FALSE(d[3].ok);
  EXPECT_NE(d[3].error.find("handle"), std::string::npos) << d[3].error;
  EXPECT_FALSE(d[4].ok);
  EXPECT_NE(d[4].error.find("unknown.bin"), std::string::npos) << d[4].error;
  EXPECT_NE(d[4].error.find("no source plugin recognises"), std::string::npos) << d[4].error;
  EXPECT_TRUE(d[5].ok) << d[5].error;

  // Only a.txt landed.
  auto after = graph_->Counts();
  EXPECT_EQ(after.nodes - before.nodes, 4u);
  EXPECT_EQ(after.rels - before.rels, 3u);
  EXPECT_FALSE(Find("Keyword", "name", Value("never")));
  EXPECT_FALSE(Find("Article", "id", Value("https://f.example/1")));
  EXPECT_FALSE(Find("Article", "id", Value("https://t.example/1")));
}

TEST_F(IngestPipelineTest, UnknownPluginNameIsNotFound) {
  auto r = host_->Ingest(*graph_, "nope", {{"a.txt", kDocA}}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
  EXPECT_NE(r.status().message().find("nope"), std::string::npos);
  EXPECT_NE(r.status().message().find("tp_lines"), std::string::npos);  // lists what exists
}

TEST_F(IngestPipelineTest, NamedPluginSkipsProbing) {
  // No magic line: auto refuses, the named plugin parses and fails with its own message.
  IngestReport r = Ingest({{"x.txt", "article x|y|z\n"}}, "tp_lines");
  ASSERT_EQ(r.documents.size(), 1u);
  EXPECT_FALSE(r.documents[0].ok);
  EXPECT_NE(r.documents[0].error.find("missing TGL1 magic line"), std::string::npos) << r.documents[0].error;
}

TEST_F(IngestPipelineTest, LinkByKeyWaitsForItsTargetAndCompletesLater) {
  // A links to B's and C's file hashes before they exist, and to itself.
  const char kA[] = "TGL1\narticle https://a.example/1|A|hashA\nlink hashB|1\nlink hashC|2\nlink hashA|3\n";
  IngestDocReport r = IngestOne("a.txt", kA);
  ASSERT_TRUE(r.ok) << r.error;
  auto a = Find("Article", "id", Value("https://a.example/1"));
  ASSERT_TRUE(a);
  EXPECT_EQ(Targets(*a, "CLOSEST", "id"), (std::vector<std::string>{"https://a.example/1"}));  // self link resolved
  EXPECT_EQ(CountLabel("_PendingLink"), 2u);

  ASSERT_TRUE(IngestOne("b.txt", kDocB).ok);
  EXPECT_EQ(Targets(*a, "CLOSEST", "id"), (std::vector<std::string>{"https://a.example/1", "https://b.example/2"}));
  EXPECT_EQ(CountLabel("_PendingLink"), 1u);

  // A fresh host (restart) still completes C's link: pending links are stored.
  host_ = std::make_unique<PluginHost>(nullptr);
  ASSERT_OK(host_->Load(TestPlugin("tp_lines")));
  ASSERT_TRUE(IngestOne("c.txt", "TGL1\narticle https://c.example/3|C|hashC\n").ok);
  EXPECT_EQ(Targets(*a, "CLOSEST", "id"),
            (std::vector<std::string>{"https://a.example/1", "https://b.example/2", "https://c.example/3"}));
  EXPECT_EQ(CountLabel("_PendingLink"), 0u);
  EXPECT_EQ(CountType("CLOSEST"), 3u);
  // The rank property travelled with the link.
  auto t = graph_->FindType("CLOSEST");
  auto rank = graph_->FindPropKey("rank");
  auto snap = graph_->NewSnapshot();
  std::vector<int64_t> ranks;
  for (auto it = snap->Adjacency(*a, storage::Direction::kOut, *t); it->Valid(); it->Next()) {
    Value v;
    ASSERT_OK(snap->GetRelProperty(it->entry().rel, *rank, &v));
    ranks.push_back(v.as_int());
  }
  std::sort(ranks.begin(), ranks.end());
  EXPECT_EQ(ranks, (std::vector<int64_t>{1, 2, 3}));
}

TEST_F(IngestPipelineTest, EditingALinkingDocumentDropsItsPendingLinks) {
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A|hashA\nlink hashZ|1\n").ok);
  EXPECT_EQ(CountLabel("_PendingLink"), 1u);
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A2|hashA\n").ok);
  EXPECT_EQ(CountLabel("_PendingLink"), 0u);
  ASSERT_TRUE(IngestOne("z.txt", "TGL1\narticle https://z.example/1|Z|hashZ\n").ok);
  EXPECT_EQ(CountType("CLOSEST"), 0u);
}

TEST_F(IngestPipelineTest, EnricherAddsFactsAndCanFailADocument) {
  ASSERT_OK(host_->Load(TestPlugin("tp_enrich")));
  IngestReport r = Ingest({
      {"n.txt", "TGL1\narticle https://n.example/1|Nvidia readies a China chip|hashN\nkw chips\n"},
      {"e.txt", "TGL1\narticle https://e.example/1|please enrich-fail this|hashE\nkw chips\n"},
      {"m.txt", "TGL1\narticle https://m.example/1|Nvidia again|hashM\n"},
  });
  ASSERT_EQ(r.documents.size(), 3u);
  EXPECT_TRUE(r.documents[0].ok) << r.documents[0].error;
  EXPECT_FALSE(r.documents[1].ok);
  EXPECT_NE(r.documents[1].error.find("e.txt"), std::string::npos);
  EXPECT_NE(r.documents[1].error.find("tp_enrich"), std::string::npos) << r.documents[1].error;
  EXPECT_TRUE(r.documents[2].ok) << r.documents[2].error;
  EXPECT_EQ(CountLabel("PolicyActor"), 1u);
  EXPECT_EQ(CountType("MENTIONS_ACTOR"), 2u);
  EXPECT_FALSE(Find("Article", "id", Value("https://e.example/1")));
  auto n = Find("Article", "id", Value("https://n.example/1"));
  ASSERT_TRUE(n);
  EXPECT_EQ(Targets(*n, "MENTIONS_ACTOR", "name"), (std::vector<std::string>{"nvidia"}));
}

TEST_F(IngestPipelineTest, FailureWhileWritingDropsOnlyThatDocumentOfItsGroup) {
  // b.txt fails after a.txt was written into the same group transaction:
  // a.txt must still land (replayed alone), b.txt leave nothing, c.txt go on.
  host_->SetApplyFaultForTesting([](std::string_view name) { return name == "b.txt"; });
  IngestReport r = Ingest({{"a.txt", kDocA}, {"b.txt", kDocB}, {"c.txt", "TGL1\narticle https://c.example/3|C|hashC\nkw chips\n"}});
  ASSERT_EQ(r.documents.size(), 3u);
  EXPECT_TRUE(r.documents[0].ok) << r.documents[0].error;
  EXPECT_FALSE(r.documents[1].ok);
  EXPECT_NE(r.documents[1].error.find("b.txt"), std::string::npos);
  EXPECT_NE(r.documents[1].error.find("injected failure"), std::string::npos) << r.documents[1].error;
  EXPECT_TRUE(r.documents[2].ok) << r.documents[2].error;
  EXPECT_TRUE(Find("Article", "id", Value("https://a.example/1")));
  EXPECT_FALSE(Find("Article", "id", Value("https://b.example/2")));
  EXPECT_FALSE(Find("Keyword", "name", Value("export controls")));
  EXPECT_TRUE(Find("Article", "id", Value("https://c.example/3")));
  EXPECT_EQ(CountLabel("Article"), 2u);
  EXPECT_EQ(CountType("HAS_KEYWORD"), 4u);
}

TEST_F(IngestPipelineTest, OneTransactionPerDocumentGivesTheSameGraph) {
  host_->SetIngestGroup(1, 1);
  IngestReport r = Ingest({{"a.txt", kDocA}, {"b.txt", kDocB}, {"a.txt", kDocA}});
  EXPECT_EQ(r.ok, 3u);
  EXPECT_TRUE(r.documents[2].unchanged);
  EXPECT_EQ(CountLabel("Keyword"), 4u);
  EXPECT_EQ(CountType("HAS_KEYWORD"), 5u);
}

TEST_F(IngestPipelineTest, SameArticleTwiceInOneGroupIsReplacedNotDuplicated) {
  const char kDocA2[] = "TGL1\narticle https://a.example/1|A v2|hashA\nkw compute\n";
  IngestReport r = Ingest({{"a.txt", kDocA}, {"a.txt", kDocA2}});
  ASSERT_EQ(r.ok, 2u);
  EXPECT_EQ(r.documents[1].relationships_deleted, 3u);
  EXPECT_EQ(CountLabel("Article"), 1u);
  EXPECT_EQ(CountType("HAS_KEYWORD"), 1u);
  EXPECT_EQ(CountLabel("Keyword"), 1u);  // chips and vouchers were used by nobody else
}

TEST_F(IngestPipelineTest, ProgressIsReportedPerDocument) {
  std::vector<size_t> seen;
  auto r = host_->Ingest(*graph_, "auto", {{"a.txt", kDocA}, {"b.txt", kDocB}},
                         [&](size_t done, size_t total, const IngestDocReport& d) {
                           EXPECT_EQ(total, 2u);
                           EXPECT_TRUE(d.ok);
                           seen.push_back(done);
                         });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(seen, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(r->ok, 2u);
  EXPECT_EQ(r->nodes_created, 4u + 2u);  // B adds its article and "export controls"
}

}  // namespace
}  // namespace trendgraph::engine
