// The read-your-own-writes overlay against a real RocksDB: point reads and
// merged iteration (shadowing, deletes, bounds), checked against a model.
#include "storage/write_overlay.h"

#include <map>
#include <random>

#include "test_util.h"

namespace trendgraph::storage::internal {
namespace {

class WriteOverlayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(o, dir_.Sub("db"), &raw).ok());
    db_.reset(raw);
  }
  std::vector<std::pair<std::string, std::string>> Scan(const WriteOverlay& ov, const std::string& from,
                                                        const std::string& to) {
    rocksdb::ReadOptions ro;
    rocksdb::Slice upper(to);
    ro.iterate_upper_bound = &upper;
    std::unique_ptr<rocksdb::Iterator> it(ov.NewIterator(db_->NewIterator(ro), &upper));
    std::vector<std::pair<std::string, std::string>> out;
    for (it->Seek(from); it->Valid(); it->Next()) out.emplace_back(it->key().ToString(), it->value().ToString());
    EXPECT_TRUE(it->status().ok());
    return out;
  }

  trendgraph::testing::TempDir dir_;
  std::unique_ptr<rocksdb::DB> db_;
};

TEST_F(WriteOverlayTest, ShadowsAndDeletes) {
  for (const char* k : {"a", "c", "e", "g"}) ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), k, std::string("db-") + k).ok());
  WriteOverlay ov;
  ov.Put("b", "ov-b");
  ov.Put("c", "ov-c");  // shadows
  ov.Delete("e");       // hides
  ov.Delete("f");       // deletes nothing
  ov.Put("h", "ov-h");  // beyond the bound below
  auto got = Scan(ov, "", "h");
  std::vector<std::pair<std::string, std::string>> want = {{"a", "db-a"}, {"b", "ov-b"}, {"c", "ov-c"}, {"g", "db-g"}};
  EXPECT_EQ(got, want);
  EXPECT_EQ(Scan(ov, "c", "g"), (std::vector<std::pair<std::string, std::string>>{{"c", "ov-c"}}));
  rocksdb::PinnableSlice v;
  ASSERT_TRUE(ov.Get(db_.get(), rocksdb::ReadOptions(), "c", &v).ok());
  EXPECT_EQ(v.ToString(), "ov-c");
  v.Reset();
  EXPECT_TRUE(ov.Get(db_.get(), rocksdb::ReadOptions(), "e", &v).IsNotFound());
  v.Reset();
  ASSERT_TRUE(ov.Get(db_.get(), rocksdb::ReadOptions(), "g", &v).ok());
  EXPECT_EQ(v.ToString(), "db-g");
  // Deleting then re-putting a key revives it.
  ov.Put("e", "again");
  EXPECT_EQ(Scan(ov, "e", "f"), (std::vector<std::pair<std::string, std::string>>{{"e", "again"}}));
  // Emitted in key order, one entry per key.
  rocksdb::WriteBatch batch;
  ov.AppendTo(&batch);
  EXPECT_EQ(batch.Count(), 5u);  // b c e f h
  ASSERT_TRUE(db_->Write(rocksdb::WriteOptions(), &batch).ok());
  EXPECT_EQ(Scan(WriteOverlay(), "", "z").size(), 6u);  // a b c e g h
}

TEST_F(WriteOverlayTest, RandomOperationsMatchAModel) {
  std::mt19937 rng(11);
  std::map<std::string, std::string> model;
  auto key = [&] { return std::string(1, static_cast<char>('a' + rng() % 20)) + std::to_string(rng() % 10); };
  for (int i = 0; i < 100; ++i) {
    std::string k = key(), val = "db" + std::to_string(i);
    ASSERT_TRUE(db_->Put(rocksdb::WriteOptions(), k, val).ok());
    model[k] = val;
  }
  WriteOverlay ov;
  for (int i = 0; i < 300; ++i) {
    std::string k = key();
    if (rng() % 3 == 0) {
      ov.Delete(k);
      model.erase(k);
    } else {
      ov.Put(k, "ov" + std::to_string(i));
      model[k] = "ov" + std::to_string(i);
    }
    if (i % 50 == 0) {
      std::string from = key(), to = key();
      if (to < from) std::swap(from, to);
      std::vector<std::pair<std::string, std::string>> want(model.lower_bound(from), model.lower_bound(to));
      ASSERT_EQ(Scan(ov, from, to), want) << from << ".." << to;
    }
  }
  std::vector<std::pair<std::string, std::string>> all(model.begin(), model.end());
  EXPECT_EQ(Scan(ov, "", "~"), all);
}

// Append mode (no iterator yet): point reads, prefix walks and the commit
// order must match the model, also after more writes since the last sort;
// then the first iterator switches to ordered mode and everything still
// matches.
TEST_F(WriteOverlayTest, AppendModeMatchesAModelUntilTheFirstIterator) {
  std::mt19937 rng(7);
  // Binary keys with long shared prefixes and different lengths, like ours.
  auto key = [&] {
    std::string k("\0\0\0\1", 4);
    k.push_back("ANLU"[rng() % 4]);
    for (int i = rng() % 14; i > 0; --i) k.push_back(static_cast<char>(rng() % 3 == 0 ? 0 : rng() % 256));
    return k;
  };
  std::map<std::string, std::pair<std::string, bool>> model;  // key -> value, deleted
  WriteOverlay ov;
  auto check = [&] {
    for (const auto& [k, e] : model) {
      const WriteOverlay::Entry* got = ov.Find(k);
      ASSERT_NE(got, nullptr);
      EXPECT_EQ(got->deleted, e.second);
      if (!e.second) {
        EXPECT_EQ(std::string(got->value), e.first);
      }
    }
    EXPECT_EQ(ov.Find(std::string("\0\0\0\1Q", 5)), nullptr);  // never written
    std::string prefix("\0\0\0\1A", 5);
    std::vector<std::string> want, got;
    for (auto it = model.lower_bound(prefix); it != model.end() && it->first.starts_with(prefix); ++it)
      want.push_back(it->first);
    ov.ForEachWithPrefix(prefix, [&](std::string_view k, const WriteOverlay::Entry&) { got.emplace_back(k); });
    EXPECT_EQ(got, want);
    rocksdb::WriteBatch batch;
    ov.AppendTo(&batch);
    EXPECT_EQ(batch.Count(), model.size());
  };
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 400; ++i) {
      std::string k = key();
      if (rng() % 4 == 0) {
        ov.Delete(k);
        model[k] = {"", true};
      } else {
        std::string v("v");
        v += std::to_string(round * 1000 + i);
        ov.Put(k, v);
        model[k] = {v, false};
      }
    }
    check();
  }
  // Commit order: strictly increasing keys, the model's entries exactly.
  rocksdb::WriteBatch batch;
  ov.AppendTo(&batch);
  ASSERT_TRUE(db_->Write(rocksdb::WriteOptions(), &batch).ok());
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  std::vector<std::string> live;
  for (it->SeekToFirst(); it->Valid(); it->Next()) live.push_back(it->key().ToString());
  std::vector<std::string> want;
  for (const auto& [k, e] : model)
    if (!e.second) want.push_back(k);
  EXPECT_EQ(live, want);
  // The first iterator switches modes; later writes are seen by it too.
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto& [k, e] : model)
    if (!e.second) all.emplace_back(k, e.first);
  EXPECT_EQ(Scan(ov, "", "\xff"), all);
  ov.Put(std::string("\0\0\0\1Z", 5), "late");
  model[std::string("\0\0\0\1Z", 5)] = {"late", false};
  check();
}

}  // namespace
}  // namespace trendgraph::storage::internal
