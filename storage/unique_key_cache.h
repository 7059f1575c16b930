// Internal: committed unique-index entries (full key -> holder node id) that
// the writer of one graph recently read or wrote, so that an upsert of a
// known key skips a RocksDB point read (profiled: ~20% of an ingest).
//
// Bounded by two generations of at most half the entries each
// (TwoGenerations, key_table.h): keys in use survive a rotation, and an
// ingest of a graph larger than the bound does not fall off a cliff every
// time the bound is reached (a single map emptied when full did, past ~1M
// nodes).
//
// Only positive answers are kept, but the cache may know that it holds
// every committed entry of its graph (complete()): then a miss is an answer
// too, and an ingest's lookups of new keys (new concepts, most of its
// unique-index misses) skip RocksDB's memtable and table filter probes
// (profiled: ~4% of a one-core ingest). The writer establishes completeness
// once (MarkComplete when the graph has no committed unique entries at
// all); a rotation or MarkIncomplete (a write that bypassed the cache: a
// bulk load's tables, a failed commit) ends it for the cache's lifetime.
//
// Not thread-safe: used by the writer of one graph only (under the writer
// slot).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "storage/graph_store.h"
#include "storage/key_table.h"

namespace trendgraph::storage::internal {

class UniqueKeyCache {
 public:
  explicit UniqueKeyCache(size_t max_entries) : gens_(max_entries / 2) {}

  // The string_view overloads hash the key; callers that prefetch pass a
  // HashedKey (key_table.h) to both calls.
  std::optional<NodeId> Find(std::string_view key) { return Find(HashedKey(key)); }
  std::optional<NodeId> Find(const HashedKey& k) {
    if (const uint64_t* v = gens_.young().index.Find(k.key, k.hash)) return *v;
    const uint64_t* v = gens_.old().index.Find(k.key, k.hash);
    if (v == nullptr) return std::nullopt;
    const NodeId id = *v;
    gens_.old().index.Erase(k.key, k.hash);  // promote
    MakeRoom();
    gens_.young().index.Put(k.key, k.hash, id);
    return id;
  }

  void Put(std::string_view key, NodeId id) { Put(HashedKey(key), id); }
  void Put(const HashedKey& k, NodeId id) {
    if (uint64_t* v = gens_.young().index.Find(k.key, k.hash)) {
      *v = id;
      return;
    }
    gens_.old().index.Erase(k.key, k.hash);
    MakeRoom();
    gens_.young().index.Put(k.key, k.hash, id);
  }

  // Starts loading what Find, Put and Erase of `k` will read.
  void Prefetch(const HashedKey& k) const { gens_.Prefetch(k); }

  // Whether the cache holds every committed entry of its graph.
  enum class Completeness { kUnknown, kComplete, kIncomplete };
  Completeness completeness() const { return completeness_; }
  bool complete() const { return completeness_ == Completeness::kComplete; }
  // Caller: the writer, having seen that the graph has no committed unique
  // entries. Ignored once the cache is incomplete.
  void MarkComplete() {
    if (completeness_ == Completeness::kUnknown) completeness_ = Completeness::kComplete;
  }
  // For good: the cache's entries stay exact, but a miss is no answer.
  void MarkIncomplete() { completeness_ = Completeness::kIncomplete; }

  void Erase(std::string_view key) { gens_.Erase(HashedKey(key)); }
  void Erase(const HashedKey& k) { gens_.Erase(k); }

  size_t size() const { return gens_.size(); }

 private:
  // Flat tables with their keys in arenas (key_table.h): a node-based map's
  // pointer chasing was ~5% of a one-core ingest. Weighed in entries.
  struct Generation {
    KeyTable index;
    size_t weight() const { return index.size(); }
  };
  void MakeRoom() {
    if (gens_.MakeRoom()) completeness_ = Completeness::kIncomplete;
  }

  TwoGenerations<Generation> gens_;
  Completeness completeness_ = Completeness::kUnknown;
};

}  // namespace trendgraph::storage::internal
