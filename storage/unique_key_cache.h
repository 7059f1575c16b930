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
#include <string>
#include <string_view>
#include <unordered_map>

#include "storage/graph_store.h"

namespace trendgraph::storage::internal {

class UniqueKeyCache {
 public:
  explicit UniqueKeyCache(size_t max_entries) : half_(max_entries / 2 > 0 ? max_entries / 2 : 1) {}

  std::optional<NodeId> Find(std::string_view key) {
    if (auto it = young_.find(key); it != young_.end()) return it->second;
    auto it = old_.find(key);
    if (it == old_.end()) return std::nullopt;
    NodeId id = it->second;
    auto node = old_.extract(it);  // promote without reallocating the key
    MakeRoom();
    young_.insert(std::move(node));
    return id;
  }

  void Put(std::string_view key, NodeId id) {
    if (auto it = young_.find(key); it != young_.end()) {
      it->second = id;
      return;
    }
    if (auto it = old_.find(key); it != old_.end()) {
      auto node = old_.extract(it);
      node.mapped() = id;
      MakeRoom();
      young_.insert(std::move(node));
      return;
    }
    MakeRoom();
    young_.emplace(std::string(key), id);
  }

  void Erase(std::string_view key) {
    if (auto it = young_.find(key); it != young_.end()) young_.erase(it);
    if (auto it = old_.find(key); it != old_.end()) old_.erase(it);
  }

  size_t size() const { return young_.size() + old_.size(); }

 private:
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view k) const { return std::hash<std::string_view>{}(k); }
  };
  using Map = std::unordered_map<std::string, NodeId, KeyHash, std::equal_to<>>;

  void MakeRoom() {
    if (young_.size() < half_) return;
    old_ = std::move(young_);
    young_ = Map();
  }

  const size_t half_;
  Map young_;
  Map old_;
};

}  // namespace trendgraph::storage::internal
