// DocumentFacts: the in-memory buffer of one document's graph facts, filled
// by the source plugin's parse and by the enrichers (through the tg_facts
// entries of the C ABI), then applied in one storage::WriteTxn by
// ApplyDocument (ingest_apply.h).
//
// Facts are validated as they arrive (labels, keys, UTF-8, handles), so a
// bad fact fails the document before anything touches the store. Names
// (labels, types, property keys) are interned once per document into small
// token numbers; the applier maps each token to a storage id once.
//
// Thread-safety: one document, one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/plugin_abi.h"
#include "storage/value.h"

namespace trendgraph::engine {

using Token = uint32_t;

struct BufferedNode {
  Token label = 0;
  Token key_name = 0;
  Value key;
  std::vector<std::pair<Token, Value>> props;  // emission order, one entry per key (later overwrite)
};

struct BufferedRel {
  Token type = 0;
  tg_node_handle from = 0;
  tg_node_handle to = 0;  // 0: by key (below)
  std::vector<std::pair<Token, Value>> props;
  Token target_label = 0;
  Token target_key = 0;
  Value target_value;
};

class DocumentFacts final : public tg_facts {
 public:
  DocumentFacts(std::string_view name, std::string_view bytes) : name_(name), bytes_(bytes) {
    // A page gives tens of nodes and relationships: start there rather than
    // growing (and moving every buffered fact) from 1.
    nodes_.reserve(kInitialFacts);
    rels_.reserve(kInitialFacts);
    tokens_.reserve(kLinearTokens);
  }

  // tg_facts
  int32_t UpsertNode(tg_string label, tg_string key_name, const tg_value* key, const tg_property* props, uint64_t n,
                     tg_node_handle* out) override;
  int32_t SetNodeProperty(tg_node_handle node, tg_string key, const tg_value* value) override;
  int32_t Relate(tg_string type, tg_node_handle from, tg_node_handle to, const tg_property* props,
                 uint64_t n) override;
  int32_t RelateByKey(tg_string type, tg_node_handle from, tg_string target_label, tg_string target_key,
                      const tg_value* target_value, const tg_property* props, uint64_t n) override;
  int32_t SetSubject(tg_node_handle node) override;
  tg_string DocName() override { return tg_string{name_.data(), name_.size()}; }
  tg_string DocBytes() override { return tg_string{bytes_.data(), bytes_.size()}; }
  tg_node_handle DocSubject() override { return subject(); }
  uint64_t DocNodeCount() override { return nodes_.size(); }
  uint64_t DocRelCount() override { return rels_.size(); }
  int32_t DocNode(uint64_t index, tg_node_fact* out) override;
  int32_t DocRel(uint64_t index, tg_rel_fact* out) override;

  // For the applier.
  const std::vector<std::string>& tokens() const { return tokens_; }
  const std::vector<BufferedNode>& nodes() const { return nodes_; }
  const std::vector<BufferedRel>& rels() const { return rels_; }
  // The explicit subject, else the first Article node; 0 when none.
  tg_node_handle subject() const;
  std::string_view name() const { return name_; }
  std::string_view bytes() const { return bytes_; }

 private:
  // Interns a name; fails (returns false, records the error) on an empty or
  // non-UTF-8 name.
  bool Intern(tg_string s, const char* what, Token* out);
  bool ConvertProps(const tg_property* props, uint64_t n, std::vector<std::pair<Token, Value>>* out);
  // The node with this (label, key name, key), 0 when none; `hash` is
  // KeyHash of the three. Inserts `handle` under them when absent.
  tg_node_handle FindOrAddNode(Token label, Token key_name, const Value& key, size_t hash, tg_node_handle handle);
  bool ValidHandle(tg_node_handle h) const { return h >= 1 && h <= nodes_.size(); }

  std::string_view name_;
  std::string_view bytes_;
  std::vector<std::string> tokens_;
  // A document uses ~20 names: up to kLinearTokens they are found by a scan
  // of tokens_ (no map nodes to allocate and free per document); past that,
  // token_ids_ holds them all. Transparent hashing: a name is looked up by
  // view, copied only when new.
  static constexpr size_t kLinearTokens = 32;
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, Token, NameHash, std::equal_to<>> token_ids_;
  // Plugins pass the same few names (mostly string literals) hundreds of
  // times per document: a direct-mapped cache keyed by the caller's pointer
  // and length finds the token without hashing the bytes. A hit is still
  // confirmed by comparing the bytes, so a reused buffer cannot alias.
  struct NameCacheEntry {
    const char* data = nullptr;
    size_t len = 0;
    Token token = 0;
  };
  static constexpr size_t kNameCacheSize = 64;  // power of two
  static constexpr size_t kInitialFacts = 64;
  NameCacheEntry name_cache_[kNameCacheSize];
  std::vector<BufferedNode> nodes_;
  std::vector<BufferedRel> rels_;
  // Node dedupe: open addressing over node handles (0 = empty slot), keyed by
  // (label, key name, typed key) and compared against nodes_ itself, so no
  // composite key string is built or stored per node. Power-of-two size.
  std::vector<tg_node_handle> node_slots_;
  tg_node_handle subject_ = 0;
  // Read-back views (DocNode / DocRel), released by the next emitting call.
  void ReleaseViews() {
    if (!views_.empty()) {
      views_.clear();
      arena_.Clear();
    }
  }
  ValueArena arena_;
  std::deque<std::vector<tg_property>> views_;
};

}  // namespace trendgraph::engine
