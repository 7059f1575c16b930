// Internal: the shared in-memory read cache of one graph at one epoch.
//
// An epoch is the state of a graph between two commits. Every Snapshot of
// that state shares one ReadCache (GraphImpl hands it out with the RocksDB
// snapshot, under the lock that orders commits); a commit, index change or
// drop starts a new epoch with a new, empty cache. An entry therefore never
// goes stale: a snapshot only reads and fills the cache of exactly its own
// state, and old snapshots keep their old cache alive until they die. There
// is no per-entry invalidation.
//
// Nor is there per-entry eviction: a cache that is full() (an entry did not
// fit the budget) is replaced whole. The graph then hands the snapshots it
// creates a fresh, empty cache of the same epoch, while the snapshots holding
// the full one keep using it until they die (GraphImpl::NewSnapshot, which
// also bounds how many caches of a graph live at once). On a read-mostly
// server an epoch lasts for hours; this way the data queried lately, not the
// data queried first, is what the cache holds. An entry larger than
// kMaxEntryFraction of the budget is never cached (it would leave room for
// little else) and does not make the cache full.
//
// Contents, filled lazily by snapshots on a miss (they read RocksDB as
// before, then insert):
//   - node record bytes by node id (or "no such node");
//   - relationship record bytes by relationship id (or "no such relationship");
//   - the adjacency of (node, direction): every entry in key order
//     (type, other, rel), in one contiguous array;
//   - the node ids of a label, in id order.
//
// Node and relationship ids are dense (below Counters::next_node / next_rel
// of the epoch), so id-keyed entries are found through tables indexed by id
// (two levels of zeroed pointer pages, allocated as ids are first cached),
// holding atomic pointers to immutable entries in an arena. Lookups are
// lock-free loads; an insert
// copies into the arena and publishes with a compare-exchange (a loser's copy
// stays in the arena, unused, until the epoch dies). Inserting stops once the
// entries and tables reach the byte budget.
//
// Thread-safe: any number of threads read and insert concurrently. Entries
// returned stay valid, unchanged, as long as the ReadCache lives.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "storage/graph_store.h"

namespace trendgraph::storage::internal {

// A cached node or relationship record. `exists` false: there is no such
// node (relationship) in this epoch.
struct CachedRecord {
  const char* data = nullptr;
  uint32_t size = 0;
  bool exists = false;
  std::string_view bytes() const { return {data, size}; }
};

// A cached adjacency list: `count` entries (far end, relationship) in key
// order, i.e. grouped by type; `runs` says which entries have which type
// (ascending types, contiguous, none empty). Storing the type once per run
// and the direction not at all halves an entry (16 bytes, not the 32 of an
// AdjEntry), so twice as many fit a CPU cache line when a query walks them.
struct CachedAdjEntry {
  NodeId other = 0;
  RelId rel = 0;
};
struct CachedTypeRun {
  TypeId type = 0;
  uint32_t begin = 0;  // entries [begin, end) have this type
  uint32_t end = 0;
};
struct CachedAdjacency {
  const CachedAdjEntry* entries = nullptr;
  const CachedTypeRun* runs = nullptr;
  uint32_t count = 0;
  uint32_t run_count = 0;
  const CachedTypeRun* runs_end() const { return runs + run_count; }
  // The run of `type`, or null when the list has none.
  const CachedTypeRun* FindRun(TypeId type) const {
    for (const CachedTypeRun* r = runs; r != runs_end(); ++r)
      if (r->type == type) return r;
    return nullptr;
  }
};

// A cached label scan: `count` node ids in increasing order.
struct CachedIds {
  size_t count = 0;
  const NodeId* ids = nullptr;
};

// Counters of one cache; a consistent-enough copy (relaxed loads).
struct ReadCacheStats {
  uint64_t bytes = 0;    // arena + id tables, as counted against the budget
  uint64_t entries = 0;  // entries published
  bool full = false;     // an insert was refused for lack of budget
};

class ReadCache {
 public:
  // node_capacity / rel_capacity: ids of this epoch are below them
  // (Counters::next_node / next_rel); label_capacity: label ids below it are
  // cacheable. budget_bytes > 0. live_bytes (optional, not owned, must
  // outlive the cache): the bytes this cache holds are added to it while it
  // lives, so that an owner can sum every live cache's memory.
  ReadCache(uint64_t node_capacity, uint64_t rel_capacity, uint32_t label_capacity, size_t budget_bytes,
            std::atomic<uint64_t>* live_bytes = nullptr);
  ~ReadCache();
  ReadCache(const ReadCache&) = delete;
  ReadCache& operator=(const ReadCache&) = delete;

  // Lookups: null on a miss (never cached, out of range).
  const CachedRecord* FindNode(NodeId id) const { return Load(nodes_, id, node_capacity_); }
  const CachedRecord* FindRel(RelId id) const { return Load(rels_, id, rel_capacity_); }
  const CachedAdjacency* FindAdjacency(NodeId id, Direction dir) const {
    return Load(adj_[static_cast<int>(dir)], id, node_capacity_);
  }
  const CachedIds* FindLabel(LabelId label) const { return Load(labels_, label, label_capacity_); }

  // Prefetching a node record takes two steps, each a hint to the CPU that
  // never faults: PrefetchNodeSlot starts loading the table slot of `id`;
  // PrefetchNodeRecord, issued some time later (when the slot has arrived),
  // reads the slot and starts loading the record's first `lines` cache
  // lines. Issuing step one for a batch of ids, then step two for the same
  // batch, overlaps the misses of the whole batch.
  void PrefetchNodeSlot(NodeId id) const {
    if (const CachedRecord* const* slot = SlotOf(nodes_, id, node_capacity_)) __builtin_prefetch(slot);
  }
  void PrefetchNodeRecord(NodeId id, unsigned lines) const {
    const char* p = reinterpret_cast<const char*>(FindNode(id));
    if (p == nullptr) return;
    for (unsigned i = 0; i < lines; ++i) __builtin_prefetch(p + i * 64);
  }

  // An entry over budget / kMaxEntryFraction bytes is refused, whatever the
  // room left.
  static constexpr size_t kMaxEntryFraction = 8;

  // Inserts: return the published entry (this one, or the one a concurrent
  // insert published first), or null when the id is out of range, the entry
  // is too large, or the budget is exhausted. The inputs are copied; adjacency `entries` must be
  // in key order (type, other, rel), as a prefix scan returns them.
  const CachedRecord* InsertNode(NodeId id, bool exists, std::string_view bytes);
  const CachedRecord* InsertRel(RelId id, bool exists, std::string_view bytes);
  const CachedAdjacency* InsertAdjacency(NodeId id, Direction dir, const std::vector<AdjEntry>& entries);
  const CachedIds* InsertLabel(LabelId label, const std::vector<NodeId>& ids);

  ReadCacheStats Stats() const;
  // An insert has been refused for lack of budget: callers stop doing extra
  // work (whole adjacency lists, whole label scans) only to fill the cache,
  // and the graph replaces it for the snapshots it creates next.
  bool full() const { return full_.load(std::memory_order_relaxed); }

 private:
  // Entry pointers by id, two levels: a zeroed top table of pages, each
  // page kPageSlots zeroed pointers, both calloc'd on first use (plain
  // pointers, accessed through std::atomic_ref). Pages are small and come
  // from the heap, so a new epoch that reads a few ids costs a few small
  // allocations, not a large mmap'd array with a page fault per id.
  static constexpr unsigned kPageBits = 9;
  static constexpr uint64_t kPageSlots = uint64_t{1} << kPageBits;  // 4 KiB of pointers
  template <class T>
  struct Slots {
    std::atomic<const T***> top{nullptr};
  };

  template <class T>
  static const T* Load(const Slots<T>& slots, uint64_t id, uint64_t capacity) {
    if (id >= capacity) return nullptr;
    const T*** top = slots.top.load(std::memory_order_acquire);
    if (top == nullptr) return nullptr;
    const T** page = std::atomic_ref<const T**>(top[id >> kPageBits]).load(std::memory_order_acquire);
    if (page == nullptr) return nullptr;
    return std::atomic_ref<const T*>(page[id & (kPageSlots - 1)]).load(std::memory_order_acquire);
  }
  // The address of the slot of `id`, or null when its page does not exist.
  template <class T>
  static const T* const* SlotOf(const Slots<T>& slots, uint64_t id, uint64_t capacity) {
    if (id >= capacity) return nullptr;
    const T*** top = slots.top.load(std::memory_order_acquire);
    if (top == nullptr) return nullptr;
    const T** page = std::atomic_ref<const T**>(top[id >> kPageBits]).load(std::memory_order_acquire);
    return page == nullptr ? nullptr : page + (id & (kPageSlots - 1));
  }
  // The slot of `id` (< capacity), allocating its page (and the top table)
  // on first use; null over budget.
  template <class T>
  const T** EnsureSlot(Slots<T>& slots, uint64_t capacity, uint64_t id);
  // Publishes `entry` in `slot` unless another is there; returns the winner.
  template <class T>
  static const T* Publish(const T** slot, const T* entry);
  template <class T>
  static void FreeSlots(Slots<T>& slots, uint64_t capacity);

  // Reserves `n` bytes of budget; false (nothing reserved) when over budget.
  bool Reserve(size_t n);
  // `n` bytes from the arena, aligned for any entry type; budget reserved.
  void* Allocate(size_t n);

  // A record copied into the arena, published at slots[id].
  const CachedRecord* InsertRecord(Slots<CachedRecord>& slots, uint64_t capacity, uint64_t id, bool exists,
                                   std::string_view bytes);

  const uint64_t node_capacity_;
  const uint64_t rel_capacity_;
  const uint32_t label_capacity_;
  const size_t budget_;
  std::atomic<uint64_t>* const live_bytes_;
  std::atomic<size_t> used_{0};
  std::atomic<uint64_t> entries_{0};
  std::atomic<bool> full_{false};

  Slots<CachedRecord> nodes_;
  Slots<CachedRecord> rels_;
  Slots<CachedAdjacency> adj_[2];
  Slots<CachedIds> labels_;

  // Guards the arena and the lazy table allocation (misses only: each one
  // has just paid a RocksDB read, so one uncontended lock is noise).
  std::mutex mu_;
  std::vector<char*> blocks_;  // arena blocks and large single allocations
  size_t arena_blocks_ = 0;    // of blocks_, the arena blocks
  char* cur_ = nullptr;
  size_t cur_left_ = 0;
};

}  // namespace trendgraph::storage::internal
