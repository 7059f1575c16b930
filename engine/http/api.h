// Api: the request handlers of HTTP API v1 and the checks every request
// goes through (head size, route, method, body limit, CORS, auth,
// read-only), in that order.
//
// Exchange wraps one request's ResponseChannel and enforces "every handler
// replies exactly once": a second reply is dropped (and logged), and the
// server answers 500 for a handler that returned without replying.
//
// Thread-safety: Api is immutable after construction and handles requests
// from many workers at once; an Exchange belongs to one request.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "engine/http/api_error.h"
#include "engine/http/http_message.h"
#include "engine/http/http_server.h"
#include "engine/http/metrics.h"
#include "engine/http/router.h"

namespace trendgraph::engine::http {

class Exchange {
 public:
  Exchange(HttpRequest& request, ResponseChannel* channel) : request_(request), channel_(channel) {}

  const HttpRequest& request() const { return request_; }
  // For handlers that take the body over instead of copying it.
  HttpRequest& mutable_request() { return request_; }
  // Headers added to whatever answer is sent (CORS).
  HeaderList& extra_headers() { return extra_headers_; }

  void Send(HttpResponse response);
  void SendJson(int status, std::string body);
  void Error(const ApiError& error);
  // For handlers that answer through a query sink: hands out the channel
  // and counts the reply as done with `status`.
  ResponseChannel* TakeChannel();
  void MarkReplied(int status);

  bool replied() const { return replied_; }
  int status() const { return status_; }
  int route = Metrics::kUnmatched;  // for metrics

 private:
  bool Claim();

  HttpRequest& request_;
  ResponseChannel* channel_;
  HeaderList extra_headers_;
  bool replied_ = false;
  int status_ = 0;
};

class Api {
 public:
  // `cancel` is set by the server when queries must stop (shutdown).
  Api(const ServerOptions& options, Engine* engine, Metrics* metrics, const std::atomic<bool>* cancel);

  void Handle(Exchange& ex);

 private:
  enum class Access { kRead, kWrite };
  // Answers 401/403 and returns false when `access` is not allowed.
  bool Authorize(Exchange& ex, Access access);
  bool HasValidToken(const HttpRequest& req) const;
  void AddCorsHeaders(Exchange& ex) const;
  void Preflight(Exchange& ex, const RouteMatch& m);

  void Health(Exchange& ex);
  void ListGraphs(Exchange& ex);
  void CreateGraph(Exchange& ex, const std::string& graph);
  void DropGraph(Exchange& ex, const std::string& graph);
  void Query(Exchange& ex, const std::string& graph);
  void Ingest(Exchange& ex, const std::string& graph, const std::string& plugin);
  void Schema(Exchange& ex, const std::string& graph);
  void Plugins(Exchange& ex);
  void MetricsPage(Exchange& ex);
  void OpenApi(Exchange& ex);

  ServerOptions options_;
  Engine* engine_;
  Metrics* metrics_;
  const std::atomic<bool>* cancel_;
  std::string openapi_;  // loaded at start; empty when the file is missing
  std::chrono::steady_clock::time_point started_;
};

}  // namespace trendgraph::engine::http
