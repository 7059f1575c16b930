// ApiError: every error the HTTP API answers, and the one function that maps
// it to an HTTP status and a JSON body
//
//   {"error": {"code": "SyntaxError", "message": "...",
//              "position": {"line": 1, "column": 8}}}
//
// An error comes from the query layer (query::QueryError), from storage /
// plugins (Status) or from the HTTP layer itself (HttpError). Callers build
// an ApiError from one of those and hand it to ErrorResponse(); no handler
// picks a status code for an error by itself.
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "engine/http/http_message.h"
#include "engine/http/json_value.h"
#include "query/query_api.h"
#include "storage/status.h"

namespace trendgraph::engine::http {

// Errors raised by the HTTP layer itself. The JSON code is the name without
// the k ("BadRequest", ...).
enum class HttpError : int {
  kBadRequest,            // 400 malformed JSON, bad member types, bad query string
  kUnauthorized,          // 401 missing or wrong bearer token
  kForbidden,             // 403 read-only server, origin not allowed
  kRouteNotFound,         // 404 no such route (code "NotFound")
  kMethodNotAllowed,      // 405
  kNotAcceptable,         // 406 Accept names no format we produce
  kPayloadTooLarge,       // 413 body over --max-body
  kUnsupportedMediaType,  // 415 wrong Content-Type
  kHeadersTooLarge,       // 431
  kUnavailable,           // 503 shutting down or overloaded
  kInternal,              // 500 a handler failed unexpectedly
};

struct ApiError {
  std::variant<query::ErrorCode, Status::Code, HttpError> code;
  std::string detail;  // sub-class appended to the code: "SyntaxError.UndefinedVariable"
  std::string message;
  query::Position position;  // line 0 = none

  static ApiError FromQuery(const query::QueryError& e);
  static ApiError FromStatus(const Status& s);
  static ApiError Http(HttpError e, std::string message);
};

// The one mapping from an error to an HTTP status.
int HttpStatusFor(const ApiError& e);
// "SyntaxError", "NotFound", "BadRequest" ... plus ".detail" when set.
std::string ErrorCodeText(const ApiError& e);
// Writes {"code", "message", "position"?} (the value of the "error" member).
void WriteErrorObject(JsonWriter& w, const ApiError& e);
// The complete response: status from HttpStatusFor, body {"error": {...}},
// Content-Type application/json (and WWW-Authenticate for 401).
HttpResponse ErrorResponse(const ApiError& e);

}  // namespace trendgraph::engine::http
