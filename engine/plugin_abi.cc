#include "engine/plugin_abi.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <set>

namespace trendgraph::engine {
namespace {

constexpr int kMaxValueDepth = 64;

std::string_view View(tg_string s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }
tg_string ToC(std::string_view s) { return tg_string{s.data(), s.size()}; }

// Converts a failure inside a host entry point into a code for the plugin
// (the entry points are noexcept: nothing may unwind into plugin code).
int32_t Internal(tg_context* ctx, const char* what) {
  if (ctx && ctx->code == TG_OK) ctx->Fail(TG_ERR_INTERNAL, std::string("host error: ") + what);
  return TG_ERR_INTERNAL;
}

Status ValueFromCDepth(const tg_value& v, Value* out, storage::GraphReader* reader, int depth) {
  if (depth > kMaxValueDepth) return Status::InvalidArgument("value nests deeper than 64 levels");
  switch (v.type) {
    case TG_VALUE_NULL: *out = Value(); return Status::OK();
    case TG_VALUE_BOOL: *out = Value(v.int_value != 0); return Status::OK();
    case TG_VALUE_INT: *out = Value(static_cast<int64_t>(v.int_value)); return Status::OK();
    case TG_VALUE_DOUBLE: *out = Value(v.double_value); return Status::OK();
    case TG_VALUE_STRING: {
      if (v.string_value.len && !v.string_value.data) return Status::InvalidArgument("string with null data");
      std::string_view s = View(v.string_value);
      if (!IsValidUtf8(s)) return Status::InvalidArgument("string is not valid UTF-8");
      *out = Value(s);
      return Status::OK();
    }
    case TG_VALUE_DATE: {
      if (v.int_value < INT32_MIN || v.int_value > INT32_MAX) return Status::InvalidArgument("date out of range");
      *out = Value(Date{static_cast<int32_t>(v.int_value)});
      return Status::OK();
    }
    case TG_VALUE_LIST: {
      if (v.list_value.len && !v.list_value.items) return Status::InvalidArgument("list with null items");
      Value::List list;
      list.reserve(v.list_value.len);
      for (uint64_t i = 0; i < v.list_value.len; ++i) {
        Value item;
        TG_RETURN_IF_ERROR(ValueFromCDepth(v.list_value.items[i], &item, reader, depth + 1));
        list.push_back(std::move(item));
      }
      *out = Value(std::move(list));
      return Status::OK();
    }
    case TG_VALUE_MAP: {
      if (v.map_value.len && !v.map_value.items) return Status::InvalidArgument("map with null entries");
      Value::Map map;
      for (uint64_t i = 0; i < v.map_value.len; ++i) {
        std::string_view key = View(v.map_value.items[i].key);
        if (!IsValidUtf8(key)) return Status::InvalidArgument("map key is not valid UTF-8");
        Value item;
        TG_RETURN_IF_ERROR(ValueFromCDepth(v.map_value.items[i].value, &item, reader, depth + 1));
        map.insert_or_assign(std::string(key), std::move(item));
      }
      *out = Value(std::move(map));
      return Status::OK();
    }
    case TG_VALUE_NODE: {
      if (!reader) return Status::InvalidArgument("a node value cannot be stored as a property");
      if (!reader->NodeExists(static_cast<uint64_t>(v.int_value)))
        return Status::InvalidArgument("node " + std::to_string(v.int_value) + " does not exist");
      *out = Value(NodeRef{static_cast<uint64_t>(v.int_value)});
      return Status::OK();
    }
    case TG_VALUE_REL: {
      if (!reader) return Status::InvalidArgument("a relationship value cannot be stored as a property");
      storage::RelRecord rec;
      Status s = reader->GetRel(static_cast<uint64_t>(v.int_value), &rec);
      if (!s.ok()) return Status::InvalidArgument("relationship " + std::to_string(v.int_value) + " does not exist");
      *out = Value(RelRef{rec.id, rec.start, rec.end, rec.type});
      return Status::OK();
    }
    default:
      return Status::InvalidArgument("unknown value type tag " + std::to_string(v.type));
  }
}

// ---------------------------------------------------------------------------
// Entry points. Each is noexcept and catches everything.

void SetError(tg_context* ctx, int32_t code, const char* msg, uint64_t len) noexcept {
  if (!ctx) return;
  try {
    std::string m = msg ? std::string(msg, len) : std::string();
    if (!IsValidUtf8(m)) m = "(message is not valid UTF-8)";
    ctx->Fail(code == TG_OK ? TG_ERR_INTERNAL : code, std::move(m));
  } catch (...) {
  }
}

void Log(tg_context* ctx, int32_t level, const char* msg, uint64_t len) noexcept {
  try {
    static const bool verbose = std::getenv("TRENDGRAPH_PLUGIN_LOG") != nullptr;
    if (level < TG_LOG_WARN && !verbose) return;
    static const char* kLevels[] = {"debug", "info", "warning", "error"};
    const char* lv = level >= 0 && level <= 3 ? kLevels[level] : "log";
    std::string name = ctx ? std::string(ctx->plugin_name) : std::string("?");
    std::fprintf(stderr, "plugin %s: %s: %.*s\n", name.c_str(), lv, static_cast<int>(msg ? len : 0), msg ? msg : "");
  } catch (...) {
  }
}

int32_t GetConfig(tg_context* ctx, tg_string key, tg_string* out) noexcept {
  try {
    if (!out) return TG_ERR_INVALID_INPUT;
    // Values live for the process: plugins may keep the pointers.
    static std::mutex mu;
    static std::set<std::string> values;
    std::string_view k = View(key);
    std::string value;
    if (k == "plugin.path") {
      if (!ctx || ctx->plugin_path.empty()) return TG_ERR_NOT_FOUND;
      value = std::string(ctx->plugin_path);
    } else if (k == "plugin.dir") {
      if (!ctx || ctx->plugin_path.empty()) return TG_ERR_NOT_FOUND;
      std::string p(ctx->plugin_path);
      size_t slash = p.rfind('/');
      value = slash == std::string::npos ? std::string(".") : p.substr(0, slash);
    } else {
      std::string env = "TRENDGRAPH_";
      for (char c : k) env += (c == '.' || c == '-') ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const char* v = std::getenv(env.c_str());
      if (!v) return TG_ERR_NOT_FOUND;
      value = v;
    }
    std::lock_guard lock(mu);
    const std::string& kept = *values.insert(std::move(value)).first;
    *out = ToC(kept);
    return TG_OK;
  } catch (...) {
    return Internal(ctx, "get_config");
  }
}

#define TG_FACTS_ENTRY(facts, expr)                                        \
  do {                                                                     \
    if (!(facts)) return TG_ERR_UNSUPPORTED;                               \
    try {                                                                  \
      return (expr);                                                       \
    } catch (const std::bad_alloc&) {                                      \
      return (facts)->Fail(TG_ERR_NO_MEMORY, "host out of memory");        \
    } catch (...) {                                                        \
      return (facts)->Fail(TG_ERR_INTERNAL, "host error while recording a fact"); \
    }                                                                      \
  } while (0)

int32_t UpsertNode(tg_facts* f, tg_string label, tg_string key_name, const tg_value* key, const tg_property* props,
                   uint64_t n, tg_node_handle* out) noexcept {
  TG_FACTS_ENTRY(f, f->UpsertNode(label, key_name, key, props, n, out));
}
int32_t SetNodeProperty(tg_facts* f, tg_node_handle node, tg_string key, const tg_value* value) noexcept {
  TG_FACTS_ENTRY(f, f->SetNodeProperty(node, key, value));
}
int32_t Relate(tg_facts* f, tg_string type, tg_node_handle from, tg_node_handle to, const tg_property* props,
               uint64_t n) noexcept {
  TG_FACTS_ENTRY(f, f->Relate(type, from, to, props, n));
}
int32_t RelateByKey(tg_facts* f, tg_string type, tg_node_handle from, tg_string tl, tg_string tk, const tg_value* tv,
                    const tg_property* props, uint64_t n) noexcept {
  TG_FACTS_ENTRY(f, f->RelateByKey(type, from, tl, tk, tv, props, n));
}
int32_t SetSubject(tg_facts* f, tg_node_handle node) noexcept { TG_FACTS_ENTRY(f, f->SetSubject(node)); }
int32_t NodeIdOf(tg_facts* f, tg_node_handle node, uint64_t* out) noexcept { TG_FACTS_ENTRY(f, f->NodeId(node, out)); }

tg_string DocName(tg_facts* f) noexcept { return f ? f->DocName() : tg_string{nullptr, 0}; }
tg_string DocBytes(tg_facts* f) noexcept { return f ? f->DocBytes() : tg_string{nullptr, 0}; }
tg_node_handle DocSubject(tg_facts* f) noexcept { return f ? f->DocSubject() : 0; }
uint64_t DocNodeCount(tg_facts* f) noexcept { return f ? f->DocNodeCount() : 0; }
uint64_t DocRelCount(tg_facts* f) noexcept { return f ? f->DocRelCount() : 0; }
int32_t DocNode(tg_facts* f, uint64_t i, tg_node_fact* out) noexcept {
  if (!out) return TG_ERR_INVALID_INPUT;
  TG_FACTS_ENTRY(f, f->DocNode(i, out));
}
int32_t DocRel(tg_facts* f, uint64_t i, tg_rel_fact* out) noexcept {
  if (!out) return TG_ERR_INVALID_INPUT;
  TG_FACTS_ENTRY(f, f->DocRel(i, out));
}

// --- graph reads ---

std::optional<storage::LabelId> ResolveLabel(tg_graph* g, std::string_view name) {
  if (auto id = g->graph->FindLabel(name)) return id;
  if (g->txn) return g->txn->GetOrCreateLabel(name);  // may have been created by this query
  return std::nullopt;
}
std::optional<storage::PropKeyId> ResolveKey(tg_graph* g, std::string_view name) {
  if (auto id = g->graph->FindPropKey(name)) return id;
  if (g->txn) return g->txn->GetOrCreatePropKey(name);
  return std::nullopt;
}

bool SameKey(const Value& a, const Value& b) {
  if (a.is_number() && b.is_number()) return a.as_number() == b.as_number();
  return a.Identical(b);
}

int32_t FindNode(tg_graph* g, tg_string label, tg_string key_name, const tg_value* key, uint64_t* out) noexcept {
  if (!g || !key || !out) return TG_ERR_INVALID_INPUT;
  try {
    Value k;
    Status s = ValueFromC(*key, &k);
    if (!s.ok()) {
      if (g->ctx) g->ctx->Fail(TG_ERR_INVALID_INPUT, "find_node: key: " + s.message());
      return TG_ERR_INVALID_INPUT;
    }
    auto l = ResolveLabel(g, View(label));
    auto p = ResolveKey(g, View(key_name));
    if (!l || !p) return TG_ERR_NOT_FOUND;
    if (auto index = g->graph->FindIndex(*l, *p)) {
      if (index->kind == storage::IndexInfo::Kind::kUnique) {
        storage::NodeId id = 0;
        s = g->reader->LookupUnique(*l, *p, k, &id);
        if (s.ok()) {
          *out = id;
          return TG_OK;
        }
        if (s.IsNotFound()) return TG_ERR_NOT_FOUND;
      } else {
        auto it = g->reader->IndexSeek(*l, *p, k);
        if (it && it->Valid()) {
          *out = it->id();
          return TG_OK;
        }
        if (it && it->status().ok()) return TG_ERR_NOT_FOUND;
      }
    }
    // No usable index: scan the label.
    auto it = g->reader->ScanLabel(*l);
    for (; it->Valid(); it->Next()) {
      Value v;
      if (g->reader->GetNodeProperty(it->id(), *p, &v).ok() && SameKey(v, k)) {
        *out = it->id();
        return TG_OK;
      }
    }
    if (!it->status().ok()) {
      if (g->ctx) g->ctx->Fail(TG_ERR_STORAGE, "find_node: " + it->status().ToString());
      return TG_ERR_STORAGE;
    }
    return TG_ERR_NOT_FOUND;
  } catch (...) {
    return Internal(g->ctx, "find_node");
  }
}

int32_t NodeProperty(tg_graph* g, uint64_t node, tg_string key, tg_value* out) noexcept {
  if (!g || !out) return TG_ERR_INVALID_INPUT;
  try {
    *out = tg_value{};
    if (!g->reader->NodeExists(node)) return TG_ERR_NOT_FOUND;
    auto p = ResolveKey(g, View(key));
    if (!p) return TG_OK;  // no such key anywhere: absent
    Value v;
    Status s = g->reader->GetNodeProperty(node, *p, &v);
    if (s.IsNotFound()) return TG_ERR_NOT_FOUND;
    if (!s.ok()) return TG_ERR_STORAGE;
    *out = g->arena->Keep(std::move(v));
    return TG_OK;
  } catch (...) {
    return Internal(g->ctx, "node_property");
  }
}

int32_t RelProperty(tg_graph* g, uint64_t rel, tg_string key, tg_value* out) noexcept {
  if (!g || !out) return TG_ERR_INVALID_INPUT;
  try {
    *out = tg_value{};
    auto p = ResolveKey(g, View(key));
    if (!p) return TG_OK;
    Value v;
    Status s = g->reader->GetRelProperty(rel, *p, &v);
    if (s.IsNotFound()) return TG_ERR_NOT_FOUND;
    if (!s.ok()) return TG_ERR_STORAGE;
    *out = g->arena->Keep(std::move(v));
    return TG_OK;
  } catch (...) {
    return Internal(g->ctx, "rel_property");
  }
}

int32_t NodeHasLabel(tg_graph* g, uint64_t node, tg_string label) noexcept {
  if (!g) return 0;
  try {
    auto l = g->graph->FindLabel(View(label));
    if (!l && g->txn) l = g->txn->GetOrCreateLabel(View(label));
    if (!l) return 0;
    storage::NodeRecord rec;
    if (!g->reader->GetNode(node, &rec).ok()) return 0;
    for (auto id : rec.labels)
      if (id == *l) return 1;
    return 0;
  } catch (...) {
    return 0;
  }
}

}  // namespace
}  // namespace trendgraph::engine

struct tg_rel_iter {
  tg_graph* g = nullptr;
  trendgraph::storage::NodeId node = 0;
  std::optional<trendgraph::storage::TypeId> type;
  bool empty = false;          // the type does not exist: no relationships
  int32_t direction = TG_DIR_OUT;
  int pass = 0;                // BOTH: 0 = out, 1 = in
  std::unique_ptr<trendgraph::storage::AdjacencyIterator> it;
  bool started = false;
  std::string type_name;       // storage for the current entry's type
  trendgraph::storage::TypeId type_name_id = UINT32_MAX;
};

struct tg_node_iter {
  std::unique_ptr<trendgraph::storage::NodeIterator> it;
  bool started = false;
};

namespace trendgraph::engine {
namespace {

int32_t RelsOpen(tg_graph* g, uint64_t node, tg_string type, int32_t direction, tg_rel_iter** out) noexcept {
  if (!g || !out) return TG_ERR_INVALID_INPUT;
  if (direction < TG_DIR_OUT || direction > TG_DIR_BOTH) return TG_ERR_INVALID_INPUT;
  try {
    auto it = std::make_unique<tg_rel_iter>();
    it->g = g;
    it->node = node;
    it->direction = direction;
    if (type.len) {
      it->type = g->graph->FindType(View(type));
      if (!it->type && g->txn) it->type = g->txn->GetOrCreateType(View(type));
      if (!it->type) it->empty = true;
    }
    auto dir = direction == TG_DIR_IN ? storage::Direction::kIn : storage::Direction::kOut;
    if (!it->empty) it->it = g->reader->Adjacency(node, dir, it->type);
    *out = it.release();
    return TG_OK;
  } catch (...) {
    return Internal(g->ctx, "rels_open");
  }
}

int32_t RelsNext(tg_rel_iter* it, tg_rel_entry* out) noexcept {
  if (!it || !out) return -TG_ERR_INVALID_INPUT;
  try {
    if (it->empty || !it->it) return 0;
    for (;;) {
      if (it->started) it->it->Next();
      it->started = true;
      if (it->it->Valid()) break;
      if (!it->it->status().ok()) return -TG_ERR_STORAGE;
      if (it->direction == TG_DIR_BOTH && it->pass == 0) {
        it->pass = 1;
        it->started = false;
        it->it = it->g->reader->Adjacency(it->node, storage::Direction::kIn, it->type);
        continue;
      }
      return 0;
    }
    const storage::AdjEntry& e = it->it->entry();
    if (e.type != it->type_name_id) {
      it->type_name = it->g->graph->TypeName(e.type);
      it->type_name_id = e.type;
    }
    out->rel_id = e.rel;
    out->other = e.other;
    out->direction = e.dir == storage::Direction::kIn ? TG_DIR_IN : TG_DIR_OUT;
    out->reserved = 0;
    out->type = ToC(it->type_name);
    return 1;
  } catch (...) {
    return -TG_ERR_INTERNAL;
  }
}

void RelsClose(tg_rel_iter* it) noexcept { delete it; }

int32_t LabelScanOpen(tg_graph* g, tg_string label, tg_node_iter** out) noexcept {
  if (!g || !out) return TG_ERR_INVALID_INPUT;
  try {
    auto it = std::make_unique<tg_node_iter>();
    auto l = g->graph->FindLabel(View(label));
    if (!l && g->txn) l = g->txn->GetOrCreateLabel(View(label));
    if (l) it->it = g->reader->ScanLabel(*l);
    *out = it.release();
    return TG_OK;
  } catch (...) {
    return Internal(g->ctx, "label_scan_open");
  }
}

int32_t NodeIterNext(tg_node_iter* it, uint64_t* out) noexcept {
  if (!it || !out) return -TG_ERR_INVALID_INPUT;
  try {
    if (!it->it) return 0;
    if (it->started) it->it->Next();
    it->started = true;
    if (it->it->Valid()) {
      *out = it->it->id();
      return 1;
    }
    return it->it->status().ok() ? 0 : -TG_ERR_STORAGE;
  } catch (...) {
    return -TG_ERR_INTERNAL;
  }
}

void NodeIterClose(tg_node_iter* it) noexcept { delete it; }

int32_t EmitRow(tg_rows* rows, const tg_value* values, uint64_t count) noexcept {
  if (!rows) return TG_ERR_INVALID_INPUT;
  try {
    if (rows->stopped) return TG_STOP;
    if (count != rows->column_count) {
      if (rows->ctx)
        rows->ctx->Fail(TG_ERR_INVALID_INPUT, "emit_row: " + std::to_string(count) + " values for " +
                                                  std::to_string(rows->column_count) + " output columns");
      return TG_ERR_INVALID_INPUT;
    }
    if (count && !values) return TG_ERR_INVALID_INPUT;
    std::vector<Value> row(count);
    for (uint64_t i = 0; i < count; ++i) {
      Status s = ValueFromC(values[i], &row[i], rows->reader);
      if (!s.ok()) {
        if (rows->ctx) rows->ctx->Fail(TG_ERR_INVALID_INPUT, "emit_row: column " + std::to_string(i) + ": " + s.message());
        return TG_ERR_INVALID_INPUT;
      }
    }
    if (!(*rows->emit)(std::move(row))) {
      rows->stopped = true;
      return TG_STOP;
    }
    return TG_OK;
  } catch (...) {
    return Internal(rows->ctx, "emit_row");
  }
}

const tg_host_api kHostApi = {
    .abi_version = TG_ABI_VERSION,
    .struct_size = sizeof(tg_host_api),
    .set_error = &SetError,
    .log = &Log,
    .get_config = &GetConfig,
    .upsert_node = &UpsertNode,
    .set_node_property = &SetNodeProperty,
    .relate = &Relate,
    .relate_by_key = &RelateByKey,
    .set_subject = &SetSubject,
    .node_id = &NodeIdOf,
    .doc_name = &DocName,
    .doc_bytes = &DocBytes,
    .doc_subject = &DocSubject,
    .doc_node_count = &DocNodeCount,
    .doc_rel_count = &DocRelCount,
    .doc_node = &DocNode,
    .doc_rel = &DocRel,
    .find_node = &FindNode,
    .node_property = &NodeProperty,
    .rel_property = &RelProperty,
    .node_has_label = &NodeHasLabel,
    .rels_open = &RelsOpen,
    .rels_next = &RelsNext,
    .rels_close = &RelsClose,
    .label_scan_open = &LabelScanOpen,
    .node_iter_next = &NodeIterNext,
    .node_iter_close = &NodeIterClose,
    .emit_row = &EmitRow,
};

}  // namespace

const tg_host_api* HostApiTable() { return &kHostApi; }

Status ValueFromC(const tg_value& v, Value* out, storage::GraphReader* reader) {
  return ValueFromCDepth(v, out, reader, 0);
}

bool IsValidUtf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    // Fast path: 8 ASCII bytes at a time.
    if (end - p >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        p += 8;
        continue;
      }
    }
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    for (int i = 1; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000)) return false;  // overlong
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    p += n + 1;
  }
  return true;
}

tg_value ValueArena::Lower(const Value& v) {
  tg_value out{};
  switch (v.type()) {
    case Value::Type::kNull: out.type = TG_VALUE_NULL; break;
    case Value::Type::kBool: out.type = TG_VALUE_BOOL; out.int_value = v.as_bool() ? 1 : 0; break;
    case Value::Type::kInt: out.type = TG_VALUE_INT; out.int_value = v.as_int(); break;
    case Value::Type::kDouble: out.type = TG_VALUE_DOUBLE; out.double_value = v.as_double(); break;
    case Value::Type::kString: out.type = TG_VALUE_STRING; out.string_value = ToC(v.as_string()); break;
    case Value::Type::kDate: out.type = TG_VALUE_DATE; out.int_value = v.as_date().days; break;
    case Value::Type::kNode: out.type = TG_VALUE_NODE; out.int_value = static_cast<int64_t>(v.as_node().id); break;
    case Value::Type::kRel: out.type = TG_VALUE_REL; out.int_value = static_cast<int64_t>(v.as_rel().id); break;
    case Value::Type::kList: {
      auto& items = lists_.emplace_back();
      items.reserve(v.as_list().size());
      for (const auto& item : v.as_list()) items.push_back(Lower(item));
      out.type = TG_VALUE_LIST;
      out.list_value = tg_value_array{items.data(), items.size()};
      break;
    }
    case Value::Type::kMap: {
      auto& entries = maps_.emplace_back();
      entries.reserve(v.as_map().size());
      for (const auto& [k, item] : v.as_map()) entries.push_back(tg_property{ToC(k), Lower(item)});
      out.type = TG_VALUE_MAP;
      out.map_value = tg_property_array{entries.data(), entries.size()};
      break;
    }
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration:
      // The ABI has no kinds for these yet: their ISO 8601 text.
      return Keep(Value(FormatTemporal(v)));
    case Value::Type::kPath: {
      // Paths do not cross the ABI: a list of the path's nodes.
      Value::List nodes;
      for (const auto& n : v.as_path().nodes) nodes.emplace_back(n);
      return Keep(Value(std::move(nodes)));
    }
  }
  return out;
}

tg_value ValueArena::Keep(Value v) {
  kept_.push_back(std::move(v));
  return Lower(kept_.back());
}

}  // namespace trendgraph::engine
