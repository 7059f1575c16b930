#include <algorithm>

#include "storage/db_impl.h"
#include "storage/reader_impl.h"
#include "storage/write_txn.h"

namespace trendgraph::storage::internal {

namespace {

// Adjacency entries of one node from the read cache: the type runs
// [run, run_end) of an immutable list the cache owns (valid while the
// snapshot lives).
class CachedAdjacencyIterator final : public AdjacencyIterator {
 public:
  CachedAdjacencyIterator(const CachedAdjEntry* entries, const CachedTypeRun* run, const CachedTypeRun* run_end,
                          Direction dir)
      : entries_(entries), run_(run), run_end_(run_end) {
    entry_.dir = dir;
    if (run_ != run_end_) i_ = run_->begin;
    Settle();
  }
  bool Valid() const override { return run_ != run_end_; }
  void Next() override {
    ++i_;
    Settle();
  }
  const AdjEntry& entry() const override { return entry_; }
  Status status() const override { return Status::OK(); }

 private:
  void Settle() {
    if (run_ != run_end_ && i_ == run_->end) ++run_;  // runs are contiguous and never empty
    if (run_ == run_end_) return;
    entry_.type = run_->type;
    entry_.other = entries_[i_].other;
    entry_.rel = entries_[i_].rel;
  }
  const CachedAdjEntry* entries_;
  const CachedTypeRun* run_;
  const CachedTypeRun* run_end_;
  uint32_t i_ = 0;
  AdjEntry entry_;
};

// Node ids of a cached label scan.
class CachedIdIterator final : public NodeIterator {
 public:
  CachedIdIterator(const NodeId* begin, const NodeId* end) : cur_(begin), end_(end) {}
  bool Valid() const override { return cur_ != end_; }
  void Next() override { ++cur_; }
  NodeId id() const override { return *cur_; }
  Status status() const override { return Status::OK(); }

 private:
  const NodeId* cur_;
  const NodeId* end_;
};

// A label scan over RocksDB that remembers the ids it passes and, once it
// has reached the end without error, puts them in the read cache: the first
// scan of a label in an epoch costs no more than without a cache, and a scan
// abandoned early (LIMIT) caches nothing.
class FillingLabelIterator final : public NodeIterator {
 public:
  FillingLabelIterator(std::unique_ptr<NodeIterator> scan, ReadCache* cache, LabelId label)
      : scan_(std::move(scan)), cache_(cache), label_(label) {
    Settle();
  }
  bool Valid() const override { return scan_->Valid(); }
  void Next() override {
    scan_->Next();
    Settle();
  }
  NodeId id() const override { return scan_->id(); }
  Status status() const override { return scan_->status(); }

 private:
  void Settle() {
    if (cache_ == nullptr) return;
    if (scan_->Valid()) {
      ids_.push_back(scan_->id());
      return;
    }
    if (scan_->status().ok()) (void)cache_->InsertLabel(label_, ids_);
    cache_ = nullptr;
    ids_ = {};
  }
  std::unique_ptr<NodeIterator> scan_;
  ReadCache* cache_;  // null once done
  LabelId label_;
  std::vector<NodeId> ids_;
};

class SnapshotImpl final : public ReaderImpl<Snapshot, SnapshotImpl> {
 public:
  SnapshotImpl(std::shared_ptr<GraphImpl> graph, const rocksdb::Snapshot* snap,
               std::shared_ptr<const Counters> counters, std::shared_ptr<ReadCache> cache)
      : ReaderImpl(std::move(graph)),
        db_(graph_->rdb()),
        snap_(snap),
        counters_(std::move(counters)),
        cache_(std::move(cache)) {
    indexes_ = graph_->Indexes();
    ro_.snapshot = snap_;
    adj_pool_ = std::make_unique<AdjIteratorPool>(ro_);
  }
  ~SnapshotImpl() override {
    adj_pool_.reset();  // iterators go before the snapshot they read
    db_->ReleaseSnapshot(snap_);
    if (hits_ + misses_ > 0) graph_->db()->CountReadCache(hits_, misses_);
  }

  std::unique_ptr<AdjacencyIterator> Adjacency(NodeId node, Direction dir, std::optional<TypeId> type) override {
    if (const CachedAdjacency* list = CachedAdjacencyOf(node, dir)) {
      const CachedTypeRun* begin = list->runs;
      const CachedTypeRun* end = list->runs_end();
      if (type) {
        begin = list->FindRun(*type);
        end = begin == nullptr ? begin : begin + 1;
      }
      return std::make_unique<CachedAdjacencyIterator>(list->entries, begin, end, dir);
    }
    return RocksAdjacency(node, dir, type);
  }
  uint64_t Degree(NodeId node, Direction dir, std::optional<TypeId> type) override {
    if (const CachedAdjacency* list = CachedAdjacencyOf(node, dir)) {
      if (!type) return list->count;
      const CachedTypeRun* run = list->FindRun(*type);
      return run == nullptr ? 0 : run->end - run->begin;
    }
    uint64_t n = 0;
    for (auto it = RocksAdjacency(node, dir, type); it->Valid(); it->Next()) ++n;
    return n;
  }

  std::unique_ptr<NodeIterator> ScanLabel(LabelId label) override {
    if (cache_ == nullptr) return ReaderImpl::ScanLabel(label);
    if (const CachedIds* ids = cache_->FindLabel(label)) {
      ++hits_;
      return std::make_unique<CachedIdIterator>(ids->ids, ids->ids + ids->count);
    }
    ++misses_;
    if (cache_->full()) return ReaderImpl::ScanLabel(label);
    return std::make_unique<FillingLabelIterator>(ReaderImpl::ScanLabel(label), cache_.get(), label);
  }

  Status GetNode(NodeId id, NodeRecord* out) override {
    std::string_view bytes;
    TG_RETURN_IF_ERROR(NodeBytes(id, &bytes));
    out->id = id;
    if (!keys::DecodeNodeRecord(bytes, out))
      return Status::Corruption("node record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }
  Status GetNodeLabels(NodeId id, std::vector<LabelId>* out) override {
    std::string_view bytes;
    TG_RETURN_IF_ERROR(NodeBytes(id, &bytes));
    if (!keys::DecodeNodeLabels(bytes, out, nullptr))
      return Status::Corruption("node record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }
  Status GetNodeProperty(NodeId id, PropKeyId key, Value* out) override {
    std::string_view bytes;
    TG_RETURN_IF_ERROR(NodeBytes(id, &bytes));
    std::string_view props;
    if (!keys::NodePropertyBytes(bytes, &props) || !keys::FindProperty(props, key, out))
      return Status::Corruption("node record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }
  bool NodeExists(NodeId id) override {
    std::string_view bytes;
    return NodeBytes(id, &bytes).ok();
  }
  void PrefetchNodes(const NodeId* ids, size_t n) override {
    if (cache_ == nullptr) return;
    // The slots first, all of them, then the records: by the time the
    // second loop reads a slot the first one has had a batch of time to
    // arrive, and the record loads overlap with each other.
    for (size_t i = 0; i < n; ++i) cache_->PrefetchNodeSlot(ids[i]);
    for (size_t i = 0; i < n; ++i) cache_->PrefetchNodeRecord(ids[i], kPrefetchLines);
  }

  Status GetRel(RelId id, RelRecord* out) override {
    if (cache_ == nullptr) return ReaderImpl::GetRel(id, out);
    std::string_view bytes;
    rocksdb::PinnableSlice holder;
    TG_RETURN_IF_ERROR(RelBytes(id, &bytes, &holder));
    out->id = id;
    if (!keys::DecodeRelRecord(bytes, out))
      return Status::Corruption("relationship record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }
  Status GetRelProperty(RelId id, PropKeyId key, Value* out) override {
    if (cache_ == nullptr) return ReaderImpl::GetRelProperty(id, key, out);
    std::string_view bytes;
    rocksdb::PinnableSlice holder;
    TG_RETURN_IF_ERROR(RelBytes(id, &bytes, &holder));
    TypeId type;
    NodeId start, end;
    std::string_view props;
    if (!keys::DecodeRelHeader(bytes, &type, &start, &end, &props) || !keys::FindProperty(props, key, out))
      return Status::Corruption("relationship record " + std::to_string(id) + " is malformed");
    return Status::OK();
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
  // Cache lines of a record PrefetchNodes loads: the header, the label ids
  // and the first properties (a record is read from its front; an Article's
  // `published` follows its long `id` at ~160 bytes).
  static constexpr unsigned kPrefetchLines = 4;

  // The record of node `id`: from the read cache, else from RocksDB (then
  // cached). When the cache is off or full, the record read last is kept
  // here: queries read several properties (or labels, then properties) of
  // one node in a row, and the snapshot never changes, so it is still exact.
  Status NodeBytes(NodeId id, std::string_view* out) {
    if (cache_ != nullptr) {
      if (const CachedRecord* e = cache_->FindNode(id)) {
        ++hits_;
        if (!e->exists) return NodeNotFound(id);
        *out = e->bytes();
        return Status::OK();
      }
      ++misses_;
    }
    if (node_cached_ && node_id_ == id) {
      *out = node_bytes_;
      return Status::OK();
    }
    rocksdb::PinnableSlice v;
    rocksdb::Status s = RawGet(keys::NodeKey(g_, id), &v);
    if (s.IsNotFound()) {
      if (cache_ != nullptr) (void)cache_->InsertNode(id, false, {});
      return NodeNotFound(id);
    }
    if (!s.ok()) return FromRocks(s, "read node");
    if (cache_ != nullptr) {
      if (const CachedRecord* e = cache_->InsertNode(id, true, std::string_view(v.data(), v.size()))) {
        *out = e->bytes();
        return Status::OK();
      }
    }
    node_bytes_.assign(v.data(), v.size());
    node_id_ = id;
    node_cached_ = true;
    *out = node_bytes_;
    return Status::OK();
  }
  static Status NodeNotFound(NodeId id) { return Status::NotFound("node " + std::to_string(id) + " does not exist"); }

  // The record of relationship `id` (cache_ set): from the read cache, else
  // from RocksDB (then cached; when the cache refuses it, *out points into
  // *holder).
  Status RelBytes(RelId id, std::string_view* out, rocksdb::PinnableSlice* holder) {
    if (const CachedRecord* e = cache_->FindRel(id)) {
      ++hits_;
      if (!e->exists) return RelNotFound(id);
      *out = e->bytes();
      return Status::OK();
    }
    ++misses_;
    rocksdb::Status s = RawGet(keys::RelKey(g_, id), holder);
    if (s.IsNotFound()) {
      (void)cache_->InsertRel(id, false, {});
      return RelNotFound(id);
    }
    if (!s.ok()) return FromRocks(s, "read relationship");
    *out = std::string_view(holder->data(), holder->size());
    if (const CachedRecord* e = cache_->InsertRel(id, true, *out)) *out = e->bytes();
    return Status::OK();
  }
  static Status RelNotFound(RelId id) {
    return Status::NotFound("relationship " + std::to_string(id) + " does not exist");
  }

  // A prefix scan of RocksDB over a pooled iterator.
  std::unique_ptr<AdjacencyIterator> RocksAdjacency(NodeId node, Direction dir, std::optional<TypeId> type) {
    std::string prefix = type ? keys::AdjTypePrefix(g_, node, dir, *type) : keys::AdjPrefix(g_, node, dir);
    std::unique_ptr<rocksdb::Iterator> it = adj_pool_->Take();
    if (it == nullptr) it.reset(RawIterator(adj_pool_->read_options()));
    return std::make_unique<PooledAdjacencyIterator>(adj_pool_.get(), std::move(it), std::move(prefix));
  }

  // The whole adjacency of (node, dir) from the read cache, filled from
  // RocksDB on a miss; null when there is no cache, it is full, or the scan
  // failed (the caller then scans RocksDB itself and reports any error).
  const CachedAdjacency* CachedAdjacencyOf(NodeId node, Direction dir) {
    if (cache_ == nullptr) return nullptr;
    if (const CachedAdjacency* list = cache_->FindAdjacency(node, dir)) {
      ++hits_;
      return list;
    }
    ++misses_;
    if (cache_->full()) return nullptr;
    // All types at once even when one is asked for: the next expansion of
    // this node (another type, a Degree) is then a hit.
    const std::string prefix = keys::AdjPrefix(g_, node, dir);
    std::unique_ptr<rocksdb::Iterator> it = adj_pool_->Take();
    if (it == nullptr) it.reset(RawIterator(adj_pool_->read_options()));
    adj_scratch_.clear();
    AdjEntry e;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      if (!keys::ParseAdjKey(std::string_view(it->key().data(), it->key().size()), &e)) break;
      adj_scratch_.push_back(e);
    }
    bool ok = it->status().ok();
    adj_pool_->Return(std::move(it));
    if (!ok) return nullptr;
    return cache_->InsertAdjacency(node, dir, adj_scratch_);
  }
  rocksdb::DB* const db_;
  const rocksdb::Snapshot* const snap_;
  std::shared_ptr<const Counters> counters_;
  // The read cache of this snapshot's epoch; null when disabled.
  std::shared_ptr<ReadCache> cache_;
  std::vector<IndexInfo> indexes_;
  rocksdb::ReadOptions ro_;
  std::unique_ptr<AdjIteratorPool> adj_pool_;  // after ro_: built from it
  std::vector<AdjEntry> adj_scratch_;          // reused by adjacency fills
  // The record NodeBytes read last, when it could not go into the cache.
  bool node_cached_ = false;
  NodeId node_id_ = 0;
  std::string node_bytes_;
  // Cache lookups, added to the database's statistics on destruction.
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
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
  size_t budget = db_->options().read_cache_bytes;
  // A full cache is replaced by an empty one of the same epoch (its entries
  // would still be exact, but it caches nothing more), unless the cache it
  // replaced last is still held by a snapshot: that bounds the memory of
  // live caches, and a long query holding a full cache only delays the swap.
  // Entries hot in the full cache return to the new one on their next miss.
  if (cache_ != nullptr && cache_->full() && retired_.expired()) {
    retired_ = cache_;
    cache_.reset();
  }
  if (cache_ == nullptr && budget > 0 && !dropped())
    cache_ = std::make_shared<ReadCache>(counters_->next_node, counters_->next_rel,
                                         TokenCount(keys::TokenKind::kLabel), budget, db_->read_cache_live_bytes());
  return std::make_unique<SnapshotImpl>(shared_from_this(), rdb()->GetSnapshot(), counters_, cache_);
}

ReadCacheStats GraphImpl::CacheStats() const {
  std::shared_ptr<ReadCache> caches[2];
  {
    std::lock_guard lock(publish_mu_);
    caches[0] = cache_;
    caches[1] = retired_.lock();
  }
  ReadCacheStats sum;
  for (const auto& c : caches) {
    if (c == nullptr) continue;
    ReadCacheStats s = c->Stats();
    sum.bytes += s.bytes;
    sum.entries += s.entries;
    sum.full = sum.full || s.full;
  }
  return sum;
}

void DatabaseImpl::AddReadCacheStats(DatabaseStats* s) const {
  s->read_cache_hits = read_cache_hits_.load(std::memory_order_relaxed);
  s->read_cache_misses = read_cache_misses_.load(std::memory_order_relaxed);
  std::lock_guard lock(catalogue_mu_);
  for (const auto& [name, g] : graphs_) s->read_cache_bytes += g->CacheStats().bytes;
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
  // A new epoch, even after a failed write: RocksDB may have logged the
  // batch before failing (and replays it on reopen); a cache costs nothing
  // until the next snapshot fills it.
  cache_.reset();
  if (!s.ok()) return FromRocks(s, "commit to graph '" + name_ + "'");
  counters_ = std::move(publish.counters);
  PublishTokens(publish.new_tokens);
  if (publish.indexes_changed) {
    std::unique_lock meta(meta_mu_);
    indexes_ = std::move(publish.indexes);
  }
  return Status::OK();
}

void GraphImpl::MarkDropped() {
  std::lock_guard lock(publish_mu_);
  dropped_.store(true, std::memory_order_release);
  counters_ = std::make_shared<Counters>();
  cache_.reset();  // NewSnapshot creates none for a dropped graph
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
