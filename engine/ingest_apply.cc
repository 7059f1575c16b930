#include "engine/ingest_apply.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <unordered_set>

namespace trendgraph::engine {
namespace {

using PropRefs = std::vector<std::pair<storage::PropKeyId, const Value*>>;

std::string_view View(tg_string s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }

bool SameKey(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return a.as_number() == b.as_number();
  return a.Identical(b);
}

std::string RenderKey(const Value& v) { return v.is_string() ? v.as_string() : v.DebugString(); }

// Properties for CreateNode/CreateRel: sorted by key id, no nulls, one per key.
storage::Properties ToProperties(const PropRefs& props) {
  storage::Properties out;
  out.reserve(props.size());
  for (const auto& [k, v] : props) {
    if (v->is_null()) continue;
    auto it = std::find_if(out.begin(), out.end(), [k = k](const auto& p) { return p.first == k; });
    if (it != out.end()) it->second = *v;
    else out.emplace_back(k, *v);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

// ---- pending-link side records (layout: ingest_apply.h) ----

constexpr char kByTarget = 'p';
constexpr char kBySource = 'q';
constexpr size_t kHashBytes = 7;

void PutU32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}
void PutU64(std::string* out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}
uint64_t GetU64(std::string_view in) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}
void PutString(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}
// Consumes one length-prefixed string from the front of *in.
bool GetString(std::string_view* in, std::string_view* out) {
  if (in->size() < 4) return false;
  uint32_t n = 0;
  for (size_t i = 0; i < 4; ++i) n = (n << 8) | static_cast<unsigned char>((*in)[i]);
  if (in->size() - 4 < n) return false;
  *out = in->substr(4, n);
  in->remove_prefix(4 + n);
  return true;
}

// Stable across builds and platforms (it is in the keys): FNV-1a, 64 bits.
uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// A key value as it is matched: 1 and 1.0 alike, as the indexes match them.
std::string ValueText(const Value& v) {
  if (v.is_string()) return "s" + v.as_string();
  if (v.is_int()) return "i" + std::to_string(v.as_int());
  if (v.is_double()) {
    double d = v.as_double();
    if (std::isfinite(d) && d == std::trunc(d) && d >= -9.2e18 && d <= 9.2e18)
      return "i" + std::to_string(static_cast<int64_t>(d));
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    return std::string("d") + buf;
  }
  if (v.is_bool()) return v.as_bool() ? "b1" : "b0";
  return "x" + v.DebugString();
}

// T: the target of a pending link.
std::string TargetCode(std::string_view label, std::string_view key, const Value& value) {
  std::string text = ValueText(value);
  std::string t;
  t.reserve(12 + label.size() + key.size() + text.size());
  PutString(&t, label);
  PutString(&t, key);
  PutString(&t, text);
  return t;
}

// 'p' h7 T: every pending link to one target.
std::string ByTargetPrefix(std::string_view t) {
  std::string k;
  k.reserve(1 + kHashBytes + t.size() + 8 + 16);
  k.push_back(kByTarget);
  uint64_t h = Fnv1a64(t);
  for (size_t i = 0; i < kHashBytes; ++i) k.push_back(static_cast<char>(h >> (56 - 8 * i)));
  k.append(t);
  return k;
}

std::string ByTargetKey(std::string_view t, storage::NodeId source, std::string_view type) {
  std::string k = ByTargetPrefix(t);
  PutU64(&k, source);
  k.append(type);
  return k;
}

std::string BySourcePrefix(storage::NodeId source) {
  std::string k(1, kBySource);
  PutU64(&k, source);
  return k;
}

std::string BySourceKey(storage::NodeId source, std::string_view t, std::string_view type) {
  std::string k = BySourcePrefix(source);
  k.append(t);
  k.append(type);
  return k;
}

// Splits T off the front of *in (label, key and value text).
bool GetTarget(std::string_view* in, std::string_view* t, std::string_view* label, std::string_view* key) {
  std::string_view rest = *in, text;
  if (!GetString(&rest, label) || !GetString(&rest, key) || !GetString(&rest, &text)) return false;
  *t = in->substr(0, in->size() - rest.size());
  *in = rest;
  return true;
}

Status MalformedSide(std::string_view what) {
  return Status::Corruption("malformed pending-link record (" + std::string(what) + ")");
}

// A legacy _PendingLink key "label \x1f key \x1f value", where value is
// "s:" + a string or Value::DebugString() of a number or bool.
bool ParseLegacyKey(std::string_view k, std::string_view* label, std::string_view* key, Value* value) {
  size_t a = k.find('\x1f');
  if (a == std::string_view::npos) return false;
  size_t b = k.find('\x1f', a + 1);
  if (b == std::string_view::npos) return false;
  *label = k.substr(0, a);
  *key = k.substr(a + 1, b - a - 1);
  std::string_view v = k.substr(b + 1);
  if (v.starts_with("s:")) {
    *value = Value(v.substr(2));
    return true;
  }
  if (v == "true" || v == "false") {
    *value = Value(v == "true");
    return true;
  }
  int64_t i = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), i);
  if (ec == std::errc() && end == v.data() + v.size()) {
    *value = Value(i);
    return true;
  }
  std::string text(v);
  char* stop = nullptr;
  double d = std::strtod(text.c_str(), &stop);
  if (!text.empty() && stop == text.c_str() + text.size()) {
    *value = Value(d);
    return true;
  }
  return false;
}

}  // namespace

// ---------------------------------------------------------------------------
// Legacy pending links

Status ConvertLegacyPendingLinks(storage::Graph& graph, PendingTargets* targets) {
  auto label = graph.FindLabel(kLegacyPendingLabel);
  if (!label) return Status::OK();
  {
    auto snap = graph.NewSnapshot();
    // An empty graph may be bulk loaded right now: leave it alone (an empty
    // legacy index does no harm).
    if (snap->NodeCountByLabel(*label) == 0 && snap->NodeCount() == 0) return Status::OK();
    if (snap->NodeCountByLabel(*label) != 0) {
      auto txn = graph.BeginWrite();
      std::vector<storage::NodeId> nodes;
      {
        auto it = txn->ScanLabel(*label);
        for (; it->Valid(); it->Next()) nodes.push_back(it->id());
        TG_RETURN_IF_ERROR(it->status());
      }
      storage::PropKeyId key_prop = txn->GetOrCreatePropKey(kLegacyPendingKey);
      GraphWriter writer(*txn, targets);
      for (storage::NodeId pnode : nodes) {
        Value key;
        TG_RETURN_IF_ERROR(txn->GetNodeProperty(pnode, key_prop, &key));
        std::string_view tl, tk;
        Value target;
        if (!key.is_string() || !ParseLegacyKey(key.as_string(), &tl, &tk, &target))
          return Status::Corruption("legacy pending-link node " + std::to_string(pnode) + " has a malformed key " +
                                    key.DebugString());
        std::vector<storage::AdjEntry> links;
        {
          auto it = txn->Adjacency(pnode, storage::Direction::kIn, std::nullopt);
          for (; it->Valid(); it->Next()) links.push_back(it->entry());
          TG_RETURN_IF_ERROR(it->status());
        }
        for (const storage::AdjEntry& e : links) {
          std::string type = graph.TypeName(e.type);
          if (!type.starts_with(kLegacyPendingTypePrefix)) continue;
          storage::RelRecord rec;
          TG_RETURN_IF_ERROR(txn->GetRel(e.rel, &rec));
          type.erase(0, kLegacyPendingTypePrefix.size());
          TG_RETURN_IF_ERROR(writer.AddPending(rec.start, type, tl, tk, target, std::move(rec.props)));
        }
        TG_RETURN_IF_ERROR(txn->DeleteNode(pnode, /*detach=*/true));
      }
      TG_RETURN_IF_ERROR(txn->Commit());
    }
  }
  auto key = graph.FindPropKey(kLegacyPendingKey);
  if (!key || !graph.FindIndex(*label, *key)) return Status::OK();
  Status s = graph.DropIndex(kLegacyPendingLabel, kLegacyPendingKey);
  return s.IsNotFound() ? Status::OK() : s;
}

// ---------------------------------------------------------------------------
// PendingTargets

Status PendingTargets::LoadOnce(storage::Graph& graph) {
  std::lock_guard load(load_mu_);
  if (converted_ && loaded_) return Status::OK();
  if (!converted_) {
    TG_RETURN_IF_ERROR(ConvertLegacyPendingLinks(graph, this));
    converted_ = true;
  }
  if (loaded_) return Status::OK();
  auto snap = graph.NewSnapshot();
  return LoadStoredLocked(*snap);
}

Status PendingTargets::LoadStoredOnce(storage::GraphReader& reader) {
  std::lock_guard load(load_mu_);
  return loaded_ ? Status::OK() : LoadStoredLocked(reader);
}

Status PendingTargets::LoadStoredLocked(storage::GraphReader& reader) {
  auto it = reader.ScanSide(std::string_view(&kByTarget, 1));
  std::string last_label, last_key;
  for (; it->Valid(); it->Next()) {
    std::string_view rest = it->key().substr(1), t, label, key;
    if (rest.size() < kHashBytes) return MalformedSide("short key");
    rest.remove_prefix(kHashBytes);
    if (!GetTarget(&rest, &t, &label, &key)) return MalformedSide("target");
    if (label == last_label && key == last_key) continue;
    Add(label, key);
    last_label.assign(label);
    last_key.assign(key);
  }
  TG_RETURN_IF_ERROR(it->status());
  loaded_ = true;
  return Status::OK();
}

void PendingTargets::Add(std::string_view label, std::string_view key) {
  std::lock_guard lock(mu_);
  targets_.emplace(std::string(label), std::string(key));
}

std::vector<std::string> PendingTargets::KeysFor(std::string_view label) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (auto it = targets_.lower_bound(std::make_pair(std::string(label), std::string()));
       it != targets_.end() && it->first == label; ++it)
    out.push_back(it->second);
  return out;
}

bool PendingTargets::empty() const {
  std::lock_guard lock(mu_);
  return targets_.empty();
}

// ---------------------------------------------------------------------------
// GraphWriter

Status GraphWriter::Find(storage::LabelId label, storage::PropKeyId key, const Value& value, storage::NodeId* out) {
  if (auto index = txn_.graph().FindIndex(label, key)) {
    if (index->kind == storage::IndexInfo::Kind::kUnique) return txn_.LookupUnique(label, key, value, out);
    auto it = txn_.IndexSeek(label, key, value);
    if (it->Valid()) {
      *out = it->id();
      return Status::OK();
    }
    TG_RETURN_IF_ERROR(it->status());
    return Status::NotFound("no such node");
  }
  // No index covers (label, key): writing procedures on a fresh graph.
  auto it = txn_.ScanLabel(label);
  for (; it->Valid(); it->Next()) {
    Value v;
    TG_RETURN_IF_ERROR(txn_.GetNodeProperty(it->id(), key, &v));
    if (SameKey(v, value)) {
      *out = it->id();
      return Status::OK();
    }
  }
  TG_RETURN_IF_ERROR(it->status());
  return Status::NotFound("no such node");
}

Result<storage::NodeId> GraphWriter::Upsert(storage::LabelId label, storage::PropKeyId key, const Value& key_value,
                                            const PropRefs& props, bool* created, bool overwrite) {
  storage::NodeId id = 0;
  Status s = Find(label, key, key_value, &id);
  if (s.IsNotFound()) {
    PropRefs all;
    all.reserve(props.size() + 1);
    all.emplace_back(key, &key_value);
    for (const auto& p : props)
      if (p.first != key) all.push_back(p);
    auto r = txn_.CreateNode({label}, ToProperties(all));
    if (!r.ok()) return r.status();
    *created = true;
    ++counts_.nodes_created;
    counts_.properties_set += all.size();
    return r.value();
  }
  if (!s.ok()) return s;
  *created = false;
  if (props.empty()) return id;
  // Write only what changes: most upserts re-emit known concept nodes. One
  // property read each (a concept carries one or two besides its key), not
  // a decode of the whole record.
  Value current;
  for (const auto& [k, v] : props) {
    if (k == key) continue;
    if (!overwrite && v->is_null()) continue;
    TG_RETURN_IF_ERROR(txn_.GetNodeProperty(id, k, &current));
    bool present = !current.is_null();
    if (!overwrite && present) continue;
    if (v->is_null() ? !present : (present && current.Identical(*v))) continue;
    TG_RETURN_IF_ERROR(txn_.SetNodeProperty(id, k, *v));
    ++counts_.properties_set;
  }
  return id;
}

Status GraphWriter::Relate(storage::TypeId type, storage::NodeId from, storage::NodeId to, const PropRefs& props,
                           bool merge) {
  if (merge) {
    for (auto it = txn_.Adjacency(from, storage::Direction::kOut, type); it->Valid(); it->Next()) {
      if (it->entry().other != to) continue;
      storage::RelId rel = it->entry().rel;
      for (const auto& [k, v] : props) TG_RETURN_IF_ERROR(txn_.SetRelProperty(rel, k, *v));
      return Status::OK();
    }
  }
  auto r = txn_.CreateRel(type, from, to, ToProperties(props));
  if (!r.ok()) return r.status();
  ++counts_.rels_created;
  return Status::OK();
}

Status GraphWriter::RelateByKey(std::string_view type, storage::NodeId from, std::string_view target_label,
                                std::string_view target_key, const Value& value, const PropRefs& props, bool merge,
                                bool* linked) {
  storage::LabelId l = txn_.GetOrCreateLabel(target_label);
  storage::PropKeyId k = txn_.GetOrCreatePropKey(target_key);
  storage::NodeId target = 0;
  Status s = Find(l, k, value, &target);
  if (s.ok()) {
    *linked = true;
    return Relate(txn_.GetOrCreateType(type), from, target, props, merge);
  }
  if (!s.IsNotFound()) return s;
  *linked = false;
  return AddPending(from, type, target_label, target_key, value, ToProperties(props));
}

Status GraphWriter::AddPending(storage::NodeId from, std::string_view type, std::string_view target_label,
                               std::string_view target_key, const Value& value, storage::Properties props) {
  std::string t = TargetCode(target_label, target_key, value);
  TG_RETURN_IF_ERROR(txn_.PutSide(ByTargetKey(t, from, type), std::move(props)));
  TG_RETURN_IF_ERROR(txn_.PutSide(BySourceKey(from, t, type), {}));
  if (pending_) pending_->Add(target_label, target_key);
  return Status::OK();
}

Status GraphWriter::ResolvePending(storage::NodeId node, std::string_view label) {
  if (!pending_ || pending_->empty()) return Status::OK();
  std::vector<std::string> keys = pending_->KeysFor(label);
  if (keys.empty()) return Status::OK();
  struct Link {
    storage::NodeId source;
    std::string type;
    storage::Properties props;
  };
  std::vector<Link> links;
  for (const std::string& key : keys) {
    Value v;
    TG_RETURN_IF_ERROR(txn_.GetNodeProperty(node, txn_.GetOrCreatePropKey(key), &v));
    if (v.is_null()) continue;
    std::string t = TargetCode(label, key, v);
    std::string prefix = ByTargetPrefix(t);
    links.clear();
    {
      // Collect first: the transaction must not change under a live iterator.
      auto it = txn_.ScanSide(prefix);
      for (; it->Valid(); it->Next()) {
        std::string_view rest = it->key().substr(prefix.size());
        if (rest.size() < 8) return MalformedSide("source");
        links.push_back({GetU64(rest), std::string(rest.substr(8)), it->props()});
      }
      TG_RETURN_IF_ERROR(it->status());
    }
    for (Link& l : links) {
      TG_RETURN_IF_ERROR(txn_.DeleteSide(ByTargetKey(t, l.source, l.type)));
      TG_RETURN_IF_ERROR(txn_.DeleteSide(BySourceKey(l.source, t, l.type)));
      // A source deleted meanwhile (ids are never reused) loses its links.
      if (!txn_.NodeExists(l.source)) continue;
      auto r = txn_.CreateRel(txn_.GetOrCreateType(l.type), l.source, node, std::move(l.props));
      if (!r.ok()) return r.status();
      ++counts_.rels_created;
    }
  }
  return Status::OK();
}

Status GraphWriter::DropPendingFrom(storage::NodeId node) {
  std::string prefix = BySourcePrefix(node);
  std::vector<std::string> doomed;
  {
    auto it = txn_.ScanSide(prefix);
    for (; it->Valid(); it->Next()) {
      std::string_view rest = it->key().substr(prefix.size()), t, label, key;
      if (!GetTarget(&rest, &t, &label, &key)) return MalformedSide("target");
      doomed.push_back(ByTargetKey(t, node, rest));
      doomed.emplace_back(it->key());
    }
    TG_RETURN_IF_ERROR(it->status());
  }
  for (const std::string& k : doomed) TG_RETURN_IF_ERROR(txn_.DeleteSide(k));
  return Status::OK();
}

Status GraphWriter::DeleteIfOrphan(storage::NodeId node) {
  if (!txn_.NodeExists(node)) return Status::OK();
  if (txn_.Degree(node, storage::Direction::kOut, std::nullopt) > 0 ||
      txn_.Degree(node, storage::Direction::kIn, std::nullopt) > 0)
    return Status::OK();
  {
    // A node waiting to link to something is in use, as a linked one is.
    auto it = txn_.ScanSide(BySourcePrefix(node));
    if (it->Valid()) return Status::OK();
    TG_RETURN_IF_ERROR(it->status());
  }
  if (auto hash_key = txn_.graph().FindPropKey("content_hash")) {
    Value v;
    TG_RETURN_IF_ERROR(txn_.GetNodeProperty(node, *hash_key, &v));
    if (!v.is_null()) return Status::OK();  // a document subject stays
  }
  TG_RETURN_IF_ERROR(txn_.DeleteNode(node, /*detach=*/false));
  ++counts_.nodes_deleted;
  return Status::OK();
}

// ---------------------------------------------------------------------------
// ApplyDocument

namespace {

constexpr uint32_t kNone = UINT32_MAX;

// Maps a document's tokens to storage ids, each once.
class TokenMap {
 public:
  TokenMap(storage::WriteTxn& txn, const std::vector<std::string>& tokens)
      : txn_(txn), tokens_(tokens), labels_(tokens.size(), kNone), types_(tokens.size(), kNone),
        keys_(tokens.size(), kNone) {}
  storage::LabelId Label(Token t) {
    if (labels_[t] == kNone) labels_[t] = txn_.GetOrCreateLabel(tokens_[t]);
    return labels_[t];
  }
  storage::TypeId Type(Token t) {
    if (types_[t] == kNone) types_[t] = txn_.GetOrCreateType(tokens_[t]);
    return types_[t];
  }
  storage::PropKeyId Key(Token t) {
    if (keys_[t] == kNone) keys_[t] = txn_.GetOrCreatePropKey(tokens_[t]);
    return keys_[t];
  }

 private:
  storage::WriteTxn& txn_;
  const std::vector<std::string>& tokens_;
  std::vector<uint32_t> labels_, types_, keys_;
};

// Fills *out (reused across calls: no allocation per node or relationship).
void Refs(TokenMap& tm, const std::vector<std::pair<Token, Value>>& props, PropRefs* out) {
  out->clear();
  for (const auto& [k, v] : props) out->emplace_back(tm.Key(k), &v);
}

Status Annotate(const Status& s, const std::string& what) {
  return s.ok() ? s : Status(Status::Aborted(what + ": " + s.ToString()));
}

}  // namespace

IndexNeeds DocumentIndexNeeds(const DocumentFacts& doc) {
  IndexNeeds needs;
  const auto& tokens = doc.tokens();
  auto add = [](std::vector<std::pair<std::string, std::string>>* v, const std::string& l, const std::string& k) {
    for (const auto& p : *v)
      if (p.first == l && p.second == k) return;
    v->emplace_back(l, k);
  };
  for (const auto& n : doc.nodes()) add(&needs.unique, tokens[n.label], tokens[n.key_name]);
  for (const auto& r : doc.rels()) {
    if (r.to) continue;
    add(&needs.property, tokens[r.target_label], tokens[r.target_key]);
  }
  return needs;
}

Status ApplyDocument(storage::WriteTxn& txn, const DocumentFacts& doc, const Provenance& provenance,
                     PendingTargets* pending, ApplyResult* result) {
  GraphWriter writer(txn, pending);
  TokenMap tm(txn, doc.tokens());
  const auto& tokens = doc.tokens();
  const auto& nodes = doc.nodes();
  const tg_node_handle subject = doc.subject();

  // 1. Unchanged? Else remove what the previous version contributed.
  storage::NodeId subject_id = 0;
  bool subject_exists = false;
  std::vector<storage::NodeId> orphan_candidates;
  storage::PropKeyId source_key = txn.GetOrCreatePropKey("source");
  storage::PropKeyId hash_key = txn.GetOrCreatePropKey("content_hash");
  storage::PropKeyId plugin_key = txn.GetOrCreatePropKey("plugin");
  storage::PropKeyId time_key = txn.GetOrCreatePropKey("ingested_at");
  if (subject) {
    const BufferedNode& s = nodes[subject - 1];
    result->article_id = RenderKey(s.key);
    Status st = writer.Find(tm.Label(s.label), tm.Key(s.key_name), s.key, &subject_id);
    if (st.ok()) {
      subject_exists = true;
      Value hash, plugin;
      TG_RETURN_IF_ERROR(txn.GetNodeProperty(subject_id, hash_key, &hash));
      TG_RETURN_IF_ERROR(txn.GetNodeProperty(subject_id, plugin_key, &plugin));
      if (hash.is_string() && hash.as_string() == provenance.content_hash && plugin.is_string() &&
          plugin.as_string() == provenance.plugin) {
        result->unchanged = true;
        return Status::OK();
      }
      std::vector<storage::AdjEntry> old;
      for (auto it = txn.Adjacency(subject_id, storage::Direction::kOut, std::nullopt); it->Valid(); it->Next())
        old.push_back(it->entry());
      for (const auto& e : old) {
        TG_RETURN_IF_ERROR(txn.DeleteRel(e.rel));
        ++writer.counts().rels_deleted;
        orphan_candidates.push_back(e.other);
      }
      TG_RETURN_IF_ERROR(writer.DropPendingFrom(subject_id));
    } else if (!st.IsNotFound()) {
      return Annotate(st, "looking up " + tokens[s.label] + " '" + result->article_id + "'");
    }
  }
  (void)subject_exists;

  // 2. Nodes, in emission order.
  std::vector<storage::NodeId> ids(nodes.size());
  Value v_source(provenance.source), v_hash(provenance.content_hash), v_plugin(provenance.plugin),
      v_time(provenance.ingested_at);
  PropRefs props;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const BufferedNode& n = nodes[i];
    // The facts were parsed a group of documents ago and left the caches:
    // the next node's properties load while this one is written (their
    // first touch in Refs was ~1% of a one-core ingest).
    if (i + 1 < nodes.size() && !nodes[i + 1].props.empty()) __builtin_prefetch(nodes[i + 1].props.data());
    Refs(tm, n.props, &props);
    if (i + 1 == subject) {
      props.emplace_back(source_key, &v_source);
      props.emplace_back(hash_key, &v_hash);
      props.emplace_back(plugin_key, &v_plugin);
      props.emplace_back(time_key, &v_time);
    }
    bool created = false;
    auto r = writer.Upsert(tm.Label(n.label), tm.Key(n.key_name), n.key, props, &created,
                           /*overwrite=*/subject == 0 || i + 1 == subject);
    if (!r.ok()) return Annotate(r.status(), "writing " + tokens[n.label] + " '" + RenderKey(n.key) + "'");
    ids[i] = r.value();
  }
  if (subject) subject_id = ids[subject - 1];

  // 3. Relationships.
  const auto& rels = doc.rels();
  for (size_t r = 0; r < rels.size(); ++r) {
    const BufferedRel& rel = rels[r];
    if (r + 1 < rels.size() && !rels[r + 1].props.empty()) __builtin_prefetch(rels[r + 1].props.data());
    storage::NodeId from = ids[rel.from - 1];
    bool merge = !subject || from != subject_id;
    Refs(tm, rel.props, &props);
    if (rel.to) {
      Status s = writer.Relate(tm.Type(rel.type), from, ids[rel.to - 1], props, merge);
      if (!s.ok()) return Annotate(s, "writing relationship " + tokens[rel.type]);
      continue;
    }
    // By key: a node of this document first, then the graph, else pending.
    const std::string& tl = tokens[rel.target_label];
    const std::string& tk = tokens[rel.target_key];
    std::optional<storage::NodeId> target;
    for (size_t i = 0; i < nodes.size() && !target; ++i) {
      const BufferedNode& n = nodes[i];
      if (tokens[n.label] != tl) continue;
      if (tokens[n.key_name] == tk) {
        if (SameKey(n.key, rel.target_value)) target = ids[i];
        continue;
      }
      for (const auto& [pk, pv] : n.props)
        if (tokens[pk] == tk && SameKey(pv, rel.target_value)) target = ids[i];
    }
    Status s;
    if (target) {
      s = writer.Relate(tm.Type(rel.type), from, *target, props, merge);
    } else {
      bool linked = false;
      s = writer.RelateByKey(tokens[rel.type], from, tl, tk, rel.target_value, props, merge, &linked);
    }
    if (!s.ok()) return Annotate(s, "writing relationship " + tokens[rel.type]);
  }

  // 4. Links that were waiting for these nodes.
  if (pending && !pending->empty()) {
    for (size_t i = 0; i < nodes.size(); ++i) {
      Status s = writer.ResolvePending(ids[i], tokens[nodes[i].label]);
      if (!s.ok()) return Annotate(s, "completing pending links");
    }
  }

  // 5. Nodes the previous version used and nothing uses any more.
  for (storage::NodeId n : orphan_candidates) TG_RETURN_IF_ERROR(writer.DeleteIfOrphan(n));

  result->counts = writer.counts();
  return Status::OK();
}

// ---------------------------------------------------------------------------
// ProcedureFacts

bool ProcedureFacts::ValidHandle(tg_node_handle h) { return h >= 1 && writer_.txn().NodeExists(h - 1); }

int32_t ProcedureFacts::StorageFail(const char* what, const Status& s) {
  return Fail(s.IsInvalidArgument() || s.IsConstraintViolation() ? TG_ERR_INVALID_INPUT : TG_ERR_STORAGE,
              std::string(what) + ": " + s.ToString());
}

bool ProcedureFacts::ConvertProps(const tg_property* props, uint64_t n, std::vector<Value>* values, PropRefs* out,
                                  const char* what) {
  if (n && !props) {
    Fail(TG_ERR_INVALID_INPUT, std::string(what) + ": property array is null");
    return false;
  }
  values->resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view key = View(props[i].key);
    if (key.empty() || !IsValidUtf8(key)) {
      Fail(TG_ERR_INVALID_INPUT, std::string(what) + ": empty or non-UTF-8 property name");
      return false;
    }
    Status s = ValueFromC(props[i].value, &(*values)[i]);
    if (!s.ok()) {
      Fail(TG_ERR_INVALID_INPUT, std::string(what) + ": property '" + std::string(key) + "': " + s.message());
      return false;
    }
    out->emplace_back(writer_.txn().GetOrCreatePropKey(key), &(*values)[i]);
  }
  return true;
}

int32_t ProcedureFacts::UpsertNode(tg_string label, tg_string key_name, const tg_value* key, const tg_property* props,
                                   uint64_t n, tg_node_handle* out) {
  if (!error.ok()) return error_code;
  std::string_view l = View(label), k = View(key_name);
  if (l.empty() || k.empty() || !IsValidUtf8(l) || !IsValidUtf8(k))
    return Fail(TG_ERR_INVALID_INPUT, "upsert_node: empty or non-UTF-8 label or key name");
  if (!key) return Fail(TG_ERR_INVALID_INPUT, "upsert_node: key value is null");
  Value kv;
  Status s = ValueFromC(*key, &kv);
  if (!s.ok() || kv.is_null() || kv.is_list() || kv.is_map())
    return Fail(TG_ERR_INVALID_INPUT, "upsert_node " + std::string(l) + ": key must be a non-null scalar");
  std::vector<Value> values;
  PropRefs refs;
  if (!ConvertProps(props, n, &values, &refs, "upsert_node")) return error_code;
  bool created = false;
  storage::LabelId lid = writer_.txn().GetOrCreateLabel(l);
  auto r = writer_.Upsert(lid, writer_.txn().GetOrCreatePropKey(k), kv, refs, &created);
  if (!r.ok()) return StorageFail("upsert_node", r.status());
  s = writer_.ResolvePending(r.value(), l);
  if (!s.ok()) return StorageFail("upsert_node", s);
  if (out) *out = r.value() + 1;
  return TG_OK;
}

int32_t ProcedureFacts::SetNodeProperty(tg_node_handle node, tg_string key, const tg_value* value) {
  if (!error.ok()) return error_code;
  if (!ValidHandle(node)) return Fail(TG_ERR_INVALID_HANDLE, "set_node_property: unknown node handle");
  if (!value) return Fail(TG_ERR_INVALID_INPUT, "set_node_property: value is null");
  tg_property p{key, *value};
  std::vector<Value> values;
  PropRefs refs;
  if (!ConvertProps(&p, 1, &values, &refs, "set_node_property")) return error_code;
  Status s = writer_.txn().SetNodeProperty(node - 1, refs[0].first, *refs[0].second);
  if (!s.ok()) return StorageFail("set_node_property", s);
  ++writer_.counts().properties_set;
  return TG_OK;
}

int32_t ProcedureFacts::Relate(tg_string type, tg_node_handle from, tg_node_handle to, const tg_property* props,
                               uint64_t n) {
  if (!error.ok()) return error_code;
  std::string_view t = View(type);
  if (t.empty() || !IsValidUtf8(t)) return Fail(TG_ERR_INVALID_INPUT, "relate: empty or non-UTF-8 type");
  if (!ValidHandle(from) || !ValidHandle(to)) return Fail(TG_ERR_INVALID_HANDLE, "relate " + std::string(t) + ": unknown node handle");
  std::vector<Value> values;
  PropRefs refs;
  if (!ConvertProps(props, n, &values, &refs, "relate")) return error_code;
  Status s = writer_.Relate(writer_.txn().GetOrCreateType(t), from - 1, to - 1, refs, /*merge=*/true);
  return s.ok() ? TG_OK : StorageFail("relate", s);
}

int32_t ProcedureFacts::RelateByKey(tg_string type, tg_node_handle from, tg_string target_label, tg_string target_key,
                                    const tg_value* target_value, const tg_property* props, uint64_t n) {
  if (!error.ok()) return error_code;
  std::string_view t = View(type), tl = View(target_label), tk = View(target_key);
  if (t.empty() || tl.empty() || tk.empty() || !IsValidUtf8(t) || !IsValidUtf8(tl) || !IsValidUtf8(tk))
    return Fail(TG_ERR_INVALID_INPUT, "relate_by_key: empty or non-UTF-8 type, label or key");
  if (!ValidHandle(from)) return Fail(TG_ERR_INVALID_HANDLE, "relate_by_key: unknown node handle");
  if (!target_value) return Fail(TG_ERR_INVALID_INPUT, "relate_by_key: target value is null");
  Value tv;
  Status s = ValueFromC(*target_value, &tv);
  if (!s.ok() || tv.is_null() || tv.is_list() || tv.is_map())
    return Fail(TG_ERR_INVALID_INPUT, "relate_by_key: target value must be a non-null scalar");
  std::vector<Value> values;
  PropRefs refs;
  if (!ConvertProps(props, n, &values, &refs, "relate_by_key")) return error_code;
  bool linked = false;
  s = writer_.RelateByKey(t, from - 1, tl, tk, tv, refs, /*merge=*/true, &linked);
  return s.ok() ? TG_OK : StorageFail("relate_by_key", s);
}

int32_t ProcedureFacts::NodeId(tg_node_handle node, uint64_t* out) {
  if (!ValidHandle(node)) return Fail(TG_ERR_INVALID_HANDLE, "node_id: unknown node handle");
  if (out) *out = node - 1;
  return TG_OK;
}

}  // namespace trendgraph::engine
