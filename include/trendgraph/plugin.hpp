// trendgraph plugin SDK, C++ wrapper (header only) over the C ABI in
// trendgraph/plugin.h. It keeps plugin authors off the raw function table:
//
//   class MyFeed : public trendgraph::sdk::SourcePlugin {
//    public:
//     int Probe(std::string_view name, std::string_view bytes) override { ... }
//     sdk::Status Parse(sdk::Document& doc, std::string_view name, std::string_view bytes) override {
//       sdk::NodeHandle a = doc.UpsertNode("Article", "id", sdk::Str(url),
//                                          {sdk::Prop("title", sdk::Str(title))});
//       sdk::NodeHandle k = doc.UpsertNode("Keyword", "name", sdk::Str(norm));
//       doc.Relate("HAS_KEYWORD", a, k);
//       return sdk::Status::Ok();
//     }
//   };
//   TG_DEFINE_PLUGIN(MyFeed, "myfeed", "1.0.0", "My feed format")
//
// Rules kept by the wrapper: no exception crosses the C boundary (every
// trampoline catches and reports TG_ERR_INTERNAL with the what() text); the
// plugin object is created in the entry point and deleted in destroy.
// Values (tg_value) built with Str/Int/... are non-owning views: the strings
// and arrays they point to must outlive the call they are passed to (the
// host copies them). OwnedValue owns its data, for building rows.
//
// Thread-safety: as plugin.h: Probe/Parse/Enrich/procedures may be called
// from several threads; a Document or ProcedureCall is used by one thread.
#ifndef TRENDGRAPH_PLUGIN_HPP_
#define TRENDGRAPH_PLUGIN_HPP_

#include <cstdint>
#include <cstring>
#include <deque>
#include <exception>
#include <functional>
#include <initializer_list>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "trendgraph/plugin.h"

namespace trendgraph::sdk {

using NodeHandle = tg_node_handle;

// ---------------------------------------------------------------------------
// Strings and value views

inline tg_string ToC(std::string_view s) { return tg_string{s.data(), static_cast<uint64_t>(s.size())}; }
inline std::string_view ToView(tg_string s) { return s.data ? std::string_view(s.data, s.len) : std::string_view(); }

inline tg_value Null() {
  tg_value v{};
  v.type = TG_VALUE_NULL;
  return v;
}
inline tg_value Bool(bool b) {
  tg_value v{};
  v.type = TG_VALUE_BOOL;
  v.int_value = b ? 1 : 0;
  return v;
}
inline tg_value Int(int64_t i) {
  tg_value v{};
  v.type = TG_VALUE_INT;
  v.int_value = i;
  return v;
}
inline tg_value Real(double d) {
  tg_value v{};
  v.type = TG_VALUE_DOUBLE;
  v.double_value = d;
  return v;
}
// A string view: `s` must outlive the call the value is passed to.
inline tg_value Str(std::string_view s) {
  tg_value v{};
  v.type = TG_VALUE_STRING;
  v.string_value = ToC(s);
  return v;
}
// Days since 1970-01-01.
inline tg_value DateDays(int64_t days) {
  tg_value v{};
  v.type = TG_VALUE_DATE;
  v.int_value = days;
  return v;
}
// A node of the graph (procedure rows): its id from find_node etc.
inline tg_value NodeId(uint64_t id) {
  tg_value v{};
  v.type = TG_VALUE_NODE;
  v.int_value = static_cast<int64_t>(id);
  return v;
}
inline tg_value List(const tg_value* items, size_t n) {
  tg_value v{};
  v.type = TG_VALUE_LIST;
  v.list_value = tg_value_array{items, static_cast<uint64_t>(n)};
  return v;
}
inline tg_value Map(const tg_property* entries, size_t n) {
  tg_value v{};
  v.type = TG_VALUE_MAP;
  v.map_value = tg_property_array{entries, static_cast<uint64_t>(n)};
  return v;
}
inline tg_property Prop(std::string_view key, tg_value value) { return tg_property{ToC(key), value}; }

// Civil date <-> days since 1970-01-01 (H. Hinnant's algorithms).
inline int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}
inline void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

// A read-only view of a host- or plugin-owned tg_value (procedure arguments,
// properties read from the graph or from a document's facts).
class ValueView {
 public:
  ValueView() : v_(nullptr) {}
  explicit ValueView(const tg_value* v) : v_(v) {}
  tg_value_type type() const { return v_ ? static_cast<tg_value_type>(v_->type) : TG_VALUE_NULL; }
  bool is_null() const { return type() == TG_VALUE_NULL; }
  bool is_bool() const { return type() == TG_VALUE_BOOL; }
  bool is_int() const { return type() == TG_VALUE_INT; }
  bool is_double() const { return type() == TG_VALUE_DOUBLE; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return type() == TG_VALUE_STRING; }
  bool is_list() const { return type() == TG_VALUE_LIST; }
  bool is_map() const { return type() == TG_VALUE_MAP; }
  bool is_date() const { return type() == TG_VALUE_DATE; }
  bool is_node() const { return type() == TG_VALUE_NODE; }
  // Accessors: check the type first.
  bool AsBool() const { return v_->int_value != 0; }
  int64_t AsInt() const { return v_->int_value; }
  double AsDouble() const { return v_->double_value; }
  double AsNumber() const { return is_int() ? static_cast<double>(v_->int_value) : v_->double_value; }
  std::string_view AsString() const { return ToView(v_->string_value); }
  int64_t AsDateDays() const { return v_->int_value; }
  uint64_t AsNodeId() const { return static_cast<uint64_t>(v_->int_value); }
  // Lists and maps.
  size_t size() const {
    if (is_list()) return static_cast<size_t>(v_->list_value.len);
    if (is_map()) return static_cast<size_t>(v_->map_value.len);
    return 0;
  }
  ValueView operator[](size_t i) const { return ValueView(&v_->list_value.items[i]); }
  std::string_view KeyAt(size_t i) const { return ToView(v_->map_value.items[i].key); }
  ValueView ValueAt(size_t i) const { return ValueView(&v_->map_value.items[i].value); }
  // The map entry `key`; a null view when absent (or not a map).
  ValueView Find(std::string_view key) const {
    if (!is_map()) return ValueView();
    for (uint64_t i = 0; i < v_->map_value.len; ++i)
      if (ToView(v_->map_value.items[i].key) == key) return ValueView(&v_->map_value.items[i].value);
    return ValueView();
  }
  bool Has(std::string_view key) const {
    if (!is_map()) return false;
    for (uint64_t i = 0; i < v_->map_value.len; ++i)
      if (ToView(v_->map_value.items[i].key) == key) return true;
    return false;
  }
  const tg_value* raw() const { return v_; }

 private:
  const tg_value* v_;
};

// An owning value, for rows and defaults built at run time (lists, maps,
// computed strings). view() is valid while this object is alive and not
// modified.
class OwnedValue {
 public:
  OwnedValue() { v_.type = TG_VALUE_NULL; }
  OwnedValue(const tg_value& scalar) : v_(scalar) {  // NOLINT: copies a non-owning scalar/string view deeply
    if (scalar.type == TG_VALUE_STRING) SetString(std::string(ToView(scalar.string_value)));
    else if (scalar.type == TG_VALUE_LIST) {
      std::vector<OwnedValue> items;
      for (uint64_t i = 0; i < scalar.list_value.len; ++i) items.emplace_back(scalar.list_value.items[i]);
      *this = OwnedValue::ListOf(std::move(items));
    } else if (scalar.type == TG_VALUE_MAP) {
      std::vector<std::pair<std::string, OwnedValue>> entries;
      for (uint64_t i = 0; i < scalar.map_value.len; ++i)
        entries.emplace_back(std::string(ToView(scalar.map_value.items[i].key)), OwnedValue(scalar.map_value.items[i].value));
      *this = OwnedValue::MapOf(std::move(entries));
    }
  }
  OwnedValue(bool b) : v_(sdk::Bool(b)) {}                // NOLINT
  OwnedValue(int i) : v_(sdk::Int(i)) {}                  // NOLINT
  OwnedValue(int64_t i) : v_(sdk::Int(i)) {}              // NOLINT
  OwnedValue(double d) : v_(sdk::Real(d)) {}              // NOLINT
  OwnedValue(std::string s) { SetString(std::move(s)); }  // NOLINT
  OwnedValue(std::string_view s) { SetString(std::string(s)); }  // NOLINT
  OwnedValue(const char* s) { SetString(std::string(s)); }       // NOLINT

  static OwnedValue ListOf(std::vector<OwnedValue> items) {
    OwnedValue o;
    o.v_.type = TG_VALUE_LIST;
    o.items_ = std::make_shared<std::vector<OwnedValue>>(std::move(items));
    return o;
  }
  static OwnedValue MapOf(std::vector<std::pair<std::string, OwnedValue>> entries) {
    OwnedValue o;
    o.v_.type = TG_VALUE_MAP;
    o.keys_ = std::make_shared<std::vector<std::string>>();
    o.items_ = std::make_shared<std::vector<OwnedValue>>();
    for (auto& [k, v] : entries) {
      o.keys_->push_back(std::move(k));
      o.items_->push_back(std::move(v));
    }
    return o;
  }

  // The C view (rebuilt lazily; pointers into this object).
  tg_value view() const {
    if (v_.type == TG_VALUE_STRING) {
      tg_value v = v_;
      v.string_value = ToC(*str_);
      return v;
    }
    if (v_.type == TG_VALUE_LIST) {
      list_view_.clear();
      for (const auto& item : *items_) list_view_.push_back(item.view());
      return List(list_view_.data(), list_view_.size());
    }
    if (v_.type == TG_VALUE_MAP) {
      map_view_.clear();
      for (size_t i = 0; i < items_->size(); ++i) map_view_.push_back(Prop((*keys_)[i], (*items_)[i].view()));
      return Map(map_view_.data(), map_view_.size());
    }
    return v_;
  }

 private:
  void SetString(std::string s) {
    v_ = tg_value{};
    v_.type = TG_VALUE_STRING;
    str_ = std::make_shared<std::string>(std::move(s));
  }
  tg_value v_{};
  std::shared_ptr<std::string> str_;
  std::shared_ptr<std::vector<OwnedValue>> items_;
  std::shared_ptr<std::vector<std::string>> keys_;
  mutable std::vector<tg_value> list_view_;
  mutable std::vector<tg_property> map_view_;
};

// ---------------------------------------------------------------------------
// Status

class Status {
 public:
  static Status Ok() { return Status(); }
  // The document is malformed: what and where.
  static Status InvalidInput(std::string msg) { return Status(TG_ERR_INVALID_INPUT, std::move(msg)); }
  // A procedure argument is wrong: the message names the parameter.
  static Status ArgumentError(std::string msg) { return Status(TG_ERR_ARGUMENT, std::move(msg)); }
  static Status ProcedureError(std::string msg) { return Status(TG_ERR_PROCEDURE, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(TG_ERR_INTERNAL, std::move(msg)); }
  static Status Unsupported(std::string msg) { return Status(TG_ERR_UNSUPPORTED, std::move(msg)); }
  static Status FromCode(int32_t code, std::string msg) { return code == TG_OK ? Status() : Status(code, std::move(msg)); }

  bool ok() const { return code_ == TG_OK; }
  int32_t code() const { return code_; }
  const std::string& message() const { return msg_; }

 private:
  Status() = default;
  Status(int32_t code, std::string msg) : code_(code), msg_(std::move(msg)) {}
  int32_t code_ = TG_OK;
  std::string msg_;
};

// The host function table, set by the entry point (one per plugin library).
inline const tg_host_api*& HostApi() {
  static const tg_host_api* api = nullptr;
  return api;
}

// ---------------------------------------------------------------------------
// Facts: a document being ingested or a writing procedure's writes.

// Emitting facts. Errors are sticky: after the first failing call, Upsert
// returns 0, Relate does nothing, and status() tells what failed; the host
// fails the document (or procedure call) anyway, so checking every call is
// optional.
class Facts {
 public:
  Facts(const tg_host_api* api, tg_facts* facts) : api_(api), facts_(facts) {}

  NodeHandle UpsertNode(std::string_view label, std::string_view key_name, tg_value key,
                        std::initializer_list<tg_property> props = {}) {
    return UpsertNode(label, key_name, key, props.begin(), props.size());
  }
  NodeHandle UpsertNode(std::string_view label, std::string_view key_name, tg_value key,
                        const std::vector<tg_property>& props) {
    return UpsertNode(label, key_name, key, props.data(), props.size());
  }
  NodeHandle UpsertNode(std::string_view label, std::string_view key_name, tg_value key, const tg_property* props,
                        size_t n) {
    NodeHandle h = 0;
    Check(api_->upsert_node(facts_, ToC(label), ToC(key_name), &key, props, n, &h), "upsert_node");
    return h;
  }
  bool SetProperty(NodeHandle node, std::string_view key, tg_value value) {
    return Check(api_->set_node_property(facts_, node, ToC(key), &value), "set_node_property");
  }
  bool Relate(std::string_view type, NodeHandle from, NodeHandle to, std::initializer_list<tg_property> props = {}) {
    return Relate(type, from, to, props.begin(), props.size());
  }
  bool Relate(std::string_view type, NodeHandle from, NodeHandle to, const std::vector<tg_property>& props) {
    return Relate(type, from, to, props.data(), props.size());
  }
  bool Relate(std::string_view type, NodeHandle from, NodeHandle to, const tg_property* props, size_t n) {
    return Check(api_->relate(facts_, ToC(type), from, to, props, n), "relate");
  }
  // A link to the node (target_label {target_key: value}), completed when that
  // node appears if it does not exist yet (e.g. CLOSEST by Article.file_hash).
  bool RelateByKey(std::string_view type, NodeHandle from, std::string_view target_label,
                   std::string_view target_key, tg_value value, std::initializer_list<tg_property> props = {}) {
    return Check(api_->relate_by_key(facts_, ToC(type), from, ToC(target_label), ToC(target_key), &value,
                                     props.begin(), props.size()),
                 "relate_by_key");
  }
  // Graph node id of a handle (writing procedures only).
  std::optional<uint64_t> NodeIdOf(NodeHandle h) {
    uint64_t id = 0;
    if (api_->node_id(facts_, h, &id) != TG_OK) return std::nullopt;
    return id;
  }

  const Status& status() const { return status_; }
  tg_facts* raw() const { return facts_; }

 protected:
  bool Check(int32_t code, const char* what) {
    if (code == TG_OK) return true;
    if (status_.ok()) status_ = Status::FromCode(code, std::string(what) + " failed");
    return false;
  }
  const tg_host_api* api_;
  tg_facts* facts_;
  Status status_ = Status::Ok();
};

// A node or relationship fact read back from a document.
struct NodeFact {
  NodeHandle handle = 0;
  std::string_view label;
  std::string_view key_name;
  tg_value key_value{};
  const tg_property* props = nullptr;
  size_t prop_count = 0;
  ValueView key() const { return ValueView(&key_value); }
  ValueView Property(std::string_view name) const {
    for (size_t i = 0; i < prop_count; ++i)
      if (ToView(props[i].key) == name) return ValueView(&props[i].value);
    return ValueView();
  }
};

struct RelFact {
  std::string_view type;
  NodeHandle from = 0;
  NodeHandle to = 0;  // 0 for a link by key
  const tg_property* props = nullptr;
  size_t prop_count = 0;
  ValueView Property(std::string_view name) const {
    for (size_t i = 0; i < prop_count; ++i)
      if (ToView(props[i].key) == name) return ValueView(&props[i].value);
    return ValueView();
  }
};

// A document being ingested: emit facts, read them back (enrichers).
// NodeFact/RelFact views are valid until the next emitting call.
class Document : public Facts {
 public:
  using Facts::Facts;
  std::string_view name() const { return ToView(api_->doc_name(facts_)); }
  std::string_view bytes() const { return ToView(api_->doc_bytes(facts_)); }
  NodeHandle subject() const { return api_->doc_subject(facts_); }
  bool SetSubject(NodeHandle h) { return Check(api_->set_subject(facts_, h), "set_subject"); }
  size_t node_count() const { return static_cast<size_t>(api_->doc_node_count(facts_)); }
  size_t rel_count() const { return static_cast<size_t>(api_->doc_rel_count(facts_)); }
  NodeFact Node(size_t i) const {
    tg_node_fact f{};
    NodeFact out;
    if (api_->doc_node(facts_, i, &f) != TG_OK) return out;
    out.handle = f.handle;
    out.label = ToView(f.label);
    out.key_name = ToView(f.key_name);
    out.key_value = f.key;
    out.props = f.props;
    out.prop_count = static_cast<size_t>(f.prop_count);
    return out;
  }
  // The node fact of a handle (linear in the number of nodes).
  NodeFact NodeOf(NodeHandle h) const {
    size_t n = node_count();
    for (size_t i = 0; i < n; ++i) {
      NodeFact f = Node(i);
      if (f.handle == h) return f;
    }
    return NodeFact();
  }
  RelFact Rel(size_t i) const {
    tg_rel_fact f{};
    RelFact out;
    if (api_->doc_rel(facts_, i, &f) != TG_OK) return out;
    out.type = ToView(f.type);
    out.from = f.from;
    out.to = f.to;
    out.props = f.props;
    out.prop_count = static_cast<size_t>(f.prop_count);
    return out;
  }
};

// ---------------------------------------------------------------------------
// Procedures

struct Param {
  std::string name;
  tg_type type = TG_TYPE_ANY;
  std::optional<OwnedValue> default_value;  // set => optional parameter
};
struct Column {
  std::string name;
  tg_type type = TG_TYPE_ANY;
};
struct ProcedureSpec {
  std::string name;  // "ns.name"
  std::string description;
  std::vector<Param> params;
  std::vector<Column> outputs;
  bool writes = false;
};

// One adjacency entry.
struct Rel {
  uint64_t id = 0;
  uint64_t other = 0;
  tg_direction direction = TG_DIR_OUT;
  std::string_view type;
};

// What a procedure gets: arguments, graph reads, writes, row output.
class ProcedureCall {
 public:
  ProcedureCall(const tg_host_api* api, const tg_procedure_call* call)
      : api_(api), call_(call), writes_(api, call->writes) {}

  size_t arg_count() const { return static_cast<size_t>(call_->arg_count); }
  ValueView arg(size_t i) const { return i < call_->arg_count ? ValueView(&call_->args[i]) : ValueView(); }

  // Reads. Strings in returned views are valid until the procedure returns.
  std::optional<uint64_t> FindNode(std::string_view label, std::string_view key_name, tg_value key) const {
    uint64_t id = 0;
    if (api_->find_node(call_->graph, ToC(label), ToC(key_name), &key, &id) != TG_OK) return std::nullopt;
    return id;
  }
  // Stored in a per-call slot list owned by this object.
  ValueView NodeProperty(uint64_t node, std::string_view key) const {
    slots_.emplace_back();
    tg_value& v = slots_.back();
    if (api_->node_property(call_->graph, node, ToC(key), &v) != TG_OK) v = Null();
    return ValueView(&v);
  }
  ValueView RelProperty(uint64_t rel, std::string_view key) const {
    slots_.emplace_back();
    tg_value& v = slots_.back();
    if (api_->rel_property(call_->graph, rel, ToC(key), &v) != TG_OK) v = Null();
    return ValueView(&v);
  }
  bool HasLabel(uint64_t node, std::string_view label) const {
    return api_->node_has_label(call_->graph, node, ToC(label)) == 1;
  }
  // Calls fn(const Rel&) for each relationship; fn returns false to stop.
  // Returns a non-OK status when the read failed.
  template <typename Fn>
  Status ForEachRel(uint64_t node, std::string_view type, tg_direction dir, Fn&& fn) const {
    tg_rel_iter* it = nullptr;
    int32_t rc = api_->rels_open(call_->graph, node, ToC(type), dir, &it);
    if (rc != TG_OK) return Status::FromCode(rc, "rels_open failed");
    tg_rel_entry e{};
    int32_t r;
    while ((r = api_->rels_next(it, &e)) == 1) {
      Rel rel{e.rel_id, e.other, static_cast<tg_direction>(e.direction), ToView(e.type)};
      if (!fn(rel)) break;
    }
    api_->rels_close(it);
    return r < 0 ? Status::FromCode(-r, "rels_next failed") : Status::Ok();
  }
  // Calls fn(uint64_t node_id) for each node with `label`; fn returns false to stop.
  template <typename Fn>
  Status ForEachNode(std::string_view label, Fn&& fn) const {
    tg_node_iter* it = nullptr;
    int32_t rc = api_->label_scan_open(call_->graph, ToC(label), &it);
    if (rc != TG_OK) return Status::FromCode(rc, "label_scan_open failed");
    uint64_t id = 0;
    int32_t r;
    while ((r = api_->node_iter_next(it, &id)) == 1) {
      if (!fn(id)) break;
    }
    api_->node_iter_close(it);
    return r < 0 ? Status::FromCode(-r, "node_iter_next failed") : Status::Ok();
  }

  // Writes (writing procedures only; otherwise writable() is false).
  bool writable() const { return call_->writes != nullptr; }
  Facts& writes() { return writes_; }

  // Emits one row; false when no more rows are wanted (then return Ok).
  bool Emit(std::initializer_list<tg_value> values) { return Emit(values.begin(), values.size()); }
  bool Emit(const std::vector<tg_value>& values) { return Emit(values.data(), values.size()); }
  bool Emit(const tg_value* values, size_t n) {
    int32_t rc = api_->emit_row(call_->rows, values, n);
    if (rc == TG_OK) return true;
    if (rc != TG_STOP && emit_status_.ok()) emit_status_ = Status::FromCode(rc, "emit_row failed: row does not match the procedure's outputs");
    stopped_ = true;
    return false;
  }
  bool Emit(const std::vector<OwnedValue>& values) {
    std::vector<tg_value> views;
    views.reserve(values.size());
    for (const auto& v : values) views.push_back(v.view());
    return Emit(views.data(), views.size());
  }
  const Status& emit_status() const { return emit_status_; }

 private:
  const tg_host_api* api_;
  const tg_procedure_call* call_;
  Facts writes_;
  bool stopped_ = false;
  Status emit_status_ = Status::Ok();
  mutable std::deque<tg_value> slots_;  // stable addresses for NodeProperty/RelProperty views
};

using ProcedureFn = std::function<Status(ProcedureCall&)>;

// ---------------------------------------------------------------------------
// Plugins

enum Kind : uint32_t { kSource = TG_KIND_SOURCE, kEnricher = TG_KIND_ENRICHER, kModel = TG_KIND_MODEL };

// Base of every plugin. Derive from SourcePlugin / EnricherPlugin /
// ModelPlugin (or from Plugin with your own kinds() for several at once) and
// define the entry point with TG_DEFINE_PLUGIN.
class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual uint32_t kinds() const = 0;

  // Called once after construction, before anything else: read
  // configuration (Config), register procedures (AddProcedure). A non-OK
  // status refuses the plugin with that message.
  virtual Status Init() { return Status::Ok(); }
  // Source: confidence 0..100 for --plugin auto. Must not fail.
  virtual int Probe(std::string_view /*name*/, std::string_view /*bytes*/) { return 0; }
  // Source: emit the facts of one document.
  virtual Status Parse(Document& /*doc*/, std::string_view /*name*/, std::string_view /*bytes*/) {
    return Status::Unsupported("this plugin is not a source");
  }
  // Enricher: read the parsed document's facts and add more.
  virtual Status Enrich(Document& /*doc*/) { return Status::Unsupported("this plugin is not an enricher"); }

  // Registers a procedure (call from Init). The function may be called from
  // several threads at once.
  void AddProcedure(ProcedureSpec spec, ProcedureFn fn) {
    procs_.push_back(std::make_unique<Proc>(Proc{std::move(spec), std::move(fn), {}, {}, {}}));
  }

  // A configuration value (see tg_host_api::get_config); only during Init.
  std::optional<std::string> Config(std::string_view key) const {
    if (!init_ctx_) return std::nullopt;
    tg_string out{};
    if (HostApi()->get_config(init_ctx_, ToC(key), &out) != TG_OK) return std::nullopt;
    return std::string(ToView(out));
  }
  void Log(tg_log_level level, std::string_view msg) const {
    if (init_ctx_) HostApi()->log(init_ctx_, level, msg.data(), msg.size());
  }

  // --- used by TG_DEFINE_PLUGIN; not for plugin authors ---
  struct Proc {
    ProcedureSpec spec;
    ProcedureFn fn;
    std::vector<tg_param> params;
    std::vector<tg_param> outputs;
    tg_procedure_def def;
  };
  void set_init_context(tg_context* ctx) { init_ctx_ = ctx; }
  // Builds the C procedure table; valid while this object lives.
  const tg_procedure_def* BuildProcedureTable(size_t* count) {
    defs_.clear();
    for (auto& p : procs_) {
      p->params.clear();
      p->outputs.clear();
      for (const auto& prm : p->spec.params) {
        tg_param cp{};
        cp.name = ToC(prm.name);
        cp.type = prm.type;
        cp.has_default = prm.default_value.has_value() ? 1 : 0;
        cp.default_value = prm.default_value ? prm.default_value->view() : Null();
        p->params.push_back(cp);
      }
      for (const auto& col : p->spec.outputs) {
        tg_param cp{};
        cp.name = ToC(col.name);
        cp.type = col.type;
        cp.default_value = Null();
        p->outputs.push_back(cp);
      }
      tg_procedure_def d{};
      d.struct_size = sizeof(tg_procedure_def);
      d.flags = p->spec.writes ? TG_PROC_WRITES : 0;
      d.name = ToC(p->spec.name);
      d.description = ToC(p->spec.description);
      d.params = p->params.data();
      d.param_count = p->params.size();
      d.outputs = p->outputs.data();
      d.output_count = p->outputs.size();
      d.invoke = &Plugin::InvokeTrampoline;
      d.user = p.get();
      defs_.push_back(d);
    }
    *count = defs_.size();
    return defs_.data();
  }
  static int32_t InvokeTrampoline(void* user, const tg_procedure_call* call) noexcept {
    const tg_host_api* api = HostApi();
    try {
      Proc* p = static_cast<Proc*>(user);
      ProcedureCall pc(api, call);
      Status s = p->fn(pc);
      if (s.ok() && !pc.emit_status().ok()) s = pc.emit_status();
      if (s.ok() && !pc.writes().status().ok()) s = pc.writes().status();
      if (s.ok()) return TG_OK;
      api->set_error(call->ctx, s.code(), s.message().data(), s.message().size());
      return s.code();
    } catch (const std::exception& e) {
      std::string msg = std::string("procedure threw: ") + e.what();
      api->set_error(call->ctx, TG_ERR_PROCEDURE, msg.data(), msg.size());
    } catch (...) {
      static const char kMsg[] = "procedure threw an unknown exception";
      api->set_error(call->ctx, TG_ERR_PROCEDURE, kMsg, sizeof(kMsg) - 1);
    }
    return TG_ERR_PROCEDURE;
  }

 private:
  tg_context* init_ctx_ = nullptr;
  std::vector<std::unique_ptr<Proc>> procs_;
  std::vector<tg_procedure_def> defs_;
};

class SourcePlugin : public Plugin {
 public:
  uint32_t kinds() const override { return kSource; }
};
class EnricherPlugin : public Plugin {
 public:
  uint32_t kinds() const override { return kEnricher; }
};
class ModelPlugin : public Plugin {
 public:
  uint32_t kinds() const override { return kModel; }
};

namespace internal {

inline int32_t ReportException(tg_context* ctx, const char* what) noexcept {
  const tg_host_api* api = HostApi();
  std::string msg = std::string("plugin threw: ") + what;
  api->set_error(ctx, TG_ERR_INTERNAL, msg.data(), msg.size());
  return TG_ERR_INTERNAL;
}
inline int32_t Report(tg_context* ctx, const Status& s) noexcept {
  if (s.ok()) return TG_OK;
  HostApi()->set_error(ctx, s.code(), s.message().data(), s.message().size());
  return s.code();
}

inline void Destroy(void* state) noexcept { delete static_cast<Plugin*>(state); }

inline int32_t ProbeTrampoline(void* state, tg_string name, tg_string bytes) noexcept {
  try {
    int c = static_cast<Plugin*>(state)->Probe(ToView(name), ToView(bytes));
    return c < 0 ? 0 : (c > 100 ? 100 : c);
  } catch (...) {
    return 0;
  }
}

inline int32_t ParseTrampoline(void* state, const tg_source_call* call) noexcept {
  try {
    Document doc(HostApi(), call->facts);
    Status s = static_cast<Plugin*>(state)->Parse(doc, ToView(call->name), ToView(call->bytes));
    if (s.ok() && !doc.status().ok()) s = doc.status();
    return Report(call->ctx, s);
  } catch (const std::exception& e) {
    return ReportException(call->ctx, e.what());
  } catch (...) {
    return ReportException(call->ctx, "unknown exception");
  }
}

inline int32_t EnrichTrampoline(void* state, const tg_enrich_call* call) noexcept {
  try {
    Document doc(HostApi(), call->facts);
    Status s = static_cast<Plugin*>(state)->Enrich(doc);
    if (s.ok() && !doc.status().ok()) s = doc.status();
    return Report(call->ctx, s);
  } catch (const std::exception& e) {
    return ReportException(call->ctx, e.what());
  } catch (...) {
    return ReportException(call->ctx, "unknown exception");
  }
}

// The body of the generated entry point.
template <typename P>
int32_t Init(const tg_host_api* host, tg_context* ctx, tg_plugin_descriptor* out, const char* name,
             const char* version, const char* description) noexcept {
  if (!host || TG_ABI_MAJOR(host->abi_version) != TG_ABI_VERSION_MAJOR ||
      TG_ABI_MINOR(host->abi_version) < TG_ABI_VERSION_MINOR) {
    if (host && host->set_error) {
      std::string msg = "plugin '" + std::string(name) + "' needs plugin ABI " +
                        std::to_string(TG_ABI_VERSION_MAJOR) + "." + std::to_string(TG_ABI_VERSION_MINOR) +
                        ", host has " + (host ? std::to_string(TG_ABI_MAJOR(host->abi_version)) + "." +
                                                    std::to_string(TG_ABI_MINOR(host->abi_version))
                                              : std::string("none"));
      host->set_error(ctx, TG_ERR_VERSION, msg.data(), msg.size());
    }
    return TG_ERR_VERSION;
  }
  HostApi() = host;
  Plugin* plugin = nullptr;
  try {
    plugin = new P();
    plugin->set_init_context(ctx);
    Status s = plugin->Init();
    plugin->set_init_context(nullptr);
    if (!s.ok()) {
      delete plugin;
      return Report(ctx, s);
    }
    size_t proc_count = 0;
    const tg_procedure_def* procs = plugin->BuildProcedureTable(&proc_count);
    out->abi_version = TG_ABI_VERSION;
    out->struct_size = sizeof(tg_plugin_descriptor);
    out->name = tg_str(name, std::strlen(name));
    out->version = tg_str(version, std::strlen(version));
    out->description = tg_str(description, std::strlen(description));
    out->kinds = plugin->kinds() | (proc_count ? static_cast<uint32_t>(TG_KIND_MODEL) : 0u);
    out->state = plugin;
    out->destroy = &Destroy;
    out->probe = &ProbeTrampoline;
    out->parse = &ParseTrampoline;
    out->enrich = &EnrichTrampoline;
    out->procedures = procs;
    out->procedure_count = proc_count;
    return TG_OK;
  } catch (const std::exception& e) {
    delete plugin;
    return ReportException(ctx, e.what());
  } catch (...) {
    delete plugin;
    return ReportException(ctx, "unknown exception during init");
  }
}

}  // namespace internal
}  // namespace trendgraph::sdk

// Defines the plugin's entry point for class `Class` (default-constructible,
// derived from trendgraph::sdk::Plugin). `name` is [a-z0-9_]+.
#define TG_DEFINE_PLUGIN(Class, name, version, description)                                            \
  TG_PLUGIN_ENTRY {                                                                                     \
    return ::trendgraph::sdk::internal::Init<Class>(host, ctx, out, name, version, description);        \
  }

#endif  // TRENDGRAPH_PLUGIN_HPP_
