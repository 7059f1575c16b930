#include <algorithm>

#include "storage/db_impl.h"
#include "storage/reader_impl.h"
#include "storage/write_txn.h"

namespace trendgraph::storage::internal {

namespace {

class SnapshotImpl final : public ReaderImpl<Snapshot, SnapshotImpl> {
 public:
  SnapshotImpl(std::shared_ptr<GraphImpl> graph, const rocksdb::Snapshot* snap,
               std::shared_ptr<const Counters> counters)
      : ReaderImpl(std::move(graph)), db_(graph_->rdb()), snap_(snap), counters_(std::move(counters)) {
    indexes_ = graph_->Indexes();
    ro_.snapshot = snap_;
    adj_pool_ = std::make_unique<AdjIteratorPool>(ro_);
  }
  ~SnapshotImpl() override {
    adj_pool_.reset();  // iterators go before the snapshot they read
    db_->ReleaseSnapshot(snap_);
  }

  std::unique_ptr<AdjacencyIterator> Adjacency(NodeId node, Direction dir, std::optional<TypeId> type) override {
    std::string prefix = type ? keys::AdjTypePrefix(g_, node, dir, *type) : keys::AdjPrefix(g_, node, dir);
    std::unique_ptr<rocksdb::Iterator> it = adj_pool_->Take();
    if (it == nullptr) it.reset(RawIterator(adj_pool_->read_options()));
    return std::make_unique<PooledAdjacencyIterator>(adj_pool_.get(), std::move(it), std::move(prefix));
  }
  // Node reads go through a one-record cache: queries read several
  // properties (or labels, then properties) of one node in a row, and the
  // snapshot never changes, so the record fetched last is still exact.
  Status GetNode(NodeId id, NodeRecord* out) override {
    TG_RETURN_IF_ERROR(LoadNode(id));
    out->id = id;
    if (!keys::DecodeNodeRecord(node_bytes_, out))
      return Status::Corruption("node record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }
  Status GetNodeLabels(NodeId id, std::vector<LabelId>* out) override {
    TG_RETURN_IF_ERROR(LoadNode(id));
    if (!keys::DecodeNodeLabels(node_bytes_, out, nullptr))
      return Status::Corruption("node record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }
  Status GetNodeProperty(NodeId id, PropKeyId key, Value* out) override {
    TG_RETURN_IF_ERROR(LoadNode(id));
    std::string_view props;
    if (!keys::NodePropertyBytes(node_bytes_, &props) || !keys::FindProperty(props, key, out))
      return Status::Corruption("node record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }

  uint64_t Degree(NodeId node, Direction dir, std::optional<TypeId> type) override {
    uint64_t n = 0;
    for (auto it = Adjacency(node, dir, type); it->Valid(); it->Next()) ++n;
    return n;
  }

  rocksdb::Status RawGet(const rocksdb::Slice& key, rocksdb::PinnableSlice* v) {
    DisablePerfCountersOnThisThread();
    return db_->Get(ro_, db_->DefaultColumnFamily(), key, v);
  }
  rocksdb::ReadOptions BaseReadOptions() const { return ro_; }
  rocksdb::Iterator* RawIterator(const rocksdb::ReadOptions& ro) {
    DisablePerfCountersOnThisThread();
    return db_->NewIterator(ro);
  }
  const std::vector<IndexInfo>& CurrentIndexes() const { return indexes_; }

  Status LoadNode(NodeId id) {
    if (node_cached_ && node_id_ == id) return Status::OK();
    node_cached_ = false;
    rocksdb::PinnableSlice v;
    rocksdb::Status s = RawGet(keys::NodeKey(g_, id), &v);
    if (s.IsNotFound()) return Status::NotFound("node " + std::to_string(id) + " does not exist");
    if (!s.ok()) return FromRocks(s, "read node");
    node_bytes_.assign(v.data(), v.size());
    node_id_ = id;
    node_cached_ = true;
    return Status::OK();
  }

  uint64_t NodeCount() override { return counters_->nodes; }
  uint64_t RelCount() override { return counters_->rels; }
  uint64_t NodeCountByLabel(LabelId label) override {
    auto it = counters_->by_label.find(label);
    return it == counters_->by_label.end() ? 0 : it->second;
  }
  uint64_t RelCountByType(TypeId type) override {
    auto it = counters_->by_type.find(type);
    return it == counters_->by_type.end() ? 0 : it->second;
  }

 private:
  rocksdb::DB* const db_;
  const rocksdb::Snapshot* const snap_;
  std::shared_ptr<const Counters> counters_;
  std::vector<IndexInfo> indexes_;
  rocksdb::ReadOptions ro_;
  std::unique_ptr<AdjIteratorPool> adj_pool_;  // after ro_: built from it
  // The record LoadNode read last.
  bool node_cached_ = false;
  NodeId node_id_ = 0;
  std::string node_bytes_;
};

uint64_t ReadU64(const rocksdb::Slice& v) { return v.size() == 8 ? keys::GetU64BE(v.data()) : 0; }

}  // namespace

GraphImpl::GraphImpl(DatabaseImpl* db, std::string name, uint32_t id)
    : db_(db), name_(std::move(name)), id_(id), counters_(std::make_shared<Counters>()) {}

rocksdb::DB* GraphImpl::rdb() const { return db_->rdb(); }

Status GraphImpl::Load() {
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;
  std::unique_ptr<rocksdb::Iterator> it(rdb()->NewIterator(ro));
  std::unique_lock meta(meta_mu_);
  for (int k = 0; k < 3; ++k) {
    std::string prefix = keys::TokenNamePrefix(id_, static_cast<keys::TokenKind>(k));
    TokenTable& table = tokens_[k];
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      rocksdb::Slice key = it->key();
      if (key.size() != prefix.size() + 4 || keys::GetU32BE(key.data() + prefix.size()) != table.names.size())
        return Status::Corruption("graph '" + name_ + "': token dictionary has a gap");
      table.ids.emplace(it->value().ToString(), static_cast<uint32_t>(table.names.size()));
      table.names.push_back(it->value().ToString());
    }
  }
  std::string prefix = keys::IndexDefPrefix(id_);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    rocksdb::Slice key = it->key();
    if (key.size() != prefix.size() + 8 || it->value().size() != 1)
      return Status::Corruption("graph '" + name_ + "': malformed index definition");
    IndexInfo info;
    info.label = keys::GetU32BE(key.data() + prefix.size());
    info.key = keys::GetU32BE(key.data() + prefix.size() + 4);
    info.kind = static_cast<IndexInfo::Kind>(it->value()[0]);
    indexes_.push_back(info);
  }
  auto counters = std::make_shared<Counters>();
  prefix = keys::CounterPrefix(id_);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    rocksdb::Slice key = it->key();
    if (key.size() < prefix.size() + 1) return Status::Corruption("graph '" + name_ + "': malformed counter");
    auto kind = static_cast<keys::CounterKind>(key[prefix.size()]);
    uint64_t v = ReadU64(it->value());
    uint32_t sub = key.size() == prefix.size() + 5 ? keys::GetU32BE(key.data() + prefix.size() + 1) : 0;
    switch (kind) {
      case keys::CounterKind::kNodes: counters->nodes = v; break;
      case keys::CounterKind::kRels: counters->rels = v; break;
      case keys::CounterKind::kNextNode: counters->next_node = v; break;
      case keys::CounterKind::kNextRel: counters->next_rel = v; break;
      case keys::CounterKind::kLabel: counters->by_label[sub] = v; break;
      case keys::CounterKind::kType: counters->by_type[sub] = v; break;
      default: return Status::Corruption("graph '" + name_ + "': unknown counter kind");
    }
  }
  prefix = keys::DeletedNodePrefix(id_);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    deleted_nodes_.insert(keys::TrailingId(std::string_view(it->key().data(), it->key().size())));
  TG_RETURN_IF_ERROR(FromRocks(it->status(), "load graph '" + name_ + "'"));
  std::lock_guard pub(publish_mu_);
  counters_ = std::move(counters);
  return Status::OK();
}

std::unique_ptr<Snapshot> GraphImpl::NewSnapshot() {
  std::lock_guard lock(publish_mu_);
  return std::make_unique<SnapshotImpl>(shared_from_this(), rdb()->GetSnapshot(), counters_);
}

std::unique_ptr<WriteTxn> GraphImpl::BeginWrite() { return std::make_unique<WriteTxnImpl>(shared_from_this()); }

void GraphImpl::AcquireWriter() {
  std::unique_lock lock(writer_mu_);
  writer_cv_.wait(lock, [&] { return !writer_active_; });
  writer_active_ = true;
}

void GraphImpl::ReleaseWriter() {
  {
    std::lock_guard lock(writer_mu_);
    writer_active_ = false;
  }
  writer_cv_.notify_one();
}

std::shared_ptr<const Counters> GraphImpl::counters() const {
  std::lock_guard lock(publish_mu_);
  return counters_;
}

uint32_t GraphImpl::TokenCount(keys::TokenKind kind) const {
  std::shared_lock lock(meta_mu_);
  return static_cast<uint32_t>(Table(kind).names.size());
}

std::optional<uint32_t> GraphImpl::FindToken(keys::TokenKind kind, std::string_view name) const {
  std::shared_lock lock(meta_mu_);
  return Table(kind).Find(name);
}

Status GraphImpl::CommitBatch(rocksdb::WriteBatch* batch, Publish publish) {
  std::lock_guard lock(publish_mu_);
  if (dropped()) return Status::NotFound("graph '" + name_ + "' has been dropped");
  rocksdb::Status s = db_->Write(batch);
  if (!s.ok()) return FromRocks(s, "commit to graph '" + name_ + "'");
  counters_ = std::move(publish.counters);
  bool any_tokens = false;
  for (const auto& t : publish.new_tokens) any_tokens |= !t.empty();
  if (any_tokens || publish.indexes_changed) {
    std::unique_lock meta(meta_mu_);
    for (int k = 0; k < 3; ++k) {
      for (std::string& name : publish.new_tokens[k]) {
        tokens_[k].ids.emplace(name, static_cast<uint32_t>(tokens_[k].names.size()));
        tokens_[k].names.push_back(std::move(name));
      }
    }
    if (publish.indexes_changed) indexes_ = std::move(publish.indexes);
  }
  return Status::OK();
}

void GraphImpl::MarkDropped() {
  std::lock_guard lock(publish_mu_);
  dropped_.store(true, std::memory_order_release);
  counters_ = std::make_shared<Counters>();
  std::unique_lock meta(meta_mu_);
  for (TokenTable& t : tokens_) t = TokenTable();
  deleted_nodes_.clear();
  indexes_.clear();
}

// ---- tokens ----

std::optional<LabelId> GraphImpl::FindLabel(std::string_view name) const {
  return FindToken(keys::TokenKind::kLabel, name);
}
std::optional<TypeId> GraphImpl::FindType(std::string_view name) const {
  return FindToken(keys::TokenKind::kType, name);
}
std::optional<PropKeyId> GraphImpl::FindPropKey(std::string_view name) const {
  return FindToken(keys::TokenKind::kPropKey, name);
}

namespace {
std::string NameOf(const TokenTable& t, uint32_t id) { return id < t.names.size() ? t.names[id] : std::string(); }
}  // namespace

std::string GraphImpl::LabelName(LabelId id) const {
  std::shared_lock lock(meta_mu_);
  return NameOf(Table(keys::TokenKind::kLabel), id);
}
std::string GraphImpl::TypeName(TypeId id) const {
  std::shared_lock lock(meta_mu_);
  return NameOf(Table(keys::TokenKind::kType), id);
}
std::string GraphImpl::PropKeyName(PropKeyId id) const {
  std::shared_lock lock(meta_mu_);
  return NameOf(Table(keys::TokenKind::kPropKey), id);
}
std::vector<std::string> GraphImpl::Labels() const {
  std::shared_lock lock(meta_mu_);
  return Table(keys::TokenKind::kLabel).names;
}
std::vector<std::string> GraphImpl::Types() const {
  std::shared_lock lock(meta_mu_);
  return Table(keys::TokenKind::kType).names;
}
std::vector<std::string> GraphImpl::PropKeys() const {
  std::shared_lock lock(meta_mu_);
  return Table(keys::TokenKind::kPropKey).names;
}

// ---- schema ----

Status GraphImpl::CreateIndex(std::string_view label, std::string_view key, IndexInfo::Kind kind) {
  if (label.empty() || key.empty()) return Status::InvalidArgument("an index needs a label and a property key");
  if (db_->options().read_only) return Status::NotSupported("the database is open read-only");
  auto txn = std::make_unique<WriteTxnImpl>(shared_from_this());
  LabelId l = txn->GetOrCreateLabel(label);
  PropKeyId k = txn->GetOrCreatePropKey(key);
  TG_RETURN_IF_ERROR(txn->BuildIndex(l, k, kind));
  return txn->Commit();
}

Status GraphImpl::CreateUniqueIndex(std::string_view label, std::string_view key) {
  return CreateIndex(label, key, IndexInfo::Kind::kUnique);
}

Status GraphImpl::CreatePropertyIndex(std::string_view label, std::string_view key) {
  return CreateIndex(label, key, IndexInfo::Kind::kProperty);
}

Status GraphImpl::DropIndex(std::string_view label, std::string_view key) {
  if (db_->options().read_only) return Status::NotSupported("the database is open read-only");
  auto l = FindLabel(label);
  auto k = FindPropKey(key);
  if (!l || !k) return Status::NotFound("no index on (" + std::string(label) + ", " + std::string(key) + ")");
  auto txn = std::make_unique<WriteTxnImpl>(shared_from_this());
  TG_RETURN_IF_ERROR(txn->RemoveIndex(*l, *k));
  return txn->Commit();
}

std::vector<IndexInfo> GraphImpl::Indexes() const {
  std::shared_lock lock(meta_mu_);
  return indexes_;
}

std::optional<IndexInfo> GraphImpl::FindIndex(LabelId label, PropKeyId key) const {
  std::shared_lock lock(meta_mu_);
  std::optional<IndexInfo> found;
  for (const IndexInfo& i : indexes_) {
    if (i.label != label || i.key != key) continue;
    if (i.kind == IndexInfo::Kind::kUnique) return i;
    found = i;
  }
  return found;
}

GraphCounts GraphImpl::Counts() const {
  std::shared_ptr<const Counters> c = counters();
  GraphCounts out;
  out.nodes = c->nodes;
  out.rels = c->rels;
  std::shared_lock lock(meta_mu_);
  for (const auto& [id, n] : c->by_label)
    if (n > 0) out.by_label.emplace_back(NameOf(Table(keys::TokenKind::kLabel), id), n);
  for (const auto& [id, n] : c->by_type)
    if (n > 0) out.by_type.emplace_back(NameOf(Table(keys::TokenKind::kType), id), n);
  std::sort(out.by_label.begin(), out.by_label.end());
  std::sort(out.by_type.begin(), out.by_type.end());
  return out;
}

}  // namespace trendgraph::storage::internal
