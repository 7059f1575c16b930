// KeyTable and ByteArena against a std::unordered_map / std::string model:
// random puts, overwrites, erases (tombstones) and growth.
#include "storage/key_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <unordered_map>

namespace trendgraph::storage::internal {
namespace {

TEST(KeyTableTest, AgreesWithAMapUnderRandomOperations) {
  std::mt19937_64 rng(7);
  KeyTable table;
  std::unordered_map<std::string, uint64_t> model;
  auto key = [&] {
    // Short and long keys, many repeats, a shared prefix as index keys have.
    std::string k("\x00\x00\x00\x01U", 5);
    k += std::to_string(rng() % 5000);
    if (rng() % 7 == 0) k += std::string(40 + rng() % 60, 'x');
    return k;
  };
  for (int i = 0; i < 200000; ++i) {
    std::string k = key();
    switch (rng() % 4) {
      case 0:
      case 1: {
        uint64_t v = rng();
        bool fresh = table.Put(k, v);
        EXPECT_EQ(fresh, model.count(k) == 0) << k;
        model[k] = v;
        break;
      }
      case 2:
        table.Erase(k);
        model.erase(k);
        break;
      default: {
        const uint64_t* v = table.Find(k);
        auto it = model.find(k);
        ASSERT_EQ(v != nullptr, it != model.end()) << k;
        if (v) {
          EXPECT_EQ(*v, it->second);
        }
      }
    }
    ASSERT_EQ(table.size(), model.size());
  }
  size_t seen = 0;
  table.ForEach([&](std::string_view k, uint64_t v) {
    ++seen;
    auto it = model.find(std::string(k));
    ASSERT_NE(it, model.end());
    EXPECT_EQ(it->second, v);
  });
  EXPECT_EQ(seen, model.size());
}

TEST(KeyTableTest, GrowsByDoubling) {
  KeyTable t;
  for (uint32_t i = 0; i < 100000; ++i) {
    t.Put("key" + std::to_string(i), i);
    ASSERT_LE(t.capacity(), std::max<size_t>(1024, 4 * t.size())) << t.size() << " keys";
    ASSERT_GE(t.capacity(), 2 * t.size()) << t.size() << " keys";
  }
}

TEST(KeyTableTest, FindForUpdate) {
  KeyTable table;
  EXPECT_EQ(table.Find("a"), nullptr);
  table.Put("a", 1);
  *table.Find("a") = 5;
  EXPECT_EQ(*std::as_const(table).Find("a"), 5u);
}

TEST(ByteArenaTest, KeepsEveryStringAcrossChunks) {
  ByteArena arena;
  std::vector<std::pair<ByteArena::Ref, std::string>> stored;
  std::mt19937 rng(3);
  for (int i = 0; i < 20000; ++i) {
    // Mostly small strings; some larger than the first chunks.
    size_t n = rng() % 50 == 0 ? 100000 + rng() % 300000 : 1 + rng() % 200;
    std::string s(n, static_cast<char>('a' + i % 26));
    s[0] = static_cast<char>(i);
    stored.emplace_back(arena.Add(s), s);
  }
  for (const auto& [ref, s] : stored) ASSERT_EQ(arena.Get(ref), s);
  EXPECT_FALSE(arena.Add("").present());
  EXPECT_EQ(arena.Get(ByteArena::Ref()), "");
}

}  // namespace
}  // namespace trendgraph::storage::internal
