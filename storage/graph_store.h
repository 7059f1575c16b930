// The property-graph store: several named graphs in one RocksDB database.
//
// This header (with status.h and value.h) is the whole surface the query and
// engine layers see; nothing above storage/ includes rocksdb/*.
//
//   Database        one directory, one RocksDB instance, a catalogue of graphs
//   Graph           one named graph: token dictionaries, counts, indexes
//   GraphReader     read operations, implemented by Snapshot and WriteTxn
//   Snapshot        a consistent read view (RocksDB snapshot)
//   WriteTxn        a batch of writes with read-your-own-writes, committed
//                   atomically (one ingested document, one query = one txn)
//
// Thread-safety: Database and Graph are thread-safe. A Snapshot or WriteTxn
// is used by one thread at a time. Any number of Snapshots may be open while a
// WriteTxn runs; at most one WriteTxn per graph is open at a time (BeginWrite
// waits for the previous one to commit or be destroyed). Iterators never
// outlive the reader that made them. Graphs, Snapshots and WriteTxns must
// be destroyed before the Database that produced them.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/status.h"
#include "storage/value.h"

namespace trendgraph::storage {

using NodeId = uint64_t;
using RelId = uint64_t;
using LabelId = uint32_t;
using TypeId = uint32_t;
using PropKeyId = uint32_t;

// Append only, never renumber: on-disk format (adjacency keys).
enum class Direction : uint8_t { kOut = 0, kIn = 1 };

// Properties of one node or relationship, sorted by key id, no nulls.
using Properties = std::vector<std::pair<PropKeyId, Value>>;

struct Options {
  // Database directory. Created when missing and create_if_missing is true.
  std::string path;
  // Create an empty database (with the graph "default") when none exists.
  bool create_if_missing = true;
  // fsync the write-ahead log on every commit. Default false: the WAL is
  // always written, a machine crash may lose the last commits, a process
  // crash loses nothing.
  bool sync = false;
  // Open read-only (no writes, no lock held against other readers).
  bool read_only = false;
  // RocksDB block cache size in bytes. Default 256 MiB.
  size_t block_cache_bytes = 256ull << 20;
  // Total write buffer (memtable) budget in bytes. Default 128 MiB.
  size_t write_buffer_bytes = 128ull << 20;
  // Budget in bytes of each graph's in-memory read cache (node records,
  // adjacency lists, label scans shared by all snapshots of one committed
  // state; see docs/storage.md, "Read cache"). A commit starts a new, empty cache;
  // snapshots of an older state keep theirs until they are destroyed, so
  // with long-lived old snapshots several budgets can be live at once.
  // 0 disables the cache. Default 512 MiB.
  size_t read_cache_bytes = 512ull << 20;
};

struct NodeRecord {
  NodeId id = 0;
  std::vector<LabelId> labels;  // sorted
  Properties props;
};

struct RelRecord {
  RelId id = 0;
  TypeId type = 0;
  NodeId start = 0;
  NodeId end = 0;
  Properties props;
};

// One adjacency entry as seen from `node` in direction `dir`.
struct AdjEntry {
  RelId rel = 0;
  TypeId type = 0;
  NodeId other = 0;  // the far end (== node for a self-loop)
  Direction dir = Direction::kOut;
};

struct IndexInfo {
  enum class Kind : uint8_t { kUnique = 0, kProperty = 1 };  // on-disk, append only
  Kind kind = Kind::kProperty;
  LabelId label = 0;
  PropKeyId key = 0;
};

// Forward iterators. Valid() is false at the end or on error; check status()
// after the loop.
class NodeIterator {
 public:
  virtual ~NodeIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual NodeId id() const = 0;
  virtual Status status() const = 0;
};

class RelIterator {
 public:
  virtual ~RelIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual RelId id() const = 0;
  virtual Status status() const = 0;
};

class AdjacencyIterator {
 public:
  virtual ~AdjacencyIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual const AdjEntry& entry() const = 0;
  virtual Status status() const = 0;
};

// Side records in key order (GraphReader::ScanSide). key() and props() are
// valid until Next(). A malformed record ends the scan with Corruption.
class SideIterator {
 public:
  virtual ~SideIterator() = default;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  // The caller's key, as given to WriteTxn::PutSide.
  virtual std::string_view key() const = 0;
  virtual const Properties& props() const = 0;
  virtual Status status() const = 0;
};

// Read operations over one consistent state of one graph.
class GraphReader {
 public:
  virtual ~GraphReader() = default;

  // NotFound if the node/relationship does not exist (or was deleted).
  virtual Status GetNode(NodeId id, NodeRecord* out) = 0;
  virtual Status GetRel(RelId id, RelRecord* out) = 0;
  virtual bool NodeExists(NodeId id) = 0;
  // The node's labels (sorted) without decoding its properties; NotFound as
  // GetNode. The default reads the whole record.
  virtual Status GetNodeLabels(NodeId id, std::vector<LabelId>* out) {
    NodeRecord rec;
    Status s = GetNode(id, &rec);
    if (s.ok()) *out = std::move(rec.labels);
    return s;
  }
  // One property without decoding the others; *out is null when absent.
  virtual Status GetNodeProperty(NodeId id, PropKeyId key, Value* out) = 0;
  // A hint that the records of nodes ids[0 .. n) are about to be read: an
  // implementation may start loading them into the CPU caches, so that the
  // memory latency of n scattered records overlaps instead of adding up.
  // No effect on any result; never fails. The default does nothing.
  virtual void PrefetchNodes(const NodeId* ids, size_t n) {
    (void)ids;
    (void)n;
  }
  virtual Status GetRelProperty(RelId id, PropKeyId key, Value* out) = 0;

  virtual std::unique_ptr<NodeIterator> ScanNodes() = 0;                 // id order
  virtual std::unique_ptr<NodeIterator> ScanLabel(LabelId label) = 0;    // id order
  virtual std::unique_ptr<RelIterator> ScanRels() = 0;                   // id order
  virtual std::unique_ptr<RelIterator> ScanRelType(TypeId type) = 0;     // id order
  // All relationships of `node` in `dir`, optionally of one type: one prefix
  // scan. Ordered by (type, other, rel).
  virtual std::unique_ptr<AdjacencyIterator> Adjacency(NodeId node, Direction dir,
                                                       std::optional<TypeId> type) = 0;
  // Number of relationships of `node` in `dir` (of `type` if given).
  virtual uint64_t Degree(NodeId node, Direction dir, std::optional<TypeId> type) = 0;

  // Unique key index (label, key) -> node. NotFound when no node has it, or
  // NotSupported/InvalidArgument when no such unique index exists.
  virtual Status LookupUnique(LabelId label, PropKeyId key, const Value& value, NodeId* out) = 0;
  // Property index equality seek: nodes with label and key == value.
  // InvalidArgument when no index covers (label, key).
  virtual std::unique_ptr<NodeIterator> IndexSeek(LabelId label, PropKeyId key, const Value& value) = 0;
  // Property index range scan in value order (numbers and strings each in
  // their natural order); a null bound is open.
  virtual std::unique_ptr<NodeIterator> IndexRange(LabelId label, PropKeyId key, const Value& lower,
                                                   bool lower_inclusive, const Value& upper,
                                                   bool upper_inclusive) = 0;

  // Counts without scans, as of this reader's state.
  virtual uint64_t NodeCount() = 0;
  virtual uint64_t NodeCountByLabel(LabelId label) = 0;
  virtual uint64_t RelCount() = 0;
  virtual uint64_t RelCountByType(TypeId type) = 0;

  // Side records (see WriteTxn::PutSide) whose key starts with `prefix`, in
  // key order. A prefix of 8 bytes or more is looked up through the bloom
  // filters: a key layout that starts with 8 well-spread bytes (a hash)
  // makes a scan that finds nothing cost about a point read.
  virtual std::unique_ptr<SideIterator> ScanSide(std::string_view prefix) = 0;
};

class Graph;

// A consistent read view. Cheap to create; holds a RocksDB snapshot.
class Snapshot : public GraphReader {
 public:
  ~Snapshot() override = default;
  virtual Graph& graph() = 0;
};

// A write transaction with read-your-own-writes. Commit() writes everything
// as one atomic batch (data, indexes, counts, tokens, id counters) or nothing.
// Destroying an uncommitted WriteTxn discards it. After a failed call the
// transaction may still be used, but Commit() of a transaction whose
// constraint check failed returns that error.
class WriteTxn : public GraphReader {
 public:
  ~WriteTxn() override = default;
  virtual Graph& graph() = 0;

  // Tokens: find or create. Creation is part of this transaction.
  virtual LabelId GetOrCreateLabel(std::string_view name) = 0;
  virtual TypeId GetOrCreateType(std::string_view name) = 0;
  virtual PropKeyId GetOrCreatePropKey(std::string_view name) = 0;

  // InvalidArgument when a property value is not storable (node, path...).
  virtual Result<NodeId> CreateNode(std::vector<LabelId> labels, Properties props) = 0;
  virtual Status SetNodeProperty(NodeId id, PropKeyId key, const Value& value) = 0;  // null removes
  virtual Status AddLabel(NodeId id, LabelId label) = 0;
  virtual Status RemoveLabel(NodeId id, LabelId label) = 0;
  // ConstraintViolation if the node still has relationships and !detach.
  virtual Status DeleteNode(NodeId id, bool detach) = 0;

  // NotFound when an endpoint does not exist.
  virtual Result<RelId> CreateRel(TypeId type, NodeId start, NodeId end, Properties props) = 0;
  virtual Status SetRelProperty(RelId id, PropKeyId key, const Value& value) = 0;  // null removes
  virtual Status DeleteRel(RelId id) = 0;

  // Upsert by unique key: the node with `label` and key == value, created
  // (with that label and property) when absent. *created tells which.
  virtual Result<NodeId> MergeNodeByKey(LabelId label, PropKeyId key, const Value& value, bool* created) = 0;

  // Side records: bookkeeping a caller keeps with the graph, written in its
  // transactions (so it commits, or vanishes, with the writes it belongs
  // to) but outside the graph: a side record is no node or relationship,
  // has no label, type or index, and changes no count. A record maps the
  // caller's key (any non-empty bytes; the caller owns their layout, which
  // is on-disk format) to a property list (normalized as CreateNode's: sorted,
  // last value of a key wins, nulls dropped). Dropping the graph drops its
  // side records; backups and bulk loads carry them.
  // InvalidArgument for an empty key or an unstorable value.
  virtual Status PutSide(std::string_view key, Properties props) = 0;
  // Deleting an absent record is OK.
  virtual Status DeleteSide(std::string_view key) = 0;

  virtual Status Commit() = 0;
};

// Counters of one graph; a consistent copy.
struct GraphCounts {
  uint64_t nodes = 0;
  uint64_t rels = 0;
  std::vector<std::pair<std::string, uint64_t>> by_label;  // name, count
  std::vector<std::pair<std::string, uint64_t>> by_type;
};

class Graph {
 public:
  virtual ~Graph() = default;
  virtual const std::string& name() const = 0;

  virtual std::unique_ptr<Snapshot> NewSnapshot() = 0;
  // Waits until no other WriteTxn is open on this graph.
  virtual std::unique_ptr<WriteTxn> BeginWrite() = 0;

  // Committed tokens (readers resolve names with these).
  virtual std::optional<LabelId> FindLabel(std::string_view name) const = 0;
  virtual std::optional<TypeId> FindType(std::string_view name) const = 0;
  virtual std::optional<PropKeyId> FindPropKey(std::string_view name) const = 0;
  virtual std::string LabelName(LabelId id) const = 0;
  virtual std::string TypeName(TypeId id) const = 0;
  virtual std::string PropKeyName(PropKeyId id) const = 0;
  virtual std::vector<std::string> Labels() const = 0;
  virtual std::vector<std::string> Types() const = 0;
  virtual std::vector<std::string> PropKeys() const = 0;

  // Schema. Creating an index builds it from existing data in one batch.
  // CreateUniqueIndex fails with ConstraintViolation if existing data has
  // duplicates. Both are no-ops returning OK when the index already exists.
  // There is at most one index per (label, key): a unique index serves as the
  // property index too (CreatePropertyIndex is then a no-op), and
  // CreateUniqueIndex replaces a property index on the same (label, key).
  virtual Status CreateUniqueIndex(std::string_view label, std::string_view key) = 0;
  virtual Status CreatePropertyIndex(std::string_view label, std::string_view key) = 0;
  virtual Status DropIndex(std::string_view label, std::string_view key) = 0;
  virtual std::vector<IndexInfo> Indexes() const = 0;
  // The index covering (label, key), if any (unique preferred).
  virtual std::optional<IndexInfo> FindIndex(LabelId label, PropKeyId key) const = 0;

  virtual GraphCounts Counts() const = 0;
};

struct DatabaseStats {
  uint64_t live_sst_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t block_cache_usage_bytes = 0;
  uint64_t estimated_keys = 0;
  // Read cache (Options::read_cache_bytes): bytes held by the current
  // caches of all graphs, and lookups answered from / missing a cache since
  // the database was opened (counted when a snapshot is destroyed).
  uint64_t read_cache_bytes = 0;
  uint64_t read_cache_hits = 0;
  uint64_t read_cache_misses = 0;
};

class Database {
 public:
  // Opens (or creates) the database at options.path.
  // Errors: InvalidArgument if the directory exists and is not a trendgraph
  // database; VersionMismatch if its format is newer than this build's;
  // Busy if another process holds it; IOError otherwise. Nothing is written
  // on error.
  static Status Open(const Options& options, std::unique_ptr<Database>* out);

  // Restores a backup made by Backup() into `db_path`, which must not exist
  // or be empty.
  static Status Restore(const std::string& backup_dir, const std::string& db_path);

  virtual ~Database() = default;

  // Graph names: 1-64 characters of [A-Za-z0-9_-]. "default" always exists.
  virtual Status CreateGraph(std::string_view name) = 0;  // AlreadyExists
  // Drops the graph and reclaims its space. NotFound if absent. The default
  // graph may be dropped; it is recreated empty.
  virtual Status DropGraph(std::string_view name) = 0;
  virtual std::vector<std::string> ListGraphs() const = 0;
  // NotFound if absent. The Graph stays usable by holders after a drop but
  // sees no data.
  virtual Status GetGraph(std::string_view name, std::shared_ptr<Graph>* out) = 0;

  // Online backup to `dir` (must not exist): a consistent copy while writes go on.
  virtual Status Backup(const std::string& dir) = 0;
  virtual Status Flush() = 0;
  // Flushes and waits until no flush or compaction is pending or running:
  // after a bulk load, the database in the shape reads will see, with no
  // background rewrite competing with them. Writes may go on meanwhile (the
  // wait then lasts as long as they keep compactions busy).
  virtual Status Settle() = 0;
  virtual DatabaseStats Stats() const = 0;
  virtual const Options& options() const = 0;
};

}  // namespace trendgraph::storage
