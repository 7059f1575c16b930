// Internal: the pending writes of one WriteTxn, readable on top of the DB
// (read-your-own-writes).
//
// The latest put or delete per key. Point reads check the overlay, then the
// DB; iterators merge the overlay with a DB iterator, the overlay shadowing
// the DB. Commit emits the entries in key order, one entry per key, which is
// the cheapest order for RocksDB's memtable to insert.
//
// Two modes. An overlay starts in append mode: entries go to an append-only
// list with a hash index (a put costs one hash probe, not a tree insert), and
// AppendTo / ForEachWithPrefix sort the list once when they need order. The
// first NewIterator switches it to ordered mode for the rest of its life: a
// std::map, so that iterators stay valid while the overlay grows and a key
// written during iteration is seen if it lies ahead of the iterator. A
// document ingest mostly only puts and point-reads, then commits: profiled,
// the tree inserts, walk and teardown were ~12% of its main thread.
//
// Replaces rocksdb::WriteBatchWithIndex, whose index comparator re-parses
// each entry from the batch buffer on every comparison: profiled, that was
// ~30% of a relationship insert.
//
// Not thread-safe (one WriteTxn, one thread at a time).
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <vector>

namespace trendgraph::storage::internal {

class WriteOverlay {
 public:
  struct Entry {
    std::string_view value;  // in the overlay's arena
    bool deleted = false;
  };
  // Ordered mode. Keys, values and tree nodes live in one arena freed with
  // the overlay: a transaction allocates thousands of small strings and
  // frees them at once.
  using Map = std::pmr::map<std::string_view, Entry, std::less<>>;

  WriteOverlay() : arena_(64 << 10), items_(&arena_), map_(&arena_) {}
  WriteOverlay(const WriteOverlay&) = delete;
  WriteOverlay& operator=(const WriteOverlay&) = delete;

  void Put(std::string_view key, const rocksdb::Slice& value);
  void Delete(std::string_view key);

  // The overlay's entry, else the DB's (read with `ro`).
  rocksdb::Status Get(rocksdb::DB* db, const rocksdb::ReadOptions& ro, const rocksdb::Slice& key,
                      rocksdb::PinnableSlice* value) const;

  // Merges `base` (owned by the result) with the overlay entries below
  // `upper` (may be null). Forward iteration only (Seek, Next). Switches the
  // overlay to ordered mode.
  rocksdb::Iterator* NewIterator(rocksdb::Iterator* base, const rocksdb::Slice* upper) const;

  // The overlay's entry for `key`, or null. Valid while the overlay lives
  // (an overwrite updates it in place).
  const Entry* Find(std::string_view key) const {
    if (ordered_) {
      auto it = map_.find(key);
      return it == map_.end() ? nullptr : &it->second;
    }
    const Item* item = Lookup(key, HashKey(key));
    return item == nullptr ? nullptr : &item->entry;
  }

  // Calls fn(key, entry) for every entry whose key starts with `prefix`, in
  // key order. fn must not write to the overlay.
  template <class Fn>
  void ForEachWithPrefix(std::string_view prefix, Fn&& fn) const {
    if (ordered_) {
      for (auto it = map_.lower_bound(prefix); it != map_.end(); ++it) {
        if (it->first.substr(0, prefix.size()) != prefix) break;
        fn(it->first, it->second);
      }
      return;
    }
    SortItems();
    auto it = std::lower_bound(sorted_.begin(), sorted_.end(), prefix,
                               [](const SortKey& a, std::string_view k) { return a.item->key < k; });
    for (; it != sorted_.end(); ++it) {
      if (it->item->key.substr(0, prefix.size()) != prefix) break;
      fn(it->item->key, it->item->entry);
    }
  }

  // Calls fn(key, entry) for every entry, in no particular order (no sort:
  // for consumers to whom order does not matter). fn must not write to the
  // overlay.
  template <class Fn>
  void ForEach(Fn&& fn) const {
    if (ordered_) {
      for (const auto& [key, e] : map_) fn(key, e);
      return;
    }
    for (const Item& item : items_) fn(item.key, item.entry);
  }

  // Appends every entry in key order.
  void AppendTo(rocksdb::WriteBatch* batch) const;
  // Grows with every Put and Delete (never shrinks): also a write epoch.
  size_t ApproximateBytes() const { return bytes_; }
  bool empty() const { return ordered_ ? map_.empty() : items_.empty(); }

 private:
  struct Item {
    std::string_view key;
    Entry entry;
    uint64_t hash;
  };
  // An item with its first 16 key bytes (big-endian, zero-padded): most
  // comparisons of a sort end there, without touching the key bytes.
  struct SortKey {
    uint64_t hi, lo;
    const Item* item;
  };

  // A copy of `s` in the arena.
  std::string_view Store(std::string_view s);
  // The entry for `key`, inserted empty if absent.
  Entry* Slot(std::string_view key);
  static uint64_t HashKey(std::string_view key);
  // The append-mode item with this key, or null.
  const Item* Lookup(std::string_view key, uint64_t hash) const {
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      uint32_t slot = slots_[i];
      if (slot == 0) return nullptr;
      const Item& item = items_[slot - 1];
      if (item.hash == hash && item.key == key) return &item;
    }
  }
  // Doubles the slot table (append mode).
  void Grow();
  // Sorts sorted_ (append mode) if a write came since the last sort.
  void SortItems() const;
  void SwitchToOrdered() const;

  std::pmr::monotonic_buffer_resource arena_;
  // Append mode: the entries in first-write order (a deque never moves
  // them) and an open-addressing index over them (item index + 1, 0 =
  // empty, linear probing, at most half full).
  mutable std::pmr::deque<Item> items_;
  mutable std::vector<uint32_t> slots_ = std::vector<uint32_t>(kInitialSlots, 0);
  mutable size_t mask_ = kInitialSlots - 1;
  static constexpr size_t kInitialSlots = 1024;
  mutable std::vector<SortKey> sorted_;
  mutable bool sorted_valid_ = true;
  // Ordered mode.
  mutable bool ordered_ = false;
  mutable Map map_;
  size_t bytes_ = 0;
};

}  // namespace trendgraph::storage::internal
