#include "engine/http/http_server.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "engine/http/api.h"
#include "engine/http/metrics.h"
#include "engine/http/transport.h"
#include "engine/http/worker_pool.h"

namespace trendgraph::engine::http {

namespace {

// One request on its way from the transport to a worker.
struct Job {
  HttpRequest request;
  std::unique_ptr<ResponseChannel> channel;
  std::chrono::steady_clock::time_point start;
};

// Whether a request runs right on the transport's I/O thread instead of
// being handed to the worker pool. A hand-off costs two context switches,
// a large share of a point lookup on a small machine, so requests whose
// answer is built in memory run in place (they never wait for the client),
// as long as one I/O thread stays free. The I/O pool stays small (cpprest's
// asio pool slows down sharply with many threads). Streamed answers
// (NDJSON, CSV) wait for the client to read (back-pressure), and ingest may
// run for minutes: those go to the workers so that I/O threads stay free
// to move bytes.
bool RunsOnIoThread(const HttpRequest& r) {
  if (r.method == HttpMethod::kGet || r.method == HttpMethod::kOptions) return true;
  if (r.method != HttpMethod::kPost || r.path.find("/ingest/") != std::string::npos) return false;
  const std::string* accept = r.Header("accept");
  return !accept || (accept->find("ndjson") == std::string::npos && accept->find("csv") == std::string::npos &&
                     accept->find("jsonl") == std::string::npos && accept->find("text/") == std::string::npos);
}

}  // namespace

HttpServer::HttpServer(const ServerOptions& options, Engine* engine) : options_(options), engine_(engine) {}

HttpServer::~HttpServer() { (void)Shutdown(); }

Status HttpServer::Start(const ServerOptions& options, Engine* engine, std::unique_ptr<HttpServer>* out) {
  if (options.auth_reads && options.token.empty()) {
    return Status::InvalidArgument("--auth-reads needs a token (--token or TRENDGRAPH_TOKEN)");
  }
  if (options.port < 0 || options.port > 65535) {
    return Status::InvalidArgument("port " + std::to_string(options.port) + " is not in 0..65535");
  }
  std::unique_ptr<HttpServer> server(new HttpServer(options, engine));
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  size_t threads = options.threads ? options.threads : std::max<size_t>(8, 4 * cores);
  server->metrics_ = std::make_unique<Metrics>();
  server->api_ = std::make_unique<Api>(server->options_, engine, server->metrics_.get(), &server->cancel_queries_);
  server->pool_ = std::make_unique<WorkerPool>(threads, options.max_queued_requests);

  TransportOptions t;
  t.host = options.host;
  t.port = options.port;
  t.max_body_bytes = options.max_body_bytes;
  t.io_threads = std::max<size_t>(2, options.io_threads ? options.io_threads : std::max<size_t>(3, cores + 1));
  server->inline_limit_ = static_cast<int>(t.io_threads) - 1;
  HttpServer* self = server.get();
  Status s = StartCpprestTransport(
      t,
      [self](HttpRequest request, std::unique_ptr<ResponseChannel> channel) {
        self->OnRequest(std::move(request), std::move(channel));
      },
      &server->transport_);
  if (!s.ok()) {
    server->shut_down_ = true;
    server->pool_->Stop();
    return s;
  }
  *out = std::move(server);
  return Status::OK();
}

int HttpServer::port() const { return transport_ ? transport_->port() : 0; }

void HttpServer::OnRequest(HttpRequest request, std::unique_ptr<ResponseChannel> channel) {
  {
    std::lock_guard lock(idle_mu_);
    ++active_;
  }
  metrics_->AddInFlight(1);
  auto job = std::make_shared<Job>(Job{std::move(request), std::move(channel), std::chrono::steady_clock::now()});

  // Runs the handler with the reply-exactly-once guard. `refusal`, when
  // set, is answered instead (shutting down, overloaded).
  auto run = [this, job](const ApiError* refusal) {
    Exchange ex(job->request, job->channel.get());
    try {
      if (refusal) {
        HttpResponse r = ErrorResponse(*refusal);
        r.headers.emplace_back("Connection", "close");
        r.headers.emplace_back("Retry-After", "1");
        ex.Send(std::move(r));
      } else {
        api_->Handle(ex);
      }
    } catch (const std::exception& e) {
      if (!ex.replied()) ex.Error(ApiError::Http(HttpError::kInternal, std::string("internal error: ") + e.what()));
    } catch (...) {
      if (!ex.replied()) ex.Error(ApiError::Http(HttpError::kInternal, "internal error"));
    }
    if (!ex.replied()) ex.Error(ApiError::Http(HttpError::kInternal, "the handler did not answer"));
    metrics_->RecordRequest(ex.route, ex.status(), std::chrono::steady_clock::now() - job->start);
    job->channel.reset();
    Done();
  };

  if (draining_.load(std::memory_order_acquire)) {
    ApiError e = ApiError::Http(HttpError::kUnavailable, "the server is shutting down");
    run(&e);
    return;
  }
  if (RunsOnIoThread(job->request)) {
    // Never let in-place handlers take every I/O thread: one always stays
    // free to read and write other connections.
    if (inline_running_.fetch_add(1, std::memory_order_acq_rel) < inline_limit_) {
      run(nullptr);
      inline_running_.fetch_sub(1, std::memory_order_acq_rel);
      return;
    }
    inline_running_.fetch_sub(1, std::memory_order_acq_rel);
  }
  if (!pool_->Submit([run] { run(nullptr); })) {
    ApiError e = ApiError::Http(HttpError::kUnavailable, "the server is overloaded; retry later");
    run(&e);
  }
}

void HttpServer::Done() {
  metrics_->AddInFlight(-1);
  std::lock_guard lock(idle_mu_);
  if (--active_ == 0) idle_cv_.notify_all();
}

bool HttpServer::WaitIdle(std::chrono::milliseconds limit) {
  std::unique_lock lock(idle_mu_);
  return idle_cv_.wait_for(lock, limit, [this] { return active_ == 0; });
}

bool HttpServer::Shutdown() {
  if (shut_down_) return true;
  shut_down_ = true;
  draining_.store(true, std::memory_order_release);
  if (!WaitIdle(options_.shutdown_grace)) {
    std::fprintf(stderr, "trendgraph serve: requests still running after the grace period; cancelling queries\n");
    cancel_queries_.store(true);
    (void)WaitIdle(std::chrono::seconds(5));
  }
  // The transport first lets queued answers reach their clients, then
  // closing the listener drops idle keep-alive connections and any stream
  // whose client stopped reading; their workers then see a write failure.
  const bool closed = transport_ ? transport_->Stop(options_.shutdown_grace) : true;
  (void)WaitIdle(std::chrono::seconds(5));
  pool_->Stop();
  return closed;
}

}  // namespace trendgraph::engine::http
