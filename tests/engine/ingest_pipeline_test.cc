// The ingest pipeline end to end with a real RocksDB store and real plugin
// libraries (tests/engine/plugins): facts land in one transaction per
// document, failures lose nothing, re-ingest is idempotent, edits replace,
// links by key wait for their target, enrichers add facts.
#include <gtest/gtest.h>

#include <optional>

#include "engine/ingest_apply.h"
#include "engine/plugin_host.h"
#include "query/query_api.h"
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

  // Rows of a query as "a | b" lines, in result order; a failed query is a
  // test failure.
  std::vector<std::string> Query(const std::string& text) {
    struct Sink : query::ResultSink {
      void OnColumns(const std::vector<std::string>&) override {}
      bool OnRow(const std::vector<Value>& row, query::EntityView&) override {
        std::string line;
        for (size_t i = 0; i < row.size(); ++i)
          line += (i ? " | " : "") + (row[i].is_string() ? row[i].as_string() : row[i].DebugString());
        rows.push_back(line);
        return true;
      }
      std::vector<std::string> rows;
    } sink;
    query::QueryOutcome out = query::ExecuteQuery(*graph_, text, {}, {}, &registry_, &sink);
    EXPECT_TRUE(out.ok) << text << ": " << out.error.message;
    return sink.rows;
  }

  // What users see holds no trace of pending links: the label-less node
  // count and the graph's counts are `nodes` and `rels`, and no label or
  // type is bookkeeping (the schema endpoint lists these tokens).
  void ExpectVisibleGraph(uint64_t nodes, uint64_t rels) {
    EXPECT_EQ(Query("MATCH (n) RETURN count(n)"), (std::vector<std::string>{std::to_string(nodes)}));
    EXPECT_EQ(Query("MATCH ()-[r]->() RETURN count(r)"), (std::vector<std::string>{std::to_string(rels)}));
    storage::GraphCounts c = graph_->Counts();
    EXPECT_EQ(c.nodes, nodes);
    EXPECT_EQ(c.rels, rels);
    for (const std::string& l : graph_->Labels()) EXPECT_NE(l.rfind('_', 0), 0u) << "label " << l;
    for (const std::string& t : graph_->Types()) EXPECT_NE(t.rfind('_', 0), 0u) << "type " << t;
    EXPECT_EQ(Query("MATCH ()-[r]->() WHERE type(r) STARTS WITH '_' RETURN count(r)"),
              (std::vector<std::string>{"0"}));
    EXPECT_EQ(Query("MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH '_') RETURN count(n)"),
              (std::vector<std::string>{"0"}));
  }

  // Stored pending-link records ('p' by target, 'q' by source).
  size_t SideRecords(char family) {
    size_t n = 0;
    auto it = graph_->NewSnapshot()->ScanSide(std::string(1, family));
    for (; it->Valid(); it->Next()) ++n;
    EXPECT_OK(it->status());
    return n;
  }
  size_t PendingLinks() {
    size_t by_target = SideRecords('p');
    EXPECT_EQ(SideRecords('q'), by_target);  // always written and deleted in pairs
    return by_target;
  }

  // Closes and reopens the database, with a fresh plugin host (a restart).
  void Restart() {
    host_.reset();
    graph_.reset();
    db_.reset();
    storage::Options opts;
    opts.path = dir_.Sub("db");
    ASSERT_OK(storage::Database::Open(opts, &db_));
    ASSERT_OK(db_->GetGraph("default", &graph_));
    host_ = std::make_unique<PluginHost>(nullptr);  // its procedures stay registered
    ASSERT_OK(host_->Load(TestPlugin("tp_lines")));
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
  EXPECT_EQ(r.nodes_created, 1u);
  EXPECT_EQ(r.relationships_created, 1u);  // pending links are not reported as written
  auto a = Find("Article", "id", Value("https://a.example/1"));
  ASSERT_TRUE(a);
  EXPECT_EQ(Targets(*a, "CLOSEST", "id"), (std::vector<std::string>{"https://a.example/1"}));  // self link resolved
  EXPECT_EQ(PendingLinks(), 2u);
  ExpectVisibleGraph(1, 1);
  EXPECT_EQ(Query("MATCH (a:Article)-[r]->(x) RETURN type(r), x.id"),
            (std::vector<std::string>{"CLOSEST | https://a.example/1"}));

  ASSERT_TRUE(IngestOne("b.txt", kDocB).ok);
  EXPECT_EQ(Targets(*a, "CLOSEST", "id"), (std::vector<std::string>{"https://a.example/1", "https://b.example/2"}));
  EXPECT_EQ(PendingLinks(), 1u);
  ExpectVisibleGraph(4, 4);  // A, B and B's two keywords; 2 CLOSEST, 2 HAS_KEYWORD

  // After a restart (database closed and reopened, a fresh host) C's link
  // still completes: pending links are stored with the graph.
  Restart();
  EXPECT_EQ(PendingLinks(), 1u);
  ASSERT_TRUE(IngestOne("c.txt", "TGL1\narticle https://c.example/3|C|hashC\n").ok);
  EXPECT_EQ(Targets(*a, "CLOSEST", "id"),
            (std::vector<std::string>{"https://a.example/1", "https://b.example/2", "https://c.example/3"}));
  EXPECT_EQ(PendingLinks(), 0u);
  EXPECT_EQ(CountType("CLOSEST"), 3u);
  ExpectVisibleGraph(5, 5);
  // The rank property travelled with the link.
  EXPECT_EQ(Query("MATCH (:Article {id: 'https://a.example/1'})-[r:CLOSEST]->(x) RETURN x.id, r.rank ORDER BY r.rank"),
            (std::vector<std::string>{"https://b.example/2 | 1", "https://c.example/3 | 2", "https://a.example/1 | 3"}));
}

TEST_F(IngestPipelineTest, EditingALinkingDocumentDropsItsPendingLinks) {
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A|hashA\nlink hashZ|1\nlink hashY|2\n").ok);
  EXPECT_EQ(PendingLinks(), 2u);
  // The edit keeps one link (to Y) and drops Z's.
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A2|hashA\nlink hashY|5\n").ok);
  EXPECT_EQ(PendingLinks(), 1u);
  ExpectVisibleGraph(1, 0);
  ASSERT_TRUE(IngestOne("z.txt", "TGL1\narticle https://z.example/1|Z|hashZ\n").ok);
  ASSERT_TRUE(IngestOne("y.txt", "TGL1\narticle https://y.example/1|Y|hashY\n").ok);
  EXPECT_EQ(Query("MATCH (a:Article)-[r:CLOSEST]->(x) RETURN a.id, x.id, r.rank"),
            (std::vector<std::string>{"https://a.example/1 | https://y.example/1 | 5"}));
  EXPECT_EQ(PendingLinks(), 0u);
  ExpectVisibleGraph(3, 1);
}

TEST_F(IngestPipelineTest, SourceDeletedBeforeItsTargetArrivesLeavesNothingDangling) {
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A|hashA\nlink hashZ|1\n").ok);
  ASSERT_TRUE(IngestOne("b.txt", "TGL1\narticle https://b.example/2|B|hashB\nlink hashZ|2\n").ok);
  EXPECT_EQ(PendingLinks(), 2u);
  Query("MATCH (a:Article {id: 'https://a.example/1'}) DETACH DELETE a");
  ExpectVisibleGraph(1, 0);
  IngestDocReport r = IngestOne("z.txt", "TGL1\narticle https://z.example/1|Z|hashZ\n");
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.relationships_created, 1u);  // B's link; A's went with A
  EXPECT_EQ(Query("MATCH (a)-[r:CLOSEST]->(x) RETURN a.id, x.id"),
            (std::vector<std::string>{"https://b.example/2 | https://z.example/1"}));
  EXPECT_EQ(PendingLinks(), 0u);
  ExpectVisibleGraph(2, 1);
}

TEST_F(IngestPipelineTest, PendingLinksOfAFailedGroupAreWrittenOnceByTheReplay) {
  // a.txt's pending link is written into the group transaction, which b.txt's
  // failure drops; a.txt is replayed alone, so its link is stored once.
  host_->SetApplyFaultForTesting([](std::string_view name) { return name == "b.txt"; });
  IngestReport r = Ingest({{"a.txt", "TGL1\narticle https://a.example/1|A|hashA\nlink hashZ|1\n"},
                           {"b.txt", "TGL1\narticle https://b.example/2|B|hashB\nlink hashZ|2\n"}});
  ASSERT_EQ(r.documents.size(), 2u);
  EXPECT_TRUE(r.documents[0].ok) << r.documents[0].error;
  EXPECT_FALSE(r.documents[1].ok);
  EXPECT_EQ(PendingLinks(), 1u);
  host_->SetApplyFaultForTesting(nullptr);
  ASSERT_TRUE(IngestOne("z.txt", "TGL1\narticle https://z.example/1|Z|hashZ\n").ok);
  EXPECT_EQ(Query("MATCH (a)-[r:CLOSEST]->(x) RETURN a.id, x.id"),
            (std::vector<std::string>{"https://a.example/1 | https://z.example/1"}));
  ExpectVisibleGraph(2, 1);
}

TEST_F(IngestPipelineTest, LegacyPendingLinkNodesAreConvertedOnFirstUse) {
  // A database written before side records: A's pending links to hashB and
  // hashC as _PENDING_CLOSEST relationships to _PendingLink nodes, made here
  // through the storage API as the old code made them.
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A|hashA\n").ok);
  auto a = Find("Article", "id", Value("https://a.example/1"));
  ASSERT_TRUE(a);
  ASSERT_OK(graph_->CreateUniqueIndex(kLegacyPendingLabel, kLegacyPendingKey));
  {
    auto txn = graph_->BeginWrite();
    storage::LabelId pl = txn->GetOrCreateLabel(kLegacyPendingLabel);
    storage::PropKeyId key = txn->GetOrCreatePropKey(kLegacyPendingKey);
    storage::PropKeyId tl = txn->GetOrCreatePropKey("target_label");
    storage::PropKeyId tk = txn->GetOrCreatePropKey("target_key");
    storage::PropKeyId rank = txn->GetOrCreatePropKey("rank");
    storage::TypeId pending = txn->GetOrCreateType("_PENDING_CLOSEST");
    int n = 2;
    for (const char* hash : {"hashB", "hashC"}) {
      storage::Properties props = {{key, Value(std::string("Article\x1f" "file_hash\x1fs:") + hash)},
                                   {tl, Value("Article")},
                                   {tk, Value("file_hash")}};
      std::sort(props.begin(), props.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
      auto node = txn->CreateNode({pl}, props);
      ASSERT_OK(node.status());
      ASSERT_OK(txn->CreateRel(pending, *a, *node, {{rank, Value(n++)}}).status());
    }
    ASSERT_OK(txn->Commit());
  }
  ASSERT_EQ(CountLabel("_PendingLink"), 2u);
  ASSERT_EQ(Query("MATCH (n) RETURN count(n)"), (std::vector<std::string>{"3"}));

  // The next process's first ingest converts them, then completes B's.
  Restart();
  ASSERT_TRUE(IngestOne("b.txt", "TGL1\narticle https://b.example/2|B|hashB\n").ok);
  EXPECT_EQ(CountLabel("_PendingLink"), 0u);
  EXPECT_EQ(CountType("_PENDING_CLOSEST"), 0u);
  EXPECT_EQ(PendingLinks(), 1u);  // C's
  EXPECT_EQ(Query("MATCH (n) RETURN count(n)"), (std::vector<std::string>{"2"}));
  EXPECT_EQ(graph_->Counts().nodes, 2u);
  EXPECT_EQ(graph_->Counts().rels, 1u);
  for (const storage::IndexInfo& i : graph_->Indexes()) EXPECT_NE(graph_->LabelName(i.label), kLegacyPendingLabel);
  ASSERT_TRUE(IngestOne("c.txt", "TGL1\narticle https://c.example/3|C|hashC\n").ok);
  EXPECT_EQ(Query("MATCH (:Article {id: 'https://a.example/1'})-[r:CLOSEST]->(x) RETURN x.id, r.rank ORDER BY r.rank"),
            (std::vector<std::string>{"https://b.example/2 | 2", "https://c.example/3 | 3"}));
  EXPECT_EQ(PendingLinks(), 0u);
  EXPECT_EQ(Query("MATCH (n) RETURN count(n)"), (std::vector<std::string>{"3"}));
}

TEST_F(IngestPipelineTest, WritingProcedureAfterARestartCompletesStoredLinks) {
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A|hashA\nlink hashP|4\n").ok);
  Restart();
  // The first thing the new process does is a writing procedure (no ingest
  // has read the stored pending links yet).
  query::ProcedureRegistry registry;
  PluginHost host(&registry);
  ASSERT_OK(host.Load(TestPlugin("tp_lines")));
  struct Discard : query::ResultSink {
    void OnColumns(const std::vector<std::string>&) override {}
    bool OnRow(const std::vector<Value>&, query::EntityView&) override { return true; }
  } sink;
  query::QueryOutcome out = query::ExecuteQuery(*graph_, "CALL tp.page('https://p.example/1', 'hashP')", {}, {},
                                                &registry, &sink);
  ASSERT_TRUE(out.ok) << out.error.message;
  EXPECT_EQ(Query("MATCH (a:Article)-[r:CLOSEST]->(p) RETURN a.id, p.id, r.rank"),
            (std::vector<std::string>{"https://a.example/1 | https://p.example/1 | 4"}));
  EXPECT_EQ(PendingLinks(), 0u);
  ExpectVisibleGraph(2, 1);
}

TEST_F(IngestPipelineTest, AConceptWaitingToLinkIsNotAnOrphan) {
  // A keyword links by key to a page not ingested yet (as a writing
  // procedure may make it); when the article that used the keyword drops
  // it, the keyword stays for its pending link, which completes later.
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A|hashA\nkw chips\n").ok);
  auto k = Find("Keyword", "name", Value("chips"));
  ASSERT_TRUE(k);
  {
    auto txn = graph_->BeginWrite();
    GraphWriter writer(*txn, nullptr);
    bool linked = true;
    ASSERT_OK(writer.RelateByKey("CLOSEST", *k, "Article", "file_hash", Value("hashZ"), {}, true, &linked));
    EXPECT_FALSE(linked);
    ASSERT_OK(txn->Commit());
  }
  Restart();  // a host that reads the stored link
  ASSERT_TRUE(IngestOne("a.txt", "TGL1\narticle https://a.example/1|A2|hashA\n").ok);
  EXPECT_EQ(CountLabel("Keyword"), 1u);
  ASSERT_TRUE(IngestOne("z.txt", "TGL1\narticle https://z.example/1|Z|hashZ\n").ok);
  EXPECT_EQ(Query("MATCH (k:Keyword)-[:CLOSEST]->(z) RETURN k.name, z.id"),
            (std::vector<std::string>{"chips | https://z.example/1"}));
  EXPECT_EQ(PendingLinks(), 0u);
}

TEST_F(IngestPipelineTest, NumericLinkKeysMatchAsTheIndexesDo) {
  // 2 and 2.0 are one key value in the indexes; a pending link to either is
  // completed by a node holding the other, and 2.5 is another key.
  PendingTargets targets;
  ASSERT_OK(targets.LoadOnce(*graph_));
  auto txn = graph_->BeginWrite();
  GraphWriter writer(*txn, &targets);
  storage::LabelId item = txn->GetOrCreateLabel("Item");
  storage::PropKeyId code = txn->GetOrCreatePropKey("code");
  bool created = false, linked = true;
  auto src = writer.Upsert(item, code, Value("source"), {}, &created);
  ASSERT_OK(src.status());
  ASSERT_OK(writer.RelateByKey("NEXT", *src, "Item", "code", Value(int64_t{2}), {}, true, &linked));
  EXPECT_FALSE(linked);
  ASSERT_OK(writer.RelateByKey("NEXT", *src, "Item", "code", Value(2.5), {}, true, &linked));
  EXPECT_FALSE(linked);
  EXPECT_EQ(txn->RelCount(), 0u);
  auto two = writer.Upsert(item, code, Value(2.0), {}, &created);
  ASSERT_OK(two.status());
  ASSERT_OK(writer.ResolvePending(*two, "Item"));
  EXPECT_EQ(txn->RelCount(), 1u);
  EXPECT_EQ(txn->Degree(*two, storage::Direction::kIn, std::nullopt), 1u);
  ASSERT_OK(txn->Commit());
  EXPECT_EQ(PendingLinks(), 1u);  // 2.5 waits
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
