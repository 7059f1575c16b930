/*
 * trendgraph plugin SDK: the C ABI between the trendgraph host and a plugin
 * shared library (after DuckDB's duckdb_extension.h and Memgraph's
 * mg_procedure.h).
 *
 * A plugin is a shared library that exports ONE symbol, the entry point
 * `trendgraph_plugin_init` (declare it with TG_PLUGIN_ENTRY). The host
 * dlopen()s the file, calls the entry point once with its function table
 * (tg_host_api) and a zero-filled descriptor, and the plugin fills the
 * descriptor: its name, its kinds and its callbacks.
 *
 * Plugin kinds (a plugin may be several at once, see tg_plugin_kind):
 *   source    probe(bytes) -> confidence, parse(document) -> graph facts
 *   enricher  runs on every parsed document before it is committed; reads
 *             the document's facts and may add more
 *   model     registers procedures `ns.name(args) -> rows`, callable with
 *             CALL ... YIELD; they read the graph and, when flagged
 *             TG_PROC_WRITES, write facts into the query's transaction
 *
 * ABI rules
 *   - Only C types cross: opaque handles, fixed-width integers, pointer +
 *     length strings (tg_string, UTF-8, not NUL-terminated), enums with
 *     explicit values (passed as int32_t/uint32_t). No bool, no C++ types.
 *   - Structs that can grow start with `uint32_t abi_version; uint32_t
 *     struct_size;` or with `uint32_t struct_size;`. Fields are appended
 *     only; a reader checks struct_size before reading a field that a newer
 *     version appended. A breaking change bumps TG_ABI_VERSION_MAJOR.
 *   - Versions: the host refuses a plugin whose major differs from the
 *     host's, or whose minor is newer than the host's (the plugin may call
 *     entries the host lacks). Plugins should likewise check
 *     host->abi_version before using entries appended after their minor.
 *   - Whoever allocates, frees. Strings and arrays passed to a callback are
 *     valid during that callback only; everything the host returns from a
 *     tg_host_api call (strings, values, arrays) is valid until the callback
 *     that received the handle returns, unless stated otherwise. The host
 *     copies whatever the plugin passes in before the call returns.
 *   - Errors cross as a tg_code plus a message set with host->set_error().
 *     Plugin callbacks must not let C++ exceptions escape (the C++ wrapper
 *     trendgraph/plugin.hpp catches them). Every host entry is noexcept.
 *
 * Threading: init and destroy run once, on one thread. Everything else may
 * run on several threads at once: the documents of one ingest call are
 * probed, parsed and enriched concurrently on worker threads (each document
 * on one thread, from probe to its last enricher), and several ingest calls
 * and procedure calls may run in parallel. Callbacks must be reentrant: keep per-call state on the stack
 * (or in thread-local storage), shared state immutable after init or
 * synchronised by the plugin. A tg_facts handle and the views read from it
 * belong to the callback's thread and document only.
 */
#ifndef TRENDGRAPH_PLUGIN_H_
#define TRENDGRAPH_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Versions */

#define TG_ABI_VERSION_MAJOR 1u
#define TG_ABI_VERSION_MINOR 0u
/* (major << 16) | minor */
#define TG_ABI_VERSION ((TG_ABI_VERSION_MAJOR << 16) | TG_ABI_VERSION_MINOR)
#define TG_ABI_MAJOR(v) (((uint32_t)(v)) >> 16)
#define TG_ABI_MINOR(v) (((uint32_t)(v)) & 0xffffu)

/* The exported symbol. */
#define TG_PLUGIN_ENTRY_SYMBOL "trendgraph_plugin_init"

#if defined(_WIN32)
#define TG_PLUGIN_EXPORT __declspec(dllexport)
#else
#define TG_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
#define TG_EXTERN_C extern "C"
#else
#define TG_EXTERN_C
#endif

/* Declares the entry point; write its body after it:
 *   TG_PLUGIN_ENTRY { out->abi_version = TG_ABI_VERSION; ... return TG_OK; }
 * Parameters: host (the host's function table, valid for the life of the
 * plugin), ctx (for host->set_error / get_config / log during init), out
 * (zero-filled by the host except abi_version and struct_size, which hold
 * the host's; the plugin overwrites both with its own).
 * Return TG_OK, or an error code after host->set_error(ctx, ...): the host
 * then refuses the plugin (and does not call destroy). */
#define TG_PLUGIN_ENTRY                                                                                     \
  TG_EXTERN_C TG_PLUGIN_EXPORT int32_t trendgraph_plugin_init(const struct tg_host_api* host, struct tg_context* ctx, \
                                                              struct tg_plugin_descriptor* out)

/* ------------------------------------------------------------------------ */
/* Basic types */

/* Result codes. Append only, never renumber. */
typedef enum tg_code {
  TG_OK = 0,
  TG_ERR_INVALID_INPUT = 1,    /* the document (or value) is malformed */
  TG_ERR_ARGUMENT = 2,         /* a procedure argument is wrong; the message names the parameter */
  TG_ERR_PROCEDURE = 3,        /* a procedure failed for another reason */
  TG_ERR_NOT_FOUND = 4,        /* lookup found nothing (not a failure of the call) */
  TG_ERR_INTERNAL = 5,         /* a bug or an unexpected state (e.g. a caught C++ exception) */
  TG_ERR_UNSUPPORTED = 6,      /* the operation is not available here (e.g. needs a newer host) */
  TG_ERR_INVALID_HANDLE = 7,   /* an unknown node handle or a handle of another document */
  TG_ERR_STORAGE = 8,          /* the store failed (I/O, corruption) */
  TG_ERR_NO_MEMORY = 9,
  TG_ERR_VERSION = 10,         /* ABI version mismatch */
  TG_STOP = 11                 /* not an error: emit_row's consumer wants no more rows */
} tg_code;

/* UTF-8 text (or raw bytes where stated), not NUL-terminated. */
typedef struct tg_string {
  const char* data;
  uint64_t len;
} tg_string;

/* Opaque handles, owned by the host. */
typedef struct tg_context tg_context;   /* per-call: errors, config, logging */
typedef struct tg_facts tg_facts;       /* a fact sink: a document being ingested, or a procedure's writes */
typedef struct tg_graph tg_graph;       /* read access to a graph, during one call */
typedef struct tg_rows tg_rows;         /* a procedure's output row sink */
typedef struct tg_rel_iter tg_rel_iter; /* adjacency iterator, see rels_open */
typedef struct tg_node_iter tg_node_iter; /* label scan iterator, see label_scan_open */

/* A node in a tg_facts sink. 0 is never a valid handle. Handles are only
 * meaningful for the sink that returned them. */
typedef uint64_t tg_node_handle;

/* Dynamic values. Append only, never renumber; the numbers of the storable
 * kinds equal the host's stored type tags. */
typedef enum tg_value_type {
  TG_VALUE_NULL = 0,
  TG_VALUE_BOOL = 1,   /* int_value 0 or 1 */
  TG_VALUE_INT = 2,    /* int_value */
  TG_VALUE_DOUBLE = 3, /* double_value */
  TG_VALUE_STRING = 4, /* string_value, valid UTF-8 */
  TG_VALUE_LIST = 5,   /* list_value */
  TG_VALUE_MAP = 6,    /* map_value; keys unique */
  TG_VALUE_DATE = 7,   /* int_value: days since 1970-01-01 (proleptic Gregorian) */
  TG_VALUE_NODE = 8,   /* int_value: a node id of the graph (procedure arguments and rows only) */
  TG_VALUE_REL = 9     /* int_value: a relationship id (procedure arguments and rows only) */
} tg_value_type;

struct tg_value;
struct tg_property;

typedef struct tg_value_array {
  const struct tg_value* items;
  uint64_t len;
} tg_value_array;

typedef struct tg_property_array {
  const struct tg_property* items;
  uint64_t len;
} tg_property_array;

typedef struct tg_value {
  uint32_t type; /* tg_value_type */
  uint32_t reserved; /* 0 */
  union {
    int64_t int_value;
    double double_value;
    tg_string string_value;
    tg_value_array list_value;
    tg_property_array map_value;
  };
} tg_value;

/* A named value: a property of a node/relationship, or a map entry. */
typedef struct tg_property {
  tg_string key;
  tg_value value;
} tg_property;

/* Plugin kinds, a bit set. Append only. */
typedef enum tg_plugin_kind {
  TG_KIND_SOURCE = 1,
  TG_KIND_ENRICHER = 2,
  TG_KIND_MODEL = 4
} tg_plugin_kind;

typedef enum tg_log_level {
  TG_LOG_DEBUG = 0,
  TG_LOG_INFO = 1,
  TG_LOG_WARN = 2,
  TG_LOG_ERROR = 3
} tg_log_level;

typedef enum tg_direction {
  TG_DIR_OUT = 0,
  TG_DIR_IN = 1,
  TG_DIR_BOTH = 2
} tg_direction;

/* Declared types of procedure parameters and output columns. Append only. */
typedef enum tg_type {
  TG_TYPE_ANY = 0,
  TG_TYPE_STRING = 1,
  TG_TYPE_INTEGER = 2,
  TG_TYPE_FLOAT = 3,
  TG_TYPE_NUMBER = 4, /* integer or float */
  TG_TYPE_BOOLEAN = 5,
  TG_TYPE_MAP = 6,
  TG_TYPE_LIST = 7,
  TG_TYPE_DATE = 8,
  TG_TYPE_NODE = 9,
  TG_TYPE_RELATIONSHIP = 10
} tg_type;

/* ------------------------------------------------------------------------ */
/* Facts, as an enricher reads them back (see doc_node / doc_rel). */

typedef struct tg_node_fact {
  tg_node_handle handle;
  tg_string label;
  tg_string key_name;
  tg_value key;
  const tg_property* props; /* merged properties emitted so far for this node */
  uint64_t prop_count;
} tg_node_fact;

typedef struct tg_rel_fact {
  tg_string type;
  tg_node_handle from;
  /* The target node, or 0 for a link by key (relate_by_key): then
   * target_label / target_key / target_value name the target. */
  tg_node_handle to;
  const tg_property* props;
  uint64_t prop_count;
  tg_string target_label;
  tg_string target_key;
  tg_value target_value;
} tg_rel_fact;

/* An adjacency entry (see rels_next). */
typedef struct tg_rel_entry {
  uint64_t rel_id;
  uint64_t other;    /* the node id at the far end (== node for a self-loop) */
  uint32_t direction; /* tg_direction: TG_DIR_OUT or TG_DIR_IN as seen from the node */
  uint32_t reserved;
  tg_string type;
} tg_rel_entry;

/* ------------------------------------------------------------------------ */
/* The host's function table. Append only; check struct_size / abi_version
 * before using an entry added after TG_ABI_VERSION 1.0. Every entry is safe
 * to call with the handles of the callback it is called from; none throws. */

typedef struct tg_host_api {
  uint32_t abi_version; /* the host's TG_ABI_VERSION */
  uint32_t struct_size; /* sizeof(tg_host_api) in the host */

  /* --- errors, logging, configuration (any tg_context) --- */

  /* Records the error of the current callback; the callback then returns
   * `code`. A later set_error in the same callback replaces the message. */
  void (*set_error)(tg_context* ctx, int32_t code, const char* msg, uint64_t len);
  void (*log)(tg_context* ctx, int32_t level /* tg_log_level */, const char* msg, uint64_t len);
  /* Configuration value for `key`. Known keys: "plugin.path" (this plugin's
   * file), "plugin.dir" (its folder). Any other key "a.b_c" is read from the
   * environment variable TRENDGRAPH_A_B_C. TG_ERR_NOT_FOUND when unset.
   * *out is valid for the life of the plugin. */
  int32_t (*get_config)(tg_context* ctx, tg_string key, tg_string* out);

  /* --- emitting facts (a source's document, an enricher, a writing procedure) --- */

  /* Upserts the node with `label` whose property `key_name` equals *key
   * (Article by "id", concept nodes by normalised "name"): found or created
   * at commit, then `props` are set (overwriting; a NULL value removes the
   * property). Upserting the same (label, key) again in one sink returns the
   * same handle and merges the properties. Errors: TG_ERR_INVALID_INPUT
   * (empty label/key name, NULL key, invalid UTF-8, a NODE/REL value). */
  int32_t (*upsert_node)(tg_facts* facts, tg_string label, tg_string key_name, const tg_value* key,
                         const tg_property* props, uint64_t prop_count, tg_node_handle* out);
  /* Sets one property of a node of this sink (NULL removes). */
  int32_t (*set_node_property)(tg_facts* facts, tg_node_handle node, tg_string key, const tg_value* value);
  /* Creates the relationship (from)-[:type props]->(to). Errors:
   * TG_ERR_INVALID_HANDLE, TG_ERR_INVALID_INPUT. */
  int32_t (*relate)(tg_facts* facts, tg_string type, tg_node_handle from, tg_node_handle to,
                    const tg_property* props, uint64_t prop_count);
  /* Creates (from)-[:type props]->(n) where n is the node with `target_label`
   * and property `target_key` == *target_value (e.g. Article.file_hash). If no
   * such node exists yet, the link is kept pending and completed when such a
   * node is written (by a later document or procedure). */
  int32_t (*relate_by_key)(tg_facts* facts, tg_string type, tg_node_handle from, tg_string target_label,
                           tg_string target_key, const tg_value* target_value, const tg_property* props,
                           uint64_t prop_count);
  /* The node the document is about (provenance, re-ingest replacement). By
   * default the first Article node upserted. Sources only. */
  int32_t (*set_subject)(tg_facts* facts, tg_node_handle node);
  /* The graph node id of a handle. Only for a writing procedure's sink
   * (writes are applied at once there); TG_ERR_UNSUPPORTED for a document,
   * whose nodes get ids at commit. */
  int32_t (*node_id)(tg_facts* facts, tg_node_handle node, uint64_t* out);

  /* --- reading a document's facts back (enrichers; also sources) --- */

  /* The document's name and raw bytes. */
  tg_string (*doc_name)(tg_facts* facts);
  tg_string (*doc_bytes)(tg_facts* facts);
  tg_node_handle (*doc_subject)(tg_facts* facts); /* 0 when none yet */
  uint64_t (*doc_node_count)(tg_facts* facts);
  uint64_t (*doc_rel_count)(tg_facts* facts);
  /* The index-th node / relationship (0-based, emission order). Pointers in
   * *out stay valid until the next emitting call on `facts` or the end of
   * the callback, whichever comes first. TG_ERR_NOT_FOUND past the end. */
  int32_t (*doc_node)(tg_facts* facts, uint64_t index, tg_node_fact* out);
  int32_t (*doc_rel)(tg_facts* facts, uint64_t index, tg_rel_fact* out);

  /* --- reading the graph (procedures) --- */

  /* The node with `label` and property `key_name` == *key; TG_ERR_NOT_FOUND
   * when none. Uses the unique/property index on (label, key_name) when one
   * exists, else scans the label. */
  int32_t (*find_node)(tg_graph* graph, tg_string label, tg_string key_name, const tg_value* key,
                       uint64_t* out_id);
  /* One property; *out is NULL-typed when absent. TG_ERR_NOT_FOUND when the
   * node/relationship does not exist. */
  int32_t (*node_property)(tg_graph* graph, uint64_t node_id, tg_string key, tg_value* out);
  int32_t (*rel_property)(tg_graph* graph, uint64_t rel_id, tg_string key, tg_value* out);
  /* 1 if the node has the label, 0 if not (or no such node). */
  int32_t (*node_has_label)(tg_graph* graph, uint64_t node_id, tg_string label);
  /* Relationships of a node in `direction` (tg_direction), of `type` (an
   * empty type means all). The iterator must be closed with rels_close
   * before the callback returns. */
  int32_t (*rels_open)(tg_graph* graph, uint64_t node_id, tg_string type, int32_t direction, tg_rel_iter** out);
  /* 1 and *out filled, 0 at the end, or a negative -tg_code on error. */
  int32_t (*rels_next)(tg_rel_iter* it, tg_rel_entry* out);
  void (*rels_close)(tg_rel_iter* it);
  /* All nodes with `label`, in id order. Close with node_iter_close. */
  int32_t (*label_scan_open)(tg_graph* graph, tg_string label, tg_node_iter** out);
  /* 1 and *out_id filled, 0 at the end, or a negative -tg_code on error. */
  int32_t (*node_iter_next)(tg_node_iter* it, uint64_t* out_id);
  void (*node_iter_close)(tg_node_iter* it);

  /* --- procedure output --- */

  /* Emits one row: `count` values in the order of the procedure's outputs.
   * Returns TG_OK, TG_STOP when no more rows are wanted (return TG_OK from
   * the procedure then), or TG_ERR_INVALID_INPUT (wrong count, bad value). */
  int32_t (*emit_row)(tg_rows* rows, const tg_value* values, uint64_t count);
} tg_host_api;

/* ------------------------------------------------------------------------ */
/* Calls from the host into the plugin. Each call struct starts with its
 * struct_size; fields are appended only. */

typedef struct tg_source_call {
  uint32_t struct_size;
  uint32_t reserved;
  tg_context* ctx;  /* errors: host->set_error(ctx, ...) */
  tg_facts* facts;  /* where the document's facts go */
  tg_string name;   /* document name (file name or client-given) */
  tg_string bytes;  /* raw document bytes (not necessarily valid UTF-8) */
} tg_source_call;

typedef struct tg_enrich_call {
  uint32_t struct_size;
  uint32_t reserved;
  tg_context* ctx;
  tg_facts* facts;  /* the parsed document: read with doc_*, add facts with upsert_node/relate */
} tg_enrich_call;

typedef struct tg_procedure_call {
  uint32_t struct_size;
  uint32_t reserved;
  tg_context* ctx;
  const tg_value* args; /* one per declared parameter, defaults filled in, types checked */
  uint64_t arg_count;
  tg_graph* graph;  /* reads (sees the query's own writes) */
  tg_facts* writes; /* non-NULL only for TG_PROC_WRITES procedures: applied to the query's transaction */
  tg_rows* rows;    /* host->emit_row(rows, ...) */
} tg_procedure_call;

/* A procedure parameter or output column. */
typedef struct tg_param {
  tg_string name;
  uint32_t type; /* tg_type */
  uint32_t has_default; /* 1: optional parameter, default_value used when omitted */
  tg_value default_value;
} tg_param;

typedef enum tg_procedure_flags {
  TG_PROC_WRITES = 1
} tg_procedure_flags;

typedef struct tg_procedure_def {
  uint32_t struct_size;
  uint32_t flags; /* tg_procedure_flags */
  tg_string name; /* qualified: "ns.name" */
  tg_string description;
  const tg_param* params;
  uint64_t param_count;
  const tg_param* outputs; /* has_default unused */
  uint64_t output_count;
  /* Returns TG_OK, or an error code after host->set_error(call->ctx, ...):
   * TG_ERR_ARGUMENT (message names the parameter) or TG_ERR_PROCEDURE. */
  int32_t (*invoke)(void* user, const tg_procedure_call* call);
  void* user;
} tg_procedure_def;

/* What the plugin tells the host. Every string and array here must stay
 * valid until destroy(state) is called (static storage, or owned by state). */
typedef struct tg_plugin_descriptor {
  uint32_t abi_version; /* TG_ABI_VERSION the plugin was built against */
  uint32_t struct_size; /* sizeof(tg_plugin_descriptor) in the plugin */
  tg_string name;        /* [a-z0-9_]+, unique among loaded plugins; used by --plugin NAME */
  tg_string version;     /* free form, e.g. "1.2.0" */
  tg_string description; /* one line */
  uint32_t kinds;        /* tg_plugin_kind bits */
  uint32_t reserved;
  void* state; /* passed back to every callback */
  /* Called once when the host unloads the plugin (may be NULL). */
  void (*destroy)(void* state);

  /* source: confidence 0..100 that this plugin parses the document (for
   * --plugin auto); must be cheap and must not fail. */
  int32_t (*probe)(void* state, tg_string name, tg_string bytes);
  /* source: emits the document's facts. TG_OK, or an error code after
   * set_error: the document then fails and nothing of it is written. */
  int32_t (*parse)(void* state, const tg_source_call* call);
  /* enricher: same contract as parse. */
  int32_t (*enrich)(void* state, const tg_enrich_call* call);

  /* model: procedures to register. */
  const tg_procedure_def* procedures;
  uint64_t procedure_count;
} tg_plugin_descriptor;

typedef int32_t (*tg_plugin_init_fn)(const tg_host_api* host, tg_context* ctx, tg_plugin_descriptor* out);

/* Value helpers. */
static inline tg_string tg_str(const char* data, uint64_t len) {
  tg_string s;
  s.data = data;
  s.len = len;
  return s;
}

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TRENDGRAPH_PLUGIN_H_ */
