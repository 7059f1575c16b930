// GroupTable: the groups of an aggregation or a DISTINCT, keyed by a
// fixed number of Values under Cypher equivalence (1 ~ 1.0, NaN ~ NaN,
// null ~ null). Keys live in one flat array (group g's key is
// keys()[g * width .. g * width + width)); an open-addressing table of group
// numbers with the full hash kept beside it finds them. Compared with an
// std::unordered_map<std::vector<Value>, ...> this saves the key vector, the
// map node and the copy of the key per group, and a probe rarely compares a
// key (hashes differ first).
//
// Groups are numbered densely in first-insertion order.
// Thread-safety: none (one query execution, one thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "query/expression/value_ops.h"

namespace trendgraph::query {

class GroupTable {
 public:
  explicit GroupTable(size_t width) : width_(width) {}

  // The group of key[0 .. width), created when new; then the key values are
  // moved into the table (key[] is left moved-from) and *added is true.
  uint32_t FindOrAdd(Value* key, bool* added) {
    size_t h = Hash(key);
    if ((hashes_.size() + 1) * 4 > slots_.size() * 3) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint32_t s = slots_[i];
      if (s == kEmpty) {
        uint32_t g = static_cast<uint32_t>(hashes_.size());
        slots_[i] = g;
        hashes_.push_back(h);
        for (size_t k = 0; k < width_; ++k) keys_.push_back(std::move(key[k]));
        *added = true;
        return g;
      }
      if (hashes_[s] == h && KeyEquals(s, key)) {
        *added = false;
        return s;
      }
    }
  }

  // A new group for key[0 .. width) without looking for an equivalent key:
  // the caller knows there is none and that FindOrAdd will never be asked
  // for one (a key unique by construction). No hashing, no probe; the
  // group is not entered in the table. Moves the key in like FindOrAdd.
  uint32_t Append(Value* key) {
    uint32_t g = static_cast<uint32_t>(hashes_.size());
    hashes_.push_back(kUnindexed);
    for (size_t k = 0; k < width_; ++k) keys_.push_back(std::move(key[k]));
    return g;
  }

  // Room for `groups` groups without rehashing or moving keys.
  void Reserve(size_t groups) {
    size_t n = slots_.empty() ? 16 : slots_.size();
    while ((groups + 1) * 4 > n * 3) n *= 2;
    if (n > slots_.size()) {
      hashes_.reserve(groups);
      Rehash(n);
    }
    keys_.reserve(groups * width_);
  }

  size_t size() const { return hashes_.size(); }
  size_t width() const { return width_; }
  Value* key(uint32_t g) { return keys_.data() + static_cast<size_t>(g) * width_; }
  void clear() {
    slots_.clear();
    hashes_.clear();
    keys_.clear();
  }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  // The hash of an Append'ed group (never a real one: Hash avoids it).
  static constexpr size_t kUnindexed = ~size_t{0};

  size_t Hash(const Value* key) const {
    size_t h = 0x9e3779b97f4a7c15ull;
    for (size_t k = 0; k < width_; ++k) h = (h ^ EquivalenceHash(key[k])) * 0x100000001b3ull;
    h = HashU64(h);  // linear probing takes the low bits
    return h == kUnindexed ? h - 1 : h;
  }
  bool KeyEquals(uint32_t g, const Value* key) const {
    const Value* k = keys_.data() + static_cast<size_t>(g) * width_;
    for (size_t i = 0; i < width_; ++i)
      if (!Equivalent(k[i], key[i])) return false;
    return true;
  }
  void Grow() { Rehash(slots_.empty() ? 16 : slots_.size() * 2); }
  void Rehash(size_t n) {
    slots_.assign(n, kEmpty);
    size_t mask = n - 1;
    for (size_t g = 0; g < hashes_.size(); ++g) {
      if (hashes_[g] == kUnindexed) continue;
      size_t i = hashes_[g] & mask;
      while (slots_[i] != kEmpty) i = (i + 1) & mask;
      slots_[i] = static_cast<uint32_t>(g);
    }
  }

  size_t width_;
  std::vector<uint32_t> slots_;  // group number, or kEmpty
  std::vector<size_t> hashes_;   // per group
  std::vector<Value> keys_;      // per group, width_ values
};

}  // namespace trendgraph::query
