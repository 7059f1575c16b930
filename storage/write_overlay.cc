#include "storage/write_overlay.h"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace trendgraph::storage::internal {

namespace {

std::string_view View(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

class OverlayIterator final : public rocksdb::Iterator {
 public:
  OverlayIterator(const WriteOverlay::Map* map, rocksdb::Iterator* base, const rocksdb::Slice* upper)
      : map_(map), base_(base), upper_(upper), delta_(map->end()) {}

  bool Valid() const override { return valid_; }
  void SeekToFirst() override { Seek(rocksdb::Slice()); }
  void Seek(const rocksdb::Slice& target) override {
    base_->Seek(target);
    delta_ = map_->lower_bound(View(target));
    Settle();
  }
  void Next() override {
    assert(valid_);
    if (on_delta_) {
      if (base_->Valid() && base_->key() == DeltaKey()) base_->Next();  // shadowed
      ++delta_;
    } else {
      base_->Next();
    }
    Settle();
  }
  rocksdb::Slice key() const override { return on_delta_ ? DeltaKey() : base_->key(); }
  rocksdb::Slice value() const override {
    return on_delta_ ? rocksdb::Slice(delta_->second.value.data(), delta_->second.value.size()) : base_->value();
  }
  rocksdb::Status status() const override { return base_->status(); }

  // Backward iteration is not needed by the readers; refuse it loudly.
  void SeekToLast() override { Unsupported(); }
  void SeekForPrev(const rocksdb::Slice&) override { Unsupported(); }
  void Prev() override { Unsupported(); }

 private:
  rocksdb::Slice DeltaKey() const { return rocksdb::Slice(delta_->first.data(), delta_->first.size()); }
  void Unsupported() {
    assert(false && "WriteOverlay iterators are forward-only");
    valid_ = false;
  }

  // Positions on the smaller of the two cursors; an overlay entry hides the
  // DB entry with the same key, and an overlay delete hides it entirely.
  void Settle() {
    for (;;) {
      bool bv = base_->Valid();
      bool dv = delta_ != map_->end() && (upper_ == nullptr || DeltaKey().compare(*upper_) < 0);
      if (!bv && !dv) {
        valid_ = false;
        return;
      }
      int cmp = 0;
      if (bv && dv) cmp = DeltaKey().compare(base_->key());
      if (dv && (!bv || cmp <= 0)) {
        if (delta_->second.deleted) {
          if (bv && cmp == 0) base_->Next();
          ++delta_;
          continue;
        }
        on_delta_ = true;
      } else {
        on_delta_ = false;
      }
      valid_ = true;
      return;
    }
  }

  const WriteOverlay::Map* map_;
  std::unique_ptr<rocksdb::Iterator> base_;
  const rocksdb::Slice* upper_;
  WriteOverlay::Map::const_iterator delta_;
  bool valid_ = false;
  bool on_delta_ = false;
};

}  // namespace

std::string_view WriteOverlay::Store(std::string_view s) {
  if (s.empty()) return std::string_view();
  char* p = static_cast<char*>(arena_.allocate(s.size(), 1));
  std::memcpy(p, s.data(), s.size());
  return std::string_view(p, s.size());
}

namespace {

uint64_t LoadBE(std::string_view key, size_t offset) {
  unsigned char b[8] = {0, 0, 0, 0, 0, 0, 0, 0};
  if (offset < key.size()) std::memcpy(b, key.data() + offset, std::min<size_t>(8, key.size() - offset));
  uint64_t v = 0;
  for (unsigned char c : b) v = (v << 8) | c;
  return v;
}

}  // namespace

WriteOverlay::Entry* WriteOverlay::Slot(std::string_view key) {
  if (ordered_) {
    auto it = map_.lower_bound(key);
    if (it != map_.end() && it->first == key) return &it->second;
    return &map_.emplace_hint(it, Store(key), Entry())->second;
  }
  const uint64_t hash = HashKey(key);
  if (const Item* found = Lookup(key, hash)) return const_cast<Entry*>(&found->entry);
  if ((items_.size() + 1) * 2 > slots_.size()) Grow();
  Item& item = items_.emplace_back(Item{Store(key), Entry(), hash});
  size_t i = hash & mask_;
  while (slots_[i] != 0) i = (i + 1) & mask_;
  slots_[i] = static_cast<uint32_t>(items_.size());
  sorted_valid_ = false;
  return &item.entry;
}

uint64_t WriteOverlay::HashKey(std::string_view key) {
  // Keys share long prefixes (graph id, tag, ids): every byte counts.
  constexpr uint64_t kMul = 0x9E3779B97F4A7C15ull;
  uint64_t h = key.size() * kMul;
  size_t i = 0;
  for (; i + 8 <= key.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, key.data() + i, 8);
    h = (h ^ w) * kMul;
    h ^= h >> 29;
  }
  if (i < key.size()) {
    uint64_t w = 0;
    std::memcpy(&w, key.data() + i, key.size() - i);
    h = (h ^ w) * kMul;
  }
  h ^= h >> 32;
  h *= kMul;
  return h ^ (h >> 29);
}

void WriteOverlay::Grow() {
  std::vector<uint32_t> slots(slots_.size() * 2, 0);
  size_t mask = slots.size() - 1;
  for (size_t k = 0; k < items_.size(); ++k) {
    size_t i = items_[k].hash & mask;
    while (slots[i] != 0) i = (i + 1) & mask;
    slots[i] = static_cast<uint32_t>(k + 1);
  }
  slots_.swap(slots);
  mask_ = mask;
}

void WriteOverlay::Put(std::string_view key, const rocksdb::Slice& value) {
  bytes_ += key.size() + value.size() + 8;
  Entry* e = Slot(key);
  e->value = Store(std::string_view(value.data(), value.size()));
  e->deleted = false;
}

void WriteOverlay::Delete(std::string_view key) {
  bytes_ += key.size() + 8;
  Entry* e = Slot(key);
  e->value = std::string_view();
  e->deleted = true;
}

rocksdb::Status WriteOverlay::Get(rocksdb::DB* db, const rocksdb::ReadOptions& ro, const rocksdb::Slice& key,
                                  rocksdb::PinnableSlice* value) const {
  const Entry* e = Find(View(key));
  if (e == nullptr) return db->Get(ro, db->DefaultColumnFamily(), key, value);
  if (e->deleted) return rocksdb::Status::NotFound();
  value->PinSelf(rocksdb::Slice(e->value.data(), e->value.size()));
  return rocksdb::Status::OK();
}

void WriteOverlay::SortItems() const {
  if (sorted_valid_) return;
  // Items are append-only and unique per key: new ones are sorted and
  // merged behind the already sorted run.
  size_t old = sorted_.size();
  for (size_t i = old; i < items_.size(); ++i) {
    const Item& item = items_[i];
    sorted_.push_back(SortKey{LoadBE(item.key, 0), LoadBE(item.key, 8), &item});
  }
  auto less = [](const SortKey& a, const SortKey& b) {
    if (a.hi != b.hi) return a.hi < b.hi;
    if (a.lo != b.lo) return a.lo < b.lo;
    return a.item->key < b.item->key;
  };
  std::sort(sorted_.begin() + static_cast<std::ptrdiff_t>(old), sorted_.end(), less);
  std::inplace_merge(sorted_.begin(), sorted_.begin() + static_cast<std::ptrdiff_t>(old), sorted_.end(), less);
  sorted_valid_ = true;
}

void WriteOverlay::SwitchToOrdered() const {
  if (ordered_) return;
  for (const Item& item : items_) map_.emplace_hint(map_.end(), item.key, item.entry);
  items_.clear();
  slots_.assign(kInitialSlots, 0);
  mask_ = kInitialSlots - 1;
  sorted_.clear();
  sorted_.shrink_to_fit();
  ordered_ = true;
}

rocksdb::Iterator* WriteOverlay::NewIterator(rocksdb::Iterator* base, const rocksdb::Slice* upper) const {
  SwitchToOrdered();
  return new OverlayIterator(&map_, base, upper);
}

void WriteOverlay::AppendTo(rocksdb::WriteBatch* batch) const {
  auto emit = [batch](std::string_view key, const Entry& e) {
    rocksdb::Slice k(key.data(), key.size());
    if (e.deleted)
      batch->Delete(k);
    else
      batch->Put(k, rocksdb::Slice(e.value.data(), e.value.size()));
  };
  if (ordered_) {
    for (const auto& [key, e] : map_) emit(key, e);
    return;
  }
  SortItems();
  for (const SortKey& s : sorted_) emit(s.item->key, s.item->entry);
}

}  // namespace trendgraph::storage::internal
