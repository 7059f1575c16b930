// Transport: the seam between an HTTP library and the API. A transport
// accepts connections, reads a request's head and body (enforcing the body
// limit without buffering more than it), hands an HttpRequest and a
// ResponseChannel to the callback, and writes the answer back.
//
// Today's implementation wraps cpprestsdk's http_listener
// (cpprest_transport.cc, the only file that includes cpprestsdk). Swapping
// the library means writing another StartXxxTransport; nothing above this
// header changes.
//
// Threading: the callback runs on the transport's I/O threads and must not
// block (the server hands the request to its worker pool). A
// ResponseChannel may be used from any one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "engine/http/http_message.h"
#include "storage/status.h"

namespace trendgraph::engine::http {

struct TransportOptions {
  // Address to bind. Default 127.0.0.1 (loopback only).
  std::string host = "127.0.0.1";
  // TCP port; 0 picks a free ephemeral port (see Transport::port()).
  int port = 7480;
  // Bodies longer than this are read and discarded, and the request is
  // delivered with body_too_large set. Default 64 MiB.
  uint64_t max_body_bytes = 64ull << 20;
  // I/O threads; 0 = one per core. At least 2 in any case (with one,
  // cpprest's listener cannot close).
  size_t io_threads = 0;
};

using RequestCallback = std::function<void(HttpRequest request, std::unique_ptr<ResponseChannel> channel)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // The port actually bound.
  virtual int port() const = 0;
  // Waits up to `drain` for the answers already handed over to be written
  // out, then stops accepting and closes every connection (what is still
  // unsent after `drain` is lost). False when a connection would not close
  // and was left behind: the process should then end without waiting for
  // the network library's threads. Idempotent (later calls return true).
  virtual bool Stop(std::chrono::milliseconds drain) = 0;
};

// Errors: IOError naming host:port when the address cannot be bound.
Status StartCpprestTransport(const TransportOptions& options, RequestCallback callback,
                             std::unique_ptr<Transport>* out);

}  // namespace trendgraph::engine::http
