// The exact bytes of the order-preserving string encoding (on-disk format:
// unique and property index keys). A string is its bytes with every zero
// byte followed by 0xFF, then the terminator 00 01, after the class byte.
// Written against a byte-by-byte reference so that a faster encoder cannot
// change a key.
#include <random>
#include <string>

#include "storage/key_codec.h"
#include "test_util.h"

namespace trendgraph::storage::keys {
namespace {

std::string Reference(std::string_view s) {
  std::string out;
  for (char c : s) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xFF');
  }
  out.push_back('\0');
  out.push_back('\x01');
  return out;
}

TEST(KeyCodecFormatTest, OrderedStringBytes) {
  std::string empty;
  ASSERT_OK(EncodeOrdered(Value(""), &empty));
  ASSERT_EQ(empty.size(), 3u);  // class byte + terminator
  const std::string cls = empty.substr(0, 1);
  EXPECT_EQ(empty, cls + std::string("\0\x01", 2));

  std::string k;
  ASSERT_OK(EncodeOrdered(Value(std::string("a\0b\0", 4)), &k));
  EXPECT_EQ(k, cls + std::string("a\0\xff" "b\0\xff\0\x01", 8));

  std::mt19937_64 rng(11);
  for (int i = 0; i < 2000; ++i) {
    std::string s(rng() % 70, 'x');
    for (char& c : s) c = static_cast<char>(rng() % 4 == 0 ? 0 : rng() % 256);
    std::string prefix = "key:";  // appends to what the caller already has
    std::string got = prefix;
    ASSERT_OK(EncodeOrdered(Value(s), &got));
    ASSERT_EQ(got, prefix + cls + Reference(s)) << i;
  }
}

}  // namespace
}  // namespace trendgraph::storage::keys
