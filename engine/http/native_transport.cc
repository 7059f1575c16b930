// A native HTTP/1.1 transport on epoll (Linux), behind the same Transport
// seam as the cpprestsdk adapter. Why: with cpprestsdk a small request costs
// ~0.06 ms above the loopback floor (about eight pplx continuations hopping
// between pool threads, head and body in two send() calls; see
// docs/http.md). Here one I/O thread reads a request, runs the handler when
// the server lets it run in place, and writes head and body with one send().
//
// Threads: `io_threads` I/O threads wait on one epoll set. Connections are
// registered edge-triggered, so an event wakes one thread, and a thread
// busy with a long handler never holds up other connections. A
// connection's reader (parsing, delivery) runs on one thread at a time,
// whichever claims it (Conn::Run): an I/O thread on an event, or the thread
// that has just queued an answer and so lets the next request be parsed.
// Output may be written from any thread under the connection's mutex; what
// the socket does not take at once is flushed on the next EPOLLOUT edge.
// One request per connection is in flight at a time: bytes of a pipelined
// request wait in the input buffer until the previous answer is queued, so
// answers keep their order.
//
// Not here (yet): TLS (put a proxy in front), HTTP/2, idle-connection
// timeouts.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "engine/http/transport.h"

namespace trendgraph::engine::http {

namespace {

// Streamed bodies: the producer waits while more than this is queued.
constexpr size_t kStreamHighWater = 1 << 20;
// A client that takes nothing for this long while we have data for it is
// treated as gone.
constexpr std::chrono::seconds kStreamStallLimit{60};
// Request heads beyond this are answered 431 (the API checks the size
// against its own limit; this bounds what we buffer).
constexpr size_t kMaxHead = 64 << 10;
constexpr size_t kReadSize = 64 << 10;

const char* Reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 431: return "Request Header Fields Too Large";
    case 499: return "Client Closed Request";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
  }
  return "Status";
}

HttpMethod ParseMethod(std::string_view m) {
  if (m == "GET") return HttpMethod::kGet;
  if (m == "POST") return HttpMethod::kPost;
  if (m == "PUT") return HttpMethod::kPut;
  if (m == "DELETE") return HttpMethod::kDelete;
  if (m == "OPTIONS") return HttpMethod::kOptions;
  if (m == "HEAD") return HttpMethod::kHead;
  if (m == "PATCH") return HttpMethod::kPatch;
  return HttpMethod::kOther;
}

bool IEq(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool IContains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (IEq(hay.substr(i, needle.size()), needle)) return true;
  }
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Answers handed over but not yet written out; Stop() waits for them.
struct Outstanding {
  std::mutex mu;
  std::condition_variable cv;
  int64_t count = 0;
  void Add() {
    std::lock_guard lock(mu);
    ++count;
  }
  void Done() {
    std::lock_guard lock(mu);
    if (--count == 0) cv.notify_all();
  }
};

class Server;

// One connection. Output may be written from any thread under mu_. The
// reader (parsing, delivery) runs on one thread at a time, whichever
// claims it through Run(): an I/O thread on an epoll event, or the thread
// that just finished an answer (to go on with bytes already buffered).
class Conn : public std::enable_shared_from_this<Conn> {
 public:
  Conn(int fd, uint64_t id, Server* server) : fd_(fd), id_(id), server_(server) {}
  ~Conn() {
    if (fd_ >= 0) ::close(fd_);
  }

  // --- output, any thread -------------------------------------------------
  // Queues `data` and writes what the socket takes now. `last` ends the
  // current answer. False once the connection is broken.
  bool Write(std::string_view data, bool last);
  // Blocks while more than the high-water mark is queued (streams only).
  bool WaitDrained();
  // Breaks the connection (the client sees a truncated answer).
  void Abort();
  void SetCloseAfterAnswer() {
    std::lock_guard lock(mu_);
    close_after_answer_ = true;
  }

  // Runs the reader unless another thread is running it (then that one
  // runs it again). `writable`: flush queued output first.
  void Run(bool writable);
  // Stop(): closes the socket; later writes fail.
  void Close();

  uint64_t id() const { return id_; }

 private:
  void RunOnce(bool writable);
  void Process();
  bool ParseHead(size_t head_end);
  void Fail(int status, const char* message);
  bool FlushLocked();
  void MaybeFinishLocked();

  int fd_;
  uint64_t id_;
  Server* server_;

  std::mutex mu_;
  std::condition_variable drained_;
  std::string out_;
  size_t out_off_ = 0;
  bool broken_ = false;
  bool closed_ = false;
  bool close_after_answer_ = false;
  bool answer_in_flight_ = false;  // delivered, answer not yet fully written
  bool answer_done_ = true;        // the last delivered request has its whole answer queued
  bool shut_after_flush_ = false;  // the answer that closes the connection is queued
  bool shut_wr_ = false;           // and has gone out with our FIN
  bool running_ = false;           // a thread is in RunOnce()
  bool rerun_ = false;             // run again when it returns

  // Reader state: only the thread running the reader touches these.
  enum class State { kHead, kBody, kChunkSize, kChunkData, kChunkEnd, kTrailer, kWaiting, kDone };
  State state_ = State::kHead;
  std::string in_;
  size_t in_off_ = 0;
  HttpRequest req_;
  uint64_t body_left_ = 0;
  bool eof_ = false;
  bool keep_alive_ = true;
};

// The listening socket, one epoll set shared by all I/O threads
// (connections edge-triggered, so an event wakes one thread), and the table
// of open connections.
class Server {
 public:
  Server(int listen_fd, RequestCallback cb, uint64_t max_body)
      : listen_fd_(listen_fd), cb_(std::move(cb)), max_body_(max_body) {
    ep_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;  // level-triggered: stays set so every thread sees the stop
    ev.data.u64 = kWakeId;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, wake_, &ev);
    ev.events = EPOLLIN | EPOLLEXCLUSIVE;
    ev.data.u64 = kListenId;
    ::epoll_ctl(ep_, EPOLL_CTL_ADD, listen_fd_, &ev);
  }
  ~Server() {
    ::close(ep_);
    ::close(wake_);
    ::close(listen_fd_);
  }
  void Start(size_t threads) {
    for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Loop(); });
  }
  void StopAndJoin() {
    stop_.store(true);
    uint64_t one = 1;
    (void)!::write(wake_, &one, sizeof(one));
    for (auto& t : threads_) t.join();
    threads_.clear();
    std::unordered_map<uint64_t, std::shared_ptr<Conn>> conns;
    {
      std::lock_guard lock(mu_);
      conns.swap(conns_);
    }
    for (auto& [id, c] : conns) c->Close();
  }
  void Forget(uint64_t id, int fd) {
    ::epoll_ctl(ep_, EPOLL_CTL_DEL, fd, nullptr);
    std::lock_guard lock(mu_);
    conns_.erase(id);
  }
  void Deliver(HttpRequest req, std::unique_ptr<ResponseChannel> ch) { cb_(std::move(req), std::move(ch)); }
  uint64_t max_body() const { return max_body_; }
  Outstanding& outstanding() { return outstanding_; }

 private:
  static constexpr uint64_t kWakeId = 0;
  static constexpr uint64_t kListenId = 1;

  void Loop() {
    epoll_event events[64];
    while (!stop_.load()) {
      int n = ::epoll_wait(ep_, events, 64, -1);
      for (int i = 0; i < n && !stop_.load(); ++i) {
        uint64_t id = events[i].data.u64;
        if (id == kWakeId) continue;
        if (id == kListenId) {
          Accept();
          continue;
        }
        std::shared_ptr<Conn> c;
        {
          std::lock_guard lock(mu_);
          auto it = conns_.find(id);
          if (it != conns_.end()) c = it->second;
        }
        if (c) c->Run((events[i].events & EPOLLOUT) != 0);
      }
    }
  }

  void Accept() {
    for (;;) {
      int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) return;  // EAGAIN (another thread took it) or a transient error
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      uint64_t id = next_id_.fetch_add(1);
      auto c = std::make_shared<Conn>(fd, id, this);
      {
        std::lock_guard lock(mu_);
        conns_[id] = c;
      }
      epoll_event ev{};
      ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
      ev.data.u64 = id;
      if (::epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev) != 0) {
        std::lock_guard lock(mu_);
        conns_.erase(id);
      }
    }
  }

  int listen_fd_;
  RequestCallback cb_;
  uint64_t max_body_;
  int ep_ = -1;
  int wake_ = -1;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> next_id_{2};
  std::mutex mu_;
  std::unordered_map<uint64_t, std::shared_ptr<Conn>> conns_;
  Outstanding outstanding_;
};

// ---------------------------------------------------------------------------
// Output

void Conn::MaybeFinishLocked() {
  if (answer_in_flight_ && answer_done_ && (broken_ || out_off_ == out_.size())) {
    answer_in_flight_ = false;
    server_->outstanding().Done();
  }
}

bool Conn::FlushLocked() {
  while (out_off_ < out_.size() && !broken_) {
    ssize_t n = ::send(fd_, out_.data() + out_off_, out_.size() - out_off_, MSG_NOSIGNAL);
    if (n > 0) {
      out_off_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;  // EPOLLOUT (edge) will follow
    broken_ = true;
  }
  if (broken_ || out_off_ == out_.size()) {
    out_.clear();
    out_off_ = 0;
  } else if (out_off_ > (1 << 20)) {
    out_.erase(0, out_off_);
    out_off_ = 0;
  }
  if (shut_after_flush_ && !shut_wr_ && out_.empty() && !closed_) {
    ::shutdown(fd_, SHUT_WR);
    shut_wr_ = true;
  }
  drained_.notify_all();
  MaybeFinishLocked();
  return !broken_;
}

bool Conn::Write(std::string_view data, bool last) {
  bool go_on = false;
  bool ok;
  {
    std::lock_guard lock(mu_);
    if (!broken_ && !closed_) out_.append(data);
    if (last && !answer_done_) {
      answer_done_ = true;
      shut_after_flush_ = close_after_answer_;
      go_on = !closed_;
    }
    FlushLocked();
    ok = !broken_ && !closed_;
  }
  // The reader waits for this answer before it parses the next request:
  // let it go on (right here unless it is running, e.g. this is an answer
  // built in place by the reader's own thread).
  if (go_on) Run(false);
  return ok;
}

bool Conn::WaitDrained() {
  std::unique_lock lock(mu_);
  auto last_progress = std::chrono::steady_clock::now();
  size_t last_pending = out_.size() - out_off_;
  while (!broken_ && !closed_ && out_.size() - out_off_ > kStreamHighWater) {
    drained_.wait_for(lock, std::chrono::milliseconds(200));
    size_t pending = out_.size() - out_off_;
    auto now = std::chrono::steady_clock::now();
    if (pending < last_pending) {
      last_pending = pending;
      last_progress = now;
    } else if (now - last_progress > kStreamStallLimit) {
      broken_ = true;
      ::shutdown(fd_, SHUT_RDWR);
    }
  }
  return !broken_ && !closed_;
}

void Conn::Abort() {
  std::lock_guard lock(mu_);
  broken_ = true;
  out_.clear();
  out_off_ = 0;
  if (!closed_) ::shutdown(fd_, SHUT_RDWR);  // an event follows; the reader closes
  drained_.notify_all();
  MaybeFinishLocked();
}

void Conn::Close() {
  std::lock_guard lock(mu_);
  if (closed_) return;
  closed_ = true;
  broken_ = true;
  ::shutdown(fd_, SHUT_RDWR);
  drained_.notify_all();
  MaybeFinishLocked();
}

void Conn::Run(bool writable) {
  {
    std::lock_guard lock(mu_);
    if (running_) {
      rerun_ = true;
      return;
    }
    running_ = true;
  }
  for (;;) {
    RunOnce(writable);
    std::lock_guard lock(mu_);
    if (!rerun_) {
      running_ = false;
      return;
    }
    rerun_ = false;
    writable = true;
  }
}

void Conn::RunOnce(bool writable) {
  bool waiting_done;
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (writable) FlushLocked();
    waiting_done = state_ == State::kWaiting && answer_done_;
    if (waiting_done) state_ = close_after_answer_ ? State::kDone : State::kHead;
  }
  // Read everything the socket has (edge-triggered), except while a request
  // is in flight with plenty buffered: then reading waits for its answer.
  while (!eof_ && !(state_ == State::kWaiting && in_.size() - in_off_ > 4 * kReadSize)) {
    if (in_off_ > 0 && in_off_ == in_.size()) {
      in_.clear();
      in_off_ = 0;
    }
    size_t old = in_.size();
    in_.resize(old + kReadSize);
    ssize_t n = ::recv(fd_, in_.data() + old, kReadSize, 0);
    in_.resize(old + std::max<ssize_t>(n, 0));
    if (n > 0) {
      // Consume as we go, so that a large (or refused, drained) body never
      // piles up here.
      if (in_.size() - in_off_ >= 4 * kReadSize) Process();
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    eof_ = true;  // the client hung up (or the connection failed)
    if (n < 0) {
      std::lock_guard lock(mu_);
      broken_ = true;
    }
  }
  Process();
  if (eof_) {
    bool close_now;
    {
      std::lock_guard lock(mu_);
      // Close once nothing is in flight (a half-closed client still gets its
      // answer), or at once when the connection is broken.
      close_now = broken_ || (state_ != State::kWaiting && out_.empty()) || closed_;
      if (close_now && !closed_) {
        closed_ = true;
        broken_ = true;
        drained_.notify_all();
        MaybeFinishLocked();
      }
    }
    if (close_now) server_->Forget(id_, fd_);
  }
}

// ---------------------------------------------------------------------------
// Channel and stream

std::string Hex(size_t n) {
  char buf[20];
  auto r = std::to_chars(buf, buf + sizeof(buf), n, 16);
  return std::string(buf, r.ptr);
}

// Serialises status line and headers; `length` < 0: chunked.
std::string Head(Conn* c, int status, const HeaderList& headers, int64_t length) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) + "\r\n";
  for (const auto& [k, v] : headers) {
    if (IEq(k, "content-length") || IEq(k, "transfer-encoding")) continue;
    if (IEq(k, "connection") && IContains(v, "close")) c->SetCloseAfterAnswer();
    out.append(k).append(": ").append(v).append("\r\n");
  }
  if (length < 0) {
    out += "Transfer-Encoding: chunked\r\n";
  } else if (status != 204 && status != 304) {
    out += "Content-Length: " + std::to_string(length) + "\r\n";
  }
  out += "\r\n";
  return out;
}

class NativeBodyStream final : public BodyStream {
 public:
  explicit NativeBodyStream(std::shared_ptr<Conn> c) : c_(std::move(c)) {}
  ~NativeBodyStream() override { Finish(); }
  bool Write(std::string_view data) override {
    if (closed_ || gone_) return false;
    if (data.empty()) return true;
    std::string frame = Hex(data.size());
    frame += "\r\n";
    frame.append(data);
    frame += "\r\n";
    if (!c_->Write(frame, false) || !c_->WaitDrained()) gone_ = true;
    return !gone_;
  }
  void Finish() override {
    if (closed_) return;
    closed_ = true;
    (void)c_->Write("0\r\n\r\n", true);
  }
  void Abort() override {
    if (closed_) return;
    closed_ = true;
    c_->Abort();
    (void)c_->Write("", true);
  }

 private:
  std::shared_ptr<Conn> c_;
  bool closed_ = false;
  bool gone_ = false;
};

class NativeChannel final : public ResponseChannel {
 public:
  NativeChannel(std::shared_ptr<Conn> c, bool head) : c_(std::move(c)), head_(head) {}
  void Send(HttpResponse r) override {
    std::string out = Head(c_.get(), r.status, r.headers, static_cast<int64_t>(r.body.size()));
    if (!head_ && r.status != 204 && r.status != 304) out += r.body;
    (void)c_->Write(out, true);
  }
  std::unique_ptr<BodyStream> StartStream(int status, HeaderList headers) override {
    (void)c_->Write(Head(c_.get(), status, headers, -1), false);
    return std::make_unique<NativeBodyStream>(c_);
  }

 private:
  std::shared_ptr<Conn> c_;
  bool head_;
};

std::unique_ptr<ResponseChannel> MakeChannel(std::shared_ptr<Conn> c, bool head) {
  return std::make_unique<NativeChannel>(std::move(c), head);
}

// ---------------------------------------------------------------------------
// Input

void Conn::Fail(int status, const char* message) {
  std::string body = std::string("{\"error\":{\"code\":\"BadRequest\",\"message\":\"") + message + "\"}}\n";
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) +
                  "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                  std::to_string(body.size()) + "\r\n\r\n" + body;
  {
    std::lock_guard lock(mu_);
    close_after_answer_ = true;
    shut_after_flush_ = true;
  }
  state_ = State::kDone;
  in_.clear();
  in_off_ = 0;
  (void)Write(r, false);  // shuts the connection down once written
}

bool Conn::ParseHead(size_t head_end) {
  std::string_view head(in_.data() + in_off_, head_end - in_off_);
  req_ = HttpRequest();
  req_.header_bytes = head.size() + 4;
  size_t line_end = head.find("\r\n");
  std::string_view line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) {
    Fail(400, "malformed request line");
    return false;
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    Fail(400, "unsupported HTTP version");
    return false;
  }
  keep_alive_ = version == "HTTP/1.1";
  req_.method = ParseMethod(method);
  req_.method_text = std::string(method);
  size_t q = target.find('?');
  req_.raw_path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) req_.query = std::string(target.substr(q + 1));
  if (!PercentDecode(req_.raw_path, false, &req_.path)) req_.path = req_.raw_path;

  bool chunked = false, has_length = false, expect_continue = false;
  uint64_t length = 0;
  size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string_view::npos) e = head.size();
    std::string_view h = head.substr(pos, e - pos);
    pos = e + 2;
    size_t colon = h.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      Fail(400, "malformed header line");
      return false;
    }
    std::string name(Trim(h.substr(0, colon)));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = Trim(h.substr(colon + 1));
    if (name == "content-length") {
      auto r = std::from_chars(value.data(), value.data() + value.size(), length);
      if (r.ec != std::errc() || r.ptr != value.data() + value.size()) {
        Fail(400, "invalid Content-Length");
        return false;
      }
      has_length = true;
    } else if (name == "transfer-encoding") {
      chunked = IContains(value, "chunked");
    } else if (name == "connection") {
      if (IContains(value, "close")) keep_alive_ = false;
      if (IContains(value, "keep-alive")) keep_alive_ = true;
    } else if (name == "expect") {
      expect_continue = IContains(value, "100-continue");
    }
    req_.headers.emplace_back(std::move(name), std::string(value));
  }
  in_off_ = head_end + 4;
  {
    std::lock_guard lock(mu_);
    close_after_answer_ = !keep_alive_;
  }
  if (chunked) {
    state_ = State::kChunkSize;
  } else if (has_length && length > 0) {
    if (length > server_->max_body()) {
      req_.body_too_large = true;
      req_.body_bytes = length;
      if (expect_continue) {
        // The client has not sent the body: answer 413 now and close.
        std::lock_guard lock(mu_);
        close_after_answer_ = true;
        state_ = State::kWaiting;
        return true;
      }
    } else {
      req_.body.reserve(length);
    }
    body_left_ = length;
    state_ = State::kBody;
  } else {
    state_ = State::kWaiting;
    return true;
  }
  if (expect_continue) Write("HTTP/1.1 100 Continue\r\n\r\n", false);
  return true;
}

void Conn::Process() {
  while (!closed_) {
    size_t avail = in_.size() - in_off_;
    switch (state_) {
      case State::kWaiting:
        goto out;
      case State::kDone:  // the connection closes after its answer: ignore the rest
        in_.clear();
        in_off_ = 0;
        goto out;
      case State::kHead: {
        if (avail == 0) goto out;
        size_t end = in_.find("\r\n\r\n", in_off_);
        if (end == std::string::npos) {
          if (avail > kMaxHead) {
            // Let the API answer 431; never read more of this connection.
            req_ = HttpRequest();
            req_.method = HttpMethod::kGet;
            req_.method_text = "GET";
            req_.path.assign(1, '/');
            req_.raw_path.assign(1, '/');
            req_.header_bytes = avail;
            {
              std::lock_guard lock(mu_);
              close_after_answer_ = true;
            }
            in_.clear();
            in_off_ = 0;
            state_ = State::kWaiting;
            break;
          }
          goto out;
        }
        if (!ParseHead(end)) goto out;
        if (state_ == State::kWaiting) break;  // no body to read: deliver
        continue;
      }
      case State::kBody: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(body_left_, avail));
        if (!req_.body_too_large) req_.body.append(in_, in_off_, take);
        in_off_ += take;
        body_left_ -= take;
        if (!req_.body_too_large) req_.body_bytes += take;
        if (body_left_ > 0) goto out;
        break;  // complete: delivered below
      }
      case State::kChunkSize: {
        size_t e = in_.find("\r\n", in_off_);
        if (e == std::string::npos) {
          if (avail > 1024) {
            Fail(400, "malformed chunk size");
          }
          goto out;
        }
        uint64_t size = 0;
        const char* b = in_.data() + in_off_;
        auto r = std::from_chars(b, in_.data() + e, size, 16);
        if (r.ec != std::errc() || r.ptr == b) {
          Fail(400, "malformed chunk size");
          goto out;
        }
        in_off_ = e + 2;
        body_left_ = size;
        state_ = size == 0 ? State::kTrailer : State::kChunkData;
        continue;
      }
      case State::kChunkData: {
        size_t take = static_cast<size_t>(std::min<uint64_t>(body_left_, avail));
        req_.body_bytes += take;
        if (!req_.body_too_large) {
          if (req_.body_bytes > server_->max_body()) {
            req_.body_too_large = true;
            std::string().swap(req_.body);
          } else {
            req_.body.append(in_, in_off_, take);
          }
        }
        in_off_ += take;
        body_left_ -= take;
        if (body_left_ > 0) goto out;
        state_ = State::kChunkEnd;
        continue;
      }
      case State::kChunkEnd:
        if (avail < 2) goto out;
        if (in_.compare(in_off_, 2, "\r\n") != 0) {
          Fail(400, "malformed chunk");
          goto out;
        }
        in_off_ += 2;
        state_ = State::kChunkSize;
        continue;
      case State::kTrailer: {
        size_t e = in_.find("\r\n", in_off_);
        if (e == std::string::npos) goto out;
        bool empty = e == in_off_;
        in_off_ = e + 2;
        if (!empty) continue;
        break;  // complete
      }
    }
    // A whole request: hand it over.
    if (in_off_ == in_.size()) {
      in_.clear();
      in_off_ = 0;
    }
    state_ = State::kWaiting;
    {
      std::lock_guard lock(mu_);
      answer_in_flight_ = true;
      answer_done_ = false;
    }
    server_->outstanding().Add();
    bool head = req_.method == HttpMethod::kHead;
    server_->Deliver(std::move(req_), MakeChannel(shared_from_this(), head));
    // The next request is parsed once this one's answer is queued: Write()
    // runs the reader again (here, if the handler answered in place).
    goto out;
  }
out:
  if (in_off_ > 0 && in_off_ == in_.size()) {
    in_.clear();
    in_off_ = 0;
  }
}

class NativeTransport final : public Transport {
 public:
  NativeTransport(int listen_fd, int port, RequestCallback cb, size_t threads, uint64_t max_body)
      : server_(std::make_unique<Server>(listen_fd, std::move(cb), max_body)), port_(port) {
    server_->Start(threads);
  }
  ~NativeTransport() override { Stop(std::chrono::milliseconds(0)); }
  int port() const override { return port_; }
  void Stop(std::chrono::milliseconds drain) override {
    if (stopped_.exchange(true)) return;
    {
      Outstanding& o = server_->outstanding();
      std::unique_lock lock(o.mu);
      o.cv.wait_for(lock, drain, [&o] { return o.count == 0; });
    }
    server_->StopAndJoin();
  }

 private:
  // Never freed before the transport: a worker still answering holds
  // connections that point at it (their writes fail once closed).
  std::unique_ptr<Server> server_;
  int port_;
  std::atomic<bool> stopped_{false};
};

}  // namespace

Status StartNativeTransport(const TransportOptions& options, RequestCallback callback,
                            std::unique_ptr<Transport>* out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port_text = std::to_string(options.port);
  int rc = ::getaddrinfo(options.host.c_str(), port_text.c_str(), &hints, &res);
  if (rc != 0) return Status::IOError("cannot resolve host '" + options.host + "': " + gai_strerror(rc));
  int fd = -1;
  std::string error = "no usable address";
  for (addrinfo* ai = res; ai && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 1024) != 0) {
      error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(res);
  if (fd < 0) return Status::IOError("cannot listen on " + options.host + ":" + port_text + ": " + error);
  sockaddr_storage addr{};
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = addr.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port)
                                        : ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  size_t threads = std::max<size_t>(1, options.io_threads ? options.io_threads : std::thread::hardware_concurrency());
  *out = std::make_unique<NativeTransport>(fd, port, std::move(callback), threads, options.max_body_bytes);
  return Status::OK();
}

}  // namespace trendgraph::engine::http
