// Internal: committed unique-index entries (full key -> holder node id) that
// the writer of one graph recently read or wrote, so that an upsert of a
// known key skips a RocksDB point read (profiled: ~20% of an ingest).
//
// Bounded by two generations rather than one map emptied when full: inserts
// go to the young generation; when it holds half the bound, the old
// generation is dropped and the young one becomes old; a hit in the old
// generation moves the entry back to the young one. Keys in use survive a
// rotation, and an ingest of a graph larger than the bound does not fall off
// a cliff every time the bound is reached (the single map did, past ~1M
// nodes).
//
// Only positive answers are kept. Not thread-safe: used by the writer of one
// graph only (under the writer slot).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "storage/graph_store.h"
#include "storage/key_table.h"

namespace trendgraph::storage::internal {

class UniqueKeyCache {
 public:
  explicit UniqueKeyCache(size_t max_entries) : half_(max_entries / 2 > 0 ? max_entries / 2 : 1) {}

  std::optional<NodeId> Find(std::string_view key) {
    if (const uint64_t* v = young_.Find(key)) return *v;
    const uint64_t* v = old_.Find(key);
    if (v == nullptr) return std::nullopt;
    const NodeId id = *v;
    old_.Erase(key);  // promote
    MakeRoom();
    young_.Put(key, id);
    return id;
  }

  void Put(std::string_view key, NodeId id) {
    if (uint64_t* v = young_.Find(key)) {
      *v = id;
      return;
    }
    old_.Erase(key);
    MakeRoom();
    young_.Put(key, id);
  }

  void Erase(std::string_view key) {
    young_.Erase(key);
    old_.Erase(key);
  }

  size_t size() const { return young_.size() + old_.size(); }

 private:
  void MakeRoom() {
    if (young_.size() < half_) return;
    old_ = std::move(young_);
    young_ = KeyTable();
  }

  const size_t half_;
  // Flat tables with their keys in arenas (key_table.h): a node-based map's
  // pointer chasing was ~5% of a one-core ingest.
  KeyTable young_;
  KeyTable old_;
};

}  // namespace trendgraph::storage::internal
