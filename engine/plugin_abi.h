// The host side of the plugin C ABI (include/trendgraph/plugin.h): the
// definitions of the opaque handle types, the tg_host_api table, and the
// conversions between tg_value and trendgraph::Value.
//
// Internal to engine/: only plugin_host.cc and the ingest_* files use it.
// Thread-safety: the table is immutable; each handle object is used by the
// one thread running the callback it was made for.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/graph_store.h"
#include "storage/status.h"
#include "storage/value.h"
#include "trendgraph/plugin.h"

namespace trendgraph::engine {

// The host's function table (static storage).
const tg_host_api* HostApiTable();

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool IsValidUtf8(std::string_view s);

// Converts a plugin value to a Value. Strings (and map keys) must be valid
// UTF-8; lists/maps nest at most 64 deep. NODE/REL values are refused unless
// `reader` is given (procedure rows), which resolves a REL's endpoints.
// Errors are InvalidArgument naming what is wrong.
Status ValueFromC(const tg_value& v, Value* out, storage::GraphReader* reader = nullptr);

// Converts Values to tg_values whose strings/arrays live in this arena (or
// in the Value passed, which must then outlive the view). Per call.
class ValueArena {
 public:
  // The view of `v`; `v` must outlive the returned view (strings point into it).
  tg_value Lower(const Value& v);
  // Keeps a copy of `v` in the arena and returns its view.
  tg_value Keep(Value v);
  void Clear() {
    kept_.clear();
    lists_.clear();
    maps_.clear();
  }

 private:
  std::deque<Value> kept_;
  std::deque<std::vector<tg_value>> lists_;
  std::deque<std::vector<tg_property>> maps_;
};

}  // namespace trendgraph::engine

// The opaque handle types of plugin.h. They live in the global namespace
// because the C header declares them there.

// Per-callback context: the error a plugin reports, and which plugin it is.
struct tg_context {
  int32_t code = TG_OK;
  std::string message;
  // The plugin being called (for get_config and log); owned by PluginHost.
  std::string_view plugin_name;
  std::string_view plugin_path;

  void Fail(int32_t c, std::string msg) {
    code = c;
    message = std::move(msg);
  }
};

// A fact sink. Two implementations: the buffer of a document being ingested
// (ingest_facts.h) and the direct writer of a writing procedure
// (ingest_apply.h). Errors are sticky: the first failure is kept in error()
// and fails the document / procedure call whatever the plugin returns.
struct tg_facts {
  virtual ~tg_facts() = default;

  virtual int32_t UpsertNode(tg_string label, tg_string key_name, const tg_value* key, const tg_property* props,
                             uint64_t n, tg_node_handle* out) = 0;
  virtual int32_t SetNodeProperty(tg_node_handle node, tg_string key, const tg_value* value) = 0;
  virtual int32_t Relate(tg_string type, tg_node_handle from, tg_node_handle to, const tg_property* props,
                         uint64_t n) = 0;
  virtual int32_t RelateByKey(tg_string type, tg_node_handle from, tg_string target_label, tg_string target_key,
                              const tg_value* target_value, const tg_property* props, uint64_t n) = 0;
  virtual int32_t SetSubject(tg_node_handle) { return Fail(TG_ERR_UNSUPPORTED, "set_subject: not a document"); }
  virtual int32_t NodeId(tg_node_handle, uint64_t*) {
    return Fail(TG_ERR_UNSUPPORTED, "node_id: a document's nodes get ids only at commit");
  }
  // Document read-back; the defaults describe an empty document.
  virtual tg_string DocName() { return tg_string{nullptr, 0}; }
  virtual tg_string DocBytes() { return tg_string{nullptr, 0}; }
  virtual tg_node_handle DocSubject() { return 0; }
  virtual uint64_t DocNodeCount() { return 0; }
  virtual uint64_t DocRelCount() { return 0; }
  virtual int32_t DocNode(uint64_t, tg_node_fact*) { return TG_ERR_NOT_FOUND; }
  virtual int32_t DocRel(uint64_t, tg_rel_fact*) { return TG_ERR_NOT_FOUND; }

  // Records the first failure (also in ctx, if set) and returns `code`.
  int32_t Fail(int32_t code, std::string msg) {
    if (error.ok()) error = trendgraph::Status::InvalidArgument(msg);
    if (error_code == TG_OK) error_code = code;
    if (ctx && ctx->code == TG_OK) ctx->Fail(code, std::move(msg));
    return code;
  }

  tg_context* ctx = nullptr;         // the callback running now (for its error)
  trendgraph::Status error;          // first failure; sticky
  int32_t error_code = TG_OK;
};

// Read access for procedures.
struct tg_graph {
  trendgraph::storage::Graph* graph = nullptr;
  trendgraph::storage::GraphReader* reader = nullptr;
  trendgraph::storage::WriteTxn* txn = nullptr;  // the query's txn, if it writes: tokens may be new
  trendgraph::engine::ValueArena* arena = nullptr;
  tg_context* ctx = nullptr;
};

// A procedure's row sink.
struct tg_rows {
  const std::function<bool(std::vector<trendgraph::Value>)>* emit = nullptr;
  uint64_t column_count = 0;
  trendgraph::storage::GraphReader* reader = nullptr;
  tg_context* ctx = nullptr;
  bool stopped = false;
};
