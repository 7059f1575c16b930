// The query front end's exceptions: one type per stage, each carrying a typed
// QueryError with a position. ExecuteQuery catches them once and returns the
// QueryError; nothing above query/ ever sees an exception.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

#include "query/query_api.h"

namespace trendgraph::query {

class QueryException : public std::runtime_error {
 public:
  explicit QueryException(QueryError error) : std::runtime_error(error.message), error_(std::move(error)) {}
  const QueryError& error() const { return error_; }

 private:
  QueryError error_;
};

inline QueryError MakeError(ErrorCode code, std::string message, Position pos = {}, std::string detail = {}) {
  QueryError e;
  e.code = code;
  e.message = std::move(message);
  e.position = pos;
  e.detail = std::move(detail);
  return e;
}

// Thrown by the parser (always kSyntaxError).
class ParserException : public QueryException {
 public:
  using QueryException::QueryException;
};
// Thrown by the binder (kSemanticError, kParameterMissing, ...).
class BinderException : public QueryException {
 public:
  using QueryException::QueryException;
};
// Thrown while planning or running (kTypeError, kArgumentError,
// kEntityNotFound, kConstraintVerificationFailed, kProcedureError, kTimeout...).
class ExecutorException : public QueryException {
 public:
  using QueryException::QueryException;
};

}  // namespace trendgraph::query
