// The Cypher function library: scalar functions and aggregates.
//
// Lookup happens once, when the binder resolves a call; the evaluator then
// calls the function pointer per row with the already evaluated arguments.
// Names are matched case-insensitively (toUpper, TOUPPER, toupper).
//
// Errors: a function throws ExecutorException with kTypeError for an argument
// of the wrong type and kArgumentError for a bad argument value (TCK classes).
// Null handling follows the spec per function (most return null for a null
// argument; coalesce and the predicates do not).
//
// Strings: size, substring, left, right, reverse and split('') count Unicode
// code points (Neo4j counts UTF-16 units; they differ only outside the BMP).
// toUpper/toLower map ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic.
// Floats render like Java's Double.toString (toString(1.0) = '1.0', 1.0E10).
//
// Thread-safety: the tables are immutable; functions keep no state except
// rand() (thread-local generator). An Aggregator is used by one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "query/query_exception.h"
#include "storage/graph_store.h"
#include "storage/value.h"

namespace trendgraph::query {

// Token id -> name as the running query sees them, including the tokens its
// own write transaction created (the graph's dictionary only has committed
// ones). The executor implements it over its token cache.
class TokenNames {
 public:
  virtual ~TokenNames() = default;
  virtual std::string LabelName(storage::LabelId id) const = 0;
  virtual std::string TypeName(storage::TypeId id) const = 0;
  virtual std::string PropKeyName(storage::PropKeyId id) const = 0;
};

// What a function may use while it runs. Graph functions (labels, type,
// properties, keys) need `reader` and `graph`; when they are null such a
// call throws kArgumentError.
struct FunctionContext {
  storage::GraphReader* reader = nullptr;  // labels(n), properties(n), ...
  storage::Graph* graph = nullptr;         // token names (LabelName, TypeName, PropKeyName)
  // Optional: when set, names are resolved through it instead of `graph`
  // (needed for tokens created by the query's own uncommitted writes).
  const TokenNames* names = nullptr;
  // The statement's clock (UTC nanoseconds since the epoch): date(),
  // datetime(), timestamp(), ... without arguments read it, so every call in
  // one statement sees the same instant. 0 = read the system clock.
  int64_t statement_time_nanos = 0;
};

// args points at nargs evaluated arguments (min_args <= nargs <= max_args,
// checked by the binder with CheckArity). Throws ExecutorException.
using ScalarFn = Value (*)(const Value* args, size_t nargs, FunctionContext& ctx);

struct ScalarFunctionDef {
  const char* name;    // canonical spelling, e.g. "toUpper"
  int min_args;
  int max_args;        // -1 = variadic
  ScalarFn fn;
  bool deterministic;  // false for rand(), timestamp(), date() (today without arguments)
};

// Case-insensitive; nullptr when unknown (the binder reports SemanticError).
const ScalarFunctionDef* FindScalarFunction(std::string_view name);

// Compile-time check for the binder: true when the one-argument function
// `def` can never accept an argument of `kind` (labels(<path>),
// length(<node>), size(<path>), properties(1), toBoolean(1.0) ...). The TCK
// wants such calls rejected before running, as SyntaxError
// (InvalidArgumentType); at run time the same call is a TypeError. Returns
// false for functions of more than one argument and for kNull.
bool RejectsArgumentKind(const ScalarFunctionDef& def, Value::Type kind);

// One group's state of an aggregate.
class Aggregator {
 public:
  virtual ~Aggregator() = default;
  // Adds one row's arguments. Null values of the aggregated expression are
  // skipped by the aggregator itself. Throws ExecutorException on bad types
  // (e.g. sum('a') is kTypeError) or bad values (percentile outside [0, 1]).
  virtual void Add(const Value* args, size_t nargs) = 0;
  // The result of the group; an empty group gives count -> 0, sum -> 0,
  // collect -> [], stDev/stDevP -> 0.0, the others -> null. Call once.
  virtual Value Finish() = 0;
};

struct AggregateFunctionDef {
  const char* name;  // canonical spelling
  int min_args;
  int max_args;
  // distinct = the DISTINCT form: only the first of equivalent values counts.
  std::unique_ptr<Aggregator> (*make)(bool distinct);
};

// count, sum, avg, min, max, collect, percentileCont, percentileDisc, stDev,
// stDevP (case-insensitive); nullptr when unknown. count(*) is the
// executor's.
const AggregateFunctionDef* FindAggregateFunction(std::string_view name);

// True when `name` is an aggregate (the binder uses it to find aggregation
// in projections).
inline bool IsAggregateFunction(std::string_view name) { return FindAggregateFunction(name) != nullptr; }

}  // namespace trendgraph::query
