// WriteOverlay's append mode emits its entries in key order whatever the
// keys look like: its sort compares fixed-width integers made of a few key
// bytes first, and must fall back to whole keys for keys that are shorter
// than those bytes, contain zero bytes, or tie on them; and its incremental
// sort (new keys merged behind the sorted run) must agree with a full one.
#include <map>
#include <random>
#include <string>

#include <rocksdb/write_batch.h>

#include "storage/write_overlay.h"
#include "test_util.h"

namespace trendgraph::storage::internal {
namespace {

// Every entry AppendTo emits, in emission order.
class Collect : public rocksdb::WriteBatch::Handler {
 public:
  void Put(const rocksdb::Slice& k, const rocksdb::Slice& v) override { out.emplace_back(k.ToString(), v.ToString()); }
  void Delete(const rocksdb::Slice& k) override { out.emplace_back(k.ToString(), "<deleted>"); }
  std::vector<std::pair<std::string, std::string>> out;
};

std::vector<std::pair<std::string, std::string>> Emitted(const WriteOverlay& ov) {
  rocksdb::WriteBatch batch;
  ov.AppendTo(&batch);
  Collect c;
  EXPECT_TRUE(batch.Iterate(&c).ok());
  return c.out;
}

// Keys of a small alphabet (many shared prefixes and ties on 16 bytes, zero
// bytes, lengths 0 to 30), most behind one 4-byte prefix.
std::string RandomKey(std::mt19937_64& rng, bool shared_only) {
  static const char kBytes[] = {'\0', '\x01', 'A', 'U', '\x7f', '\x80', '\xff'};
  std::string k;
  if (shared_only || rng() % 8 != 0) k.assign("\0\0\0\x01", 4);
  size_t n = rng() % 27;
  for (size_t i = 0; i < n; ++i) k.push_back(kBytes[rng() % sizeof kBytes]);
  return k;
}

void CheckAgainstModel(bool shared_only, uint64_t seed) {
  std::mt19937_64 rng(seed);
  WriteOverlay ov;
  std::map<std::string, std::string> model;
  for (int round = 0; round < 8; ++round) {
    for (int i = 0; i < 300; ++i) {
      std::string k = RandomKey(rng, shared_only);
      if (k.empty()) continue;
      if (rng() % 5 == 0) {
        ov.Delete(k);
        model[k] = "<deleted>";
      } else {
        std::string v = std::to_string(rng() % 1000);
        ov.Put(k, v);
        model[k] = v;
      }
    }
    // Sorted incrementally: each round merges its new keys behind the last.
    std::vector<std::pair<std::string, std::string>> want(model.begin(), model.end());
    ASSERT_EQ(Emitted(ov), want) << "round " << round;
    // A prefix scan agrees too.
    std::string prefix("\0\0\0\x01" "A", 5);
    std::vector<std::string> got, expect;
    ov.ForEachWithPrefix(prefix, [&](std::string_view k, const WriteOverlay::Entry&) { got.emplace_back(k); });
    for (auto it = model.lower_bound(prefix); it != model.end() && it->first.starts_with(prefix); ++it)
      expect.push_back(it->first);
    ASSERT_EQ(got, expect) << "round " << round;
  }
}

TEST(WriteOverlayOrderTest, SharedPrefixKeys) {
  for (uint64_t seed = 1; seed <= 5; ++seed) CheckAgainstModel(true, seed);
}

TEST(WriteOverlayOrderTest, MixedPrefixesAndShortKeys) {
  for (uint64_t seed = 1; seed <= 5; ++seed) CheckAgainstModel(false, seed);
}

}  // namespace
}  // namespace trendgraph::storage::internal
