#include "storage/write_txn.h"

#include <algorithm>

#include "storage/bulk_store.h"

namespace trendgraph::storage::internal {

namespace {

// Sorted by key, last assignment wins, nulls dropped (the record format
// stores no nulls).
template <class NameOf>
Status NormalizeProperties(Properties* props, const NameOf& name_of) {
  for (const auto& p : *props)
    if (!p.second.IsStorable())
      return Status::InvalidArgument("property '" + name_of(p.first) + "': a " +
                                     Value::TypeName(p.second.type()) + " value cannot be stored");
  auto by_key = [](const auto& a, const auto& b) { return a.first < b.first; };
  // In place, no allocation: callers usually pass sorted, distinct keys.
  if (!std::is_sorted(props->begin(), props->end(), by_key)) std::stable_sort(props->begin(), props->end(), by_key);
  size_t n = 0;
  for (size_t i = 0; i < props->size(); ++i) {
    auto& p = (*props)[i];
    if (n > 0 && (*props)[n - 1].first == p.first)
      (*props)[n - 1].second = std::move(p.second);
    else if (n != i)
      (*props)[n++] = std::move(p);
    else
      ++n;
  }
  props->resize(n);
  std::erase_if(*props, [](const auto& p) { return p.second.is_null(); });
  return Status::OK();
}

const Value* FindProp(const Properties& props, PropKeyId key) {
  auto it = std::lower_bound(props.begin(), props.end(), key, [](const auto& p, PropKeyId k) { return p.first < k; });
  return it != props.end() && it->first == key ? &it->second : nullptr;
}

}  // namespace

WriteTxnImpl::WriteTxnImpl(std::shared_ptr<GraphImpl> graph, BulkStore* bulk)
    : ReaderImpl(std::move(graph)), db_(graph_->rdb()), bulk_(bulk) {
  graph_->AcquireWriter();
  counters_ = bulk_ ? bulk_->counters() : *graph_->counters();
  committed_next_node_ = counters_.next_node;
  for (int k = 0; k < 3; ++k) committed_tokens_[k] = graph_->TokenCount(static_cast<keys::TokenKind>(k));
  indexes_ = bulk_ ? bulk_->indexes() : graph_->Indexes();
  RebuildIndexMap();
}

WriteTxnImpl::~WriteTxnImpl() {
  if (!done_) graph_->ReleaseWriter();
}

rocksdb::Status WriteTxnImpl::RawGet(const rocksdb::Slice& key, rocksdb::PinnableSlice* v) {
  DisablePerfCountersOnThisThread();
  const CachedKind kind = CachedKindOf(key);
  const bool unique = kind == CachedKind::kUnique;
  // A dropped graph's caches may name deleted entries: bypass them.
  if (bulk_ == nullptr && (kind == CachedKind::kNone || graph_->dropped()))
    return batch_.Get(db_, rocksdb::ReadOptions(), key, v);
  // This transaction's writes, then the committed state: a bulk load's
  // memory, or the writer's cache of committed entries and then the DB (a
  // found entry is remembered).
  std::string_view k(key.data(), key.size());
  // The same unique miss asked again with nothing written in between
  // (MergeNode / upsert: lookup, then CreateNode's uniqueness check).
  if (unique && batch_.ApproximateBytes() == unique_miss_epoch_ && k == unique_miss_key_)
    return rocksdb::Status::NotFound();
  // The cache's slots are loaded while the overlay is searched: both are
  // cache misses in a large ingest.
  const HashedKey hk(k, bulk_ == nullptr ? KeyTable::Hash(k) : 0);  // a bulk load's reads use no cache
  if (bulk_ == nullptr) {
    if (unique)
      graph_->unique_cache().Prefetch(hk);
    else
      graph_->record_cache().Prefetch(hk);
  }
  if (const WriteOverlay::Entry* e = batch_.Find(k)) {
    if (e->deleted) return rocksdb::Status::NotFound();
    v->PinSelf(rocksdb::Slice(e->value.data(), e->value.size()));
    return rocksdb::Status::OK();
  }
  rocksdb::Status s;
  if (bulk_ != nullptr) {
    s = bulk_->Get(k, v);
  } else if (unique) {
    UniqueKeyCache& cache = graph_->unique_cache();
    if (std::optional<NodeId> cached = cache.Find(hk)) {
      v->PinSelf(keys::U64Value(*cached));
      return rocksdb::Status::OK();
    }
    if (cache.completeness() == UniqueKeyCache::Completeness::kUnknown) {
      rocksdb::Status c = CheckUniqueCacheComplete();
      if (!c.ok()) return c;
    }
    if (cache.complete()) {
      s = rocksdb::Status::NotFound();
    } else {
      s = db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), key, v);
      if (s.ok() && v->size() == 8) cache.Put(hk, keys::GetU64BE(v->data()));
    }
  } else {
    if (std::optional<std::string_view> cached = graph_->record_cache().Find(hk)) {
      v->PinSelf(rocksdb::Slice(cached->data(), cached->size()));
      return rocksdb::Status::OK();
    }
    s = db_->Get(rocksdb::ReadOptions(), db_->DefaultColumnFamily(), key, v);
    if (s.ok()) graph_->record_cache().Put(hk, std::string_view(v->data(), v->size()));
  }
  if (unique && s.IsNotFound()) {
    unique_miss_key_.assign(k);
    unique_miss_epoch_ = batch_.ApproximateBytes();
  }
  return s;
}

rocksdb::Status WriteTxnImpl::CheckUniqueCacheComplete() {
  // Every commit since the cache was created went through it (the writer
  // slot is held here, and is held by every commit): if the DB holds no
  // unique entry of this graph at all, the cache holds every one there is.
  std::string prefix = keys::GraphPrefix(g_);
  prefix.push_back(static_cast<char>(keys::Tag::kUnique));
  const std::string end = keys::PrefixSuccessor(prefix);
  rocksdb::Slice upper(end);
  rocksdb::ReadOptions ro;
  ro.total_order_seek = true;  // the prefix is shorter than the extractor's
  ro.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(ro));
  it->Seek(prefix);
  if (!it->status().ok()) return it->status();
  if (it->Valid())
    graph_->unique_cache().MarkIncomplete();
  else
    graph_->unique_cache().MarkComplete();
  return rocksdb::Status::OK();
}

WriteTxnImpl::CachedKind WriteTxnImpl::CachedKindOf(const rocksdb::Slice& key) const {
  if (key.size() <= 5 || keys::GetU32BE(key.data()) != g_) return CachedKind::kNone;
  switch (static_cast<keys::Tag>(key[4])) {
    case keys::Tag::kUnique: return CachedKind::kUnique;
    case keys::Tag::kNode: return key.size() == keys::kNodeKeySize ? CachedKind::kNodeRecord : CachedKind::kNone;
    default: return CachedKind::kNone;
  }
}

rocksdb::Iterator* WriteTxnImpl::RawIterator(const rocksdb::ReadOptions& ro) {
  DisablePerfCountersOnThisThread();
  return batch_.NewIterator(bulk_ ? bulk_->NewIterator(ro) : db_->NewIterator(ro), ro.iterate_upper_bound);
}

uint64_t WriteTxnImpl::NodeCountByLabel(LabelId label) {
  auto it = counters_.by_label.find(label);
  return it == counters_.by_label.end() ? 0 : it->second;
}

uint64_t WriteTxnImpl::RelCountByType(TypeId type) {
  auto it = counters_.by_type.find(type);
  return it == counters_.by_type.end() ? 0 : it->second;
}

bool WriteTxnImpl::NodeExists(NodeId id) {
  // Every id below the allocator was created once; deletions are recorded.
  if (id >= counters_.next_node) return false;
  if (known_nodes_.count(id)) return true;
  if (id >= committed_next_node_) return false;  // created here, then deleted
  if (bulk_ && bulk_->IsDeleted(id)) return false;
  return !deleted_here_.count(id) && !graph_->deleted_nodes().count(id);
}

// ---- tokens ----

uint32_t WriteTxnImpl::GetOrCreateToken(keys::TokenKind kind, std::string_view name) {
  int k = static_cast<int>(kind);
  if (auto id = graph_->FindToken(kind, name)) return *id;
  std::string key(name);
  auto it = new_token_ids_[k].find(key);
  if (it != new_token_ids_[k].end()) return it->second;
  uint32_t id = committed_tokens_[k] + static_cast<uint32_t>(new_tokens_[k].size());
  // Tokens are written even if the txn later fails a check; they are harmless
  // and only reach disk with a successful commit.
  batch_.Put(keys::TokenNameKey(g_, kind, id), key);
  batch_.Put(keys::TokenIdKey(g_, kind, name), keys::U64Value(id).substr(4));
  new_tokens_[k].push_back(key);
  new_token_ids_[k].emplace(std::move(key), id);
  return id;
}

LabelId WriteTxnImpl::GetOrCreateLabel(std::string_view name) { return GetOrCreateToken(keys::TokenKind::kLabel, name); }
TypeId WriteTxnImpl::GetOrCreateType(std::string_view name) { return GetOrCreateToken(keys::TokenKind::kType, name); }
PropKeyId WriteTxnImpl::GetOrCreatePropKey(std::string_view name) {
  return GetOrCreateToken(keys::TokenKind::kPropKey, name);
}

// ---- helpers ----

std::string WriteTxnImpl::TokenName(keys::TokenKind kind, uint32_t id) const {
  int k = static_cast<int>(kind);
  if (id >= committed_tokens_[k] && id - committed_tokens_[k] < new_tokens_[k].size())
    return new_tokens_[k][id - committed_tokens_[k]];
  switch (kind) {
    case keys::TokenKind::kLabel: return graph_->LabelName(id);
    case keys::TokenKind::kType: return graph_->TypeName(id);
    case keys::TokenKind::kPropKey: return graph_->PropKeyName(id);
  }
  return std::string();
}

Status WriteTxnImpl::CheckOpen() const {
  if (done_) return Status::Aborted("the transaction has already been committed or aborted");
  return Status::OK();
}

Status WriteTxnImpl::Violation(std::string msg) {
  poisoned_ = Status::ConstraintViolation(msg);
  return poisoned_;
}

void WriteTxnImpl::RebuildIndexMap() {
  indexes_by_label_.clear();
  for (const IndexInfo& i : indexes_) indexes_by_label_[i.label].push_back(i);
}

Status WriteTxnImpl::CheckUniqueOne(NodeId self, LabelId label, PropKeyId key, const Value& value) {
  std::string k = keys::IndexPrefix(g_, keys::Tag::kUnique, label, key);
  TG_RETURN_IF_ERROR(keys::EncodeOrdered(value, &k));
  rocksdb::PinnableSlice v;
  rocksdb::Status s = RawGet(k, &v);
  if (s.IsNotFound()) return Status::OK();
  if (!s.ok()) return FromRocks(s, "unique index check");
  NodeId holder = v.size() == 8 ? keys::GetU64BE(v.data()) : 0;
  if (holder == self) return Status::OK();
  return Violation("node " + std::to_string(holder) + " already has label " +
                   TokenName(keys::TokenKind::kLabel, label) + " and property " +
                   TokenName(keys::TokenKind::kPropKey, key) + " = " + value.DebugString() +
                   " (unique index)");
}

Status WriteTxnImpl::CheckUnique(NodeId self, const std::vector<LabelId>& labels, const Properties& props) {
  for (LabelId label : labels) {
    auto it = indexes_by_label_.find(label);
    if (it == indexes_by_label_.end()) continue;
    for (const IndexInfo& index : it->second) {
      if (index.kind != IndexInfo::Kind::kUnique) continue;
      if (const Value* v = FindProp(props, index.key)) TG_RETURN_IF_ERROR(CheckUniqueOne(self, label, index.key, *v));
    }
  }
  return Status::OK();
}

Status WriteTxnImpl::IndexEntry(NodeId id, const IndexInfo& index, const Value& value, bool put) {
  bool unique = index.kind == IndexInfo::Kind::kUnique;
  std::string k = keys::IndexPrefix(g_, unique ? keys::Tag::kUnique : keys::Tag::kPropIndex, index.label, index.key);
  TG_RETURN_IF_ERROR(keys::EncodeOrdered(value, &k));
  if (!unique) keys::PutU64BE(&k, id);
  if (put)
    batch_.Put(k, unique ? keys::U64Value(id) : std::string());
  else
    batch_.Delete(k);
  return Status::OK();
}

Status WriteTxnImpl::PutIndexEntries(NodeId id, const std::vector<LabelId>& labels, const Properties& props) {
  for (LabelId label : labels) {
    auto it = indexes_by_label_.find(label);
    if (it == indexes_by_label_.end()) continue;
    for (const IndexInfo& index : it->second)
      if (const Value* v = FindProp(props, index.key)) TG_RETURN_IF_ERROR(IndexEntry(id, index, *v, true));
  }
  return Status::OK();
}

void WriteTxnImpl::DeleteIndexEntries(NodeId id, const std::vector<LabelId>& labels, const Properties& props) {
  for (LabelId label : labels) {
    auto it = indexes_by_label_.find(label);
    if (it == indexes_by_label_.end()) continue;
    for (const IndexInfo& index : it->second)
      if (const Value* v = FindProp(props, index.key)) (void)IndexEntry(id, index, *v, false);  // stored => encodable
  }
}

Status WriteTxnImpl::ReadNode(NodeId id, NodeRecord* out) {
  TG_RETURN_IF_ERROR(GetNode(id, out));
  known_nodes_.insert(id);
  return Status::OK();
}

Status WriteTxnImpl::WriteNode(const NodeRecord& rec) {
  std::string v;
  TG_RETURN_IF_ERROR(keys::EncodeNodeRecord(rec.labels, rec.props, &v));
  batch_.Put(keys::NodeKey(g_, rec.id), v);
  return Status::OK();
}

void WriteTxnImpl::AddLabelCount(LabelId label, int64_t delta) {
  counters_.by_label[label] += static_cast<uint64_t>(delta);
  touched_labels_.insert(label);
}

void WriteTxnImpl::AddTypeCount(TypeId type, int64_t delta) {
  counters_.by_type[type] += static_cast<uint64_t>(delta);
  touched_types_.insert(type);
}

// ---- nodes ----

Result<NodeId> WriteTxnImpl::CreateNode(std::vector<LabelId> labels, Properties props) {
  TG_RETURN_IF_ERROR(CheckOpen());
  std::sort(labels.begin(), labels.end());
  labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  TG_RETURN_IF_ERROR(NormalizeProperties(&props, [&](PropKeyId k) { return TokenName(keys::TokenKind::kPropKey, k); }));
  NodeId id = counters_.next_node;
  TG_RETURN_IF_ERROR(CheckUnique(id, labels, props));
  std::string v;
  TG_RETURN_IF_ERROR(keys::EncodeNodeRecord(labels, props, &v));
  ++counters_.next_node;
  ++counters_.nodes;
  batch_.Put(keys::NodeKey(g_, id), v);
  for (LabelId l : labels) {
    batch_.Put(keys::LabelKey(g_, l, id), rocksdb::Slice());
    AddLabelCount(l, 1);
  }
  TG_RETURN_IF_ERROR(PutIndexEntries(id, labels, props));
  known_nodes_.insert(id);
  return id;
}

Status WriteTxnImpl::SetNodeProperty(NodeId id, PropKeyId key, const Value& value) {
  TG_RETURN_IF_ERROR(CheckOpen());
  if (!value.IsStorable())
    return Status::InvalidArgument(std::string("a ") + Value::TypeName(value.type()) + " value cannot be stored");
  NodeRecord rec;
  TG_RETURN_IF_ERROR(ReadNode(id, &rec));
  auto it = std::lower_bound(rec.props.begin(), rec.props.end(), key,
                             [](const auto& p, PropKeyId k) { return p.first < k; });
  bool present = it != rec.props.end() && it->first == key;
  if (!present && value.is_null()) return Status::OK();
  if (present && it->second.Identical(value)) return Status::OK();
  // Check every unique index first so a violation leaves the batch untouched.
  if (!value.is_null()) {
    for (LabelId label : rec.labels) {
      auto idx = indexes_by_label_.find(label);
      if (idx == indexes_by_label_.end()) continue;
      for (const IndexInfo& index : idx->second)
        if (index.key == key && index.kind == IndexInfo::Kind::kUnique)
          TG_RETURN_IF_ERROR(CheckUniqueOne(id, label, key, value));
    }
  }
  for (LabelId label : rec.labels) {
    auto idx = indexes_by_label_.find(label);
    if (idx == indexes_by_label_.end()) continue;
    for (const IndexInfo& index : idx->second) {
      if (index.key != key) continue;
      if (present) TG_RETURN_IF_ERROR(IndexEntry(id, index, it->second, false));
      if (!value.is_null()) TG_RETURN_IF_ERROR(IndexEntry(id, index, value, true));
    }
  }
  if (value.is_null())
    rec.props.erase(it);
  else if (present)
    it->second = value;
  else
    rec.props.insert(it, {key, value});
  return WriteNode(rec);
}

Status WriteTxnImpl::AddLabel(NodeId id, LabelId label) {
  TG_RETURN_IF_ERROR(CheckOpen());
  NodeRecord rec;
  TG_RETURN_IF_ERROR(ReadNode(id, &rec));
  auto it = std::lower_bound(rec.labels.begin(), rec.labels.end(), label);
  if (it != rec.labels.end() && *it == label) return Status::OK();
  std::vector<LabelId> one{label};
  TG_RETURN_IF_ERROR(CheckUnique(id, one, rec.props));
  rec.labels.insert(it, label);
  TG_RETURN_IF_ERROR(WriteNode(rec));
  batch_.Put(keys::LabelKey(g_, label, id), rocksdb::Slice());
  AddLabelCount(label, 1);
  return PutIndexEntries(id, one, rec.props);
}

Status WriteTxnImpl::RemoveLabel(NodeId id, LabelId label) {
  TG_RETURN_IF_ERROR(CheckOpen());
  NodeRecord rec;
  TG_RETURN_IF_ERROR(ReadNode(id, &rec));
  auto it = std::lower_bound(rec.labels.begin(), rec.labels.end(), label);
  if (it == rec.labels.end() || *it != label) return Status::OK();
  rec.labels.erase(it);
  TG_RETURN_IF_ERROR(WriteNode(rec));
  batch_.Delete(keys::LabelKey(g_, label, id));
  AddLabelCount(label, -1);
  DeleteIndexEntries(id, {label}, rec.props);
  return Status::OK();
}

Status WriteTxnImpl::DeleteNode(NodeId id, bool detach) {
  TG_RETURN_IF_ERROR(CheckOpen());
  NodeRecord rec;
  TG_RETURN_IF_ERROR(ReadNode(id, &rec));
  // Collect first: the batch must not change under a live iterator.
  std::vector<RelId> rels;
  for (Direction dir : {Direction::kOut, Direction::kIn}) {
    auto it = Adjacency(id, dir, std::nullopt);
    for (; it->Valid(); it->Next()) rels.push_back(it->entry().rel);
    TG_RETURN_IF_ERROR(it->status());
  }
  std::sort(rels.begin(), rels.end());
  rels.erase(std::unique(rels.begin(), rels.end()), rels.end());  // self-loops appear twice
  if (!rels.empty() && !detach)
    return Violation("cannot delete node " + std::to_string(id) + ": it still has " + std::to_string(rels.size()) +
                     " relationship(s); use DETACH DELETE");
  for (RelId r : rels) {
    RelRecord rel;
    TG_RETURN_IF_ERROR(GetRel(r, &rel));
    TG_RETURN_IF_ERROR(DeleteRelInternal(r, rel));
  }
  batch_.Delete(keys::NodeKey(g_, id));
  for (LabelId l : rec.labels) {
    batch_.Delete(keys::LabelKey(g_, l, id));
    AddLabelCount(l, -1);
  }
  DeleteIndexEntries(id, rec.labels, rec.props);
  --counters_.nodes;
  known_nodes_.erase(id);
  if (id < committed_next_node_) {
    deleted_here_.insert(id);
    batch_.Put(keys::DeletedNodeKey(g_, id), rocksdb::Slice());
  }
  return Status::OK();
}

// ---- relationships ----

Result<RelId> WriteTxnImpl::CreateRel(TypeId type, NodeId start, NodeId end, Properties props) {
  TG_RETURN_IF_ERROR(CheckOpen());
  TG_RETURN_IF_ERROR(NormalizeProperties(&props, [&](PropKeyId k) { return TokenName(keys::TokenKind::kPropKey, k); }));
  if (!NodeExists(start)) return Status::NotFound("start node " + std::to_string(start) + " does not exist");
  if (!NodeExists(end)) return Status::NotFound("end node " + std::to_string(end) + " does not exist");
  std::string v;
  TG_RETURN_IF_ERROR(keys::EncodeRelRecord(type, start, end, props, &v));
  RelId id = counters_.next_rel++;
  ++counters_.rels;
  batch_.Put(keys::RelKey(g_, id), v);
  batch_.Put(keys::AdjKey(g_, start, Direction::kOut, type, end, id), rocksdb::Slice());
  batch_.Put(keys::AdjKey(g_, end, Direction::kIn, type, start, id), rocksdb::Slice());
  AddTypeCount(type, 1);
  return id;
}

Status WriteTxnImpl::SetRelProperty(RelId id, PropKeyId key, const Value& value) {
  TG_RETURN_IF_ERROR(CheckOpen());
  if (!value.IsStorable())
    return Status::InvalidArgument(std::string("a ") + Value::TypeName(value.type()) + " value cannot be stored");
  RelRecord rec;
  TG_RETURN_IF_ERROR(GetRel(id, &rec));
  auto it = std::lower_bound(rec.props.begin(), rec.props.end(), key,
                             [](const auto& p, PropKeyId k) { return p.first < k; });
  bool present = it != rec.props.end() && it->first == key;
  if (value.is_null()) {
    if (!present) return Status::OK();
    rec.props.erase(it);
  } else if (present) {
    it->second = value;
  } else {
    rec.props.insert(it, {key, value});
  }
  std::string v;
  TG_RETURN_IF_ERROR(keys::EncodeRelRecord(rec.type, rec.start, rec.end, rec.props, &v));
  batch_.Put(keys::RelKey(g_, id), v);
  return Status::OK();
}

Status WriteTxnImpl::DeleteRelInternal(RelId id, const RelRecord& rec) {
  batch_.Delete(keys::RelKey(g_, id));
  batch_.Delete(keys::AdjKey(g_, rec.start, Direction::kOut, rec.type, rec.end, id));
  batch_.Delete(keys::AdjKey(g_, rec.end, Direction::kIn, rec.type, rec.start, id));
  --counters_.rels;
  AddTypeCount(rec.type, -1);
  return Status::OK();
}

Status WriteTxnImpl::DeleteRel(RelId id) {
  TG_RETURN_IF_ERROR(CheckOpen());
  RelRecord rec;
  TG_RETURN_IF_ERROR(GetRel(id, &rec));
  return DeleteRelInternal(id, rec);
}

// ---- merge ----

Result<NodeId> WriteTxnImpl::MergeNodeByKey(LabelId label, PropKeyId key, const Value& value, bool* created) {
  TG_RETURN_IF_ERROR(CheckOpen());
  if (value.is_null()) return Status::InvalidArgument("cannot merge on a null key value");
  std::string want;
  TG_RETURN_IF_ERROR(keys::EncodeOrdered(value, &want));
  const IndexInfo* index = FindCurrentIndex(label, key);
  if (index != nullptr && index->kind == IndexInfo::Kind::kUnique) {
    NodeId id = 0;
    Status s = LookupUnique(label, key, value, &id);
    if (s.ok()) {
      if (created) *created = false;
      known_nodes_.insert(id);
      return id;
    }
    if (!s.IsNotFound()) return s;
  } else if (index != nullptr) {
    auto it = IndexSeek(label, key, value);
    if (it->Valid()) {
      if (created) *created = false;
      return it->id();
    }
    TG_RETURN_IF_ERROR(it->status());
  } else {
    // No index: scan the label, comparing as the index would (1 == 1.0).
    auto it = ScanLabel(label);
    for (; it->Valid(); it->Next()) {
      Value v;
      TG_RETURN_IF_ERROR(GetNodeProperty(it->id(), key, &v));
      std::string have;
      if (!v.is_null() && keys::EncodeOrdered(v, &have).ok() && have == want) {
        if (created) *created = false;
        return it->id();
      }
    }
    TG_RETURN_IF_ERROR(it->status());
  }
  Result<NodeId> id = CreateNode({label}, {{key, value}});
  if (id.ok() && created) *created = true;
  return id;
}

// ---- side records ----

Status WriteTxnImpl::PutSide(std::string_view key, Properties props) {
  TG_RETURN_IF_ERROR(CheckOpen());
  if (key.empty()) return Status::InvalidArgument("a side record needs a non-empty key");
  TG_RETURN_IF_ERROR(NormalizeProperties(&props, [&](PropKeyId k) { return TokenName(keys::TokenKind::kPropKey, k); }));
  std::string v;
  TG_RETURN_IF_ERROR(keys::EncodeProperties(props, &v));
  batch_.Put(keys::SideKey(g_, key), v);
  return Status::OK();
}

Status WriteTxnImpl::DeleteSide(std::string_view key) {
  TG_RETURN_IF_ERROR(CheckOpen());
  if (key.empty()) return Status::InvalidArgument("a side record needs a non-empty key");
  batch_.Delete(keys::SideKey(g_, key));
  return Status::OK();
}

// ---- schema ----

Status WriteTxnImpl::BuildIndex(LabelId label, PropKeyId key, IndexInfo::Kind kind) {
  TG_RETURN_IF_ERROR(CheckOpen());
  // At most one index per (label, key): a unique index also answers
  // property-index seeks, so asking for a property index where a unique one
  // exists is a no-op, and asking for a unique one upgrades a property index
  // (in this same batch: if duplicates make the upgrade fail, nothing changes).
  for (const IndexInfo& i : indexes_) {
    if (i.label != label || i.key != key) continue;
    if (i.kind == kind || i.kind == IndexInfo::Kind::kUnique) return Status::OK();
    TG_RETURN_IF_ERROR(RemoveIndex(label, key));
    break;
  }
  IndexInfo info;
  info.kind = kind;
  info.label = label;
  info.key = key;
  indexes_.push_back(info);
  indexes_changed_ = true;
  RebuildIndexMap();
  batch_.Put(keys::IndexDefKey(g_, label, key), std::string(1, static_cast<char>(kind)));
  std::vector<NodeId> ids;
  {
    auto it = ScanLabel(label);
    for (; it->Valid(); it->Next()) ids.push_back(it->id());
    TG_RETURN_IF_ERROR(it->status());
  }
  for (NodeId id : ids) {
    Value v;
    TG_RETURN_IF_ERROR(GetNodeProperty(id, key, &v));
    if (v.is_null()) continue;
    if (kind == IndexInfo::Kind::kUnique) TG_RETURN_IF_ERROR(CheckUniqueOne(id, label, key, v));
    TG_RETURN_IF_ERROR(IndexEntry(id, info, v, true));
  }
  return Status::OK();
}

Status WriteTxnImpl::RemoveIndex(LabelId label, PropKeyId key) {
  TG_RETURN_IF_ERROR(CheckOpen());
  auto found = std::find_if(indexes_.begin(), indexes_.end(),
                            [&](const IndexInfo& i) { return i.label == label && i.key == key; });
  if (found == indexes_.end())
    return Status::NotFound("no index on (" + TokenName(keys::TokenKind::kLabel, label) + ", " +
                            TokenName(keys::TokenKind::kPropKey, key) + ")");
  bool unique = found->kind == IndexInfo::Kind::kUnique;
  indexes_.erase(found);
  indexes_changed_ = true;
  RebuildIndexMap();
  batch_.Delete(keys::IndexDefKey(g_, label, key));
  std::string prefix = keys::IndexPrefix(g_, unique ? keys::Tag::kUnique : keys::Tag::kPropIndex, label, key);
  std::vector<std::string> doomed;
  {
    BoundedScan scan(this, prefix, keys::PrefixSuccessor(prefix), false);
    for (; scan.Valid(); scan.Next()) doomed.push_back(scan.key().ToString());
    TG_RETURN_IF_ERROR(scan.status());
  }
  for (const std::string& k : doomed) batch_.Delete(k);
  return Status::OK();
}

// ---- commit ----

Status WriteTxnImpl::Commit() {
  TG_RETURN_IF_ERROR(CheckOpen());
  done_ = true;
  struct Release {
    GraphImpl* g;
    ~Release() { g->ReleaseWriter(); }
  } release{graph_.get()};
  if (!poisoned_.ok()) return poisoned_;
  // Counters are written as absolute values: replaying the WAL or reading
  // after a crash never double-counts.
  batch_.Put(keys::CounterKey(g_, keys::CounterKind::kNodes), keys::U64Value(counters_.nodes));
  batch_.Put(keys::CounterKey(g_, keys::CounterKind::kRels), keys::U64Value(counters_.rels));
  batch_.Put(keys::CounterKey(g_, keys::CounterKind::kNextNode), keys::U64Value(counters_.next_node));
  batch_.Put(keys::CounterKey(g_, keys::CounterKind::kNextRel), keys::U64Value(counters_.next_rel));
  for (LabelId l : touched_labels_) {
    uint64_t n = counters_.by_label[l];
    std::string k = keys::CounterKey(g_, keys::CounterKind::kLabel, l);
    if (n == 0) {
      batch_.Delete(k);
      counters_.by_label.erase(l);
    } else {
      batch_.Put(k, keys::U64Value(n));
    }
  }
  for (TypeId t : touched_types_) {
    uint64_t n = counters_.by_type[t];
    std::string k = keys::CounterKey(g_, keys::CounterKind::kType, t);
    if (n == 0) {
      batch_.Delete(k);
      counters_.by_type.erase(t);
    } else {
      batch_.Put(k, keys::U64Value(n));
    }
  }
  GraphImpl::Publish publish;
  publish.counters = std::make_shared<const Counters>(std::move(counters_));
  for (int k = 0; k < 3; ++k) publish.new_tokens[k] = std::move(new_tokens_[k]);
  publish.indexes_changed = indexes_changed_;
  if (indexes_changed_) publish.indexes = indexes_;
  if (bulk_) {
    bulk_->Apply(g_, batch_, std::move(publish), deleted_here_);
    return Status::OK();
  }
  // The overlay is emitted in key order, one entry per key: the memtable
  // inserts then walk its skiplist forward (splice reuse) instead of
  // searching from the top for every key.
  rocksdb::WriteBatch sorted(batch_.ApproximateBytes() + 64);
  batch_.AppendTo(&sorted);
  std::string prefix = keys::GraphPrefix(g_);
  prefix.push_back(static_cast<char>(keys::Tag::kUnique));
  UniqueKeyCache& unique_cache = graph_->unique_cache();
  Status written = graph_->CommitBatch(&sorted, std::move(publish));
  if (!written.ok()) {
    // RocksDB may have applied or logged the batch before failing: the
    // cache keeps only entries it knows, but a miss is no answer any more.
    unique_cache.MarkIncomplete();
    return written;
  }
  graph_->deleted_nodes().insert(deleted_here_.begin(), deleted_here_.end());
  // The write succeeded: the writer's caches of committed state follow it.
  // Each key's slots are prefetched kPrefetchAhead entries before it is
  // applied: the tables are large, and each probe was a cache miss.
  constexpr size_t kPrefetchAhead = 8;
  struct Change {
    HashedKey key;
    const WriteOverlay::Entry* entry;
  };
  std::vector<Change> changes;
  // Calls apply(key, entry) for every overlay entry under `p`, in key
  // order, prefetching `cache`'s slots kPrefetchAhead entries ahead.
  auto follow = [&](std::string_view p, const auto& cache, const auto& apply) {
    changes.clear();
    batch_.ForEachWithPrefix(p, [&](std::string_view k, const WriteOverlay::Entry& e) {
      changes.push_back(Change{HashedKey(k), &e});
    });
    for (size_t i = 0; i < changes.size(); ++i) {
      if (i + kPrefetchAhead < changes.size()) cache.Prefetch(changes[i + kPrefetchAhead].key);
      apply(changes[i].key, *changes[i].entry);
    }
  };
  follow(prefix, unique_cache, [&](const HashedKey& k, const WriteOverlay::Entry& e) {
    if (!e.deleted && e.value.size() == 8)
      unique_cache.Put(k, keys::GetU64BE(e.value.data()));
    else
      unique_cache.Erase(k);
  });
  const bool wrote_unique = !changes.empty();
  // Completeness is established before the first unique write (a unique put
  // is always preceded by its uniqueness check, which establishes it); if
  // not, the DB now holds entries the check would have to see.
  if (wrote_unique && unique_cache.completeness() == UniqueKeyCache::Completeness::kUnknown)
    unique_cache.MarkIncomplete();
  prefix.back() = static_cast<char>(keys::Tag::kNode);
  RecordCache& record_cache = graph_->record_cache();
  follow(prefix, record_cache, [&](const HashedKey& k, const WriteOverlay::Entry& e) {
    if (e.deleted)
      record_cache.Erase(k);
    else
      record_cache.Put(k, e.value);
  });
  return Status::OK();
}

}  // namespace trendgraph::storage::internal
