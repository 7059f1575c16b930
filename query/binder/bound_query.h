// The bound (semantically checked) form of a query: what the binder produces
// and the planner consumes.
//
// Every variable of the query, named or anonymous, becomes a Symbol with its
// own slot in one flat row ("frame") shared by all operators of the query, in
// the manner of Memgraph's symbol table: a WITH that renames or computes a
// value gets a fresh slot, so slots never need to be reused or shuffled, and
// ORDER BY after a projection can still read the pre-projection slots.
//
// Parameters are substituted at bind time (they are known before planning):
// `$name` becomes a constant, which lets the planner use indexes for them.
//
// Ownership: a tree of unique_ptrs owned by BoundQuery. Not thread-safe; one
// query execution owns its BoundQuery.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/function/functions.h"
#include "query/parser/ast.h"
#include "query/query_api.h"
#include "storage/value.h"

namespace trendgraph::query {

class LogicalOperator;
struct BoundSingleQuery;

enum class SymbolKind : uint8_t {
  kAny,      // unknown statically (e.g. a WITH of a map element)
  kNode,
  kRel,
  kRelList,  // the variable of a variable-length relationship
  kPath,
  kValue,    // a known non-entity value
};
const char* SymbolKindName(SymbolKind kind);

struct Symbol {
  std::string name;  // empty or "  anon_N" for anonymous ones
  SymbolKind kind = SymbolKind::kAny;
  bool user = false;  // written by the user (visible to RETURN *)
};

// ---------------------------------------------------------------------------
// Expressions

enum class BoundExprKind : uint8_t {
  kConstant,
  kVariable,             // slot
  kProperty,             // children[0].name
  kSubscript,            // children[0][children[1]]
  kSlice,                // children[0][children[1]..children[2]] (null children = open)
  kNot,
  kNegate,
  kUnaryPlus,
  kBinary,               // bop, children[0], children[1] (AND/OR/XOR short-circuit)
  kComparison,           // cops, children (chain)
  kIsNull,               // flag = IS NOT NULL
  kLabelCheck,           // children[0] has all `labels`
  kFunction,             // fn(children)
  kCase,                 // flag = simple form: children = [test?, when0, then0, ..., else?]; has_else
  kList,
  kMap,                  // keys[i] -> children[i]
  kMapProjection,        // slot = the variable; map_items
  kListComprehension,    // slot = element var; children = [list, where?, projection?]
  kQuantifier,           // slot = element var; children = [list, where?]
  kReduce,               // slot = element var, slot2 = accumulator; children = [init, list, expr]
  kBuildPath,            // path_elements
  kSubquery,             // subquery: pattern predicate / EXISTS / pattern comprehension
};

struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

struct BoundMapProjectionItem {
  enum class Kind : uint8_t { kProperty, kAllProperties, kExpression } kind = Kind::kProperty;
  std::string key;
  int child = -1;  // kExpression: index into children
};

// One element of a path built from pattern slots.
struct PathElement {
  enum class Kind : uint8_t { kNode, kRel, kRelList } kind = Kind::kNode;
  int slot = -1;
};

struct BoundSubquery;

struct BoundExpr {
  explicit BoundExpr(BoundExprKind k) : kind(k) {}
  BoundExprKind kind;
  Position position;
  Value constant;        // kConstant
  int slot = -1;
  int slot2 = -1;
  std::string name;      // property key / function name
  BinaryOp bop = BinaryOp::kAnd;
  std::vector<CompareOp> cops;
  QuantifierKind quantifier = QuantifierKind::kAll;
  bool flag = false;
  bool has_else = false;
  std::vector<std::string> labels;  // kLabelCheck
  std::vector<std::string> keys;    // kMap
  const ScalarFunctionDef* fn = nullptr;
  std::vector<BoundExprPtr> children;  // entries may be null (optional parts)
  std::vector<BoundMapProjectionItem> map_items;
  std::vector<PathElement> path_elements;
  std::shared_ptr<BoundSubquery> subquery;
  // Per-execution cache of the resolved property key (kProperty); -1 unknown.
  mutable int64_t cached_key = -1;
  // Read queries: the last (entity, value) this property access produced;
  // repeated reads of one node's property (a bound start node compared on
  // every row) then cost nothing.
  mutable uint64_t cached_entity = UINT64_MAX;
  mutable Value cached_value;

  bool IsConstant() const { return kind == BoundExprKind::kConstant; }
};

BoundExprPtr MakeConstant(Value v, Position pos = {});
BoundExprPtr MakeVariable(int slot, Position pos = {});

// ---------------------------------------------------------------------------
// Patterns

struct BoundNodePattern {
  Position position;
  int slot = -1;
  bool bound_before = false;  // the variable was bound by an earlier clause / part
  std::vector<std::string> labels;
  std::vector<std::pair<std::string, BoundExprPtr>> properties;
  BoundExprPtr properties_param;  // a whole-map parameter `{...} = $p` (CREATE/MERGE only)
};

struct BoundRelPattern {
  Position position;
  int slot = -1;
  bool bound_before = false;
  std::vector<std::string> types;
  PatternDirection direction = PatternDirection::kBoth;
  std::vector<std::pair<std::string, BoundExprPtr>> properties;
  BoundExprPtr properties_param;
  bool variable_length = false;
  int64_t min_hops = 1;
  int64_t max_hops = -1;  // -1 = unbounded
};

struct BoundPatternPart {
  Position position;
  int path_slot = -1;
  PathKind kind = PathKind::kNormal;
  std::vector<BoundNodePattern> nodes;
  std::vector<BoundRelPattern> rels;
};

// A pattern used inside an expression (predicate, EXISTS, comprehension).
struct BoundSubquery {
  // kExists: true iff a row; kCount: the number of rows; kCollect: the list
  // of the query's one output column; kComprehension: list of projections.
  enum class Kind : uint8_t { kExists, kComprehension, kCount, kCollect } kind = Kind::kExists;
  std::vector<BoundPatternPart> parts;  // one MATCH's parts
  BoundExprPtr where;
  BoundExprPtr projection;  // kComprehension
  std::vector<int> outer_slots;  // slots bound outside that the pattern uses
  // EXISTS { full query }: a correlated single query (parts/where unused).
  std::shared_ptr<BoundSingleQuery> query;
  // Filled by the planner.
  std::shared_ptr<LogicalOperator> plan;
};

// ---------------------------------------------------------------------------
// Clauses

struct BoundAggregate {
  const AggregateFunctionDef* def = nullptr;  // null: count(*)
  bool distinct = false;
  std::vector<BoundExprPtr> args;
  int slot = -1;
  std::string text;
};

struct BoundProjectionItem {
  std::string name;   // column name
  BoundExprPtr expr;  // evaluated into slot (after aggregation for aggregating items)
  int slot = -1;
  bool is_key = false;  // aggregating projection: a grouping key
  bool passthrough = false;  // expr is the same slot: nothing to compute
};

struct BoundSortItem {
  BoundExprPtr expr;
  bool ascending = true;
};

struct BoundProjection {
  bool distinct = false;
  bool aggregating = false;
  std::vector<BoundProjectionItem> items;
  std::vector<BoundAggregate> aggregates;
  std::vector<BoundSortItem> order_by;
  BoundExprPtr skip;   // constant after binding (int >= 0) or null
  BoundExprPtr limit;
  BoundExprPtr where;  // WITH ... WHERE
};

struct BoundSetItem {
  ParsedSetItem::Kind kind = ParsedSetItem::Kind::kProperty;
  Position position;
  BoundExprPtr target;  // the entity expression (kProperty: the object of `x.key`)
  std::string key;
  BoundExprPtr value;
  std::vector<std::string> labels;
};

struct BoundRemoveItem {
  ParsedRemoveItem::Kind kind = ParsedRemoveItem::Kind::kProperty;
  Position position;
  BoundExprPtr target;
  std::string key;
  std::vector<std::string> labels;
};

struct BoundYield {
  int output = 0;  // index into the signature's outputs
  int slot = -1;
  std::string name;
};

struct BoundClause {
  ClauseKind kind = ClauseKind::kMatch;
  Position position;
  // kMatch
  bool optional = false;
  std::vector<BoundPatternPart> parts;  // kMatch, kCreate, kMerge (one part)
  BoundExprPtr where;                   // kMatch, kCall
  // kUnwind
  BoundExprPtr list;
  int slot = -1;
  // kWith, kReturn
  BoundProjection projection;
  // kMerge
  std::vector<BoundSetItem> on_create;
  std::vector<BoundSetItem> on_match;
  // kSet
  std::vector<BoundSetItem> set_items;
  // kRemove
  std::vector<BoundRemoveItem> remove_items;
  // kDelete
  bool detach = false;
  std::vector<BoundExprPtr> targets;
  // kCall
  const std::pair<ProcedureSignature, ProcedureFn>* procedure = nullptr;
  std::vector<BoundExprPtr> args;
  std::vector<BoundYield> yields;
  bool standalone = false;
  // kForeach: body[0] is `UNWIND list AS x` followed by the updates.
  // kCallSubquery: body holds the parts (joined by UNION [ALL] per
  // body_union_all); body_output_slots are the columns the subquery adds to
  // each row (empty for a unit subquery, which passes rows through).
  std::vector<std::shared_ptr<BoundSingleQuery>> body;
  std::vector<bool> body_union_all;
  std::vector<int> body_output_slots;
  bool body_writes = false;  // the body has updating clauses
};

struct BoundSingleQuery {
  std::vector<BoundClause> clauses;
  std::vector<std::string> columns;
  std::vector<int> output_slots;  // empty when the query returns nothing
};

struct BoundQuery {
  QueryMode mode = QueryMode::kNormal;
  std::vector<BoundSingleQuery> parts;
  std::vector<bool> union_all;
  std::vector<std::string> columns;
  std::vector<int> output_slots;  // union output slots (== parts[0]'s for one part)
  std::vector<Symbol> symbols;    // slot -> symbol
  bool has_updates = false;
  bool has_writing_procedure = false;
};

}  // namespace trendgraph::query
