// Internal: GraphReader over two primitives (point get, bounded iterator),
// shared by Snapshot (RocksDB snapshot) and WriteTxn (batch over the DB).
#pragma once

#include <rocksdb/db.h>

#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "storage/db_impl.h"
#include "storage/key_codec.h"

namespace trendgraph::storage::internal {

// The raw iterator of a reader plus the bound it scans to. The bound strings
// live here because RocksDB keeps a pointer to the upper bound.
class BoundedScan {
 public:
  // prefix_mode: the scan stays within one prefix of the DB's prefix
  // extractor (adjacency of one node), so prefix bloom filters apply.
  template <class Reader>
  BoundedScan(Reader* reader, std::string start, std::string upper, bool prefix_mode)
      : upper_(std::move(upper)), upper_slice_(upper_), ro_(reader->BaseReadOptions()) {
    ro_.iterate_upper_bound = &upper_slice_;
    ro_.total_order_seek = !prefix_mode;
    ro_.prefix_same_as_start = prefix_mode;
    it_.reset(reader->RawIterator(ro_));
    it_->Seek(start);
  }
  bool Valid() const { return it_->Valid() && it_->key().compare(upper_slice_) < 0; }
  void Next() { it_->Next(); }
  rocksdb::Slice key() const { return it_->key(); }
  rocksdb::Slice value() const { return it_->value(); }
  Status status() const { return FromRocks(it_->status(), "scan"); }

 private:
  std::string upper_;
  rocksdb::Slice upper_slice_;
  rocksdb::ReadOptions ro_;  // RocksDB keeps pointers into it
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Node or relationship ids from index keys: the id is the trailing 8 bytes of
// the key, or the 8-byte value (unique index).
template <class Base>
class IdScanIterator final : public Base {
 public:
  template <class Reader>
  IdScanIterator(Reader* reader, std::string start, std::string upper, bool id_in_value)
      : scan_(reader, std::move(start), std::move(upper), false), id_in_value_(id_in_value) {
    Settle();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    scan_.Next();
    Settle();
  }
  uint64_t id() const override { return id_; }
  Status status() const override { return scan_.status(); }

 private:
  void Settle() {
    valid_ = scan_.Valid();
    if (!valid_) return;
    rocksdb::Slice s = id_in_value_ ? scan_.value() : scan_.key();
    if (s.size() < 8) {
      valid_ = false;  // malformed; status() stays OK but the scan ends
      return;
    }
    id_ = id_in_value_ ? keys::GetU64BE(s.data()) : keys::TrailingId(std::string_view(s.data(), s.size()));
  }
  BoundedScan scan_;
  bool id_in_value_;
  bool valid_ = false;
  uint64_t id_ = 0;
};

// The relationships of one type: the rel records in id order, filtered by
// the type at the front of each record (format 2 keeps no type index).
class RelTypeScanIterator final : public RelIterator {
 public:
  template <class Reader>
  RelTypeScanIterator(Reader* reader, std::string prefix, TypeId type)
      : scan_(reader, prefix, keys::PrefixSuccessor(prefix), false), type_(type) {
    Settle();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    scan_.Next();
    Settle();
  }
  uint64_t id() const override { return id_; }
  Status status() const override { return scan_.status(); }

 private:
  void Settle() {
    for (; scan_.Valid(); scan_.Next()) {
      std::string_view v(scan_.value().data(), scan_.value().size());
      uint64_t type = 0;
      if (scan_.key().size() < 8 || !keys::GetVarint(&v, &type)) break;  // malformed: the scan ends
      if (type != type_) continue;
      id_ = keys::TrailingId(std::string_view(scan_.key().data(), scan_.key().size()));
      valid_ = true;
      return;
    }
    valid_ = false;
  }
  BoundedScan scan_;
  TypeId type_;
  bool valid_ = false;
  uint64_t id_ = 0;
};

// An iterator that is empty with a fixed status (bad arguments).
template <class Base>
class StatusIterator final : public Base {
 public:
  explicit StatusIterator(Status s) : s_(std::move(s)) {}
  bool Valid() const override { return false; }
  void Next() override {}
  uint64_t id() const override { return 0; }
  Status status() const override { return s_; }

 private:
  Status s_;
};

class AdjacencyScanIterator final : public AdjacencyIterator {
 public:
  template <class Reader>
  AdjacencyScanIterator(Reader* reader, std::string prefix)
      : scan_(reader, prefix, keys::PrefixSuccessor(prefix), true) {
    Settle();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    scan_.Next();
    Settle();
  }
  const AdjEntry& entry() const override { return entry_; }
  Status status() const override { return scan_.status(); }

 private:
  void Settle() {
    valid_ = scan_.Valid() && keys::ParseAdjKey(std::string_view(scan_.key().data(), scan_.key().size()), &entry_);
  }
  BoundedScan scan_;
  bool valid_ = false;
  AdjEntry entry_;
};

// Side records under one prefix of the caller's keys, decoded as they come.
class SideScanIterator final : public SideIterator {
 public:
  template <class Reader>
  SideScanIterator(Reader* reader, std::string prefix, bool prefix_mode)
      : scan_(reader, prefix, keys::PrefixSuccessor(prefix), prefix_mode) {
    Settle();
  }
  bool Valid() const override { return valid_; }
  void Next() override {
    scan_.Next();
    Settle();
  }
  std::string_view key() const override {
    rocksdb::Slice k = scan_.key();
    return std::string_view(k.data() + keys::kSideKeyPrefixSize, k.size() - keys::kSideKeyPrefixSize);
  }
  const Properties& props() const override { return props_; }
  Status status() const override { return status_.ok() ? scan_.status() : status_; }

 private:
  void Settle() {
    valid_ = false;
    props_.clear();
    if (!scan_.Valid()) return;
    rocksdb::Slice v = scan_.value();
    if (!keys::DecodeProperties(std::string_view(v.data(), v.size()), &props_)) {
      status_ = Status::Corruption("side record is malformed");
      return;
    }
    valid_ = true;
  }
  BoundedScan scan_;
  Properties props_;
  Status status_;
  bool valid_ = false;
};

// Prefix-mode RocksDB iterators a Snapshot reuses across adjacency scans:
// creating an iterator costs more than scanning a typical node's adjacency,
// and an expansion scans one per input row. Iterators are created with the
// pool's ReadOptions (prefix_same_as_start, no upper bound) and re-Seek'd;
// the scan bound is checked by key prefix. Several may be checked out at once
// (nested expansions). Not thread-safe: one reader, one thread. The pool must
// outlive every iterator checked out of it (iterators never outlive their
// snapshot).
class AdjIteratorPool {
 public:
  explicit AdjIteratorPool(rocksdb::ReadOptions ro) : ro_(std::move(ro)) {
    ro_.iterate_upper_bound = nullptr;
    ro_.total_order_seek = false;
    ro_.prefix_same_as_start = true;
  }
  const rocksdb::ReadOptions& read_options() const { return ro_; }
  // An idle iterator, or null when the caller must create one with read_options().
  std::unique_ptr<rocksdb::Iterator> Take() {
    if (idle_.empty()) return nullptr;
    std::unique_ptr<rocksdb::Iterator> it = std::move(idle_.back());
    idle_.pop_back();
    return it;
  }
  void Return(std::unique_ptr<rocksdb::Iterator> it) {
    if (it != nullptr && it->status().ok() && idle_.size() < kMaxIdle) idle_.push_back(std::move(it));
  }
  void Clear() { idle_.clear(); }

 private:
  static constexpr size_t kMaxIdle = 8;
  rocksdb::ReadOptions ro_;  // RocksDB keeps pointers into it
  std::vector<std::unique_ptr<rocksdb::Iterator>> idle_;
};

// Adjacency of one node over a pooled iterator; gives it back when destroyed.
class PooledAdjacencyIterator final : public AdjacencyIterator {
 public:
  PooledAdjacencyIterator(AdjIteratorPool* pool, std::unique_ptr<rocksdb::Iterator> it, std::string prefix)
      : pool_(pool), it_(std::move(it)), prefix_(std::move(prefix)) {
    it_->Seek(prefix_);
    Settle();
  }
  ~PooledAdjacencyIterator() override { pool_->Return(std::move(it_)); }
  bool Valid() const override { return valid_; }
  void Next() override {
    it_->Next();
    Settle();
  }
  const AdjEntry& entry() const override { return entry_; }
  Status status() const override { return FromRocks(it_->status(), "scan"); }

 private:
  void Settle() {
    valid_ = it_->Valid() && it_->key().starts_with(prefix_) &&
             keys::ParseAdjKey(std::string_view(it_->key().data(), it_->key().size()), &entry_);
  }
  AdjIteratorPool* pool_;
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string prefix_;
  bool valid_ = false;
  AdjEntry entry_;
};

// Implements every GraphReader operation over the primitives of `Derived`:
//   rocksdb::Status RawGet(const rocksdb::Slice& key, rocksdb::PinnableSlice*);
//   rocksdb::ReadOptions BaseReadOptions();
//   rocksdb::Iterator* RawIterator(const rocksdb::ReadOptions& ro);  // ro outlives it
//   const std::vector<IndexInfo>& CurrentIndexes();
template <class Interface, class Derived>
class ReaderImpl : public Interface {
 public:
  explicit ReaderImpl(std::shared_ptr<GraphImpl> graph) : graph_(std::move(graph)), g_(graph_->id()) {}

  Graph& graph() override { return *graph_; }

  Status GetNode(NodeId id, NodeRecord* out) override {
    rocksdb::PinnableSlice v;
    rocksdb::Status s = self()->RawGet(keys::NodeKey(g_, id), &v);
    if (s.IsNotFound()) return Status::NotFound("node " + std::to_string(id) + " does not exist");
    if (!s.ok()) return FromRocks(s, "read node");
    out->id = id;
    if (!keys::DecodeNodeRecord(std::string_view(v.data(), v.size()), out))
      return Status::Corruption("node record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }

  Status GetRel(RelId id, RelRecord* out) override {
    rocksdb::PinnableSlice v;
    rocksdb::Status s = self()->RawGet(keys::RelKey(g_, id), &v);
    if (s.IsNotFound()) return Status::NotFound("relationship " + std::to_string(id) + " does not exist");
    if (!s.ok()) return FromRocks(s, "read relationship");
    out->id = id;
    if (!keys::DecodeRelRecord(std::string_view(v.data(), v.size()), out))
      return Status::Corruption("relationship record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }

  bool NodeExists(NodeId id) override {
    rocksdb::PinnableSlice v;
    return self()->RawGet(keys::NodeKey(g_, id), &v).ok();
  }

  Status GetNodeProperty(NodeId id, PropKeyId key, Value* out) override {
    rocksdb::PinnableSlice v;
    rocksdb::Status s = self()->RawGet(keys::NodeKey(g_, id), &v);
    if (s.IsNotFound()) return Status::NotFound("node " + std::to_string(id) + " does not exist");
    if (!s.ok()) return FromRocks(s, "read node");
    std::vector<LabelId> labels;
    std::string_view props;
    if (!keys::DecodeNodeLabels(std::string_view(v.data(), v.size()), &labels, &props) ||
        !keys::FindProperty(props, key, out))
      return Status::Corruption("node record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }

  Status GetRelProperty(RelId id, PropKeyId key, Value* out) override {
    rocksdb::PinnableSlice v;
    rocksdb::Status s = self()->RawGet(keys::RelKey(g_, id), &v);
    if (s.IsNotFound()) return Status::NotFound("relationship " + std::to_string(id) + " does not exist");
    if (!s.ok()) return FromRocks(s, "read relationship");
    TypeId type;
    NodeId start, end;
    std::string_view props;
    if (!keys::DecodeRelHeader(std::string_view(v.data(), v.size()), &type, &start, &end, &props) ||
        !keys::FindProperty(props, key, out))
      return Status::Corruption("relationship record " + std::to_string(id) + " is malformed");
    return Status::OK();
  }

  std::unique_ptr<NodeIterator> ScanNodes() override { return PrefixIds<NodeIterator>(keys::NodePrefix(g_)); }
  std::unique_ptr<NodeIterator> ScanLabel(LabelId label) override {
    return PrefixIds<NodeIterator>(keys::LabelPrefix(g_, label));
  }
  std::unique_ptr<RelIterator> ScanRels() override { return PrefixIds<RelIterator>(keys::RelPrefix(g_)); }
  std::unique_ptr<RelIterator> ScanRelType(TypeId type) override {
    return std::make_unique<RelTypeScanIterator>(self(), keys::RelPrefix(g_), type);
  }

  std::unique_ptr<AdjacencyIterator> Adjacency(NodeId node, Direction dir, std::optional<TypeId> type) override {
    std::string prefix = type ? keys::AdjTypePrefix(g_, node, dir, *type) : keys::AdjPrefix(g_, node, dir);
    return std::make_unique<AdjacencyScanIterator>(self(), std::move(prefix));
  }

  uint64_t Degree(NodeId node, Direction dir, std::optional<TypeId> type) override {
    std::string prefix = type ? keys::AdjTypePrefix(g_, node, dir, *type) : keys::AdjPrefix(g_, node, dir);
    std::string upper = keys::PrefixSuccessor(prefix);
    BoundedScan scan(self(), std::move(prefix), std::move(upper), true);
    uint64_t n = 0;
    for (; scan.Valid(); scan.Next()) ++n;
    return n;
  }

  Status LookupUnique(LabelId label, PropKeyId key, const Value& value, NodeId* out) override {
    const IndexInfo* index = FindCurrentIndex(label, key);
    if (index == nullptr || index->kind != IndexInfo::Kind::kUnique)
      return Status::InvalidArgument("no unique index on (" + graph_->LabelName(label) + ", " +
                                     graph_->PropKeyName(key) + ")");
    if (value.is_null()) return Status::NotFound("null is never indexed");
    std::string k = keys::IndexPrefix(g_, keys::Tag::kUnique, label, key);
    TG_RETURN_IF_ERROR(keys::EncodeOrdered(value, &k));
    rocksdb::PinnableSlice v;
    rocksdb::Status s = self()->RawGet(k, &v);
    if (s.IsNotFound()) return Status::NotFound("no node with that key");
    if (!s.ok()) return FromRocks(s, "unique index lookup");
    if (v.size() != 8) return Status::Corruption("unique index entry is malformed");
    *out = keys::GetU64BE(v.data());
    return Status::OK();
  }

  std::unique_ptr<NodeIterator> IndexSeek(LabelId label, PropKeyId key, const Value& value) override {
    const IndexInfo* index = FindCurrentIndex(label, key);
    if (index == nullptr) return NoIndex(label, key);
    bool unique = index->kind == IndexInfo::Kind::kUnique;
    std::string prefix = keys::IndexPrefix(g_, unique ? keys::Tag::kUnique : keys::Tag::kPropIndex, label, key);
    if (value.is_null() || (value.is_double() && std::isnan(value.as_double())))
      return std::make_unique<StatusIterator<NodeIterator>>(Status::OK());  // nothing equals null/NaN
    Status s = keys::EncodeOrdered(value, &prefix);
    if (!s.ok()) return std::make_unique<StatusIterator<NodeIterator>>(std::move(s));
    std::string upper = unique ? prefix + '\0' : keys::PrefixSuccessor(prefix);
    return std::make_unique<IdScanIterator<NodeIterator>>(self(), std::move(prefix), std::move(upper), unique);
  }

  std::unique_ptr<NodeIterator> IndexRange(LabelId label, PropKeyId key, const Value& lower, bool lower_inclusive,
                                           const Value& upper, bool upper_inclusive) override {
    const IndexInfo* index = FindCurrentIndex(label, key);
    if (index == nullptr) return NoIndex(label, key);
    bool unique = index->kind == IndexInfo::Kind::kUnique;
    const std::string prefix =
        keys::IndexPrefix(g_, unique ? keys::Tag::kUnique : keys::Tag::kPropIndex, label, key);
    auto empty = [] { return std::make_unique<StatusIterator<NodeIterator>>(Status::OK()); };
    std::string start = prefix, end = keys::PrefixSuccessor(prefix);
    // Comparisons only hold within one kind (numbers, strings ...): a bound
    // restricts the scan to its kind, and NaN compares with nothing.
    keys::OrderedClass lc{}, uc{};
    bool has_lower = !lower.is_null(), has_upper = !upper.is_null();
    if (has_lower && !keys::OrderedClassOf(lower, &lc)) return empty();
    if (has_upper && !keys::OrderedClassOf(upper, &uc)) return empty();
    if ((has_lower && lc == keys::OrderedClass::kNaN) || (has_upper && uc == keys::OrderedClass::kNaN)) return empty();
    if (has_lower && has_upper && lc != uc) return empty();
    if (has_lower || has_upper) {
      keys::OrderedClass cls = has_lower ? lc : uc;
      start = prefix + static_cast<char>(cls);
      end = keys::PrefixSuccessor(start);
    }
    if (has_lower) {
      std::string b = prefix;
      if (!keys::EncodeOrdered(lower, &b).ok()) return empty();
      start = lower_inclusive ? b : keys::PrefixSuccessor(b);
    }
    if (has_upper) {
      std::string b = prefix;
      if (!keys::EncodeOrdered(upper, &b).ok()) return empty();
      end = upper_inclusive ? keys::PrefixSuccessor(b) : b;
    }
    if (start >= end) return empty();
    return std::make_unique<IdScanIterator<NodeIterator>>(self(), std::move(start), std::move(end), unique);
  }

  std::unique_ptr<SideIterator> ScanSide(std::string_view prefix) override {
    // 8 caller bytes complete the prefix extractor's 13 (graph, tag, 8).
    bool prefix_mode = keys::kSideKeyPrefixSize + prefix.size() >= keys::kAdjNodePrefixSize;
    return std::make_unique<SideScanIterator>(self(), keys::SideKey(g_, prefix), prefix_mode);
  }

 protected:
  const IndexInfo* FindCurrentIndex(LabelId label, PropKeyId key) {
    const IndexInfo* found = nullptr;
    for (const IndexInfo& i : self()->CurrentIndexes()) {
      if (i.label != label || i.key != key) continue;
      if (i.kind == IndexInfo::Kind::kUnique) return &i;
      found = &i;
    }
    return found;
  }

  std::shared_ptr<GraphImpl> graph_;
  const uint32_t g_;

 private:
  Derived* self() { return static_cast<Derived*>(this); }

  template <class It>
  std::unique_ptr<It> PrefixIds(std::string prefix) {
    std::string upper = keys::PrefixSuccessor(prefix);
    return std::make_unique<IdScanIterator<It>>(self(), std::move(prefix), std::move(upper), false);
  }

  std::unique_ptr<NodeIterator> NoIndex(LabelId label, PropKeyId key) {
    return std::make_unique<StatusIterator<NodeIterator>>(Status::InvalidArgument(
        "no index on (" + graph_->LabelName(label) + ", " + graph_->PropKeyName(key) + ")"));
  }
};

}  // namespace trendgraph::storage::internal
