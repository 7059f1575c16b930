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
  auto it = index_.find(key);
  if (it != index_.end()) return &it->second->entry;
  Item& item = items_.emplace_back(Item{Store(key), Entry()});
  index_.emplace(item.key, &item);
  sorted_valid_ = false;
  return &item.entry;
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
  index_.clear();
  items_.clear();
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
