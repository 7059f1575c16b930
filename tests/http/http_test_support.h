// Test support for the HTTP suite: a real `trendgraph serve` child process
// on an ephemeral port, a small raw-socket HTTP/1.1 client (raw so that
// tests can send malformed, partial and oversized requests), a fixture that
// runs one server on a fresh database, and readers of the rows and the error
// of a query answer.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "test_util.h"

namespace trendgraph::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The JSON body of POST /v1/graphs/{g}/query: `q` as a JSON string (quotes
// and backslashes escaped), `params` as JSON text.
inline std::string QueryBody(const std::string& q, const std::string& params = "{}") {
  std::string esc;
  for (char c : q) {
    if (c == '"' || c == '\\') esc.push_back('\\');
    esc.push_back(c);
  }
  return "{\"query\": \"" + esc + "\", \"parameters\": " + params + "}";
}

struct HttpReply {
  int status = 0;  // 0: no answer (connection failed or closed)
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool complete = false;  // body fully received (length or final chunk)
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// One TCP connection to the server; requests on it are keep-alive.
class HttpConnection {
 public:
  explicit HttpConnection(int port, int timeout_ms = 20000) : timeout_ms_(timeout_ms) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~HttpConnection() { Close(); }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool ok() const { return fd_ >= 0; }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool SendRaw(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  HttpReply Request(const std::string& method, const std::string& path, const std::string& body = "",
                    const Headers& headers = {}) {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    bool has_type = false;
    for (const auto& [k, v] : headers) {
      req += k + ": " + v + "\r\n";
      std::string lk = k;
      for (char& c : lk) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      has_type |= lk == "content-type";
    }
    if (!body.empty() && !has_type) req += "Content-Type: application/json\r\n";
    if (!body.empty() || method == "POST" || method == "PUT") req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n";
    req += body;
    if (!SendRaw(req)) return {};
    return ReadReply(method == "HEAD");
  }

  // Reads one response. `max_body` stops early (for streaming tests).
  HttpReply ReadReply(bool head = false, size_t max_body = std::string::npos) {
    HttpReply r;
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;
    }
    std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    size_t line_end = head_text.find("\r\n");
    std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12) return r;
    r.status = std::atoi(status_line.c_str() + 9);
    size_t pos = line_end == std::string::npos ? head_text.size() : line_end + 2;
    while (pos < head_text.size()) {
      size_t e = head_text.find("\r\n", pos);
      if (e == std::string::npos) e = head_text.size();
      std::string line = head_text.substr(pos, e - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string k = line.substr(0, colon);
        for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string v = line.substr(colon + 1);
        while (!v.empty() && v.front() == ' ') v.erase(0, 1);
        r.headers[k] = v;
      }
      pos = e + 2;
    }
    if (head || r.status == 204 || r.status == 304) {
      r.complete = true;
      return r;
    }
    if (r.Header("transfer-encoding").find("chunked") != std::string::npos) {
      for (;;) {
        size_t le;
        while ((le = buf_.find("\r\n")) == std::string::npos) {
          if (!Fill()) return r;
        }
        size_t len = std::strtoul(buf_.c_str(), nullptr, 16);
        buf_.erase(0, le + 2);
        while (buf_.size() < len + 2) {
          if (!Fill()) {
            r.body += buf_;
            buf_.clear();
            return r;
          }
        }
        r.body.append(buf_, 0, len);
        buf_.erase(0, len + 2);
        if (len == 0) {
          r.complete = true;
          return r;
        }
        if (r.body.size() >= max_body) return r;
      }
    }
    std::string cl = r.Header("content-length");
    if (!cl.empty()) {
      size_t len = std::strtoull(cl.c_str(), nullptr, 10);
      while (buf_.size() < len) {
        if (!Fill()) return r;
      }
      r.body = buf_.substr(0, len);
      buf_.erase(0, len);
      r.complete = true;
      return r;
    }
    while (Fill()) {
    }
    r.body = buf_;
    buf_.clear();
    r.complete = true;
    return r;
  }

  // True if the peer closed the connection within `ms`.
  bool WaitClosed(int ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) > 0) {
        char c[4096];
        ssize_t n = ::recv(fd_, c, sizeof(c), 0);
        if (n <= 0) return true;
      }
    }
    return false;
  }

  int fd() const { return fd_; }

 private:
  bool Fill() {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms_) <= 0) return false;
    char tmp[65536];
    ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  int timeout_ms_;
  std::string buf_;
};

// A `trendgraph serve` child process.
class ServerProcess {
 public:
  ServerProcess() = default;
  ~ServerProcess() { Kill(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `trendgraph serve --db db --port 0 <extra>` and waits for its
  // "listening on http://HOST:PORT" line. False (with `error`) on failure.
  bool Start(const std::string& db, const std::vector<std::string>& extra, std::string* error,
             const std::vector<std::string>& env = {}) {
    int out_pipe[2];
    if (::pipe(out_pipe) != 0) {
      *error = "pipe failed";
      return false;
    }
    std::vector<std::string> args = {TRENDGRAPH_BIN, "serve", "--db", db, "--port", "0"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out_pipe[1], 1);
      ::close(out_pipe[0]);
      ::close(out_pipe[1]);
      for (const auto& e : env) ::putenv(const_cast<char*>(e.c_str()));
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      _exit(127);
    }
    ::close(out_pipe[1]);
    out_fd_ = out_pipe[0];
    std::string line;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) {
        char c;
        ssize_t n = ::read(out_fd_, &c, 1);
        if (n <= 0) break;
        if (c != '\n') {
          line.push_back(c);
          continue;
        }
        const std::string kPrefix = "listening on http://";
        if (line.rfind(kPrefix, 0) == 0) {
          port_ = std::atoi(line.c_str() + line.rfind(':') + 1);
          return port_ > 0;
        }
        line.clear();
      }
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        *error = "server exited early with status " + std::to_string(WEXITSTATUS(status));
        return false;
      }
    }
    *error = "no 'listening on' line within 30 s";
    Kill();
    return false;
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }

  // Sends `sig` and waits for exit; returns the exit code (or -signal, or
  // -1000 on timeout).
  int Stop(int sig = SIGTERM, int timeout_ms = 40000) {
    if (pid_ <= 0) return -2000;
    ::kill(pid_, sig);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      int status;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        if (out_fd_ >= 0) ::close(out_fd_);
        out_fd_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Kill();
    return -1000;
  }

  void Kill() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (out_fd_ >= 0) ::close(out_fd_);
    out_fd_ = -1;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  int port_ = 0;
};

// One request on a fresh connection; status 0 when nothing answered.
inline HttpReply Fetch(int port, const std::string& method, const std::string& path, const std::string& body = "",
                       const Headers& headers = {}) {
  HttpConnection c(port);
  if (!c.ok()) return {};
  return c.Request(method, path, body, headers);
}

// The "rows" of a query answer as compact JSON text, e.g. [[1,"x"]]. An
// answer without rows reads "<no rows> " and its body, so that comparing it
// with the expected rows fails showing what came back.
inline std::string RowsJson(const HttpReply& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str(), r.body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("rows")) return "<no rows> " + r.body;
  rapidjson::StringBuffer out;
  rapidjson::Writer<rapidjson::StringBuffer> w(out);
  d["rows"].Accept(w);
  return out.GetString();
}

// The "error" member of an answer. An answer without one reads code
// "<none>" and the whole body as message, which matches no expected code.
struct ErrorReply {
  std::string code;
  std::string message;
};
inline ErrorReply ErrorOf(const HttpReply& r) {
  rapidjson::Document d;
  d.Parse(r.body.c_str(), r.body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("error") || !d["error"].IsObject()) return {"<none>", r.body};
  const rapidjson::Value& e = d["error"];
  if (!e.HasMember("code") || !e["code"].IsString()) return {"<none>", r.body};
  return {e["code"].GetString(), e.HasMember("message") && e["message"].IsString() ? e["message"].GetString() : ""};
}

// A fixture around one `trendgraph serve` child on a fresh database in a
// temp dir. Nothing runs until StartServer(); after server_.Stop(), it
// starts again on the same database. Requests go to port_.
class ServerFixture : public ::testing::Test {
 protected:
  // Starts `trendgraph serve --db <dir_>/db --port 0 <extra>` (with `env`
  // entries NAME=VALUE added); a failure to start is a fatal failure.
  void StartServer(const std::vector<std::string>& extra = {}, const std::vector<std::string>& env = {}) {
    std::string error;
    ASSERT_TRUE(server_.Start(dir_.Sub("db"), extra, &error, env)) << error;
    port_ = server_.port();
  }
  HttpReply Get(const std::string& path, const Headers& h = {}) { return Fetch(port_, "GET", path, "", h); }
  // POST /v1/graphs/<graph>/query with `q` and `params` (JSON text).
  HttpReply Query(const std::string& q, const std::string& params = "{}", const Headers& h = {},
                  const std::string& graph = "default") {
    return Fetch(port_, "POST", "/v1/graphs/" + graph + "/query", QueryBody(q, params), h);
  }
  // The rows (RowsJson) of a query on the default graph; a status other
  // than 200 also fails the test, naming the query.
  std::string Rows(const std::string& q, const std::string& params = "{}") {
    HttpReply r = Query(q, params);
    EXPECT_EQ(r.status, 200) << q << "\n" << r.body;
    return RowsJson(r);
  }

  TempDir dir_;
  ServerProcess server_;
  int port_ = 0;
};

}  // namespace trendgraph::testing
