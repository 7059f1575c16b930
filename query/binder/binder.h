// The binder: ParsedQuery -> BoundQuery.
//
// Resolves names to slots clause by clause (each WITH/RETURN opens a new
// scope), infers variable kinds (node, relationship, path, value), finds
// aggregation, resolves functions and procedures, substitutes parameters and
// raises the openCypher compile-time errors (TCK classes: SyntaxError with a
// detail such as UndefinedVariable, VariableAlreadyBound,
// VariableTypeConflict, InvalidAggregation, NoExpressionAlias,
// ColumnNameConflict, DifferentColumnsInUnion, ...; ParameterMissing;
// ProcedureError for unknown procedures).
//
// Throws BinderException; keeps no state between calls; thread-compatible.
#pragma once

#include "query/binder/bound_query.h"
#include "query/parser/ast.h"
#include "query/query_api.h"

namespace trendgraph::query {

BoundQuery BindQuery(const ParsedQuery& query, const Value::Map& params, const ProcedureRegistry* procedures);

// True if the parsed query has an update clause (CREATE, MERGE, SET, REMOVE,
// DELETE) or calls a procedure registered as writing.
bool ParsedQueryHasUpdates(const ParsedQuery& query, const ProcedureRegistry* procedures);

}  // namespace trendgraph::query
