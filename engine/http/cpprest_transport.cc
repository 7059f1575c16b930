// The cpprestsdk adapter: the only file of trendgraph that includes
// cpprestsdk. It converts cpprest's http_request to our HttpRequest, reads
// bodies asynchronously (so a slow client never holds a thread), and writes
// our responses back, streaming chunked bodies through a
// producer_consumer_buffer with back-pressure.
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cpprest/http_listener.h>
#include <cpprest/producerconsumerstream.h>
#include <pplx/pplxtasks.h>
#include <pplx/threadpool.h>

#include <boost/asio/defer.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <future>
#include <mutex>
#include <thread>

#include "engine/http/transport.h"

namespace trendgraph::engine::http {

namespace {

namespace web_http = web::http;
using web::http::experimental::listener::http_listener;
using web::http::experimental::listener::http_listener_config;

// Streamed bodies: the producer waits while more than this is queued for
// the socket, so a million-row answer to a slow client holds ~1 MiB.
constexpr size_t kStreamHighWater = 1 << 20;
// A client that reads nothing for this long while we have data for it is
// treated as gone (frees the worker running its query).
constexpr std::chrono::seconds kStreamStallLimit{60};
// Read size for bodies of unknown length (chunked) and for draining bodies
// over the limit.
constexpr size_t kReadChunk = 64 << 10;

HttpMethod ToMethod(const web_http::method& m) {
  if (m == web_http::methods::GET) return HttpMethod::kGet;
  if (m == web_http::methods::POST) return HttpMethod::kPost;
  if (m == web_http::methods::PUT) return HttpMethod::kPut;
  if (m == web_http::methods::DEL) return HttpMethod::kDelete;
  if (m == web_http::methods::OPTIONS) return HttpMethod::kOptions;
  if (m == web_http::methods::HEAD) return HttpMethod::kHead;
  if (m == web_http::methods::PATCH) return HttpMethod::kPatch;
  return HttpMethod::kOther;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Answers handed to cpprest but not yet written out. Stop() waits for them:
// a handler returns as soon as its answer is queued, and closing the
// listener then would cut the answer short.
class Outstanding {
 public:
  void Add() {
    std::lock_guard lock(mu_);
    ++count_;
  }
  void Done() {
    std::lock_guard lock(mu_);
    if (--count_ == 0) cv_.notify_all();
  }
  bool WaitIdle(std::chrono::milliseconds limit) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [this] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t count_ = 0;
};

// Tracks a reply until it is written (or failed), and observes its outcome
// so that pplx never reports an unobserved exception (a client that hung up
// is not an error of ours).
void Observe(const pplx::task<void>& t, const std::shared_ptr<Outstanding>& outstanding) {
  outstanding->Add();
  t.then([outstanding](pplx::task<void> done) {
    try {
      done.get();
    } catch (...) {
    }
    outstanding->Done();
  });
}

web_http::http_response ToCpprest(HttpResponse r) {
  web_http::http_response resp(static_cast<web_http::status_code>(r.status));
  std::string content_type;
  for (auto& [k, v] : r.headers) {
    if (Lower(k) == "content-type") {
      content_type = v;
    } else {
      resp.headers().add(k, v);
    }
  }
  if (!r.body.empty() || !content_type.empty()) {
    if (content_type.empty()) content_type = "application/octet-stream";
    resp.set_body(std::move(r.body), content_type);
  }
  return resp;
}

class CpprestBodyStream final : public BodyStream {
 public:
  CpprestBodyStream(concurrency::streams::producer_consumer_buffer<uint8_t> buf, pplx::task<void> reply)
      : buf_(std::move(buf)), reply_(std::move(reply)) {}
  ~CpprestBodyStream() override { Finish(); }

  bool Write(std::string_view data) override {
    if (closed_ || gone_) return false;
    if (reply_.is_done()) {  // the connection failed: cpprest gave up on this answer
      gone_ = true;
      return false;
    }
    try {
      buf_.putn_nocopy(reinterpret_cast<const uint8_t*>(data.data()), data.size()).get();
    } catch (...) {
      gone_ = true;
      return false;
    }
    // Back-pressure. producer_consumer_buffer has no capacity bound and no
    // consumption signal, so poll its fill level; in_avail() is a plain
    // size_t read, good enough to decide whether to wait a little longer.
    if (buf_.in_avail() <= kStreamHighWater) return true;
    auto last_progress = std::chrono::steady_clock::now();
    size_t last_avail = buf_.in_avail();
    while (buf_.in_avail() > kStreamHighWater) {
      if (reply_.is_done()) {
        gone_ = true;
        return false;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(500));
      size_t avail = buf_.in_avail();
      auto now = std::chrono::steady_clock::now();
      if (avail < last_avail) {
        last_avail = avail;
        last_progress = now;
      } else if (now - last_progress > kStreamStallLimit) {
        Abort();
        gone_ = true;
        return false;
      }
    }
    return true;
  }

  void Finish() override {
    if (closed_) return;
    closed_ = true;
    try {
      buf_.close(std::ios_base::out).wait();
    } catch (...) {
    }
  }

  void Abort() override {
    if (closed_) return;
    closed_ = true;
    try {
      buf_.close(std::ios_base::out, std::make_exception_ptr(std::runtime_error("answer aborted"))).wait();
    } catch (...) {
    }
  }

 private:
  concurrency::streams::producer_consumer_buffer<uint8_t> buf_;
  pplx::task<void> reply_;
  bool closed_ = false;
  bool gone_ = false;
};

class CpprestChannel final : public ResponseChannel {
 public:
  CpprestChannel(web_http::http_request req, std::shared_ptr<Outstanding> outstanding)
      : req_(std::move(req)), outstanding_(std::move(outstanding)) {}

  void Send(HttpResponse response) override { Observe(req_.reply(ToCpprest(std::move(response))), outstanding_); }

  std::unique_ptr<BodyStream> StartStream(int status, HeaderList headers) override {
    concurrency::streams::producer_consumer_buffer<uint8_t> buf;
    web_http::http_response resp(static_cast<web_http::status_code>(status));
    std::string content_type = "application/octet-stream";
    for (auto& [k, v] : headers) {
      if (Lower(k) == "content-type") {
        content_type = v;
      } else {
        resp.headers().add(k, v);
      }
    }
    // No Content-Length: cpprest sends the body chunked.
    resp.set_body(buf.create_istream(), content_type);
    pplx::task<void> reply = req_.reply(resp);
    Observe(reply, outstanding_);
    return std::make_unique<CpprestBodyStream>(std::move(buf), std::move(reply));
  }

 private:
  web_http::http_request req_;
  std::shared_ptr<Outstanding> outstanding_;
};

// One request whose body is being read.
struct PendingRequest {
  web_http::http_request req;
  std::shared_ptr<Outstanding> outstanding;
  HttpRequest ours;
  std::vector<uint8_t> chunk;
  uint64_t max_body = 0;
};

void Deliver(const std::shared_ptr<PendingRequest>& p, const RequestCallback& cb) {
  cb(std::move(p->ours), std::make_unique<CpprestChannel>(p->req, p->outstanding));
}

// The body could not be read (the client hung up before sending all of it).
// The request still gets its one answer, though nobody may read it: cpprest
// keeps the connection of an unanswered request, and the listener's close()
// at shutdown waited for it forever (SIGTERM never ended the server).
void RefuseUnreadableBody(const std::shared_ptr<PendingRequest>& p) {
  HttpResponse r;
  r.status = 400;
  r.SetHeader("Content-Type", "application/json");
  r.body = R"json({"error":{"code":"BadRequest","message":"the request body could not be read"}})json";
  try {
    Observe(p->req.reply(ToCpprest(std::move(r))), p->outstanding);
  } catch (...) {
  }
}

// Reads the rest of a body of unknown length (or one known to be over the
// limit, which is discarded), one chunk per continuation.
void ReadChunks(std::shared_ptr<PendingRequest> p, RequestCallback cb) {
  auto buf = p->req.body().streambuf();
  buf.getn(p->chunk.data(), p->chunk.size()).then([p, cb](pplx::task<size_t> t) {
    size_t n = 0;
    try {
      n = t.get();
    } catch (...) {
      RefuseUnreadableBody(p);
      return;
    }
    if (n == 0) {
      Deliver(p, cb);
      return;
    }
    p->ours.body_bytes += n;
    if (!p->ours.body_too_large) {
      if (p->ours.body_bytes > p->max_body) {
        p->ours.body_too_large = true;
        std::string().swap(p->ours.body);
      } else {
        p->ours.body.append(reinterpret_cast<const char*>(p->chunk.data()), n);
      }
    }
    ReadChunks(p, cb);
  });
}

void OnCpprestRequest(web_http::http_request req, const RequestCallback& cb, uint64_t max_body,
                      const std::shared_ptr<Outstanding>& outstanding) {
  auto p = std::make_shared<PendingRequest>();
  p->outstanding = outstanding;
  p->max_body = max_body;
  HttpRequest& r = p->ours;
  r.method = ToMethod(req.method());
  r.method_text = req.method();
  const web::uri& uri = req.request_uri();
  r.raw_path = uri.path();
  if (!PercentDecode(r.raw_path, false, &r.path)) r.path = r.raw_path;
  r.query = uri.query();
  r.remote_address = req.remote_address();
  uint64_t header_bytes = r.method_text.size() + r.raw_path.size() + r.query.size() + 12;
  bool chunked = false;
  for (const auto& [k, v] : req.headers()) {
    header_bytes += k.size() + v.size() + 4;
    std::string name = Lower(k);
    if (name == "transfer-encoding" && Lower(v).find("chunked") != std::string::npos) chunked = true;
    r.headers.emplace_back(std::move(name), v);
  }
  r.header_bytes = header_bytes;
  p->req = std::move(req);

  uint64_t length = p->req.headers().content_length();
  if (!chunked && length == 0) {
    Deliver(p, cb);
    return;
  }
  if (!chunked && length <= max_body) {
    // The common case: one read of exactly the announced length.
    r.body.resize(length);
    auto on_body = [p, cb](pplx::task<size_t> t) {
      size_t n = 0;
      try {
        n = t.get();
      } catch (...) {
        RefuseUnreadableBody(p);
        return;
      }
      p->ours.body.resize(n);
      p->ours.body_bytes = n;
      Deliver(p, cb);
    };
    auto buf = p->req.body().streambuf();
    pplx::task<size_t> read = buf.getn(reinterpret_cast<uint8_t*>(p->ours.body.data()), length);
    // A small body has usually arrived with the head: then go on right here
    // rather than through a scheduled continuation.
    if (read.is_done()) {
      on_body(std::move(read));
    } else {
      read.then(std::move(on_body));
    }
    return;
  }
  if (!chunked) {
    // Announced over the limit: drain it without keeping it (cpprest only
    // sends an answer once the whole request has been read).
    r.body_too_large = true;
  }
  p->chunk.resize(kReadChunk);
  ReadChunks(std::move(p), cb);
}

// Finds a free TCP port on `host` by binding port 0.
Status PickFreePort(const std::string& host, int* port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(host.c_str(), "0", &hints, &res);
  if (rc != 0) return Status::IOError("cannot resolve host '" + host + "': " + gai_strerror(rc));
  Status s = Status::IOError("no usable address for host '" + host + "'");
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0) continue;
    sockaddr_storage addr{};
    socklen_t len = sizeof(addr);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
      *port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                         : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
      s = Status::OK();
    }
    ::close(fd);
    if (s.ok()) break;
  }
  ::freeaddrinfo(res);
  return s;
}

// pplx runs every task continuation through the ambient scheduler; cpprest's
// default posts each one to its asio pool, which wakes another pool thread.
// One small request passes through about eight continuations (body read,
// reply, content_ready, header write, body write, ...), so a point lookup
// paid ~8 context switches, the largest part of its latency. A continuation
// scheduled from a pool thread is deferred instead: asio queues it on that
// thread and runs it right after the current handler, without waking anyone.
// Nothing on an I/O thread may therefore block waiting for a task (handlers
// that wait for the client, i.e. streamed answers, run on the worker pool).
// Continuations scheduled from other threads are posted as before.
class IoThreadScheduler final : public pplx::scheduler_interface {
 public:
  explicit IoThreadScheduler(boost::asio::io_context& io) : io_(io) {}
  void schedule(pplx::TaskProc_t proc, void* param) override {
    if (io_.get_executor().running_in_this_thread()) {
      boost::asio::defer(io_, [proc, param] { proc(param); });
    } else {
      boost::asio::post(io_, [proc, param] { proc(param); });
    }
  }

 private:
  boost::asio::io_context& io_;
};

void InitThreadPool(size_t threads) {
  static std::once_flag once;
  std::call_once(once, [threads] {
    // At least two: cpprest's listener close() blocks one pool thread until
    // every connection is closed, which takes another pool thread.
    size_t n = std::max<size_t>(2, threads ? threads : std::thread::hardware_concurrency());
    try {
      crossplat::threadpool::initialize_with_threads(n);
    } catch (...) {
      // Already initialised by an earlier cpprest user in this process.
    }
    pplx::set_ambient_scheduler(std::make_shared<IoThreadScheduler>(crossplat::threadpool::shared_instance().service()));
  });
}

class CpprestTransport final : public Transport {
 public:
  CpprestTransport(std::unique_ptr<http_listener> listener, int port, std::shared_ptr<Outstanding> outstanding)
      : listener_(std::move(listener)), port_(port), outstanding_(std::move(outstanding)) {}
  ~CpprestTransport() override { (void)Stop(std::chrono::milliseconds(0)); }
  int port() const override { return port_; }
  bool Stop(std::chrono::milliseconds drain) override {
    if (stopped_.exchange(true)) return true;
    (void)outstanding_->WaitIdle(drain);
    // cpprest's close() task ends when every connection has. A request
    // that declared a chunked body and did not send one (the client gone)
    // can leave a connection that never ends, and task::wait() on it kept
    // SIGTERM from ever stopping the server
    // (HttpFuzzTest.BrokenChunkedBodyDoesNotBlockShutdown). So the wait is
    // bounded: past kCloseLimit the listener is abandoned (its destructor
    // would wait again), shutdown goes on, and Stop says so: the serve
    // command then ends the process with _Exit after closing the database,
    // because cpprest's threads may never finish.
    auto closed = std::make_shared<std::promise<void>>();
    std::future<void> done = closed->get_future();
    try {
      listener_->close().then([closed](pplx::task<void> t) {
        try {
          t.get();
        } catch (...) {
        }
        closed->set_value();
      });
    } catch (...) {
      return true;
    }
    if (done.wait_for(kCloseLimit) == std::future_status::ready) return true;
    std::fprintf(stderr, "trendgraph serve: a connection did not close within %lld ms; leaving it behind\n",
                 static_cast<long long>(kCloseLimit.count()));
    (void)listener_.release();
    return false;
  }

 private:
  // How long Stop waits for the listener's connections to end after the
  // drain: an honest connection ends at once once its answer is out.
  static constexpr std::chrono::milliseconds kCloseLimit{5000};

  std::unique_ptr<http_listener> listener_;
  int port_;
  std::shared_ptr<Outstanding> outstanding_;
  std::atomic<bool> stopped_{false};
};

}  // namespace

Status StartCpprestTransport(const TransportOptions& options, RequestCallback callback,
                             std::unique_ptr<Transport>* out) {
  InitThreadPool(options.io_threads);
  std::string host_in_uri = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  // With port 0, cpprest cannot tell us which port the OS chose, so pick a
  // free one first; retry if someone takes it in between.
  const int attempts = options.port == 0 ? 8 : 1;
  std::string last_error;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    int port = options.port;
    if (port == 0) TG_RETURN_IF_ERROR(PickFreePort(options.host, &port));
    std::string url = "http://" + host_in_uri + ":" + std::to_string(port) + "/";
    try {
      auto outstanding = std::make_shared<Outstanding>();
      http_listener_config config;
      auto listener = std::make_unique<http_listener>(web::uri(url), config);
      uint64_t max_body = options.max_body_bytes;
      auto handler = [callback, max_body, outstanding](web_http::http_request req) {
        OnCpprestRequest(std::move(req), callback, max_body, outstanding);
      };
      listener->support(handler);
      // cpprest answers OPTIONS and TRACE itself unless told otherwise; we
      // need OPTIONS for CORS preflights and want TRACE refused like any
      // unknown method.
      listener->support(web_http::methods::OPTIONS, handler);
      listener->support(web_http::methods::TRCE, handler);
      listener->open().wait();
      *out = std::make_unique<CpprestTransport>(std::move(listener), port, outstanding);
      return Status::OK();
    } catch (const std::exception& e) {
      last_error = e.what();
    }
  }
  return Status::IOError("cannot listen on " + options.host + ":" + std::to_string(options.port) + ": " + last_error);
}

}  // namespace trendgraph::engine::http
