// The query layer's public contract: what the engine (Session, HTTP, CLI) and
// procedure providers (built-ins, model plugins through the plugin host) use.
//
//   text -> parser -> binder -> planner -> executor -> ResultSink
//
// Thread-safety: ExecuteQuery may be called from many threads at once; each
// call reads through its own storage Snapshot, and a query with writes runs
// in one storage::WriteTxn (so writes to one graph are serialised and commit
// atomically: all of a query's writes or none). ProcedureRegistry is
// thread-safe for lookups once registration is done.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/graph_store.h"
#include "storage/status.h"
#include "storage/value.h"

namespace trendgraph::query {

// The openCypher error classes (TCK names). Append only: reported over HTTP.
enum class ErrorCode : int {
  kSyntaxError = 0,
  kSemanticError = 1,
  kTypeError = 2,
  kArgumentError = 3,
  kEntityNotFound = 4,
  kConstraintVerificationFailed = 5,
  kParameterMissing = 6,
  kProcedureError = 7,
  kTimeout = 8,            // per-query timeout reached (TransientError class)
  kResourceLimit = 9,      // max rows or memory limit reached
  kStorageError = 10,      // storage failed (I/O, corruption): not the user's fault
  kCancelled = 11,         // the caller stopped the query
};
const char* ErrorCodeName(ErrorCode code);  // "SyntaxError", ...

struct Position {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based
  int offset = -1; // 0-based byte offset; -1 when unknown
};

struct QueryError {
  ErrorCode code = ErrorCode::kSyntaxError;
  std::string detail;  // optional sub-class, e.g. "UndefinedVariable"
  std::string message;
  Position position;
};

struct QueryStats {
  uint64_t nodes_created = 0;
  uint64_t nodes_deleted = 0;
  uint64_t relationships_created = 0;
  uint64_t relationships_deleted = 0;
  uint64_t properties_set = 0;
  uint64_t labels_added = 0;
  uint64_t labels_removed = 0;
  bool contains_updates() const {
    return nodes_created || nodes_deleted || relationships_created || relationships_deleted ||
           properties_set || labels_added || labels_removed;
  }
};

// Resolves runtime node/relationship values into their labels, type and
// properties, as of the state the query saw (including its own writes).
// Valid only during ResultSink callbacks.
class EntityView {
 public:
  virtual ~EntityView() = default;
  virtual Status GetNode(storage::NodeId id, std::vector<std::string>* labels, Value::Map* props) = 0;
  virtual Status GetRel(storage::RelId id, std::string* type, Value::Map* props) = 0;
};

// Receives the answer. Rows are streamed: the executor does not buffer a
// whole result unless an operator needs it (ORDER BY, aggregation).
class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual void OnColumns(const std::vector<std::string>& columns) = 0;
  // Return false to stop the query early (client gone); the query then ends
  // with kCancelled unless it had no writes pending.
  virtual bool OnRow(const std::vector<Value>& row, EntityView& view) = 0;
};

// ---------------------------------------------------------------------------
// Procedures: CALL ns.name(args) YIELD out1, out2

struct ProcedureParam {
  std::string name;
  std::string type;  // "ANY", "STRING", "INTEGER", "FLOAT", "NUMBER", "BOOLEAN", "MAP", "LIST", "NODE", ...
  std::optional<Value> default_value;  // set => the argument is optional
};

struct ProcedureSignature {
  std::string name;  // fully qualified, e.g. "vouchers.capacity"
  std::vector<ProcedureParam> params;
  std::vector<ProcedureParam> outputs;  // default_value unused
  std::string description;
  bool writes = false;
};

// What a procedure can see while it runs.
struct ProcedureContext {
  storage::Graph* graph = nullptr;
  storage::GraphReader* reader = nullptr;   // the query's reader (snapshot or txn)
  storage::WriteTxn* txn = nullptr;         // non-null only for writing procedures
};

// A procedure reports failure through this: code is kArgumentError (naming
// the parameter in the message) or kProcedureError.
struct ProcedureFailure {
  ErrorCode code = ErrorCode::kProcedureError;
  std::string message;
};

// Emits one output row (values in signature.outputs order). Returns false
// when the consumer wants no more rows.
using ProcedureEmit = std::function<bool(std::vector<Value> row)>;
using ProcedureFn = std::function<std::optional<ProcedureFailure>(
    const std::vector<Value>& args, ProcedureContext& ctx, const ProcedureEmit& emit)>;

class ProcedureRegistry {
 public:
  // AlreadyExists when the name is taken.
  Status Register(ProcedureSignature signature, ProcedureFn fn);
  // Case-insensitive lookup of the qualified name.
  const std::pair<ProcedureSignature, ProcedureFn>* Find(std::string_view name) const;
  std::vector<ProcedureSignature> List() const;

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<std::pair<ProcedureSignature, ProcedureFn>>> procs_;
};

// Registers db.labels(), db.relationshipTypes(), db.propertyKeys() and the
// other built-in procedures.
void RegisterBuiltinProcedures(ProcedureRegistry* registry);

// ---------------------------------------------------------------------------

struct QueryOptions {
  // Wall-clock limit; the query stops with kTimeout. Default 30 s; 0 = none.
  std::chrono::milliseconds timeout{30000};
  // Maximum rows returned to the sink; more ends the query with
  // kResourceLimit. Default 0 = unlimited.
  uint64_t max_rows = 0;
  // Refuse any write (CREATE, MERGE, SET, DELETE, REMOVE, writing procedures)
  // with a SemanticError-class error before anything runs.
  bool read_only = false;
  // Set from another thread to stop the query (kCancelled). May be null.
  const std::atomic<bool>* cancel = nullptr;
};

// What a query execution reports besides its rows.
struct QueryOutcome {
  bool ok = true;
  QueryError error;  // when !ok
  QueryStats stats;
  bool is_write = false;        // the query has update clauses
  std::string plan;             // EXPLAIN / PROFILE text (empty otherwise)
};

// Parses, plans and runs one query against `graph`. Never throws; every
// failure is a typed QueryError.
QueryOutcome ExecuteQuery(storage::Graph& graph, std::string_view text, const Value::Map& params,
                          const QueryOptions& options, const ProcedureRegistry* procedures,
                          ResultSink* sink);

// True if the text (after parsing) contains no update clause and calls no
// writing procedure. Used by the HTTP layer for read-only mode and auth of
// writes. A text that does not parse counts as read (it will fail anyway).
bool IsReadOnlyQuery(std::string_view text, const ProcedureRegistry* procedures);

// ---------------------------------------------------------------------------
// Temporal values from text, for callers outside a query (typed HTTP
// parameters such as {"$datetime": "..."}).

// Parses `text` as a value of `kind` (Value::Type::kDate, kLocalTime, kTime,
// kLocalDateTime, kDateTime or kDuration) with the parser of the matching
// function (date('...'), localtime('...'), time('...'), localdatetime('...'),
// datetime('...'), duration('...')), so a parameter and the same text in a
// query give the same value; a time with a named zone takes the zone's
// offset now, as time('...') does. Errors: InvalidArgument carrying that
// function's message (e.g. "datetime(): unknown time zone 'Mars/Olympus'"),
// or naming the kind when `kind` is not temporal.
[[nodiscard]] Result<Value> ParseTemporal(Value::Type kind, std::string_view text);

}  // namespace trendgraph::query
