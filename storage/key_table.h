// Internal: byte strings in large chunks (ByteArena), a flat hash table
// from byte-string keys to 64-bit values over them (KeyTable), and the
// two-generation bound of the caches built on them (TwoGenerations). Used
// where millions of small keys live in memory: a bulk load's records and
// unique index (bulk_store.h) and the writer's caches of committed state
// (unique_key_cache.h, record_cache.h). Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace trendgraph::storage::internal {

// Byte strings stored back to back in large chunks: a load holds millions of
// small records and keys, and one allocation each (and one free each at the
// end) was a tenth of its time. A replaced string's bytes stay until the
// arena goes.
class ByteArena {
 public:
  struct Ref {
    uint32_t chunk = 0;
    uint32_t offset = 0;
    uint32_t size = 0;  // 0: no string (records and keys are never empty)
    bool present() const { return size != 0; }
  };
  Ref Add(std::string_view s);
  std::string_view Get(Ref r) const {
    return r.size ? std::string_view(chunks_[r.chunk].get() + r.offset, r.size) : std::string_view();
  }
  uint64_t bytes() const { return bytes_; }

 private:
  // Chunks double from 64 KiB to 16 MiB: a small table stays small.
  static constexpr uint32_t kFirstChunk = 64u << 10;
  static constexpr uint32_t kMaxChunk = 16u << 20;
  std::vector<std::unique_ptr<char[]>> chunks_;
  uint32_t chunk_size_ = 0;  // of the last chunk
  uint32_t used_ = 0;        // in the last chunk
  uint64_t bytes_ = 0;
};

// Byte-string keys to 64-bit values, open addressing over flat slots, the
// keys in a ByteArena: one cache miss for the slot and one for the key
// bytes, where a node-based map took three or four.
class KeyTable {
 public:
  // The table's hash of a key (never 0 or 1). Callers that probe several
  // tables, or prefetch before they probe, compute it once and pass it to
  // the overloads below; it must be Hash(key).
  static uint64_t Hash(std::string_view key) {
    uint64_t h = std::hash<std::string_view>()(key);
    return h > kTombstone ? h : h + 2;
  }
  // Starts loading the first slot `hash` probes: a probe of a large table
  // is a cache miss (profiled: ~150 ns, most of an uncached lookup's time),
  // which a prefetch issued early enough overlaps with other work.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
  }

  const uint64_t* Find(std::string_view key) const { return Find(key, Hash(key)); }
  uint64_t* Find(std::string_view key) { return Find(key, Hash(key)); }
  const uint64_t* Find(std::string_view key, uint64_t hash) const;
  uint64_t* Find(std::string_view key, uint64_t hash) {
    return const_cast<uint64_t*>(std::as_const(*this).Find(key, hash));
  }
  // True when the key is new.
  bool Put(std::string_view key, uint64_t value) { return Put(key, Hash(key), value); }
  bool Put(std::string_view key, uint64_t hash, uint64_t value);
  void Erase(std::string_view key) { Erase(key, Hash(key)); }
  void Erase(std::string_view key, uint64_t hash);
  size_t size() const { return count_; }
  // Slots: a power of two, from 2 to 4 times the live entries (at least 1024).
  size_t capacity() const { return slots_.size(); }
  template <class Fn>
  void ForEach(Fn&& fn) const {
    for (const Slot& s : slots_)
      if (s.hash > kTombstone) fn(arena_.Get(s.key), s.value);
  }
  uint64_t bytes() const { return arena_.bytes() + slots_.size() * sizeof(Slot); }

 private:
  struct Slot {
    uint64_t hash = 0;  // 0 empty, 1 tombstone
    ByteArena::Ref key;
    uint64_t value = 0;
  };
  static constexpr uint64_t kTombstone = 1;
  // The slot holding `key`, else the first free slot on its probe path.
  size_t Probe(std::string_view key, uint64_t hash, bool* found) const;
  void Grow();

  std::vector<Slot> slots_;
  size_t count_ = 0, used_ = 0;  // live entries; live + tombstones
  ByteArena arena_;
};

// A key with its KeyTable::Hash, computed once for every table it probes.
struct HashedKey {
  explicit HashedKey(std::string_view k) : key(k), hash(KeyTable::Hash(k)) {}
  HashedKey(std::string_view k, uint64_t h) : key(k), hash(h) {}
  std::string_view key;
  uint64_t hash;
};

// The bound shared by the writer's caches: two generations rather than one
// table emptied when full. Inserts go to the young generation; when its
// weight (entries or bytes, the Generation's choice) reaches the bound, the
// old generation is dropped and the young one becomes old; the cache moves
// an entry it finds in the old generation back to the young one. Keys in
// use survive a rotation, and a working set larger than the bound does not
// fall off a cliff every time the bound is reached.
//
// Generation: default-constructible and movable, with a KeyTable `index`
// and `size_t weight() const`. Dropping a generation frees everything it
// holds at once.
template <class Generation>
class TwoGenerations {
 public:
  explicit TwoGenerations(size_t bound) : bound_(bound > 0 ? bound : 1) {}

  Generation& young() { return young_; }
  Generation& old() { return old_; }
  const Generation& young() const { return young_; }
  const Generation& old() const { return old_; }

  // Rotates when the young generation has reached the bound; true when it
  // did (the old generation's entries are gone). The young generation moves
  // intact (views into it stay valid).
  bool MakeRoom() {
    if (young_.weight() < bound_) return false;
    old_ = std::move(young_);
    young_ = Generation();
    return true;
  }
  void Erase(const HashedKey& k) {
    young_.index.Erase(k.key, k.hash);
    old_.index.Erase(k.key, k.hash);
  }
  // Prefetches the key's first slot in both generations.
  void Prefetch(const HashedKey& k) const {
    young_.index.Prefetch(k.hash);
    old_.index.Prefetch(k.hash);
  }
  void Clear() {
    young_ = Generation();
    old_ = Generation();
  }
  size_t size() const { return young_.index.size() + old_.index.size(); }

 private:
  const size_t bound_;
  Generation young_;
  Generation old_;
};

}  // namespace trendgraph::storage::internal
