// The planner: BoundQuery -> LogicalPlan.
//
// Pattern planning is greedy and cost-based on the stored counts: each
// pattern part starts from its cheapest node (already bound < unique/property
// index seek for an equality on an indexed (label, key) < the smallest label
// < all nodes), then expands outward along the chain; WHERE conjuncts are
// placed right after the operator that binds their last variable. LIMIT
// needs no pushdown rule: operators are pull-based, so a satisfied Limit
// stops its scans. ORDER BY + LIMIT becomes a Top-N sort.
//
// Queries with updates get Eager barriers between reading and writing
// clauses, so that a clause sees all effects of the previous ones (Cypher's
// clause-at-a-time semantics) and scans never observe their own writes.
//
// Throws ExecutorException only on internal errors. Thread-compatible.
#pragma once

#include "query/binder/bound_query.h"
#include "query/planner/logical_plan.h"
#include "storage/graph_store.h"

namespace trendgraph::query {

// `reader` gives counts for cost estimates; `graph` gives token ids and
// indexes.
LogicalPlan PlanQuery(BoundQuery& query, storage::Graph& graph, storage::GraphReader& reader);

}  // namespace trendgraph::query
