// An open-addressing hash map from a 64-bit entity id to a small value, for
// per-row lookups in operators (label memo, per-node counts): one flat array,
// no node allocation per entry, entries kept in first-insertion order.
//
// Thread-safety: none (one query execution, one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "query/expression/value_ops.h"

namespace trendgraph::query {

template <class V>
class FlatIdMap {
 public:
  // The value for `id`, inserting `init` first when absent. The reference is
  // valid until the next insertion.
  V& FindOrInsert(uint64_t id, const V& init, bool* inserted = nullptr) {
    if ((entries_.size() + 1) * 4 > slots_.size() * 3) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(id) & mask;; i = (i + 1) & mask) {
      uint32_t s = slots_[i];
      if (s == kEmpty) {
        slots_[i] = static_cast<uint32_t>(entries_.size());
        entries_.emplace_back(id, init);
        if (inserted) *inserted = true;
        return entries_.back().second;
      }
      if (entries_[s].first == id) {
        if (inserted) *inserted = false;
        return entries_[s].second;
      }
    }
  }
  // Null when absent.
  V* Find(uint64_t id) {
    if (slots_.empty()) return nullptr;
    size_t mask = slots_.size() - 1;
    for (size_t i = Mix(id) & mask;; i = (i + 1) & mask) {
      uint32_t s = slots_[i];
      if (s == kEmpty) return nullptr;
      if (entries_[s].first == id) return &entries_[s].second;
    }
  }
  size_t size() const { return entries_.size(); }
  void clear() {
    slots_.clear();
    entries_.clear();
  }
  // (id, value) pairs in first-insertion order.
  const std::vector<std::pair<uint64_t, V>>& entries() const { return entries_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  static size_t Mix(uint64_t id) { return HashU64(id); }  // ids are dense: spread them
  void Grow() {
    size_t n = slots_.empty() ? 64 : slots_.size() * 2;
    slots_.assign(n, kEmpty);
    size_t mask = n - 1;
    for (size_t e = 0; e < entries_.size(); ++e) {
      size_t i = Mix(entries_[e].first) & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = static_cast<uint32_t>(e);
    }
  }

  std::vector<uint32_t> slots_;  // index into entries_, or kEmpty
  std::vector<std::pair<uint64_t, V>> entries_;
};

}  // namespace trendgraph::query
