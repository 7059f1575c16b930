// Updating operators: CREATE, MERGE, SET, REMOVE, DELETE. They write through
// the query's WriteTxn (EvalContext::txn) and count QueryStats.
#pragma once

#include <memory>

#include "query/executor/physical_operator.h"

namespace trendgraph::query {

std::unique_ptr<PhysicalOperator> BuildWriteOperator(const LogicalOperator& op, ExecState& state);

}  // namespace trendgraph::query
