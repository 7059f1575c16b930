#include "storage/write_overlay.h"

#include <cassert>

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

WriteOverlay::Map::iterator WriteOverlay::Slot(std::string_view key) {
  auto it = map_.lower_bound(key);
  if (it != map_.end() && std::string_view(it->first) == key) return it;
  return map_.emplace_hint(it, std::piecewise_construct, std::forward_as_tuple(key), std::forward_as_tuple());
}

void WriteOverlay::Put(std::string_view key, const rocksdb::Slice& value) {
  bytes_ += key.size() + value.size() + 8;
  auto it = Slot(key);
  it->second.value.assign(value.data(), value.size());
  it->second.deleted = false;
}

void WriteOverlay::Delete(std::string_view key) {
  bytes_ += key.size() + 8;
  auto it = Slot(key);
  it->second.value.clear();
  it->second.deleted = true;
}

rocksdb::Status WriteOverlay::Get(rocksdb::DB* db, const rocksdb::ReadOptions& ro, const rocksdb::Slice& key,
                                  rocksdb::PinnableSlice* value) const {
  auto it = map_.find(View(key));
  if (it == map_.end()) return db->Get(ro, db->DefaultColumnFamily(), key, value);
  if (it->second.deleted) return rocksdb::Status::NotFound();
  value->PinSelf(rocksdb::Slice(it->second.value.data(), it->second.value.size()));
  return rocksdb::Status::OK();
}

rocksdb::Iterator* WriteOverlay::NewIterator(rocksdb::Iterator* base, const rocksdb::Slice* upper) const {
  return new OverlayIterator(&map_, base, upper);
}

void WriteOverlay::AppendTo(rocksdb::WriteBatch* batch) const {
  for (const auto& [key, e] : map_) {
    rocksdb::Slice k(key.data(), key.size());
    if (e.deleted)
      batch->Delete(k);
    else
      batch->Put(k, rocksdb::Slice(e.value.data(), e.value.size()));
  }
}

}  // namespace trendgraph::storage::internal
