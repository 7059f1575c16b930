// CRUD, indexes, counts and snapshot isolation on a real RocksDB.
#include "storage/graph_store.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <set>
#include <thread>

#include "graph_test.h"

namespace trendgraph::storage {
namespace {


class GraphStoreTest : public trendgraph::testing::GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
  }

  std::vector<NodeId> Collect(std::unique_ptr<NodeIterator> it) {
    std::vector<NodeId> out;
    for (; it->Valid(); it->Next()) out.push_back(it->id());
    EXPECT_OK(it->status());
    return out;
  }
  std::vector<RelId> CollectRels(std::unique_ptr<RelIterator> it) {
    std::vector<RelId> out;
    for (; it->Valid(); it->Next()) out.push_back(it->id());
    EXPECT_OK(it->status());
    return out;
  }
  std::vector<AdjEntry> CollectAdj(std::unique_ptr<AdjacencyIterator> it) {
    std::vector<AdjEntry> out;
    for (; it->Valid(); it->Next()) out.push_back(it->entry());
    EXPECT_OK(it->status());
    return out;
  }
  // Side record keys under `prefix`, in scan order.
  std::vector<std::string> SideKeys(GraphReader& r, std::string_view prefix) {
    std::vector<std::string> out;
    auto it = r.ScanSide(prefix);
    for (; it->Valid(); it->Next()) out.emplace_back(it->key());
    EXPECT_OK(it->status());
    return out;
  }
  // "key=value ..." of one side record; "absent" without one.
  std::string SideProps(GraphReader& r, std::string_view key) {
    auto it = r.ScanSide(key);
    if (!it->Valid() || it->key() != key) return "absent";
    std::string out;
    for (const auto& [k, v] : it->props()) out += std::to_string(k) + "=" + v.DebugString() + " ";
    return out;
  }

};

TEST_F(GraphStoreTest, CreateAndReadNodesAndRels) {
  auto txn = graph_->BeginWrite();
  LabelId company = txn->GetOrCreateLabel("Company");
  LabelId policy = txn->GetOrCreateLabel("Policy");
  TypeId funds = txn->GetOrCreateType("FUNDS");
  PropKeyId name = txn->GetOrCreatePropKey("name");
  PropKeyId amount = txn->GetOrCreatePropKey("amount");
  auto a = txn->CreateNode({company}, {{name, Value("Zhipu AI")}});
  ASSERT_OK(a.status());
  auto b = txn->CreateNode({policy, company}, {{name, Value("Computing vouchers")}, {amount, Value(1.0)}});
  ASSERT_OK(b.status());
  auto r = txn->CreateRel(funds, *b, *a, {{amount, Value(int64_t{500000})}});
  ASSERT_OK(r.status());

  // Read your own writes before commit.
  NodeRecord rec;
  ASSERT_OK(txn->GetNode(*b, &rec));
  EXPECT_EQ(rec.labels, (std::vector<LabelId>{company, policy}));
  ASSERT_EQ(rec.props.size(), 2u);
  EXPECT_TRUE(rec.props[1].second.Identical(Value(1.0)));
  EXPECT_EQ(txn->NodeCount(), 2u);
  EXPECT_EQ(Collect(txn->ScanLabel(company)).size(), 2u);

  // Not visible to a snapshot before commit.
  auto before = graph_->NewSnapshot();
  EXPECT_FALSE(before->NodeExists(*a));
  EXPECT_EQ(before->NodeCount(), 0u);
  EXPECT_FALSE(graph_->FindLabel("Company").has_value());
  ASSERT_OK(txn->Commit());
  EXPECT_FALSE(before->NodeExists(*a));

  auto snap = graph_->NewSnapshot();
  EXPECT_TRUE(snap->NodeExists(*a));
  EXPECT_EQ(graph_->FindLabel("Company"), company);
  EXPECT_EQ(graph_->TypeName(funds), "FUNDS");
  RelRecord rel;
  ASSERT_OK(snap->GetRel(*r, &rel));
  EXPECT_EQ(rel.start, *b);
  EXPECT_EQ(rel.end, *a);
  EXPECT_EQ(rel.type, funds);
  Value v;
  ASSERT_OK(snap->GetRelProperty(*r, amount, &v));
  EXPECT_TRUE(v.Identical(Value(int64_t{500000})));
  ASSERT_OK(snap->GetNodeProperty(*a, name, &v));
  EXPECT_EQ(v.as_string(), "Zhipu AI");
  ASSERT_OK(snap->GetNodeProperty(*a, amount, &v));
  EXPECT_TRUE(v.is_null());
  EXPECT_TRUE(snap->GetNode(12345, &rec).IsNotFound());
  EXPECT_TRUE(snap->GetRel(12345, &rel).IsNotFound());

  auto out = CollectAdj(snap->Adjacency(*b, Direction::kOut, std::nullopt));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].other, *a);
  EXPECT_EQ(out[0].rel, *r);
  EXPECT_EQ(out[0].type, funds);
  EXPECT_EQ(out[0].dir, Direction::kOut);
  auto in = CollectAdj(snap->Adjacency(*a, Direction::kIn, funds));
  ASSERT_EQ(in.size(), 1u);
  EXPECT_EQ(in[0].other, *b);
  EXPECT_EQ(snap->Degree(*a, Direction::kIn, std::nullopt), 1u);
  EXPECT_EQ(snap->Degree(*a, Direction::kOut, std::nullopt), 0u);
  EXPECT_EQ(snap->Degree(*a, Direction::kIn, funds + 1), 0u);
  EXPECT_EQ(snap->NodeCount(), 2u);
  EXPECT_EQ(snap->NodeCountByLabel(company), 2u);
  EXPECT_EQ(snap->NodeCountByLabel(policy), 1u);
  EXPECT_EQ(snap->RelCount(), 1u);
  EXPECT_EQ(snap->RelCountByType(funds), 1u);
  EXPECT_EQ(CollectRels(snap->ScanRelType(funds)), std::vector<RelId>{*r});
  EXPECT_EQ(CollectRels(snap->ScanRels()), std::vector<RelId>{*r});
  EXPECT_EQ(Collect(snap->ScanNodes()), (std::vector<NodeId>{*a, *b}));

  GraphCounts counts = graph_->Counts();
  EXPECT_EQ(counts.nodes, 2u);
  EXPECT_EQ(counts.by_label, (std::vector<std::pair<std::string, uint64_t>>{{"Company", 2}, {"Policy", 1}}));
}

TEST_F(GraphStoreTest, AdjacencyIsOrderedAndTight) {
  auto txn = graph_->BeginWrite();
  TypeId t1 = txn->GetOrCreateType("A");
  TypeId t2 = txn->GetOrCreateType("B");
  NodeId hub = txn->CreateNode({}, {}).value();
  std::vector<NodeId> others;
  for (int i = 0; i < 50; ++i) others.push_back(txn->CreateNode({}, {}).value());
  NodeId other_hub = txn->CreateNode({}, {}).value();
  for (int i = 49; i >= 0; --i) ASSERT_OK(txn->CreateRel(i % 2 ? t1 : t2, hub, others[i], {}).status());
  ASSERT_OK(txn->CreateRel(t1, other_hub, hub, {}).status());
  ASSERT_OK(txn->CreateRel(t1, hub, hub, {}).status());  // self-loop
  ASSERT_OK(txn->Commit());
  auto snap = graph_->NewSnapshot();
  auto out = CollectAdj(snap->Adjacency(hub, Direction::kOut, std::nullopt));
  ASSERT_EQ(out.size(), 51u);
  for (size_t i = 1; i < out.size(); ++i) {
    auto key = [](const AdjEntry& e) { return std::tuple(e.type, e.other, e.rel); };
    EXPECT_LT(key(out[i - 1]), key(out[i]));
  }
  EXPECT_EQ(snap->Degree(hub, Direction::kOut, t1), 26u);  // 25 + self-loop
  EXPECT_EQ(snap->Degree(hub, Direction::kOut, t2), 25u);
  EXPECT_EQ(snap->Degree(hub, Direction::kIn, std::nullopt), 2u);  // other_hub + self-loop
}

TEST_F(GraphStoreTest, DeleteNodeRequiresDetachAndCleansUp) {
  auto txn = graph_->BeginWrite();
  LabelId l = txn->GetOrCreateLabel("L");
  TypeId t = txn->GetOrCreateType("T");
  PropKeyId k = txn->GetOrCreatePropKey("k");
  NodeId a = txn->CreateNode({l}, {{k, Value("a")}}).value();
  NodeId b = txn->CreateNode({l}, {{k, Value("b")}}).value();
  RelId ab = txn->CreateRel(t, a, b, {}).value();
  RelId loop = txn->CreateRel(t, a, a, {}).value();
  ASSERT_OK(txn->Commit());
  ASSERT_OK(graph_->CreatePropertyIndex("L", "k"));

  txn = graph_->BeginWrite();
  Status s = txn->DeleteNode(a, false);
  EXPECT_TRUE(s.IsConstraintViolation()) << s.ToString();
  EXPECT_TRUE(txn->Commit().IsConstraintViolation());  // the failed check poisons the txn

  txn = graph_->BeginWrite();
  ASSERT_OK(txn->DeleteNode(a, true));
  EXPECT_FALSE(txn->NodeExists(a));
  ASSERT_OK(txn->Commit());
  auto snap = graph_->NewSnapshot();
  RelRecord rr;
  EXPECT_TRUE(snap->GetRel(ab, &rr).IsNotFound());
  EXPECT_TRUE(snap->GetRel(loop, &rr).IsNotFound());
  EXPECT_EQ(snap->Degree(b, Direction::kIn, std::nullopt), 0u);
  EXPECT_EQ(snap->RelCount(), 0u);
  EXPECT_EQ(snap->RelCountByType(t), 0u);
  EXPECT_EQ(snap->NodeCount(), 1u);
  EXPECT_EQ(snap->NodeCountByLabel(l), 1u);
  EXPECT_EQ(Collect(snap->ScanLabel(l)), std::vector<NodeId>{b});
  EXPECT_TRUE(Collect(snap->IndexSeek(l, k, Value("a"))).empty());
  EXPECT_EQ(Collect(snap->IndexSeek(l, k, Value("b"))), std::vector<NodeId>{b});
  EXPECT_TRUE(CollectRels(snap->ScanRelType(t)).empty());
}

TEST_F(GraphStoreTest, UniqueIndexEnforcedAndMaintained) {
  ASSERT_OK(graph_->CreateUniqueIndex("Company", "name"));
  ASSERT_OK(graph_->CreateUniqueIndex("Company", "name"));  // no-op
  LabelId company = *graph_->FindLabel("Company");
  PropKeyId name = *graph_->FindPropKey("name");
  ASSERT_EQ(graph_->Indexes().size(), 1u);
  EXPECT_EQ(graph_->FindIndex(company, name)->kind, IndexInfo::Kind::kUnique);
  ASSERT_OK(graph_->CreatePropertyIndex("Company", "name"));  // the unique index covers it
  ASSERT_EQ(graph_->Indexes().size(), 1u);
  EXPECT_EQ(graph_->Indexes()[0].kind, IndexInfo::Kind::kUnique);

  auto txn = graph_->BeginWrite();
  NodeId a = txn->CreateNode({company}, {{name, Value("DeepSeek")}}).value();
  auto dup = txn->CreateNode({company}, {{name, Value("DeepSeek")}});
  EXPECT_TRUE(dup.status().IsConstraintViolation());
  EXPECT_TRUE(txn->Commit().IsConstraintViolation());
  auto snap = graph_->NewSnapshot();
  EXPECT_FALSE(snap->NodeExists(a));  // nothing of the failed txn
  EXPECT_EQ(snap->NodeCount(), 0u);

  txn = graph_->BeginWrite();
  a = txn->CreateNode({company}, {{name, Value("DeepSeek")}}).value();
  NodeId b = txn->CreateNode({company}, {{name, Value("Moonshot")}}).value();
  bool created = true;
  auto m = txn->MergeNodeByKey(company, name, Value("DeepSeek"), &created);
  ASSERT_OK(m.status());
  EXPECT_EQ(*m, a);
  EXPECT_FALSE(created);
  m = txn->MergeNodeByKey(company, name, Value("MiniMax"), &created);
  ASSERT_OK(m.status());
  EXPECT_TRUE(created);
  NodeId c = *m;
  ASSERT_OK(txn->SetNodeProperty(b, name, Value("Moonshot AI")));
  ASSERT_OK(txn->Commit());

  snap = graph_->NewSnapshot();
  NodeId found = 0;
  ASSERT_OK(snap->LookupUnique(company, name, Value("Moonshot AI"), &found));
  EXPECT_EQ(found, b);
  EXPECT_TRUE(snap->LookupUnique(company, name, Value("Moonshot"), &found).IsNotFound());
  ASSERT_OK(snap->LookupUnique(company, name, Value("MiniMax"), &found));
  EXPECT_EQ(found, c);
  EXPECT_EQ(Collect(snap->IndexSeek(company, name, Value("DeepSeek"))), std::vector<NodeId>{a});

  // Renaming onto a taken key fails; removing the label frees the key.
  txn = graph_->BeginWrite();
  EXPECT_TRUE(txn->SetNodeProperty(b, name, Value("DeepSeek")).IsConstraintViolation());
  txn.reset();
  txn = graph_->BeginWrite();
  ASSERT_OK(txn->RemoveLabel(a, company));
  ASSERT_OK(txn->SetNodeProperty(b, name, Value("DeepSeek")));
  EXPECT_TRUE(txn->AddLabel(a, company).IsConstraintViolation());
  txn.reset();
  // The unique index rejects existing duplicates at creation.
  txn = graph_->BeginWrite();
  LabelId person = txn->GetOrCreateLabel("Person");
  ASSERT_OK(txn->CreateNode({person}, {{name, Value("x")}}).status());
  ASSERT_OK(txn->CreateNode({person}, {{name, Value("x")}}).status());
  ASSERT_OK(txn->Commit());
  EXPECT_TRUE(graph_->CreateUniqueIndex("Person", "name").IsConstraintViolation());
  EXPECT_EQ(graph_->Indexes().size(), 1u);
}

TEST_F(GraphStoreTest, UniqueIndexUpgradesPropertyIndex) {
  auto txn = graph_->BeginWrite();
  LabelId l = txn->GetOrCreateLabel("Article");
  PropKeyId k = txn->GetOrCreatePropKey("id");
  NodeId a = txn->CreateNode({l}, {{k, Value("a1")}}).value();
  NodeId b = txn->CreateNode({l}, {{k, Value("a2")}}).value();
  ASSERT_OK(txn->Commit());
  ASSERT_OK(graph_->CreatePropertyIndex("Article", "id"));
  ASSERT_OK(graph_->CreateUniqueIndex("Article", "id"));
  ASSERT_EQ(graph_->Indexes().size(), 1u);
  EXPECT_EQ(graph_->Indexes()[0].kind, IndexInfo::Kind::kUnique);
  auto snap = graph_->NewSnapshot();
  EXPECT_EQ(Collect(snap->IndexSeek(l, k, Value("a2"))), std::vector<NodeId>{b});
  EXPECT_EQ(Collect(snap->IndexRange(l, k, Value(), true, Value(), true)), (std::vector<NodeId>{a, b}));
  EXPECT_EQ(snap->Degree(a, Direction::kOut, std::nullopt), 0u);
  // A failed upgrade (duplicates) keeps the property index.
  txn = graph_->BeginWrite();
  LabelId t = txn->GetOrCreateLabel("Tag");
  ASSERT_OK(txn->CreateNode({t}, {{k, Value(1)}}).status());
  ASSERT_OK(txn->CreateNode({t}, {{k, Value(1.0)}}).status());  // 1 == 1.0 for a unique key
  ASSERT_OK(txn->Commit());
  ASSERT_OK(graph_->CreatePropertyIndex("Tag", "id"));
  EXPECT_TRUE(graph_->CreateUniqueIndex("Tag", "id").IsConstraintViolation());
  EXPECT_EQ(graph_->FindIndex(t, k)->kind, IndexInfo::Kind::kProperty);
  EXPECT_EQ(Collect(graph_->NewSnapshot()->IndexSeek(t, k, Value(1))).size(), 2u);
}

TEST_F(GraphStoreTest, PropertyIndexSeekAndRange) {
  auto txn = graph_->BeginWrite();
  LabelId l = txn->GetOrCreateLabel("Deal");
  PropKeyId k = txn->GetOrCreatePropKey("v");
  std::vector<Value> values = {Value(int64_t{-5}), Value(-2.5), Value(int64_t{0}), Value(0.5),
                               Value(int64_t{1}), Value(1.0), Value(int64_t{3}), Value(1e20),
                               Value("a"), Value("ab"), Value("b"), Value(true),
                               Value(std::numeric_limits<double>::quiet_NaN())};
  std::vector<NodeId> ids;
  for (const Value& v : values) ids.push_back(txn->CreateNode({l}, {{k, v}}).value());
  ASSERT_OK(txn->Commit());
  ASSERT_OK(graph_->CreatePropertyIndex("Deal", "v"));
  auto snap = graph_->NewSnapshot();
  // 1 == 1.0 for seeks.
  EXPECT_EQ(Collect(snap->IndexSeek(l, k, Value(1.0))), (std::vector<NodeId>{ids[4], ids[5]}));
  EXPECT_EQ(Collect(snap->IndexSeek(l, k, Value(int64_t{1}))), (std::vector<NodeId>{ids[4], ids[5]}));
  EXPECT_TRUE(Collect(snap->IndexSeek(l, k, Value(std::numeric_limits<double>::quiet_NaN()))).empty());
  // Numeric range [-2.5, 3): only numbers, in numeric order.
  auto r = Collect(snap->IndexRange(l, k, Value(-2.5), true, Value(int64_t{3}), false));
  EXPECT_EQ(r, (std::vector<NodeId>{ids[1], ids[2], ids[3], ids[4], ids[5]}));
  r = Collect(snap->IndexRange(l, k, Value(-2.5), false, Value(int64_t{3}), true));
  EXPECT_EQ(r, (std::vector<NodeId>{ids[2], ids[3], ids[4], ids[5], ids[6]}));
  r = Collect(snap->IndexRange(l, k, Value(int64_t{2}), true, Value(), false));
  EXPECT_EQ(r, (std::vector<NodeId>{ids[6], ids[7]}));
  r = Collect(snap->IndexRange(l, k, Value(), false, Value("b"), false));
  EXPECT_EQ(r, (std::vector<NodeId>{ids[8], ids[9]}));
  r = Collect(snap->IndexRange(l, k, Value("a"), false, Value(), false));
  EXPECT_EQ(r, (std::vector<NodeId>{ids[9], ids[10]}));
  EXPECT_TRUE(Collect(snap->IndexRange(l, k, Value("a"), true, Value(int64_t{5}), true)).empty());
  EXPECT_EQ(Collect(snap->IndexRange(l, k, Value(), true, Value(), true)).size(), values.size());
  // No index: InvalidArgument from the iterator.
  auto none = snap->IndexSeek(l, k + 100, Value(1));
  EXPECT_FALSE(none->Valid());
  EXPECT_TRUE(none->status().IsInvalidArgument());

  // Updates move entries.
  txn = graph_->BeginWrite();
  ASSERT_OK(txn->SetNodeProperty(ids[0], k, Value(int64_t{100})));
  ASSERT_OK(txn->SetNodeProperty(ids[1], k, Value()));
  EXPECT_EQ(Collect(txn->IndexSeek(l, k, Value(100.0))), std::vector<NodeId>{ids[0]});
  ASSERT_OK(txn->Commit());
  snap = graph_->NewSnapshot();
  EXPECT_TRUE(Collect(snap->IndexSeek(l, k, Value(int64_t{-5}))).empty());
  EXPECT_TRUE(Collect(snap->IndexSeek(l, k, Value(-2.5))).empty());
  EXPECT_EQ(Collect(snap->IndexSeek(l, k, Value(int64_t{100}))), std::vector<NodeId>{ids[0]});

  ASSERT_OK(graph_->DropIndex("Deal", "v"));
  EXPECT_TRUE(graph_->Indexes().empty());
  snap = graph_->NewSnapshot();
  EXPECT_TRUE(snap->IndexSeek(l, k, Value(int64_t{100}))->status().IsInvalidArgument());
}

TEST_F(GraphStoreTest, BadInputIsRejectedWithoutPartialWrites) {
  auto txn = graph_->BeginWrite();
  PropKeyId k = txn->GetOrCreatePropKey("k");
  TypeId t = txn->GetOrCreateType("T");
  auto bad = txn->CreateNode({}, {{k, Value(NodeRef{1})}});
  EXPECT_TRUE(bad.status().IsInvalidArgument());
  EXPECT_NE(bad.status().message().find("'k'"), std::string::npos) << bad.status().message();
  NodeId a = txn->CreateNode({}, {}).value();
  EXPECT_TRUE(txn->CreateRel(t, a, 999, {}).status().IsNotFound());
  EXPECT_TRUE(txn->SetNodeProperty(a, k, Value(Value::List{Value(NodeRef{2})})).IsInvalidArgument());
  EXPECT_TRUE(txn->SetNodeProperty(777, k, Value(1)).IsNotFound());
  EXPECT_TRUE(txn->DeleteRel(5).IsNotFound());
  EXPECT_EQ(txn->NodeCount(), 1u);
  EXPECT_EQ(txn->RelCount(), 0u);
  ASSERT_OK(txn->Commit());  // non-constraint failures do not poison
  EXPECT_TRUE(txn->Commit().IsAborted());
  auto snap = graph_->NewSnapshot();
  EXPECT_EQ(snap->NodeCount(), 1u);
  EXPECT_EQ(Collect(snap->ScanNodes()), std::vector<NodeId>{a});
}

TEST_F(GraphStoreTest, UncommittedTxnLeavesNothing) {
  {
    auto txn = graph_->BeginWrite();
    LabelId l = txn->GetOrCreateLabel("Ghost");
    NodeId a = txn->CreateNode({l}, {}).value();
    ASSERT_OK(txn->CreateRel(txn->GetOrCreateType("T"), a, a, {}).status());
  }
  auto snap = graph_->NewSnapshot();
  EXPECT_EQ(snap->NodeCount(), 0u);
  EXPECT_TRUE(Collect(snap->ScanNodes()).empty());
  EXPECT_FALSE(graph_->FindLabel("Ghost").has_value());
  // The writer slot was released and ids restart where the last commit left.
  auto txn = graph_->BeginWrite();
  EXPECT_EQ(txn->CreateNode({}, {}).value(), 0u);
}

TEST_F(GraphStoreTest, SnapshotIsolationUnderConcurrentWriter) {
  PropKeyId k;
  LabelId l;
  {
    auto txn = graph_->BeginWrite();
    k = txn->GetOrCreatePropKey("batch");
    l = txn->GetOrCreateLabel("B");
    EXPECT_EQ(txn->GetOrCreateType("NEXT"), 0u);
    ASSERT_OK(txn->Commit());
  }
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int b = 0; b < 200 && !stop; ++b) {
      auto txn = graph_->BeginWrite();
      NodeId prev = 0;
      for (int i = 0; i < 10; ++i) {
        NodeId n = txn->CreateNode({l}, {{k, Value(b)}}).value();
        if (i > 0) (void)txn->CreateRel(0, prev, n, {});
        prev = n;
      }
      if (!txn->Commit().ok()) return;
    }
  });
  for (int round = 0; round < 100; ++round) {
    auto snap = graph_->NewSnapshot();
    uint64_t count = snap->NodeCount();
    auto ids = Collect(snap->ScanLabel(l));
    ASSERT_EQ(ids.size(), count);  // counts match the data of the same snapshot
    ASSERT_EQ(count % 10, 0u);     // whole batches only
    ASSERT_EQ(snap->RelCount(), count / 10 * 9);
    std::this_thread::yield();
  }
  stop = true;
  writer.join();
}

TEST_F(GraphStoreTest, PropertyValuesRoundTripThroughStore) {
  auto txn = graph_->BeginWrite();
  PropKeyId k = txn->GetOrCreatePropKey("v");
  Value::Map m;
  m["ü"] = Value(Value::List{Value(1), Value(1.0), Value(Date{19000})});
  m["z"] = Value();
  std::vector<Value> values = {Value(int64_t{1}), Value(1.0), Value(-0.0),
                               Value(std::numeric_limits<double>::quiet_NaN()), Value("日本語 \0 ok"),
                               Value(m), Value(Date{-1}), Value(false), Value(std::numeric_limits<int64_t>::min())};
  std::vector<NodeId> ids;
  for (const Value& v : values) ids.push_back(txn->CreateNode({}, {{k, v}}).value());
  ASSERT_OK(txn->Commit());
  auto snap = graph_->NewSnapshot();
  for (size_t i = 0; i < values.size(); ++i) {
    Value got;
    ASSERT_OK(snap->GetNodeProperty(ids[i], k, &got));
    EXPECT_TRUE(got.Identical(values[i])) << values[i].DebugString() << " vs " << got.DebugString();
  }
}

TEST_F(GraphStoreTest, SideRecordsCommitWithTheTransactionButStayOutsideTheGraph) {
  const std::string nul_key("a\0", 2);
  PropKeyId rank;
  {
    auto txn = graph_->BeginWrite();
    rank = txn->GetOrCreatePropKey("rank");
    ASSERT_OK(txn->CreateNode({txn->GetOrCreateLabel("Article")}, {}).status());
    ASSERT_OK(txn->PutSide("ab", {{rank, Value(1)}}));
    ASSERT_OK(txn->PutSide("abc", {{rank, Value(2)}, {rank, Value(3)}, {rank + 1, Value()}}));  // normalized
    ASSERT_OK(txn->PutSide("b", {}));
    ASSERT_OK(txn->PutSide(nul_key, {}));
    EXPECT_TRUE(txn->PutSide("", {}).IsInvalidArgument());
    EXPECT_TRUE(txn->PutSide("bad", {{rank, Value(NodeRef{0})}}).IsInvalidArgument());
    // Read your own writes, in key order, deletes included.
    EXPECT_EQ(SideKeys(*txn, "a"), (std::vector<std::string>{nul_key, "ab", "abc"}));
    EXPECT_EQ(SideProps(*txn, "abc"), std::to_string(rank) + "=3 ");
    ASSERT_OK(txn->DeleteSide("ab"));
    ASSERT_OK(txn->DeleteSide("never-written"));
    EXPECT_EQ(SideKeys(*txn, "ab"), (std::vector<std::string>{"abc"}));
    // Side records are not graph content.
    EXPECT_EQ(txn->NodeCount(), 1u);
    EXPECT_EQ(txn->RelCount(), 0u);
    EXPECT_TRUE(SideKeys(*graph_->NewSnapshot(), "").empty());  // not before the commit
    ASSERT_OK(txn->Commit());
  }
  auto check = [&](Graph& g) {
    auto snap = g.NewSnapshot();
    EXPECT_EQ(SideKeys(*snap, ""), (std::vector<std::string>{nul_key, "abc", "b"}));
    EXPECT_EQ(SideProps(*snap, "abc"), std::to_string(rank) + "=3 ");
    EXPECT_EQ(snap->NodeCount(), 1u);
    EXPECT_EQ(Collect(snap->ScanNodes()).size(), 1u);
    GraphCounts c = g.Counts();
    EXPECT_EQ(c.nodes, 1u);
    EXPECT_EQ(c.rels, 0u);
  };
  check(*graph_);
  {
    // A dropped transaction's side writes vanish; a committed one's are
    // seen by the next transaction merged with its own.
    auto txn = graph_->BeginWrite();
    ASSERT_OK(txn->DeleteSide("b"));
    ASSERT_OK(txn->PutSide("aa", {}));
    EXPECT_EQ(SideKeys(*txn, ""), (std::vector<std::string>{nul_key, "aa", "abc"}));
  }
  check(*graph_);
  // Durable across a reopen.
  ASSERT_NO_FATAL_FAILURE(Reopen());
  check(*graph_);
  // Another graph has its own; dropping a graph drops its side records.
  ASSERT_OK(db_->CreateGraph("other"));
  std::shared_ptr<Graph> other;
  ASSERT_OK(db_->GetGraph("other", &other));
  EXPECT_TRUE(SideKeys(*other->NewSnapshot(), "").empty());
  ASSERT_OK(db_->DropGraph("default"));
  ASSERT_OK(db_->GetGraph("default", &graph_));
  EXPECT_TRUE(SideKeys(*graph_->NewSnapshot(), "").empty());
}

TEST_F(GraphStoreTest, SideScanWithALongPrefixFindsExactlyItsKeys) {
  // Keys whose first 8 bytes are shared by groups (scans of 8 bytes and
  // more go through the prefix bloom filters), in tables and in the memtable.
  auto key = [](int group, int i) {
    std::string k(1, 'h');
    k.append(std::to_string(1000000 + group));  // 8 bytes
    k.push_back('/');
    k.append(std::to_string(i));
    return k;
  };
  {
    auto txn = graph_->BeginWrite();
    for (int g = 0; g < 50; ++g)
      for (int i = 0; i < 3; ++i) ASSERT_OK(txn->PutSide(key(g, i), {}));
    ASSERT_OK(txn->Commit());
  }
  ASSERT_OK(db_->Flush());
  auto txn = graph_->BeginWrite();
  ASSERT_OK(txn->PutSide(key(7, 9), {}));
  ASSERT_OK(txn->DeleteSide(key(7, 1)));
  EXPECT_EQ(SideKeys(*txn, key(7, 0).substr(0, 8)), (std::vector<std::string>{key(7, 0), key(7, 2), key(7, 9)}));
  EXPECT_EQ(SideKeys(*txn, key(7, 2)), (std::vector<std::string>{key(7, 2)}));
  EXPECT_TRUE(SideKeys(*txn, key(77, 0).substr(0, 8)).empty());
  ASSERT_OK(txn->Commit());
  auto snap = graph_->NewSnapshot();
  EXPECT_EQ(SideKeys(*snap, key(7, 0).substr(0, 8)), (std::vector<std::string>{key(7, 0), key(7, 2), key(7, 9)}));
  EXPECT_EQ(SideKeys(*snap, key(49, 0).substr(0, 9)).size(), 3u);
  EXPECT_TRUE(SideKeys(*snap, key(50, 0).substr(0, 8)).empty());
  EXPECT_EQ(SideKeys(*snap, "h").size(), 150u);
}

}  // namespace
}  // namespace trendgraph::storage
