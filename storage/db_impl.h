// Internal: the RocksDB implementation of graph_store.h. Only storage/*.cc
// include this file.
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "storage/graph_store.h"
#include "storage/key_codec.h"
#include "storage/read_cache.h"
#include "storage/record_cache.h"
#include "storage/unique_key_cache.h"

namespace trendgraph::storage::internal {

// Turns RocksDB's per-thread perf counters off for the calling thread (once).
void DisablePerfCountersOnThisThread();

// Maps a RocksDB status to ours; `context` names what was being done.
Status FromRocks(const rocksdb::Status& s, std::string_view context);

// Node/rel counts and id allocators of one graph at one commit. Immutable once
// published; a Snapshot shares the one that matches its RocksDB snapshot.
struct Counters {
  uint64_t nodes = 0;
  uint64_t rels = 0;
  uint64_t next_node = 0;
  uint64_t next_rel = 0;
  std::unordered_map<LabelId, uint64_t> by_label;
  std::unordered_map<TypeId, uint64_t> by_type;
};

// One token dictionary (labels, types or property keys): dense ids from 0.
struct TokenTable {
  std::vector<std::string> names;
  std::unordered_map<std::string, uint32_t> ids;
  std::optional<uint32_t> Find(std::string_view name) const {
    auto it = ids.find(std::string(name));
    if (it == ids.end()) return std::nullopt;
    return it->second;
  }
};

class DatabaseImpl;

// Thread-safe. Shared by the Database catalogue and every holder (snapshots,
// transactions, callers of GetGraph).
class GraphImpl final : public Graph, public std::enable_shared_from_this<GraphImpl> {
 public:
  GraphImpl(DatabaseImpl* db, std::string name, uint32_t id);

  // Reads tokens, counters and index definitions of an existing graph.
  Status Load();

  const std::string& name() const override { return name_; }
  std::unique_ptr<Snapshot> NewSnapshot() override;
  std::unique_ptr<WriteTxn> BeginWrite() override;
  std::optional<LabelId> FindLabel(std::string_view name) const override;
  std::optional<TypeId> FindType(std::string_view name) const override;
  std::optional<PropKeyId> FindPropKey(std::string_view name) const override;
  std::string LabelName(LabelId id) const override;
  std::string TypeName(TypeId id) const override;
  std::string PropKeyName(PropKeyId id) const override;
  std::vector<std::string> Labels() const override;
  std::vector<std::string> Types() const override;
  std::vector<std::string> PropKeys() const override;
  Status CreateUniqueIndex(std::string_view label, std::string_view key) override;
  Status CreatePropertyIndex(std::string_view label, std::string_view key) override;
  Status DropIndex(std::string_view label, std::string_view key) override;
  std::vector<IndexInfo> Indexes() const override;
  std::optional<IndexInfo> FindIndex(LabelId label, PropKeyId key) const override;
  GraphCounts Counts() const override;

  // ---- internal ----
  DatabaseImpl* db() const { return db_; }
  rocksdb::DB* rdb() const;
  uint32_t id() const { return id_; }
  bool dropped() const { return dropped_.load(std::memory_order_acquire); }

  // The one-writer rule: blocks until no other writer holds the graph.
  void AcquireWriter();
  void ReleaseWriter();

  // Committed state for a new transaction (called with the writer held).
  std::shared_ptr<const Counters> counters() const;
  uint32_t TokenCount(keys::TokenKind kind) const;
  std::optional<uint32_t> FindToken(keys::TokenKind kind, std::string_view name) const;

  // Writes `batch` and publishes the new in-memory state only if the write
  // succeeded, atomically with respect to NewSnapshot().
  struct Publish {
    std::shared_ptr<const Counters> counters;
    std::vector<std::string> new_tokens[3];  // by TokenKind, appended in id order
    std::vector<IndexInfo> indexes;          // the full new list
    bool indexes_changed = false;
  };
  Status CommitBatch(rocksdb::WriteBatch* batch, Publish publish);
  // Makes tokens known by name (CommitBatch's part for them; a bulk load's
  // transactions call it directly, the load writing the token keys later).
  void PublishTokens(std::vector<std::string> (&new_tokens)[3]);
  // A bulk load's end (bulk_load.cc, writer held): links the table files
  // into the database and publishes the load's counters and deleted ids.
  Status IngestTables(const std::vector<std::string>& files, std::shared_ptr<const Counters> counters,
                      const std::unordered_set<NodeId>& deleted);

  // Ids below Counters::next_node that were deleted. Read and changed only by
  // the writer (under the writer slot), so unguarded.
  std::unordered_set<NodeId>& deleted_nodes() { return deleted_nodes_; }

  // Committed unique-index entries the writer recently read or wrote (see
  // unique_key_cache.h). A commit updates it with its unique-index puts and
  // deletes after the write succeeded; a rolled-back transaction never
  // touches it. Read and changed only by the writer (under the writer slot),
  // so unguarded.
  UniqueKeyCache& unique_cache() { return unique_cache_; }
  // Bound on unique_cache() entries (~100 bytes each).
  static constexpr size_t kUniqueCacheMaxEntries = 3 << 20;
  // Committed node records the writer recently wrote or read (see
  // record_cache.h), kept exact by commits the same way.
  RecordCache& record_cache() { return record_cache_; }
  static constexpr size_t kRecordCacheBytes = 64 << 20;

  // Called by DropGraph with the writer held: the graph becomes empty and
  // refuses commits.
  void MarkDropped();

  // The read caches of the current epoch (the one handed out and the one it
  // replaced, if still alive; null until a snapshot asks for one, or when
  // disabled), summed; for statistics.
  ReadCacheStats CacheStats() const;

 private:
  const TokenTable& Table(keys::TokenKind kind) const { return tokens_[static_cast<int>(kind)]; }
  Status CreateIndex(std::string_view label, std::string_view key, IndexInfo::Kind kind);

  DatabaseImpl* const db_;
  const std::string name_;
  const uint32_t id_;
  std::atomic<bool> dropped_{false};

  // Guards tokens_ and indexes_.
  mutable std::shared_mutex meta_mu_;
  TokenTable tokens_[3];
  std::vector<IndexInfo> indexes_;

  // Guards counters_ and cache_ and orders commits against snapshot creation.
  mutable std::mutex publish_mu_;
  std::shared_ptr<const Counters> counters_;
  // The read cache of the committed state counters_ describes; every change
  // of the graph's data or schema resets it (a new epoch), and NewSnapshot
  // creates it on first use, so commits that no reader sees allocate nothing.
  std::shared_ptr<ReadCache> cache_;
  // The cache that cache_ replaced when it became full, while snapshots
  // still hold it. NewSnapshot replaces a full cache only once this one has
  // died, so at most two caches of a graph's current state live at once:
  // the caches of its current state hold at most 2 x read_cache_bytes.
  std::weak_ptr<ReadCache> retired_;

  std::unordered_set<NodeId> deleted_nodes_;
  UniqueKeyCache unique_cache_{kUniqueCacheMaxEntries};
  RecordCache record_cache_{kRecordCacheBytes};

  std::mutex writer_mu_;
  std::condition_variable writer_cv_;
  bool writer_active_ = false;
};

class DatabaseImpl final : public Database {
 public:
  DatabaseImpl(const Options& options, rocksdb::DB* db, int lock_fd);
  ~DatabaseImpl() override;

  // Reads the catalogue (or creates the default graph in a new database).
  Status Init(bool fresh);

  Status CreateGraph(std::string_view name) override;
  Status DropGraph(std::string_view name) override;
  std::vector<std::string> ListGraphs() const override;
  Status GetGraph(std::string_view name, std::shared_ptr<Graph>* out) override;
  Status Backup(const std::string& dir) override;
  Status Flush() override;
  Status Settle() override;
  DatabaseStats Stats() const override;
  const Options& options() const override { return options_; }

  rocksdb::DB* rdb() const { return db_.get(); }
  // Writes `batch`. After a failed write RocksDB refuses further writes; the
  // next call first asks it to resume (which succeeds for recoverable errors;
  // after a WAL write failure such as a full disk RocksDB recovers on its own
  // schedule, or the database must be reopened).
  rocksdb::Status Write(rocksdb::WriteBatch* batch);
  const rocksdb::WriteOptions& write_options() const { return write_options_; }

  // Read cache statistics: a destroyed snapshot adds its lookups; Stats()
  // adds these and the current caches' bytes (defined in graph.cc).
  void CountReadCache(uint64_t hits, uint64_t misses) {
    read_cache_hits_.fetch_add(hits, std::memory_order_relaxed);
    read_cache_misses_.fetch_add(misses, std::memory_order_relaxed);
  }
  void AddReadCacheStats(DatabaseStats* s) const;
  // Bytes held by every live read cache of every graph: the current ones,
  // the full ones they replaced, and old epochs' caches that snapshots still
  // hold. Each ReadCache adds to it while it lives.
  std::atomic<uint64_t>* read_cache_live_bytes() { return &read_cache_live_bytes_; }
  uint64_t LiveReadCacheBytes() const { return read_cache_live_bytes_.load(std::memory_order_relaxed); }

 private:
  // Creates the catalogue entry and graph object; catalogue_mu_ held.
  Status CreateGraphLocked(std::string_view name);

  Options options_;
  std::unique_ptr<rocksdb::DB> db_;
  int lock_fd_;
  rocksdb::WriteOptions write_options_;
  std::atomic<bool> write_failed_{false};
  std::atomic<uint64_t> read_cache_hits_{0};
  std::atomic<uint64_t> read_cache_misses_{0};
  std::atomic<uint64_t> read_cache_live_bytes_{0};

  mutable std::mutex catalogue_mu_;
  std::map<std::string, std::shared_ptr<GraphImpl>, std::less<>> graphs_;
  uint32_t next_graph_id_ = 1;
};

}  // namespace trendgraph::storage::internal
