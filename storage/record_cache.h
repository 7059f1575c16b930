// Internal: committed node records that the writer of one graph recently
// wrote or read, so that an upsert of a known node compares its properties
// without a RocksDB point read. Profiled on a one-core ingest of generated
// signals documents: ~10% of all CPU went to those reads (the records of
// concepts that earlier documents created, still in the memtables).
//
// Bounded by two generations of at most half the budget in bytes each
// (TwoGenerations, key_table.h), like UniqueKeyCache: a hit in the old
// generation copies the record back to the young one. Each generation keeps
// its records back to back in a ByteArena, so dropping one frees everything
// at once.
//
// Entries are exact: the writer puts every node record its commit wrote and
// erases every one it deleted, after the write succeeded. Records larger
// than kMaxRecordBytes are not kept (an erase still applies). Not
// thread-safe: used by the writer of one graph only (under the writer slot).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "storage/key_table.h"

namespace trendgraph::storage::internal {

class RecordCache {
 public:
  static constexpr size_t kMaxRecordBytes = 64 << 10;

  explicit RecordCache(size_t budget_bytes) : gens_(budget_bytes / 2) {}

  // The record stored under `key`; the view is valid until the next Put or
  // Erase.
  std::optional<std::string_view> Find(std::string_view key) { return Find(HashedKey(key)); }
  std::optional<std::string_view> Find(const HashedKey& k) {
    const std::string_view key = k.key;
    Generation& young = gens_.young();
    if (const uint64_t* v = young.index.Find(key, k.hash)) return young.Get(*v);
    Generation& old = gens_.old();
    const uint64_t* v = old.index.Find(key, k.hash);
    if (v == nullptr) return std::nullopt;
    // Promote: copy into the young generation first, then make room. A
    // rotation moves the young generation's arena chunks intact (the
    // returned view stays valid) and frees only the generation the record
    // was copied from.
    std::string_view record = young.Get(young.Put(k, old.Get(*v)));
    old.index.Erase(key, k.hash);
    gens_.MakeRoom();
    return record;
  }

  void Put(std::string_view key, std::string_view record) { Put(HashedKey(key), record); }
  void Put(const HashedKey& k, std::string_view record) {
    gens_.old().index.Erase(k.key, k.hash);
    if (record.empty() || record.size() > kMaxRecordBytes) {
      gens_.young().index.Erase(k.key, k.hash);
      return;
    }
    gens_.MakeRoom();
    gens_.young().Put(k, record);
  }

  void Erase(std::string_view key) { gens_.Erase(HashedKey(key)); }
  void Erase(const HashedKey& k) { gens_.Erase(k); }
  // Starts loading what Find, Put and Erase of `k` will read.
  void Prefetch(const HashedKey& k) const { gens_.Prefetch(k); }

  void Clear() { gens_.Clear(); }

  size_t size() const { return gens_.size(); }
  uint64_t bytes() const { return gens_.young().weight() + gens_.old().weight(); }

 private:
  // The record's arena reference, packed: chunk (20 bits), offset (24 bits:
  // chunks are at most 16 MiB unless one record fills its own) and size (20
  // bits; records are at most kMaxRecordBytes). Weighed in bytes.
  struct Generation {
    KeyTable index;
    ByteArena records;

    uint64_t Put(const HashedKey& k, std::string_view record) {
      ByteArena::Ref r = records.Add(record);
      uint64_t packed = (uint64_t{r.chunk} << 44) | (uint64_t{r.offset} << 20) | r.size;
      index.Put(k.key, k.hash, packed);
      return packed;
    }
    std::string_view Get(uint64_t packed) const {
      ByteArena::Ref r{static_cast<uint32_t>(packed >> 44), static_cast<uint32_t>((packed >> 20) & 0xFFFFFF),
                       static_cast<uint32_t>(packed & 0xFFFFF)};
      return records.Get(r);
    }
    size_t weight() const { return index.bytes() + records.bytes(); }
  };

  TwoGenerations<Generation> gens_;
};

}  // namespace trendgraph::storage::internal
