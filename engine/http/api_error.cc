#include "engine/http/api_error.h"

namespace trendgraph::engine::http {

namespace {

const char* HttpErrorName(HttpError e) {
  switch (e) {
    case HttpError::kBadRequest: return "BadRequest";
    case HttpError::kUnauthorized: return "Unauthorized";
    case HttpError::kForbidden: return "Forbidden";
    case HttpError::kRouteNotFound: return "NotFound";
    case HttpError::kMethodNotAllowed: return "MethodNotAllowed";
    case HttpError::kNotAcceptable: return "NotAcceptable";
    case HttpError::kPayloadTooLarge: return "PayloadTooLarge";
    case HttpError::kUnsupportedMediaType: return "UnsupportedMediaType";
    case HttpError::kHeadersTooLarge: return "HeadersTooLarge";
    case HttpError::kUnavailable: return "Unavailable";
    case HttpError::kInternal: return "InternalError";
  }
  return "Error";
}

int StatusForQuery(query::ErrorCode c) {
  using query::ErrorCode;
  switch (c) {
    case ErrorCode::kSyntaxError:
    case ErrorCode::kSemanticError:
    case ErrorCode::kTypeError:
    case ErrorCode::kArgumentError:
    case ErrorCode::kParameterMissing:
    case ErrorCode::kProcedureError: return 400;
    case ErrorCode::kEntityNotFound: return 404;
    case ErrorCode::kConstraintVerificationFailed: return 409;
    case ErrorCode::kTimeout: return 408;
    case ErrorCode::kResourceLimit: return 422;
    case ErrorCode::kStorageError: return 500;
    // The caller stopped the query: the client is gone or the server is
    // shutting down; either way nobody should retry on this connection.
    case ErrorCode::kCancelled: return 503;
  }
  return 400;
}

int StatusForStatus(Status::Code c) {
  using C = Status::Code;
  switch (c) {
    case C::kOk: return 200;
    case C::kNotFound: return 404;
    case C::kInvalidArgument: return 400;
    case C::kAlreadyExists: return 409;
    case C::kConstraintViolation: return 409;
    case C::kNotSupported: return 501;
    case C::kBusy: return 503;
    case C::kTimedOut: return 504;
    case C::kResourceExhausted: return 507;
    case C::kAborted: return 500;
    case C::kCorruption:
    case C::kIOError:
    case C::kVersionMismatch: return 500;
  }
  return 500;
}

int StatusForHttp(HttpError e) {
  switch (e) {
    case HttpError::kBadRequest: return 400;
    case HttpError::kUnauthorized: return 401;
    case HttpError::kForbidden: return 403;
    case HttpError::kRouteNotFound: return 404;
    case HttpError::kMethodNotAllowed: return 405;
    case HttpError::kNotAcceptable: return 406;
    case HttpError::kPayloadTooLarge: return 413;
    case HttpError::kUnsupportedMediaType: return 415;
    case HttpError::kHeadersTooLarge: return 431;
    case HttpError::kUnavailable: return 503;
    case HttpError::kInternal: return 500;
  }
  return 500;
}

}  // namespace

ApiError ApiError::FromQuery(const query::QueryError& e) {
  return ApiError{e.code, e.detail, e.message, e.position};
}

ApiError ApiError::FromStatus(const Status& s) {
  return ApiError{s.code(), {}, s.message().empty() ? s.ToString() : s.message(), {}};
}

ApiError ApiError::Http(HttpError e, std::string message) { return ApiError{e, {}, std::move(message), {}}; }

int HttpStatusFor(const ApiError& e) {
  if (auto* q = std::get_if<query::ErrorCode>(&e.code)) return StatusForQuery(*q);
  if (auto* s = std::get_if<Status::Code>(&e.code)) return StatusForStatus(*s);
  return StatusForHttp(std::get<HttpError>(e.code));
}

std::string ErrorCodeText(const ApiError& e) {
  std::string code;
  if (auto* q = std::get_if<query::ErrorCode>(&e.code)) {
    code = query::ErrorCodeName(*q);
  } else if (auto* s = std::get_if<Status::Code>(&e.code)) {
    code = Status::CodeName(*s);
  } else {
    code = HttpErrorName(std::get<HttpError>(e.code));
  }
  if (!e.detail.empty()) code += "." + e.detail;
  return code;
}

void WriteErrorObject(JsonWriter& w, const ApiError& e) {
  w.StartObject();
  w.Key("code");
  WriteJsonString(w, ErrorCodeText(e));
  w.Key("message");
  WriteJsonString(w, e.message);
  if (e.position.line > 0) {
    w.Key("position");
    w.StartObject();
    w.Key("line");
    w.Int(e.position.line);
    w.Key("column");
    w.Int(e.position.column);
    if (e.position.offset >= 0) {
      w.Key("offset");
      w.Int(e.position.offset);
    }
    w.EndObject();
  }
  w.EndObject();
}

HttpResponse ErrorResponse(const ApiError& e) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("error");
  WriteErrorObject(w, e);
  w.EndObject();
  HttpResponse r;
  r.status = HttpStatusFor(e);
  r.headers.emplace_back("Content-Type", "application/json");
  if (r.status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"trendgraph\"");
  r.body.assign(buf.GetString(), buf.GetSize());
  r.body.push_back('\n');
  return r;
}

}  // namespace trendgraph::engine::http
