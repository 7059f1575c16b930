// Internal: the WriteTxn implementation (a WriteOverlay over the live DB,
// valid because the graph admits one writer at a time).
#pragma once

#include <unordered_map>
#include <unordered_set>

#include "storage/reader_impl.h"
#include "storage/write_overlay.h"

namespace trendgraph::storage::internal {

class BulkStore;

// Used by one thread at a time. Holds the graph's writer slot from
// construction until Commit() or destruction.
class WriteTxnImpl final : public ReaderImpl<WriteTxn, WriteTxnImpl> {
 public:
  // With `bulk`, the transaction reads the committed state from a bulk
  // load's memory and commits into it (see bulk_load.h); the graph's writer
  // slot is held all the same.
  explicit WriteTxnImpl(std::shared_ptr<GraphImpl> graph, BulkStore* bulk = nullptr);
  ~WriteTxnImpl() override;

  // ---- reader primitives (ReaderImpl) ----
  rocksdb::Status RawGet(const rocksdb::Slice& key, rocksdb::PinnableSlice* v);
  // Keys of this graph whose committed state the writer caches (unique
  // index entries in unique_cache(), node records in record_cache()).
  enum class CachedKind { kNone, kUnique, kNodeRecord };
  CachedKind CachedKindOf(const rocksdb::Slice& key) const;
  // Marks the unique-key cache complete when the DB holds no unique entry of
  // this graph, else incomplete (see unique_key_cache.h).
  rocksdb::Status CheckUniqueCacheComplete();
  rocksdb::ReadOptions BaseReadOptions() const { return rocksdb::ReadOptions(); }
  rocksdb::Iterator* RawIterator(const rocksdb::ReadOptions& ro);
  const std::vector<IndexInfo>& CurrentIndexes() const { return indexes_; }

  uint64_t NodeCount() override { return counters_.nodes; }
  uint64_t NodeCountByLabel(LabelId label) override;
  uint64_t RelCount() override { return counters_.rels; }
  uint64_t RelCountByType(TypeId type) override;
  bool NodeExists(NodeId id) override;

  LabelId GetOrCreateLabel(std::string_view name) override;
  TypeId GetOrCreateType(std::string_view name) override;
  PropKeyId GetOrCreatePropKey(std::string_view name) override;

  Result<NodeId> CreateNode(std::vector<LabelId> labels, Properties props) override;
  Status SetNodeProperty(NodeId id, PropKeyId key, const Value& value) override;
  Status AddLabel(NodeId id, LabelId label) override;
  Status RemoveLabel(NodeId id, LabelId label) override;
  Status DeleteNode(NodeId id, bool detach) override;
  Result<RelId> CreateRel(TypeId type, NodeId start, NodeId end, Properties props) override;
  Status SetRelProperty(RelId id, PropKeyId key, const Value& value) override;
  Status DeleteRel(RelId id) override;
  Result<NodeId> MergeNodeByKey(LabelId label, PropKeyId key, const Value& value, bool* created) override;
  Status PutSide(std::string_view key, Properties props) override;
  Status DeleteSide(std::string_view key) override;
  Status Commit() override;

  // ---- schema changes (Graph::Create*Index, DropIndex) ----
  // Adds the index and builds its entries from the data.
  Status BuildIndex(LabelId label, PropKeyId key, IndexInfo::Kind kind);
  Status RemoveIndex(LabelId label, PropKeyId key);

 private:
  uint32_t GetOrCreateToken(keys::TokenKind kind, std::string_view name);
  // Token names including the ones this txn created.
  std::string TokenName(keys::TokenKind kind, uint32_t id) const;
  Status CheckOpen() const;
  // Fails (and poisons the txn) with ConstraintViolation.
  Status Violation(std::string msg);
  // Node id `self` may own these index entries: fails if another node holds
  // a unique key among `props` for any of `labels`.
  Status CheckUnique(NodeId self, const std::vector<LabelId>& labels, const Properties& props);
  Status CheckUniqueOne(NodeId self, LabelId label, PropKeyId key, const Value& value);
  // Index entries of (labels x props), put or deleted.
  Status PutIndexEntries(NodeId id, const std::vector<LabelId>& labels, const Properties& props);
  void DeleteIndexEntries(NodeId id, const std::vector<LabelId>& labels, const Properties& props);
  Status IndexEntry(NodeId id, const IndexInfo& index, const Value& value, bool put);
  Status ReadNode(NodeId id, NodeRecord* out);
  Status WriteNode(const NodeRecord& rec);
  void AddLabelCount(LabelId label, int64_t delta);
  void AddTypeCount(TypeId type, int64_t delta);
  Status DeleteRelInternal(RelId id, const RelRecord& rec);

  rocksdb::DB* const db_;
  BulkStore* const bulk_;
  WriteOverlay batch_;
  bool done_ = false;
  Status poisoned_;

  // Working copy of the counters (absolute values) and which changed.
  Counters counters_;
  std::unordered_set<LabelId> touched_labels_;
  std::unordered_set<TypeId> touched_types_;
  // The last unique-index key the DB did not have, and the overlay size
  // then: while the overlay is unchanged, asking again answers NotFound.
  std::string unique_miss_key_;
  size_t unique_miss_epoch_ = SIZE_MAX;
  // Nodes known to exist in this txn's view (saves reads in CreateRel).
  std::unordered_set<NodeId> known_nodes_;
  // Committed nodes this txn deleted, and the committed id allocator: with
  // GraphImpl::deleted_nodes() they answer NodeExists without a read.
  std::unordered_set<NodeId> deleted_here_;
  NodeId committed_next_node_ = 0;

  // Tokens created by this txn (ids follow the committed ones).
  uint32_t committed_tokens_[3] = {0, 0, 0};
  std::vector<std::string> new_tokens_[3];
  std::unordered_map<std::string, uint32_t> new_token_ids_[3];

  std::vector<IndexInfo> indexes_;
  bool indexes_changed_ = false;
  // label -> indexes on it, for the write paths.
  std::unordered_map<LabelId, std::vector<IndexInfo>> indexes_by_label_;
  void RebuildIndexMap();
};

}  // namespace trendgraph::storage::internal
