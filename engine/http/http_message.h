// Our own HTTP request/response types. The transport (today cpprestsdk, see
// cpprest_transport.h) converts to and from these; everything above it (the
// router, the API handlers, metrics) sees only these types, so the transport
// can be swapped without touching the API.
//
// Thread-safety: plain values. A ResponseChannel is used by one thread at a
// time (the worker running the handler).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace trendgraph::engine::http {

enum class HttpMethod : uint8_t { kGet, kHead, kPost, kPut, kDelete, kOptions, kPatch, kOther };
const char* MethodName(HttpMethod m);

// Header names are stored lower-cased; lookups are case-insensitive.
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  HttpMethod method = HttpMethod::kOther;
  std::string method_text;  // as sent, for error messages
  std::string path;         // percent-decoded path, no query string
  std::string raw_path;     // path as sent (still encoded)
  std::string query;        // the raw query string without '?'
  HeaderList headers;       // names lower-cased
  std::string body;         // at most the body limit
  // Body bytes the client sent; more than body.size() when the body went
  // over the transport's limit (then body is empty and the request must be
  // answered 413).
  uint64_t body_bytes = 0;
  bool body_too_large = false;
  // The request line and headers, in bytes as received (approximate).
  uint64_t header_bytes = 0;
  std::string remote_address;

  // The first header `name` (lower-case), if any.
  const std::string* Header(std::string_view name) const;
  // The decoded value of query parameter `name`, if present.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  void SetHeader(std::string_view name, std::string value);
};

// The body of a streamed (chunked) response. Write() blocks while the
// client is behind (back-pressure) and returns false once the client is
// gone; the producer must then stop. Exactly one of Finish() or Abort()
// ends the body (the destructor calls Finish()).
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  [[nodiscard]] virtual bool Write(std::string_view data) = 0;
  // The body is complete.
  virtual void Finish() = 0;
  // Ends the body without its terminating chunk so that the client sees a
  // truncated transfer (used when a CSV answer fails midway).
  virtual void Abort() = 0;
};

// Answers one request. Exactly one of Send() or StartStream() must be
// called, once; the server's dispatcher enforces this.
class ResponseChannel {
 public:
  virtual ~ResponseChannel() = default;
  virtual void Send(HttpResponse response) = 0;
  // Sends status and headers now; the body follows through the stream.
  virtual std::unique_ptr<BodyStream> StartStream(int status, HeaderList headers) = 0;
};

// Percent-decodes `in` ('+' becomes a space when `plus_is_space`). Returns
// false on a malformed escape.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string* out);

// "application/json; charset=utf-8" -> "application/json" (lower-cased).
std::string MediaType(std::string_view content_type);

}  // namespace trendgraph::engine::http
