#include "storage/read_cache.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace trendgraph::storage::internal {

namespace {

// Arena blocks grow from kFirstBlockBytes to kBlockBytes: an epoch that
// caches a handful of entries (a query between two commits of an ingest)
// takes one small block from the heap, and a long-lived one allocates a
// block per thousands of entries.
constexpr size_t kFirstBlockBytes = 16 << 10;
constexpr size_t kBlockBytes = 256 << 10;
// Larger requests (the adjacency of a hub node, a label scan) get their own
// block, so they do not waste the rest of the current one.
constexpr size_t kLargeBytes = kFirstBlockBytes / 4;
// Every entry type holds 8-byte fields at most.
constexpr size_t kAlign = 8;

size_t RoundUp(size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

}  // namespace

ReadCache::ReadCache(uint64_t node_capacity, uint64_t rel_capacity, uint32_t label_capacity, size_t budget_bytes,
                     std::atomic<uint64_t>* live_bytes)
    : node_capacity_(node_capacity),
      rel_capacity_(rel_capacity),
      label_capacity_(label_capacity),
      budget_(budget_bytes),
      live_bytes_(live_bytes) {}

ReadCache::~ReadCache() {
  if (live_bytes_ != nullptr) live_bytes_->fetch_sub(used_.load(), std::memory_order_relaxed);
  FreeSlots(nodes_, node_capacity_);
  FreeSlots(rels_, rel_capacity_);
  FreeSlots(adj_[0], node_capacity_);
  FreeSlots(adj_[1], node_capacity_);
  FreeSlots(labels_, label_capacity_);
  for (char* b : blocks_) std::free(b);
}

template <class T>
void ReadCache::FreeSlots(Slots<T>& slots, uint64_t capacity) {
  const T*** top = slots.top.load();
  if (top == nullptr) return;
  for (uint64_t p = 0; p < (capacity + kPageSlots - 1) >> kPageBits; ++p) std::free(top[p]);
  std::free(top);
}

bool ReadCache::Reserve(size_t n) {
  size_t used = used_.load(std::memory_order_relaxed);
  do {
    if (used + n > budget_) {
      full_.store(true, std::memory_order_relaxed);
      return false;
    }
  } while (!used_.compare_exchange_weak(used, used + n, std::memory_order_relaxed));
  if (live_bytes_ != nullptr) live_bytes_->fetch_add(n, std::memory_order_relaxed);
  return true;
}

void* ReadCache::Allocate(size_t n) {
  n = RoundUp(n);
  std::lock_guard lock(mu_);
  if (n >= kLargeBytes) {
    // Checked before Reserve: a refusal here is about the entry, not the
    // room left, so it must not mark the cache full (and get it replaced).
    if (n > budget_ / kMaxEntryFraction) return nullptr;
    if (!Reserve(n)) return nullptr;
    char* b = static_cast<char*>(std::malloc(n));
    if (b == nullptr) return nullptr;
    blocks_.push_back(b);
    return b;
  }
  if (n > cur_left_) {
    // A whole block is counted when taken: the budget bounds real memory.
    size_t size = std::min(kBlockBytes, kFirstBlockBytes << std::min<size_t>(arena_blocks_, 8));
    if (!Reserve(size)) return nullptr;
    char* b = static_cast<char*>(std::malloc(size));
    if (b == nullptr) return nullptr;
    blocks_.push_back(b);
    ++arena_blocks_;
    cur_ = b;
    cur_left_ = size;
  }
  void* p = cur_;
  cur_ += n;
  cur_left_ -= n;
  return p;
}

template <class T>
const T** ReadCache::EnsureSlot(Slots<T>& slots, uint64_t capacity, uint64_t id) {
  const T*** top = slots.top.load(std::memory_order_acquire);
  const T** page =
      top == nullptr ? nullptr : std::atomic_ref<const T**>(top[id >> kPageBits]).load(std::memory_order_acquire);
  if (page != nullptr) return page + (id & (kPageSlots - 1));
  std::lock_guard lock(mu_);
  top = slots.top.load(std::memory_order_acquire);
  if (top == nullptr) {
    size_t pages = (capacity + kPageSlots - 1) >> kPageBits;
    if (!Reserve(pages * sizeof(const T**))) return nullptr;
    top = static_cast<const T***>(std::calloc(pages, sizeof(const T**)));
    if (top == nullptr) return nullptr;
    slots.top.store(top, std::memory_order_release);
  }
  std::atomic_ref<const T**> page_ref(top[id >> kPageBits]);
  page = page_ref.load(std::memory_order_acquire);
  if (page == nullptr) {
    if (!Reserve(kPageSlots * sizeof(const T*))) return nullptr;
    page = static_cast<const T**>(std::calloc(kPageSlots, sizeof(const T*)));
    if (page == nullptr) return nullptr;
    page_ref.store(page, std::memory_order_release);
  }
  return page + (id & (kPageSlots - 1));
}

template <class T>
const T* ReadCache::Publish(const T** slot, const T* entry) {
  const T* expected = nullptr;
  if (std::atomic_ref<const T*>(*slot).compare_exchange_strong(expected, entry, std::memory_order_acq_rel))
    return entry;
  return expected;  // a concurrent insert won; ours stays unused in the arena
}

const CachedRecord* ReadCache::InsertRecord(Slots<CachedRecord>& slots, uint64_t capacity, uint64_t id, bool exists,
                                            std::string_view bytes) {
  if (id >= capacity) return nullptr;
  const CachedRecord** slot = EnsureSlot(slots, capacity, id);
  if (slot == nullptr) return nullptr;
  static_assert(alignof(CachedRecord) <= kAlign);
  char* p = static_cast<char*>(Allocate(sizeof(CachedRecord) + bytes.size()));
  if (p == nullptr) return nullptr;
  char* data = p + sizeof(CachedRecord);
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  auto* entry = new (p) CachedRecord{data, static_cast<uint32_t>(bytes.size()), exists};
  entries_.fetch_add(1, std::memory_order_relaxed);
  return Publish(slot, static_cast<const CachedRecord*>(entry));
}

const CachedRecord* ReadCache::InsertNode(NodeId id, bool exists, std::string_view bytes) {
  return InsertRecord(nodes_, node_capacity_, id, exists, bytes);
}

const CachedRecord* ReadCache::InsertRel(RelId id, bool exists, std::string_view bytes) {
  return InsertRecord(rels_, rel_capacity_, id, exists, bytes);
}

const CachedAdjacency* ReadCache::InsertAdjacency(NodeId id, Direction dir, const std::vector<AdjEntry>& entries) {
  if (id >= node_capacity_ || entries.size() > UINT32_MAX) return nullptr;
  const CachedAdjacency** slot = EnsureSlot(adj_[static_cast<int>(dir)], node_capacity_, id);
  if (slot == nullptr) return nullptr;
  uint32_t run_count = 0;
  for (size_t i = 0; i < entries.size(); ++i) run_count += i == 0 || entries[i].type != entries[i - 1].type;
  // Header, then entries (8-aligned), then runs (4-aligned).
  static_assert(sizeof(CachedAdjacency) % alignof(CachedAdjEntry) == 0 && alignof(CachedAdjEntry) <= kAlign);
  static_assert(sizeof(CachedAdjEntry) % alignof(CachedTypeRun) == 0);
  char* p = static_cast<char*>(Allocate(sizeof(CachedAdjacency) + entries.size() * sizeof(CachedAdjEntry) +
                                        run_count * sizeof(CachedTypeRun)));
  if (p == nullptr) return nullptr;
  auto* data = reinterpret_cast<CachedAdjEntry*>(p + sizeof(CachedAdjacency));
  auto* runs = reinterpret_cast<CachedTypeRun*>(data + entries.size());
  uint32_t r = 0;
  for (uint32_t i = 0; i < entries.size(); ++i) {
    new (data + i) CachedAdjEntry{entries[i].other, entries[i].rel};
    if (i == 0 || entries[i].type != entries[i - 1].type) new (runs + r++) CachedTypeRun{entries[i].type, i, i};
    ++runs[r - 1].end;
  }
  auto* entry = new (p) CachedAdjacency{data, runs, static_cast<uint32_t>(entries.size()), run_count};
  entries_.fetch_add(1, std::memory_order_relaxed);
  return Publish(slot, static_cast<const CachedAdjacency*>(entry));
}

const CachedIds* ReadCache::InsertLabel(LabelId label, const std::vector<NodeId>& ids) {
  if (label >= label_capacity_) return nullptr;
  const CachedIds** slot = EnsureSlot(labels_, label_capacity_, label);
  if (slot == nullptr) return nullptr;
  static_assert(sizeof(CachedIds) % alignof(NodeId) == 0 && alignof(NodeId) <= kAlign);
  char* p = static_cast<char*>(Allocate(sizeof(CachedIds) + ids.size() * sizeof(NodeId)));
  if (p == nullptr) return nullptr;
  auto* data = reinterpret_cast<NodeId*>(p + sizeof(CachedIds));
  if (!ids.empty()) std::memcpy(data, ids.data(), ids.size() * sizeof(NodeId));
  auto* entry = new (p) CachedIds{ids.size(), data};
  entries_.fetch_add(1, std::memory_order_relaxed);
  return Publish(slot, static_cast<const CachedIds*>(entry));
}

ReadCacheStats ReadCache::Stats() const {
  ReadCacheStats s;
  s.bytes = used_.load(std::memory_order_relaxed);
  s.entries = entries_.load(std::memory_order_relaxed);
  s.full = full_.load(std::memory_order_relaxed);
  return s;
}

}  // namespace trendgraph::storage::internal
