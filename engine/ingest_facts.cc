#include "engine/ingest_facts.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace trendgraph::engine {
namespace {

std::string_view View(tg_string s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }
tg_string ToC(std::string_view s) { return tg_string{s.data(), s.size()}; }

// Node keys compare by type and bytes, so that 1 and "1" stay distinct and
// doubles compare by bit pattern (0.0 and -0.0 are two keys, a NaN equals
// itself); other scalars by their debug rendering.
uint64_t DoubleBits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, sizeof(b));
  return b;
}

bool SameKey(const Value& a, const Value& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case Value::Type::kString: return a.as_string() == b.as_string();
    case Value::Type::kInt: return a.as_int() == b.as_int();
    case Value::Type::kDouble: return DoubleBits(a.as_double()) == DoubleBits(b.as_double());
    default: return a.DebugString() == b.DebugString();
  }
}

size_t KeyHash(Token label, Token key_name, const Value& v) {
  size_t h;
  switch (v.type()) {
    case Value::Type::kString: h = std::hash<std::string_view>()(v.as_string()); break;
    case Value::Type::kInt: h = std::hash<int64_t>()(v.as_int()); break;
    case Value::Type::kDouble: h = std::hash<uint64_t>()(DoubleBits(v.as_double())); break;
    default: h = std::hash<std::string>()(v.DebugString()); break;
  }
  // Fold in label, key name and type; then mix so that the low bits (the
  // slot index) depend on every input bit (std::hash of an integer is the
  // identity).
  uint64_t x = h ^ (static_cast<uint64_t>(label) << 40) ^ (static_cast<uint64_t>(key_name) << 16) ^
               static_cast<uint64_t>(v.type());
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return static_cast<size_t>(x);
}

}  // namespace

bool DocumentFacts::Intern(tg_string s, const char* what, Token* out) {
  std::string_view name = View(s);
  if (name.empty()) {
    Fail(TG_ERR_INVALID_INPUT, std::string("empty ") + what);
    return false;
  }
  if (s.len && !s.data) {
    Fail(TG_ERR_INVALID_INPUT, std::string(what) + " has null data");
    return false;
  }
  NameCacheEntry& cached =
      name_cache_[((reinterpret_cast<uintptr_t>(s.data) >> 3) ^ s.len) & (kNameCacheSize - 1)];
  if (cached.data == s.data && cached.len == s.len && tokens_[cached.token] == name) {
    *out = cached.token;
    return true;
  }
  if (tokens_.size() <= kLinearTokens) {
    for (size_t i = 0; i < tokens_.size(); ++i) {
      if (tokens_[i] == name) {
        cached = NameCacheEntry{s.data, s.len, static_cast<Token>(i)};
        *out = static_cast<Token>(i);
        return true;
      }
    }
  } else if (auto it = token_ids_.find(name); it != token_ids_.end()) {
    cached = NameCacheEntry{s.data, s.len, it->second};
    *out = it->second;
    return true;
  }
  if (!IsValidUtf8(name)) {
    Fail(TG_ERR_INVALID_INPUT, std::string(what) + " is not valid UTF-8");
    return false;
  }
  Token t = static_cast<Token>(tokens_.size());
  tokens_.emplace_back(name);
  if (tokens_.size() == kLinearTokens + 1) {
    for (size_t i = 0; i < tokens_.size(); ++i) token_ids_.emplace(tokens_[i], static_cast<Token>(i));
  } else if (tokens_.size() > kLinearTokens + 1) {
    token_ids_.emplace(tokens_.back(), t);
  }
  cached = NameCacheEntry{s.data, s.len, t};
  *out = t;
  return true;
}

bool DocumentFacts::ConvertProps(const tg_property* props, uint64_t n, std::vector<std::pair<Token, Value>>* out) {
  if (n && !props) {
    Fail(TG_ERR_INVALID_INPUT, "property array is null");
    return false;
  }
  // One allocation for the usual case of distinct keys, instead of growing
  // 1, 2, 4, 8 (n is the caller's count: capped against hostile values).
  // Still geometric, so a node upserted many times with new keys stays linear.
  const size_t want = out->size() + static_cast<size_t>(std::min<uint64_t>(n, 64));
  if (want > out->capacity()) out->reserve(std::max(want, out->capacity() * 2));
  for (uint64_t i = 0; i < n; ++i) {
    Token key;
    if (!Intern(props[i].key, "property name", &key)) return false;
    // One entry per key, emission order; a later value overwrites. The value
    // is converted in place (no temporary Value moved in).
    Value* slot = nullptr;
    for (auto& [k, v] : *out) {
      if (k == key) {
        slot = &v;
        break;
      }
    }
    const bool added = slot == nullptr;
    if (added) slot = &out->emplace_back(key, Value()).second;
    Status s = ValueFromC(props[i].value, slot);
    if (!s.ok()) {
      if (added) out->pop_back();
      Fail(TG_ERR_INVALID_INPUT, "property '" + tokens_[key] + "': " + s.message());
      return false;
    }
  }
  return true;
}

int32_t DocumentFacts::UpsertNode(tg_string label, tg_string key_name, const tg_value* key, const tg_property* props,
                                  uint64_t n, tg_node_handle* out) {
  ReleaseViews();
  if (!error.ok()) return error_code;
  if (out) *out = 0;
  Token l, k;
  if (!Intern(label, "node label", &l) || !Intern(key_name, "key property name", &k)) return error_code;
  if (!key) return Fail(TG_ERR_INVALID_INPUT, "upsert_node " + tokens_[l] + ": key value is null");
  Value key_value;
  Status s = ValueFromC(*key, &key_value);
  if (!s.ok()) return Fail(TG_ERR_INVALID_INPUT, "upsert_node " + tokens_[l] + ": key: " + s.message());
  if (key_value.is_null() || key_value.is_list() || key_value.is_map())
    return Fail(TG_ERR_INVALID_INPUT, "upsert_node " + tokens_[l] + ": key '" + tokens_[k] + "' must be a scalar, got " +
                                          Value::TypeName(key_value.type()));
  if (key_value.is_string() && key_value.as_string().empty())
    return Fail(TG_ERR_INVALID_INPUT, "upsert_node " + tokens_[l] + ": key '" + tokens_[k] + "' is empty");

  const tg_node_handle fresh = nodes_.size() + 1;
  const tg_node_handle handle = FindOrAddNode(l, k, key_value, KeyHash(l, k, key_value), fresh);
  if (handle == fresh) {
    BufferedNode& added = nodes_.emplace_back();
    added.label = l;
    added.key_name = k;
    added.key = std::move(key_value);
  }
  BufferedNode& node = nodes_[handle - 1];
  if (!ConvertProps(props, n, &node.props)) return error_code;
  // The key property is the key; a property of the same name must agree.
  for (auto& [pk, pv] : node.props) {
    if (pk == k && !pv.Identical(node.key))
      return Fail(TG_ERR_INVALID_INPUT, "upsert_node " + tokens_[l] + ": property '" + tokens_[k] +
                                            "' differs from the key value");
  }
  if (out) *out = handle;
  return TG_OK;
}

tg_node_handle DocumentFacts::FindOrAddNode(Token label, Token key_name, const Value& key, size_t hash,
                                            tg_node_handle handle) {
  // Keep the table at most half full; a rehash recomputes the stored nodes'
  // hashes (rare: sizes double).
  if ((nodes_.size() + 1) * 2 > node_slots_.size()) {
    std::vector<tg_node_handle> bigger(std::max<size_t>(64, node_slots_.size() * 2), 0);
    const size_t mask = bigger.size() - 1;
    for (tg_node_handle h : node_slots_) {
      if (h == 0) continue;
      const BufferedNode& n = nodes_[h - 1];
      size_t i = KeyHash(n.label, n.key_name, n.key) & mask;
      while (bigger[i] != 0) i = (i + 1) & mask;
      bigger[i] = h;
    }
    node_slots_.swap(bigger);
  }
  const size_t mask = node_slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const tg_node_handle h = node_slots_[i];
    if (h == 0) {
      node_slots_[i] = handle;
      return handle;
    }
    const BufferedNode& n = nodes_[h - 1];
    if (n.label == label && n.key_name == key_name && SameKey(n.key, key)) return h;
  }
}

int32_t DocumentFacts::SetNodeProperty(tg_node_handle node, tg_string key, const tg_value* value) {
  ReleaseViews();
  if (!error.ok()) return error_code;
  if (!ValidHandle(node)) return Fail(TG_ERR_INVALID_HANDLE, "set_node_property: unknown node handle " + std::to_string(node));
  if (!value) return Fail(TG_ERR_INVALID_INPUT, "set_node_property: value is null");
  tg_property p{key, *value};
  return ConvertProps(&p, 1, &nodes_[node - 1].props) ? TG_OK : error_code;
}

int32_t DocumentFacts::Relate(tg_string type, tg_node_handle from, tg_node_handle to, const tg_property* props,
                              uint64_t n) {
  ReleaseViews();
  if (!error.ok()) return error_code;
  Token t;
  if (!Intern(type, "relationship type", &t)) return error_code;
  if (!ValidHandle(from))
    return Fail(TG_ERR_INVALID_HANDLE, "relate " + tokens_[t] + ": unknown start node handle " + std::to_string(from));
  if (!ValidHandle(to))
    return Fail(TG_ERR_INVALID_HANDLE, "relate " + tokens_[t] + ": unknown end node handle " + std::to_string(to));
  BufferedRel rel;
  rel.type = t;
  rel.from = from;
  rel.to = to;
  if (!ConvertProps(props, n, &rel.props)) return error_code;
  rels_.push_back(std::move(rel));
  return TG_OK;
}

int32_t DocumentFacts::RelateByKey(tg_string type, tg_node_handle from, tg_string target_label, tg_string target_key,
                                   const tg_value* target_value, const tg_property* props, uint64_t n) {
  ReleaseViews();
  if (!error.ok()) return error_code;
  Token t, l, k;
  if (!Intern(type, "relationship type", &t) || !Intern(target_label, "target label", &l) ||
      !Intern(target_key, "target key", &k))
    return error_code;
  if (!ValidHandle(from))
    return Fail(TG_ERR_INVALID_HANDLE, "relate_by_key " + tokens_[t] + ": unknown start node handle " + std::to_string(from));
  if (!target_value) return Fail(TG_ERR_INVALID_INPUT, "relate_by_key " + tokens_[t] + ": target value is null");
  BufferedRel rel;
  rel.type = t;
  rel.from = from;
  rel.target_label = l;
  rel.target_key = k;
  Status s = ValueFromC(*target_value, &rel.target_value);
  if (!s.ok()) return Fail(TG_ERR_INVALID_INPUT, "relate_by_key " + tokens_[t] + ": target value: " + s.message());
  if (rel.target_value.is_null() || rel.target_value.is_list() || rel.target_value.is_map())
    return Fail(TG_ERR_INVALID_INPUT, "relate_by_key " + tokens_[t] + ": target value must be a scalar");
  if (!ConvertProps(props, n, &rel.props)) return error_code;
  rels_.push_back(std::move(rel));
  return TG_OK;
}

int32_t DocumentFacts::SetSubject(tg_node_handle node) {
  if (!error.ok()) return error_code;
  if (!ValidHandle(node)) return Fail(TG_ERR_INVALID_HANDLE, "set_subject: unknown node handle " + std::to_string(node));
  subject_ = node;
  return TG_OK;
}

tg_node_handle DocumentFacts::subject() const {
  if (subject_) return subject_;
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (tokens_[nodes_[i].label] == "Article") return i + 1;
  return 0;
}

int32_t DocumentFacts::DocNode(uint64_t index, tg_node_fact* out) {
  if (index >= nodes_.size()) return TG_ERR_NOT_FOUND;
  auto& view = views_.emplace_back();
  const BufferedNode& n = nodes_[index];
  view.reserve(n.props.size());
  for (const auto& [k, v] : n.props) view.push_back(tg_property{ToC(tokens_[k]), arena_.Lower(v)});
  out->handle = index + 1;
  out->label = ToC(tokens_[n.label]);
  out->key_name = ToC(tokens_[n.key_name]);
  out->key = arena_.Lower(n.key);
  out->props = view.data();
  out->prop_count = view.size();
  return TG_OK;
}

int32_t DocumentFacts::DocRel(uint64_t index, tg_rel_fact* out) {
  if (index >= rels_.size()) return TG_ERR_NOT_FOUND;
  auto& view = views_.emplace_back();
  const BufferedRel& r = rels_[index];
  view.reserve(r.props.size());
  for (const auto& [k, v] : r.props) view.push_back(tg_property{ToC(tokens_[k]), arena_.Lower(v)});
  *out = tg_rel_fact{};
  out->type = ToC(tokens_[r.type]);
  out->from = r.from;
  out->to = r.to;
  out->props = view.data();
  out->prop_count = view.size();
  if (!r.to) {
    out->target_label = ToC(tokens_[r.target_label]);
    out->target_key = ToC(tokens_[r.target_key]);
    out->target_value = arena_.Lower(r.target_value);
  }
  return TG_OK;
}

}  // namespace trendgraph::engine
