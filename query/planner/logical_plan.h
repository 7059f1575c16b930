// The logical plan: a tree of Logical* operators over the slots of a
// BoundQuery. Every operator has an input (children[0]; the leaves are Once —
// one empty row — and Argument — the current row of an enclosing Apply,
// Optional, Merge or subquery), so that a later MATCH, a comma pattern or a
// correlated subquery is the same nested-loop pipeline (Memgraph's design).
//
// Operators point at expressions owned by the BoundQuery (or by the operator
// itself, `owned`), which must outlive the plan.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/binder/bound_query.h"

namespace trendgraph::query {

enum class LogicalOpKind : uint8_t {
  kOnce,
  kArgument,
  kNodeScan,       // all nodes, or one label
  kNodeIndexSeek,  // label + key = value (unique or property index)
  kNodeIndexRange, // label + key in [lower, upper] (property or unique index)
  kExpand,         // (from)-[rel]-(to), `into` when to is bound
  kVarExpand,      // (from)-[rel*min..max]-(to)
  kShortestPath,   // shortestPath / allShortestPaths between two bound nodes
  kFilter,
  kNodeFilter,     // labels and inline properties of a node slot
  kRelFilter,      // inline properties of a relationship slot
  kProjection,
  kAggregate,
  kDistinct,
  kSort,           // with an optional limit (Top-N)
  kSkip,
  kLimit,
  kUnwind,
  kOptional,       // children[1]: the optional branch (leaf Argument)
  kUnion,          // children: the parts
  kEager,          // materialises its input (write/read isolation)
  kProcedureCall,
  kCreate,
  kMerge,          // children[1]: the match branch (leaf Argument)
  kSet,
  kRemove,
  kDelete,
  kApply,          // children[1]: a correlated subquery (leaf Argument) run per input row
                   // (CALL { }, FOREACH); `unit`: drain it and pass the input row on
};

struct LogicalOperator {
  explicit LogicalOperator(LogicalOpKind k) : kind(k) {}
  LogicalOpKind kind;
  std::vector<std::shared_ptr<LogicalOperator>> children;

  // Scans, expansions.
  int slot = -1;       // scan: node; expand: `to` node
  int from_slot = -1;
  int rel_slot = -1;
  int path_slot = -1;  // shortest path
  std::string label;   // scan/seek label ("" = all nodes)
  std::string key;     // index seek key
  bool unique_index = false;
  const BoundExpr* value = nullptr;  // index seek value / range lower bound / unwind list / filter predicate
  const BoundExpr* value2 = nullptr;  // range upper bound
  bool lower_inclusive = false;
  bool upper_inclusive = false;
  std::vector<std::string> types;    // relationship types (any of)
  PatternDirection direction = PatternDirection::kLeftToRight;  // as seen from from_slot
  bool into = false;
  bool rel_bound = false;
  bool reverse_list = false;  // var-length expanded right-to-left: emit the list in pattern order  // the relationship variable is already bound: only that one matches
  int64_t min_hops = 1;
  int64_t max_hops = -1;
  // VarExpand: emit each end node once per input row (rel_slot null) rather
  // than once per trail; the planner sets it only when nothing reads the
  // relationship list and the consumer keeps distinct rows only (DISTINCT,
  // count(DISTINCT ...), min, max), with min_hops <= 1 <= max_hops <= 2.
  bool distinct_ends = false;
  bool all_shortest = false;
  std::vector<int> distinct_rels;  // relationship (list) slots the new relationship must differ from
  std::vector<std::string> labels;  // node filter
  std::vector<std::pair<std::string, const BoundExpr*>> properties;  // node/rel filter: key = value

  // Projection, aggregation, sort.
  std::vector<std::pair<int, const BoundExpr*>> items;  // slot <- expr
  const std::vector<BoundAggregate>* aggregates = nullptr;
  std::vector<int> slots;  // distinct keys / optional null-padding / union output / filter: memo context
  // Filter in a read query: the predicate is a pure function of node
  // variables (no subquery, nothing non-deterministic), `memo_slot` being the
  // one the operator below binds and `slots` the others. The filter then
  // remembers its answer per node of memo_slot while the others keep their
  // nodes (Q3a's o.name <> t.name: one evaluation per distinct o). -1: none.
  int memo_slot = -1;
  // Aggregate by entities (slots = one node n, items = one key n.k): a unique
  // index covers (a label n is known to have, k), so distinct nodes have
  // distinct non-null keys and need no merging by key. Like the seek that
  // relies on the same index, it reflects the indexes when planned.
  bool injective_key = false;
  std::vector<std::vector<int>> union_inputs;  // per child: its output slots
  std::vector<std::pair<const BoundExpr*, bool>> sort_items;  // expr, ascending
  const BoundExpr* count = nullptr;   // skip/limit count; sort: limit
  const BoundExpr* count2 = nullptr;  // sort: skip (Top-N keeps skip + limit)

  // Updates, procedure calls, Apply.
  const BoundClause* clause = nullptr;
  bool unit = false;  // Apply: the subquery returns nothing (FOREACH, CALL { CREATE ... })

  // Expressions created by the planner (path builders, ...).
  std::vector<BoundExprPtr> owned;

  // Planner estimate of rows produced (for EXPLAIN).
  double estimate = 0;
};
using LogicalOpPtr = std::shared_ptr<LogicalOperator>;

struct LogicalPlan {
  LogicalOpPtr root;
  std::vector<std::string> columns;
  std::vector<int> output_slots;
  size_t num_slots = 0;
};

const char* LogicalOpName(LogicalOpKind kind);
// An indented rendering, root first, one operator per line.
std::string ExplainPlan(const LogicalPlan& plan, const BoundQuery& query);

}  // namespace trendgraph::query
