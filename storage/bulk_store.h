// Internal: the memory of a bulk load (bulk_load.h). It holds the committed
// state of one graph as the keys and values the database would hold, laid
// out per key family so that a transaction's reads stay cheap and Finish can
// emit every key in order without sorting most of them:
//
//   'N' node records and 'R' relationship records: vectors indexed by id
//     of references into an arena, or, once the load has outgrown its memory
//     budget, into two temporary files (SpillFile; see bulk_load.h);
//   'A' adjacency: per node, the out and in entries kept in key order; once
//     the records have spilled and the load still passes its budget, the
//     entries in memory go, node by node in key order, as one sorted run to
//     a temporary file of its own, and later entries start a new run in
//     memory. Reads and Finish merge every run with memory (runs are
//     disjoint), minus the spilled entries erased since (a small ordered
//     set). What stays per node: a 4-byte slot into the in-memory lists and
//     the first and last run holding its entries (2 bytes); per run, the
//     file position of every 16th node. Past MaxRuns() runs, all runs are
//     merged into one (the erased entries dropped);
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

#include <algorithm>
#include <functional>
#include <memory>
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
#include "storage/record_cache.h"
#include "storage/write_overlay.h"

namespace trendgraph::storage::internal {

class TableSink;

// An append-only file without a name (O_TMPFILE in `dir`; named and
// unlinked at once where the file system lacks it), so that nothing is left
// behind whatever ends the process. Appends go through a buffer, and reads
// of bytes still in it cost no system call. The first failed write or read
// is kept in status(). Not thread-safe; concurrent const reads (pread) are.
class SpillFile {
 public:
  SpillFile() = default;
  ~SpillFile() { Close(); }
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  // Appends are buffered in `buffer_bytes` (0: each goes straight to the
  // file). `what` names the contents in error messages.
  Status Open(const std::string& dir, size_t buffer_bytes, const char* what = "records");
  bool is_open() const { return fd_ >= 0; }
  // Where `s` starts in the file.
  uint64_t Append(std::string_view s);
  // The `size` bytes at `pos`: a view into the buffer while they are still
  // there (valid until the next Append), else read into *scratch. False on
  // a failed read (status() says why).
  bool Read(uint64_t pos, uint32_t size, std::string* scratch, std::string_view* out) const;
  // pread of exactly `n` bytes at `pos` that reached the file (pos + n <= flushed()).
  bool ReadFile(uint64_t pos, size_t n, char* out) const;
  uint64_t size() const { return flushed_ + buf_.size(); }
  uint64_t flushed() const { return flushed_; }
  std::string_view buffered() const { return buf_; }
  uint64_t memory_bytes() const { return buf_.capacity(); }
  const Status& status() const { return status_; }
  // Writes the buffer out and frees it: the file is complete, reads are
  // preads from now on (no more appends expected; one would buffer again).
  void Seal();
  void Close();

 private:
  void Flush();

  const char* what_ = "records";
  int fd_ = -1;
  size_t buffer_bytes_ = 0;
  std::string buf_;
  uint64_t flushed_ = 0;
  mutable Status status_;
};

class BulkStore {
 public:
  // `graph`'s state now: its counters, indexes and id allocators. Records
  // move to SpillFiles in `spill_dir` once MemoryBytes() would pass
  // `memory_budget` bytes.
  BulkStore(std::shared_ptr<GraphImpl> graph, std::string spill_dir, uint64_t memory_budget);

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
           (nodes_.capacity() + rels_.capacity()) * sizeof(ByteArena::Ref) + AdjMemoryBytes() +
           adj_slot_.capacity() * sizeof(uint32_t) + adj_span_.capacity() * sizeof(RunSpan) + adj_run_bytes_ +
           erased_.size() * kErasedBytes + node_file_.memory_bytes() + rel_file_.memory_bytes() +
           read_cache_.bytes();
  }
  // Bytes of records written to the spill files (0: the records are in memory).
  uint64_t SpilledBytes() const { return node_file_.size() + rel_file_.size(); }
  uint64_t SpillReads() const { return spill_reads_; }
  // Adjacency runs written (merges included), their bytes, and the spilled
  // entries erased by later transactions.
  uint64_t AdjRunsWritten() const { return adj_runs_written_; }
  uint64_t AdjSpilledBytes() const { return adj_spilled_bytes_; }
  uint64_t AdjErased() const { return adj_erased_; }
  // The first failure of the spill files (OK when none).
  Status SpillStatus() const;
  // Closes the spill files (their space goes back to the file system).
  void CloseSpill() {
    node_file_.Close();
    rel_file_.Close();
    runs_.clear();
  }

 private:
  // Packed to 20 bytes (4-byte aligned) from 24: two entries per
  // relationship, the largest part of a load that stays in memory.
  struct __attribute__((packed, aligned(4))) Adj {
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
  static_assert(sizeof(Adj) == 20);
  struct AdjLists {
    std::vector<Adj> dir[2];  // by Direction
  };
  // A spilled entry erased since: reads and merges skip it.
  struct ErasedAdj {
    NodeId node;
    int dir;
    Adj adj;
    bool operator<(const ErasedAdj& o) const {
      if (node != o.node) return node < o.node;
      if (dir != o.dir) return dir < o.dir;
      return adj < o.adj;
    }
  };
  static constexpr uint64_t kErasedBytes = sizeof(ErasedAdj) + 32;  // and the set's node
  // The runs holding a node's entries, 1-based (0: none); every run between
  // may hold some.
  struct RunSpan {
    uint8_t first = 0, last = 0;
  };
  // One sorted run of adjacency in a file of its own: per node with
  // entries, ascending, [node u64][out count u32][in count u32] and the
  // entries (20 bytes each, out then in, each in key order).
  struct AdjRun {
    struct IndexEntry {
      NodeId node;
      uint64_t pos;
    };
    SpillFile file;
    std::vector<IndexEntry> index;  // every kRunIndexEvery-th node
    uint64_t nodes = 0;
  };
  static constexpr uint64_t kRunIndexEvery = 16;
  // A run per spill; at MaxRuns(), all are merged into one. Finish gives
  // each run a read-ahead window out of 1/64 of the budget, and below
  // ~512 KiB a window the merge turns into seeks: budget / 32 MiB runs,
  // from 4 (small budgets: tests merge too) to 32 (fits RunSpan).
  size_t MaxRuns() const { return static_cast<size_t>(std::clamp<uint64_t>(memory_budget_ >> 25, 4, 32)); }
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  using Entries = std::vector<std::pair<std::string, std::string>>;
  using NodeFn = std::function<Status(NodeId, std::vector<Adj> (&lists)[2])>;

  // Appends the entries of [from, to) (to empty: unbounded) in key order.
  void Collect(std::string_view from, std::string_view to, Entries* out) const;
  void PutKey(std::string_view key, std::string_view value);
  // Writes the keys of one family (tag) in order.
  Status WriteFamily(char tag, TableSink* sink) const;
  void DeleteKey(std::string_view key);
  ByteArena::Ref* NodeSlot(NodeId id);
  ByteArena::Ref* RelSlot(RelId id);
  // A record's new bytes: in the arena, or past the budget in a spill file.
  ByteArena::Ref AddRecord(bool node, std::string_view value);
  // A record's bytes: a view into the arena or a spill file's buffer, else
  // read into *scratch. False on a failed read.
  bool RecordBytes(bool node, ByteArena::Ref r, std::string* scratch, std::string_view* out) const;
  // Moves every live record from the arena to the spill files, in id order,
  // and frees the arena.
  void Spill();
  // In-memory adjacency entries and their lists (what SpillAdjacency frees).
  uint64_t AdjMemoryBytes() const { return adj_bytes_ + adj_mem_.capacity() * sizeof(AdjLists); }
  // Writes the in-memory adjacency as a new run and frees it; merges the
  // runs into one at MaxRuns(). A failure is kept in adj_status_.
  void SpillAdjacency();
  void CompactRuns();
  // Appends node n's block (lists by direction) to `run`.
  static void AppendBlock(AdjRun* run, NodeId n, const std::vector<Adj>* lists);
  // A merge's read-ahead window per run: 1/64 of the budget (at most 64 MiB)
  // over all runs.
  size_t MergeWindow() const {
    return static_cast<size_t>(std::min<uint64_t>(memory_budget_ / 64, 64u << 20) / std::max<size_t>(runs_.size(), 1));
  }
  // Appends node `n`'s entries in `run` (none if it holds none) to lists,
  // for the directions in the bit mask `want` (1 << Direction).
  bool ReadRunNode(const AdjRun& run, NodeId n, int want, std::vector<Adj> (&lists)[2]) const;
  // Node `n`'s committed adjacency in the directions `want`: every run and
  // memory, minus erased entries, in key order. False on a failed read.
  bool NodeAdjacency(NodeId n, int want, std::vector<Adj> (&lists)[2]) const;
  // Calls fn, in node order, with every node's merged adjacency (runs,
  // memory if `with_memory`, minus erased), `window` bytes read ahead per run.
  Status MergeAdjacency(bool with_memory, size_t window, const NodeFn& fn) const;
  static Status ReadFailure(const AdjRun& run);
  bool Erased(NodeId n, int dir, const Adj& a) const {
    return !erased_.empty() && erased_.count(ErasedAdj{n, dir, a}) != 0;
  }
  // Completes node `n`'s lists gathered from `sources` runs: appends its
  // in-memory entries (if `in_memory`; directions in `want`), sorts and
  // dedups when more than one source gave entries, drops erased entries.
  void CompleteNodeLists(NodeId n, bool in_memory, int want, int sources, std::vector<Adj> (&lists)[2]) const;
  // The spill files' write buffers and Finish's read-ahead: 1/256 of the
  // budget, at most 4 MiB (a tiny budget in tests exercises every path).
  size_t SpillBuffer() const { return static_cast<size_t>(std::min<uint64_t>(memory_budget_ / 256, 4u << 20)); }
  // Once spilled, a reference holds a file position: chunk the high and
  // offset the low 32 bits.
  static ByteArena::Ref FileRef(uint64_t pos, size_t size) {
    return ByteArena::Ref{static_cast<uint32_t>(pos >> 32), static_cast<uint32_t>(pos), static_cast<uint32_t>(size)};
  }
  static uint64_t FilePos(ByteArena::Ref r) { return (uint64_t{r.chunk} << 32) | r.offset; }

  std::shared_ptr<GraphImpl> graph_;
  const uint32_t g_;
  const NodeId node_base_;
  const RelId rel_base_;
  Counters counters_;
  std::vector<IndexInfo> indexes_;
  std::unordered_set<NodeId> deleted_;

  const std::string spill_dir_;
  const uint64_t memory_budget_;
  bool spilled_ = false;  // records in node_file_ and rel_file_, no longer in records_
  Status spill_open_;     // why the files could not be created (the records then stay in memory)
  SpillFile node_file_, rel_file_;
  // Spilled records read back, by file position (a position's bytes never
  // change, so nothing needs invalidating): concepts that later documents
  // upsert again are read over and over (~23 reads a document at 300k
  // documents; this cache answers ~80% of them).
  mutable RecordCache read_cache_;
  mutable uint64_t spill_reads_ = 0;

  ByteArena records_;
  std::vector<ByteArena::Ref> nodes_;  // id - node_base_, in records_ or node_file_
  std::vector<ByteArena::Ref> rels_;   // id - rel_base_, in records_ or rel_file_
  // Adjacency in memory: per node (id - node_base_) a slot into adj_mem_
  // (kNoSlot: no entries in memory) and the runs holding its entries.
  std::vector<uint32_t> adj_slot_;
  std::vector<RunSpan> adj_span_;
  std::vector<AdjLists> adj_mem_;
  uint64_t adj_bytes_ = 0;  // capacity of the lists in adj_mem_
  std::vector<std::unique_ptr<AdjRun>> runs_;
  uint64_t adj_run_bytes_ = 0;  // the runs' indexes
  std::set<ErasedAdj> erased_;
  Status adj_status_;  // a failed open, read or merge of the runs
  uint64_t adj_runs_written_ = 0, adj_spilled_bytes_ = 0, adj_erased_ = 0;
  std::vector<std::vector<NodeId>> labels_;  // by label id, ascending
  KeyTable unique_;
  std::set<std::string, std::less<>> prop_index_;
  std::map<std::string, std::optional<std::string>, std::less<>> other_;  // nullopt = deleted
  uint64_t memory_bytes_ = 0;
};

}  // namespace trendgraph::storage::internal
