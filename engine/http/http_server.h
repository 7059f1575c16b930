// HttpServer: trendgraph's HTTP API (v1) over an open Engine.
//
//   transport (cpprest, I/O threads) -> WorkerPool -> Api (router, auth,
//   limits, handlers) -> engine::Session
//
// Every route, format and error is described in docs/http.md and
// docs/openapi.yaml.
//
// Lifetime and threads: the server does not own the Engine, which must
// outlive it. Start() returns once the port is bound. Shutdown() (or the
// destructor) stops taking new work (new requests get 503), lets in-flight
// requests finish for up to `shutdown_grace`, cancels queries still running
// after that, closes the listener and joins the workers. Call the Engine's
// flush/close only after Shutdown() returned.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "storage/status.h"

namespace trendgraph::engine::http {

struct ServerOptions {
  // Database directory (`--db`). Default "./data". Used by `trendgraph
  // serve` to open the Engine; the server itself only reports it.
  std::string db_path = "./data";
  // Address to bind (`--host`). Default 127.0.0.1: loopback only.
  std::string host = "127.0.0.1";
  // TCP port (`--port`). Default 7480; 0 picks a free port (see port()).
  int port = 7480;
  // Plugin folder (`--plugin-dir`). Default empty: the build's plugin
  // folder, then the installed one (EngineOptions::plugin_dir).
  std::string plugin_dir;
  // Bearer token (`--token`, or env TRENDGRAPH_TOKEN). Default empty: no
  // authentication. When set, writes (graph create/drop, ingest, queries
  // with update clauses) need "Authorization: Bearer <token>".
  std::string token;
  // Also require the token for reads (`--auth-reads`); /v1/health and CORS
  // preflights stay open. Default false. Needs `token`.
  bool auth_reads = false;
  // Refuse every write with 403 (`--read-only`). Default false.
  bool read_only = false;
  // Largest request body in bytes (`--max-body`); larger bodies get 413.
  // Default 64 MiB.
  uint64_t max_body_bytes = 64ull << 20;
  // Largest request head (request line and headers) in bytes; larger get
  // 431. Default 64 KiB.
  uint64_t max_header_bytes = 64ull << 10;
  // Browser origins allowed by CORS (`--cors-origin`, repeatable; "*" allows
  // any). Default none: no CORS headers, preflights get 403.
  std::vector<std::string> cors_origins;
  // Per-query wall-clock limit (`--query-timeout-ms`). Default 30 s; 0 = none.
  std::chrono::milliseconds query_timeout{30000};
  // Most rows a query may return (`--max-rows`). Default 0 = unlimited.
  uint64_t max_rows = 0;
  // Worker threads running handlers (`--threads`). Default 0 = 4 x cores
  // (at least 8): queries block their worker, and writers to one graph queue
  // on its writer lock.
  size_t threads = 0;
  // Transport I/O threads (`--io-threads`). Default 0 = cores + 1, at
  // least 3; never fewer than 2 (with one, cpprest cannot shut down). Requests with in-memory answers run on them directly while one
  // stays free (see http_server.cc).
  size_t io_threads = 0;
  // Requests waiting for a worker beyond this get 503. Default 4096.
  size_t max_queued_requests = 4096;
  // A JSON (non-streamed) query answer larger than this fails with a
  // ResourceLimit error asking for NDJSON. Default 256 MiB.
  uint64_t max_json_answer_bytes = 256ull << 20;
  // How long Shutdown() waits for in-flight requests before cancelling the
  // queries still running. Default 30 s.
  std::chrono::milliseconds shutdown_grace{30000};
  // The OpenAPI description served at /v1/openapi.yaml. Default: the
  // source tree's docs/openapi.yaml (compiled in).
  std::string openapi_path;
};

class Api;
class Transport;
class WorkerPool;
class Metrics;
struct HttpRequest;
class ResponseChannel;

class HttpServer {
 public:
  // Binds host:port and starts serving. Errors: InvalidArgument for
  // inconsistent options (auth_reads without a token), IOError when the
  // address cannot be bound.
  static Status Start(const ServerOptions& options, Engine* engine, std::unique_ptr<HttpServer>* out);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  int port() const;
  const ServerOptions& options() const { return options_; }

  // Graceful stop (see the file comment). Idempotent; blocks until done.
  // False when a client connection would not close and was left behind
  // (Transport::Stop): the caller should end the process with _Exit once
  // its own state is closed, since the network library's threads may never
  // finish.
  bool Shutdown();

 private:
  HttpServer(const ServerOptions& options, Engine* engine);
  void OnRequest(HttpRequest request, std::unique_ptr<ResponseChannel> channel);
  void Done();
  bool WaitIdle(std::chrono::milliseconds limit);

  ServerOptions options_;
  Engine* engine_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<Api> api_;
  std::unique_ptr<WorkerPool> pool_;
  std::unique_ptr<Transport> transport_;
  std::atomic<bool> draining_{false};
  std::atomic<bool> cancel_queries_{false};
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  int64_t active_ = 0;  // guarded by idle_mu_
  std::atomic<int> inline_running_{0};
  int inline_limit_ = 1;
  bool shut_down_ = false;
};

}  // namespace trendgraph::engine::http
