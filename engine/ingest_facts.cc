#include "engine/ingest_facts.h"

#include <cstring>

namespace trendgraph::engine {
namespace {

std::string_view View(tg_string s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }
tg_string ToC(std::string_view s) { return tg_string{s.data(), s.size()}; }

// A typed byte rendering of a key value, so that 1 and "1" stay distinct.
void AppendKey(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(v.type()));
  switch (v.type()) {
    case Value::Type::kString: out->append(v.as_string()); break;
    case Value::Type::kInt: {
      int64_t i = v.as_int();
      out->append(reinterpret_cast<const char*>(&i), sizeof(i));
      break;
    }
    case Value::Type::kDouble: {
      double d = v.as_double();
      out->append(reinterpret_cast<const char*>(&d), sizeof(d));
      break;
    }
    default: out->append(v.DebugString()); break;
  }
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
  // Heterogeneous lookup would avoid this copy, but names are short (SSO).
  key_scratch_.assign(name);
  auto it = token_ids_.find(key_scratch_);
  if (it != token_ids_.end()) {
    *out = it->second;
    return true;
  }
  if (!IsValidUtf8(name)) {
    Fail(TG_ERR_INVALID_INPUT, std::string(what) + " is not valid UTF-8");
    return false;
  }
  Token t = static_cast<Token>(tokens_.size());
  tokens_.emplace_back(name);
  token_ids_.emplace(tokens_.back(), t);
  *out = t;
  return true;
}

void DocumentFacts::SetProp(std::vector<std::pair<Token, Value>>* props, Token key, Value v) {
  for (auto& [k, old] : *props) {
    if (k == key) {
      old = std::move(v);
      return;
    }
  }
  props->emplace_back(key, std::move(v));
}

bool DocumentFacts::ConvertProps(const tg_property* props, uint64_t n, std::vector<std::pair<Token, Value>>* out) {
  if (n && !props) {
    Fail(TG_ERR_INVALID_INPUT, "property array is null");
    return false;
  }
  for (uint64_t i = 0; i < n; ++i) {
    Token key;
    if (!Intern(props[i].key, "property name", &key)) return false;
    Value v;
    Status s = ValueFromC(props[i].value, &v);
    if (!s.ok()) {
      Fail(TG_ERR_INVALID_INPUT, "property '" + tokens_[key] + "': " + s.message());
      return false;
    }
    SetProp(out, key, std::move(v));
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

  std::string composite(reinterpret_cast<const char*>(&l), sizeof(l));
  composite.append(reinterpret_cast<const char*>(&k), sizeof(k));
  AppendKey(key_value, &composite);
  auto [it, inserted] = node_by_key_.try_emplace(std::move(composite), nodes_.size() + 1);
  if (inserted) {
    BufferedNode node;
    node.label = l;
    node.key_name = k;
    node.key = std::move(key_value);
    nodes_.push_back(std::move(node));
  }
  BufferedNode& node = nodes_[it->second - 1];
  if (!ConvertProps(props, n, &node.props)) return error_code;
  // The key property is the key; a property of the same name must agree.
  for (auto& [pk, pv] : node.props) {
    if (pk == k && !pv.Identical(node.key))
      return Fail(TG_ERR_INVALID_INPUT, "upsert_node " + tokens_[l] + ": property '" + tokens_[k] +
                                            "' differs from the key value");
  }
  if (out) *out = it->second;
  return TG_OK;
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
