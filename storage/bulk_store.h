// Internal: the memory of a bulk load (bulk_load.h). It holds the committed
// state of one graph as the keys and values the database would hold, laid
// out per key family so that a transaction's reads stay cheap and Finish can
// emit every key in order without sorting most of them:
//
//   'N' node records and 'R' relationship records: vectors indexed by id;
//   'A' adjacency: per node, the out and in entries kept in key order;
//   'L' label index: per label, node ids in order;
//   'U' unique index: a hash map (sorted once, when written);
//   'P' property index: an ordered set of keys;
//   every other key (tokens, counters, index definitions, deleted ids, 'S'
//   side records): an ordered map, deletes kept as tombstones.
//
// WriteTxnImpl reads committed state through Get and NewIterator and
// commits by Apply: the same transaction code as for the database, so a
// bulk-loaded graph holds exactly the keys an ordinary ingest would write.
//
// Not thread-safe; used under the graph's writer slot.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/sst_file_writer.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/db_impl.h"
#include "storage/key_table.h"
#include "storage/write_overlay.h"

namespace trendgraph::storage::internal {

class TableSink;

class BulkStore {
 public:
  // `graph`'s state now: its counters, indexes and id allocators.
  explicit BulkStore(std::shared_ptr<GraphImpl> graph);

  const Counters& counters() const { return counters_; }
  const std::vector<IndexInfo>& indexes() const { return indexes_; }
  NodeId first_node() const { return node_base_; }
  bool IsDeleted(NodeId id) const { return deleted_.count(id) != 0; }
  const std::unordered_set<NodeId>& deleted() const { return deleted_; }

  // Committed state, as the database would answer.
  rocksdb::Status Get(std::string_view key, rocksdb::PinnableSlice* value) const;
  // Forward iterator (Seek, Next) bounded by ro.iterate_upper_bound.
  rocksdb::Iterator* NewIterator(const rocksdb::ReadOptions& ro) const;

  // A transaction's commit: its writes to graph `g`, its counters, tokens
  // (published to the graph at once, so later lookups by name find them) and
  // indexes, and the committed nodes it deleted.
  void Apply(uint32_t g, const WriteOverlay& batch, GraphImpl::Publish publish,
             const std::unordered_set<NodeId>& deleted);

  // Every key, as sorted table files of at most `max_file_bytes` each, a
  // new file at every key family (so each file covers one family's range
  // and files never overlap). Two threads. Names the files in *files.
  Status WriteTables(const rocksdb::Options& options, const std::string& dir, uint64_t max_file_bytes,
                     std::vector<std::string>* files, uint64_t* keys, uint64_t* bytes) const;

  // The token keys (K, k) of the load, for a load that is abandoned: the
  // graph already knows these tokens by name, so the database must too.
  void TokenKeys(std::vector<std::pair<std::string, std::string>>* out) const;

  uint64_t MemoryBytes() const {
    return memory_bytes_ + records_.bytes() + unique_.bytes() +
           (nodes_.capacity() + rels_.capacity()) * sizeof(ByteArena::Ref) + adj_.capacity() * sizeof(AdjLists);
  }

 private:
  struct Adj {
    NodeId other;
    RelId rel;
    TypeId type;
    bool operator<(const Adj& o) const {
      if (type != o.type) return type < o.type;
      if (other != o.other) return other < o.other;
      return rel < o.rel;
    }
    bool operator==(const Adj& o) const { return type == o.type && other == o.other && rel == o.rel; }
  };
  struct AdjLists {
    std::vector<Adj> dir[2];  // by Direction
  };
  using Entries = std::vector<std::pair<std::string, std::string>>;

  // Appends the entries of [from, to) (to empty: unbounded) in key order.
  void Collect(std::string_view from, std::string_view to, Entries* out) const;
  void PutKey(std::string_view key, std::string_view value);
  // Writes the keys of one family (tag) in order.
  Status WriteFamily(char tag, TableSink* sink) const;
  void DeleteKey(std::string_view key);
  ByteArena::Ref* NodeSlot(NodeId id);
  ByteArena::Ref* RelSlot(RelId id);

  std::shared_ptr<GraphImpl> graph_;
  const uint32_t g_;
  const NodeId node_base_;
  const RelId rel_base_;
  Counters counters_;
  std::vector<IndexInfo> indexes_;
  std::unordered_set<NodeId> deleted_;

  ByteArena records_;
  std::vector<ByteArena::Ref> nodes_;  // id - node_base_, in records_
  std::vector<ByteArena::Ref> rels_;   // id - rel_base_, in records_
  std::vector<AdjLists> adj_;       // node - node_base_
  std::vector<std::vector<NodeId>> labels_;  // by label id, ascending
  KeyTable unique_;
  std::set<std::string, std::less<>> prop_index_;
  std::map<std::string, std::optional<std::string>, std::less<>> other_;  // nullopt = deleted
  uint64_t memory_bytes_ = 0;
};

}  // namespace trendgraph::storage::internal
