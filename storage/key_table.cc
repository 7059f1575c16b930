#include "storage/key_table.h"

#include <algorithm>
#include <cstring>

namespace trendgraph::storage::internal {

ByteArena::Ref ByteArena::Add(std::string_view s) {
  if (s.empty()) return Ref();
  if (s.size() > chunk_size_ - used_) {
    uint32_t next = chunk_size_ ? std::min(chunk_size_ * 2, kMaxChunk) : kFirstChunk;
    // A string larger than a chunk gets a chunk of its own size.
    size_t n = std::max<size_t>(next, s.size());
    chunks_.push_back(std::unique_ptr<char[]>(new char[n]));  // not zeroed: untouched pages stay unmapped
    bytes_ += n;
    chunk_size_ = static_cast<uint32_t>(n);
    used_ = 0;
  }
  Ref r{static_cast<uint32_t>(chunks_.size() - 1), used_, static_cast<uint32_t>(s.size())};
  std::memcpy(chunks_.back().get() + used_, s.data(), s.size());
  used_ += static_cast<uint32_t>(s.size());
  return r;
}

size_t KeyTable::Probe(std::string_view key, uint64_t hash, bool* found) const {
  const size_t mask = slots_.size() - 1;
  size_t free_slot = SIZE_MAX;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (s.hash == 0) {
      *found = false;
      return free_slot != SIZE_MAX ? free_slot : i;
    }
    if (s.hash == kTombstone) {
      if (free_slot == SIZE_MAX) free_slot = i;
    } else if (s.hash == hash && arena_.Get(s.key) == key) {
      *found = true;
      return i;
    }
  }
}

const uint64_t* KeyTable::Find(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) return nullptr;
  bool found = false;
  size_t i = Probe(key, hash, &found);
  return found ? &slots_[i].value : nullptr;
}

bool KeyTable::Put(std::string_view key, uint64_t hash, uint64_t value) {
  if ((used_ + 1) * 2 > slots_.size()) Grow();
  bool found = false;
  size_t i = Probe(key, hash, &found);
  Slot& s = slots_[i];
  s.value = value;
  if (found) return false;
  if (s.hash == 0) ++used_;
  s.hash = hash;
  s.key = arena_.Add(key);
  ++count_;
  return true;
}

void KeyTable::Erase(std::string_view key, uint64_t hash) {
  if (slots_.empty() || count_ == 0) return;
  bool found = false;
  size_t i = Probe(key, hash, &found);
  if (!found) return;
  slots_[i].hash = kTombstone;
  --count_;
}

void KeyTable::Grow() {
  std::vector<Slot> old = std::move(slots_);
  // Four times the live entries, at least 1024 slots: tombstones go. Called
  // at half full, so a table without tombstones doubles (a bound counting
  // the entry about to come, (count_ + 1) * 4, quadrupled it: a table of
  // 2.1M keys took 16M slots, 512 MiB, in a bulk load of 100k documents).
  size_t n = 1024;
  while (n < count_ * 4) n *= 2;
  slots_.assign(n, Slot());
  used_ = count_;
  const size_t mask = n - 1;
  for (const Slot& s : old) {
    if (s.hash <= kTombstone) continue;
    size_t i = s.hash & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace trendgraph::storage::internal
