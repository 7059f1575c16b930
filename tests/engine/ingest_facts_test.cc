// DocumentFacts (engine/ingest_facts.h) on its own: node dedupe by (label,
// key name, typed key), name interning, property merging, and the errors
// that fail a document. The pipeline tests cover it through real plugins;
// these pin the dedupe table's edge cases directly.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "engine/ingest_facts.h"

namespace trendgraph::engine {
namespace {

tg_string S(std::string_view s) { return tg_string{s.data(), s.size()}; }
tg_value StrV(std::string_view s) {
  tg_value v{};
  v.type = TG_VALUE_STRING;
  v.string_value = S(s);
  return v;
}
tg_value IntV(int64_t i) {
  tg_value v{};
  v.type = TG_VALUE_INT;
  v.int_value = i;
  return v;
}
tg_value DoubleV(double d) {
  tg_value v{};
  v.type = TG_VALUE_DOUBLE;
  v.double_value = d;
  return v;
}

std::string Key(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%d", i);
  return buf;
}

tg_node_handle Upsert(DocumentFacts& f, std::string_view label, std::string_view key_name, const tg_value& key,
                      const std::vector<tg_property>& props = {}) {
  tg_node_handle h = 0;
  EXPECT_EQ(f.UpsertNode(S(label), S(key_name), &key, props.data(), props.size(), &h), TG_OK) << f.error.ToString();
  return h;
}

TEST(DocumentFactsTest, SameKeyGivesSameNodeAndMergesProperties) {
  DocumentFacts f("doc.md", "bytes");
  const tg_node_handle a = Upsert(f, "Keyword", "name", StrV("ai"), {{S("display"), StrV("AI")}});
  const tg_node_handle b = Upsert(f, "Keyword", "name", StrV("ai"), {{S("display"), StrV("Ai")}, {S("n"), IntV(2)}});
  EXPECT_EQ(a, 1u);
  EXPECT_EQ(a, b);
  ASSERT_EQ(f.nodes().size(), 1u);
  const BufferedNode& n = f.nodes()[0];
  EXPECT_EQ(f.tokens()[n.label], "Keyword");
  EXPECT_EQ(f.tokens()[n.key_name], "name");
  EXPECT_EQ(n.key.as_string(), "ai");
  ASSERT_EQ(n.props.size(), 2u);  // later value overwrites, emission order kept
  EXPECT_EQ(f.tokens()[n.props[0].first], "display");
  EXPECT_EQ(n.props[0].second.as_string(), "Ai");
  EXPECT_EQ(n.props[1].second.as_int(), 2);
}

TEST(DocumentFactsTest, KeysAreTyped) {
  DocumentFacts f("doc.md", "bytes");
  const tg_node_handle s1 = Upsert(f, "N", "k", StrV("1"));
  const tg_node_handle i1 = Upsert(f, "N", "k", IntV(1));
  const tg_node_handle d1 = Upsert(f, "N", "k", DoubleV(1.0));
  const tg_node_handle pz = Upsert(f, "N", "k", DoubleV(0.0));
  const tg_node_handle nz = Upsert(f, "N", "k", DoubleV(-0.0));
  EXPECT_EQ(f.nodes().size(), 5u);
  EXPECT_NE(s1, i1);
  EXPECT_NE(i1, d1);
  EXPECT_NE(pz, nz);
  EXPECT_EQ(Upsert(f, "N", "k", IntV(1)), i1);
  EXPECT_EQ(Upsert(f, "N", "k", DoubleV(-0.0)), nz);
  EXPECT_EQ(Upsert(f, "N", "k", StrV("1")), s1);
  EXPECT_EQ(f.nodes().size(), 5u);
}

TEST(DocumentFactsTest, LabelAndKeyNameSeparateNodes) {
  DocumentFacts f("doc.md", "bytes");
  const tg_node_handle a = Upsert(f, "Keyword", "name", StrV("x"));
  const tg_node_handle b = Upsert(f, "Theme", "name", StrV("x"));
  const tg_node_handle c = Upsert(f, "Keyword", "id", StrV("x"));
  EXPECT_NE(a, b);
  EXPECT_NE(a, c);
  EXPECT_NE(b, c);
  EXPECT_EQ(Upsert(f, "Theme", "name", StrV("x")), b);
}

// Thousands of nodes: the dedupe table grows many times and keeps every
// handle findable, in insertion order.
TEST(DocumentFactsTest, ManyNodesSurviveGrowth) {
  DocumentFacts f("doc.md", "bytes");
  constexpr int kCount = 5000;
  for (int i = 0; i < kCount; ++i) {
    const std::string key = Key(i);
    // String and int nodes interleave: handles 2i+1 and 2i+2.
    EXPECT_EQ(Upsert(f, i % 2 ? "A" : "B", "name", StrV(key)), static_cast<tg_node_handle>(2 * i + 1));
    EXPECT_EQ(Upsert(f, "I", "id", IntV(i)), static_cast<tg_node_handle>(2 * i + 2));
  }
  ASSERT_EQ(f.nodes().size(), 2u * kCount);
  for (int i = 0; i < kCount; ++i) {
    const std::string key = Key(i);
    const tg_node_handle h = Upsert(f, i % 2 ? "A" : "B", "name", StrV(key));
    ASSERT_GE(h, 1u);
    EXPECT_EQ(f.nodes()[h - 1].key.as_string(), key);
    const tg_node_handle hi = Upsert(f, "I", "id", IntV(i));
    EXPECT_EQ(f.nodes()[hi - 1].key.as_int(), i);
  }
  EXPECT_EQ(f.nodes().size(), 2u * kCount);
  EXPECT_EQ(f.tokens().size(), 5u);  // A, B, name, I, id interned once each
}

// One node upserted again and again with a new property each time (and an
// overwrite of the first): every key once, in emission order, later values
// winning; a value that fails to convert leaves no entry behind.
TEST(DocumentFactsTest, PropertiesAccumulateOnOneNode) {
  DocumentFacts f("doc.md", "bytes");
  constexpr int kKeys = 2000;
  std::vector<std::string> keys;
  for (int i = 0; i < kKeys; ++i) keys.push_back(Key(i));
  for (int i = 0; i < kKeys; ++i) {
    const std::vector<tg_property> props = {{S(keys[i]), IntV(i)}, {S(keys[0]), IntV(-i)}};
    ASSERT_EQ(Upsert(f, "N", "id", StrV("one"), props), 1u);
  }
  ASSERT_EQ(f.nodes().size(), 1u);
  const auto& props = f.nodes()[0].props;
  ASSERT_EQ(props.size(), static_cast<size_t>(kKeys));
  EXPECT_EQ(props[0].second.as_int(), -(kKeys - 1));
  for (int i = 1; i < kKeys; ++i) {
    EXPECT_EQ(f.tokens()[props[i].first], keys[i]);
    EXPECT_EQ(props[i].second.as_int(), i);
  }
  const std::string bad = "bad\xff";
  const tg_value key = StrV("one");
  const tg_property failing[] = {{S("fresh"), StrV(bad)}};
  tg_node_handle h = 0;
  EXPECT_EQ(f.UpsertNode(S("N"), S("id"), &key, failing, 1, &h), TG_ERR_INVALID_INPUT);
  EXPECT_NE(f.error.ToString().find("property 'fresh'"), std::string::npos) << f.error.ToString();
  EXPECT_EQ(f.nodes()[0].props.size(), static_cast<size_t>(kKeys));
}

// Names are cached by the caller's pointer: a buffer reused for another name
// of the same length must still give that other name.
TEST(DocumentFactsTest, ReusedNameBufferIsNotAliased) {
  DocumentFacts f("doc.md", "bytes");
  char label[8] = "Alpha";
  const tg_node_handle a = Upsert(f, std::string_view(label, 5), "name", StrV("x"));
  std::memcpy(label, "Betas", 5);
  const tg_node_handle b = Upsert(f, std::string_view(label, 5), "name", StrV("x"));
  EXPECT_NE(a, b);
  ASSERT_EQ(f.nodes().size(), 2u);
  EXPECT_EQ(f.tokens()[f.nodes()[0].label], "Alpha");
  EXPECT_EQ(f.tokens()[f.nodes()[1].label], "Betas");
  std::memcpy(label, "Alpha", 5);
  EXPECT_EQ(Upsert(f, std::string_view(label, 5), "name", StrV("x")), a);
}

TEST(DocumentFactsTest, BadFactsFailTheDocument) {
  DocumentFacts f("doc.md", "bytes");
  tg_node_handle h = 7;
  const tg_value empty = StrV("");
  EXPECT_EQ(f.UpsertNode(S("N"), S("k"), &empty, nullptr, 0, &h), TG_ERR_INVALID_INPUT);
  EXPECT_EQ(h, 0u);
  EXPECT_NE(f.error.ToString().find("is empty"), std::string::npos) << f.error.ToString();
  // Sticky: later good calls fail too.
  const tg_value good = StrV("x");
  EXPECT_NE(f.UpsertNode(S("N"), S("k"), &good, nullptr, 0, &h), TG_OK);

  DocumentFacts g("doc.md", "bytes");
  const std::string bad_label = "La\xff";
  EXPECT_EQ(g.UpsertNode(S(bad_label), S("k"), &good, nullptr, 0, &h), TG_ERR_INVALID_INPUT);
  EXPECT_NE(g.error.ToString().find("not valid UTF-8"), std::string::npos) << g.error.ToString();

  DocumentFacts d("doc.md", "bytes");
  const tg_property differs[] = {{S("k"), StrV("y")}};
  EXPECT_EQ(d.UpsertNode(S("N"), S("k"), &good, differs, 1, &h), TG_ERR_INVALID_INPUT);
  EXPECT_NE(d.error.ToString().find("differs from the key value"), std::string::npos) << d.error.ToString();
}

TEST(DocumentFactsTest, RelationsReferToHandles) {
  DocumentFacts f("doc.md", "bytes");
  const tg_node_handle a = Upsert(f, "Article", "id", StrV("u"));
  const tg_node_handle k = Upsert(f, "Keyword", "name", StrV("ai"));
  const tg_property props[] = {{S("rank"), IntV(3)}};
  EXPECT_EQ(f.Relate(S("HAS_KEYWORD"), a, k, props, 1), TG_OK);
  EXPECT_EQ(f.Relate(S("HAS_KEYWORD"), a, 9, nullptr, 0), TG_ERR_INVALID_HANDLE);
  ASSERT_EQ(f.rels().size(), 1u);
  EXPECT_EQ(f.tokens()[f.rels()[0].type], "HAS_KEYWORD");
  EXPECT_EQ(f.rels()[0].props[0].second.as_int(), 3);
  EXPECT_EQ(f.subject(), a);
}

}  // namespace
}  // namespace trendgraph::engine
