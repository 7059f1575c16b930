// Round trips and ordering of the on-disk format (storage/key_codec.h).
#include "storage/key_codec.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "test_util.h"

namespace trendgraph::storage::keys {
namespace {

Value RoundTrip(const Value& v) {
  std::string enc;
  EXPECT_OK(EncodeValue(v, &enc));
  std::string_view in = enc;
  Value out;
  EXPECT_TRUE(DecodeValue(&in, &out));
  EXPECT_TRUE(in.empty());
  return out;
}

TEST(KeyCodecTest, ValueRoundTripIsExact) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Value::Map inner;
  inner["ключ"] = Value(Value::List{Value(1), Value(1.0), Value(), Value(Date{-719468})});
  inner[""] = Value(Value::Map{});
  std::vector<Value> values = {
      Value(),
      Value(true),
      Value(false),
      Value(int64_t{0}),
      Value(int64_t{1}),
      Value(int64_t{-1}),
      Value(std::numeric_limits<int64_t>::max()),
      Value(std::numeric_limits<int64_t>::min()),
      Value(1.0),
      Value(-0.0),
      Value(0.0),
      Value(nan),
      Value(std::numeric_limits<double>::infinity()),
      Value(-std::numeric_limits<double>::denorm_min()),
      Value(""),
      Value("算力券 computing vouchers 🇨🇳"),
      Value(std::string("nul\0inside", 10)),
      Value(Value::List{}),
      Value(Value::List{Value(Value::List{Value("deep")}), Value(inner)}),
      Value(inner),
      Value(Date{0}),
      Value(Date{std::numeric_limits<int32_t>::min()}),
      Value(Date{std::numeric_limits<int32_t>::max()}),
  };
  for (const Value& v : values) {
    Value back = RoundTrip(v);
    EXPECT_TRUE(back.Identical(v)) << v.DebugString() << " came back as " << back.DebugString();
  }
  EXPECT_TRUE(RoundTrip(Value(int64_t{1})).is_int());
  EXPECT_TRUE(RoundTrip(Value(1.0)).is_double());
  EXPECT_TRUE(std::signbit(RoundTrip(Value(-0.0)).as_double()));
  EXPECT_TRUE(std::isnan(RoundTrip(Value(nan)).as_double()));
}

TEST(KeyCodecTest, RuntimeKindsAreRefused) {
  std::string enc;
  EXPECT_TRUE(EncodeValue(Value(NodeRef{1}), &enc).IsInvalidArgument());
  EXPECT_TRUE(EncodeValue(Value(Value::List{Value(RelRef{})}), &enc).IsInvalidArgument());
  EXPECT_TRUE(EncodeOrdered(Value(), &enc).IsInvalidArgument());
}

TEST(KeyCodecTest, TruncatedOrGarbageValuesAreRejected) {
  std::string enc;
  ASSERT_OK(EncodeValue(Value(Value::List{Value("abc"), Value(2.5)}), &enc));
  for (size_t n = 0; n < enc.size(); ++n) {
    std::string_view in(enc.data(), n);
    Value out;
    EXPECT_FALSE(DecodeValue(&in, &out)) << "prefix of " << n << " bytes";
  }
  std::string_view bad("\x63", 1);
  Value out;
  EXPECT_FALSE(DecodeValue(&bad, &out));
}

TEST(KeyCodecTest, RecordsRoundTripAndFindProperty) {
  Properties props = {{1, Value("a")}, {7, Value(Value::List{Value(3)})}, {300, Value(2.0)}};
  std::string enc;
  ASSERT_OK(EncodeNodeRecord({2, 5, 1000}, props, &enc));
  NodeRecord rec;
  ASSERT_TRUE(DecodeNodeRecord(enc, &rec));
  EXPECT_EQ(rec.labels, (std::vector<LabelId>{2, 5, 1000}));
  ASSERT_EQ(rec.props.size(), 3u);
  for (size_t i = 0; i < props.size(); ++i) {
    EXPECT_EQ(rec.props[i].first, props[i].first);
    EXPECT_TRUE(rec.props[i].second.Identical(props[i].second));
  }
  std::vector<LabelId> labels;
  std::string_view p;
  ASSERT_TRUE(DecodeNodeLabels(enc, &labels, &p));
  Value v;
  ASSERT_TRUE(FindProperty(p, 300, &v));
  EXPECT_TRUE(v.Identical(Value(2.0)));
  ASSERT_TRUE(FindProperty(p, 8, &v));
  EXPECT_TRUE(v.is_null());

  enc.clear();
  ASSERT_OK(EncodeRelRecord(3, 1ull << 40, 9, props, &enc));
  RelRecord rel;
  ASSERT_TRUE(DecodeRelRecord(enc, &rel));
  EXPECT_EQ(rel.type, 3u);
  EXPECT_EQ(rel.start, 1ull << 40);
  EXPECT_EQ(rel.end, 9u);
  EXPECT_EQ(rel.props.size(), 3u);
}

TEST(KeyCodecTest, KeysSortInIdOrder) {
  std::vector<uint64_t> ids = {0, 1, 255, 256, 65535, 1ull << 32, (1ull << 63) + 5, ~0ull};
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_LT(NodeKey(1, ids[i - 1]), NodeKey(1, ids[i]));
    EXPECT_LT(LabelKey(1, 3, ids[i - 1]), LabelKey(1, 3, ids[i]));
    EXPECT_EQ(TrailingId(NodeKey(1, ids[i])), ids[i]);
  }
  // Graph prefixes partition the key space.
  EXPECT_LT(NodeKey(1, ~0ull), GraphPrefix(2));
  EXPECT_TRUE(NodeKey(2, 0).starts_with(GraphPrefix(2)));
  AdjEntry e;
  std::string k = AdjKey(7, 42, Direction::kIn, 9, 1234567890123ull, 77);
  EXPECT_EQ(k.size(), kAdjKeySize);
  ASSERT_TRUE(ParseAdjKey(k, &e));
  EXPECT_EQ(e.dir, Direction::kIn);
  EXPECT_EQ(e.type, 9u);
  EXPECT_EQ(e.other, 1234567890123ull);
  EXPECT_EQ(e.rel, 77u);
  EXPECT_TRUE(k.starts_with(AdjTypePrefix(7, 42, Direction::kIn, 9)));
  EXPECT_FALSE(k.starts_with(AdjPrefix(7, 42, Direction::kOut)));
  EXPECT_EQ(PrefixSuccessor(std::string("a\xff\xff", 3)), "b");
  EXPECT_EQ(PrefixSuccessor(std::string("\xff", 1)), "");
}

TEST(KeyCodecTest, SideKeysKeepTheCallersBytesAndOrder) {
  std::string k = SideKey(3, std::string("p\0\xff", 3));
  EXPECT_EQ(k, GraphPrefix(3) + std::string("S") + std::string("p\0\xff", 3));
  EXPECT_EQ(k.size(), kSideKeyPrefixSize + 3);
  EXPECT_EQ(static_cast<Tag>(k[4]), Tag::kSide);
  // The caller's order is kept; side keys stay inside their graph.
  EXPECT_LT(SideKey(3, "a"), SideKey(3, "a\x01"));
  EXPECT_LT(SideKey(3, "a\xff"), SideKey(3, "b"));
  EXPECT_LT(SideKey(3, std::string(50, '\xff')), GraphPrefix(4));
  EXPECT_TRUE(SideKey(3, "").starts_with(GraphPrefix(3)));
}

TEST(KeyCodecTest, VarintRoundTrip) {
  for (uint64_t v : {0ull, 1ull, 127ull, 128ull, 300ull, 1ull << 35, ~0ull}) {
    std::string s;
    PutVarint(&s, v);
    std::string_view in = s;
    uint64_t out = 0;
    ASSERT_TRUE(GetVarint(&in, &out));
    EXPECT_EQ(out, v);
    EXPECT_TRUE(in.empty());
  }
  for (int64_t v : {int64_t{0}, int64_t{-1}, int64_t{1}, std::numeric_limits<int64_t>::min(),
                    std::numeric_limits<int64_t>::max()})
    EXPECT_EQ(UnZigZag(ZigZag(v)), v);
}

std::string Ord(const Value& v) {
  std::string s;
  EXPECT_OK(EncodeOrdered(v, &s));
  return s;
}

TEST(KeyCodecTest, OrderedEncodingIsNumericAcrossIntAndDouble) {
  const int64_t big = int64_t{1} << 53;
  std::vector<Value> ascending = {
      Value(-std::numeric_limits<double>::infinity()),
      Value(std::numeric_limits<int64_t>::min()),
      Value(-1e18),
      Value(int64_t{-3}),
      Value(-2.5),
      Value(int64_t{-1}),
      Value(-0.5),
      Value(int64_t{0}),
      Value(1e-300),
      Value(0.5),
      Value(int64_t{1}),
      Value(1.5),
      Value(int64_t{2}),
      Value(static_cast<double>(big)),
      Value(big + 1),
      Value(big + 2),
      Value(std::numeric_limits<int64_t>::max()),
      Value(1e19),
      Value(std::numeric_limits<double>::infinity()),
  };
  for (size_t i = 1; i < ascending.size(); ++i)
    EXPECT_LT(Ord(ascending[i - 1]), Ord(ascending[i]))
        << ascending[i - 1].DebugString() << " < " << ascending[i].DebugString();
  EXPECT_EQ(Ord(Value(int64_t{1})), Ord(Value(1.0)));
  EXPECT_EQ(Ord(Value(-0.0)), Ord(Value(0.0)));
  EXPECT_EQ(Ord(Value(static_cast<double>(big))), Ord(Value(big)));
  EXPECT_NE(Ord(Value(big + 1)), Ord(Value(static_cast<double>(big + 1))));
  // NaN sorts after every number but in a class of its own.
  EXPECT_LT(Ord(Value(std::numeric_limits<double>::infinity())), Ord(Value(std::nan(""))));
}

TEST(KeyCodecTest, OrderedStringsAreByteOrderedAndPrefixFree) {
  std::vector<std::string> s = {"", std::string("\0", 1), std::string("\0\0", 2), std::string("\0a", 2), "a",
                                "a\x01", "ab", "b", "\xff", "\xff\xff"};
  for (size_t i = 1; i < s.size(); ++i) {
    std::string a = Ord(Value(s[i - 1])), b = Ord(Value(s[i]));
    EXPECT_LT(a, b) << i;
    EXPECT_FALSE(b.starts_with(a)) << "prefix-free " << i;
  }
  // Random strings: encoded order == byte order.
  std::mt19937 rng(7);
  std::vector<std::string> r;
  for (int i = 0; i < 300; ++i) {
    std::string x(rng() % 6, '\0');
    for (char& c : x) c = static_cast<char>(rng() % 3 == 0 ? 0 : rng() % 256);
    r.push_back(x);
  }
  for (size_t i = 1; i < r.size(); ++i)
    EXPECT_EQ(r[i - 1] < r[i], Ord(Value(r[i - 1])) < Ord(Value(r[i]))) << i;
  // Kinds never interleave: bools < numbers < strings < dates.
  EXPECT_LT(Ord(Value(true)), Ord(Value(int64_t{-100})));
  EXPECT_LT(Ord(Value(1e300)), Ord(Value("")));
  EXPECT_LT(Ord(Value("zzz")), Ord(Value(Date{-5})));
  EXPECT_LT(Ord(Value(Date{-5})), Ord(Value(Date{3})));
}

}  // namespace
}  // namespace trendgraph::storage::keys
