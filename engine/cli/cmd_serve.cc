// trendgraph serve: opens the database and serves the HTTP API until
// SIGINT/SIGTERM, then finishes in-flight requests, flushes and closes.
#include <signal.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "engine/cli/commands.h"
#include "engine/engine.h"
#include "engine/http/http_server.h"

namespace trendgraph::cli {

namespace {

namespace po = boost::program_options;

// Parses argv into `out`. Returns -1 to go on, else the exit code.
int ParseServeFlags(int argc, char** argv, engine::http::ServerOptions* out, storage::Options* storage) {
  engine::http::ServerOptions& o = *out;
  uint64_t read_cache_mib = storage->read_cache_bytes >> 20;
  uint64_t block_cache_mib = storage->block_cache_bytes >> 20;
  int64_t timeout_ms = o.query_timeout.count();
  uint64_t max_body = o.max_body_bytes;
  po::options_description desc("trendgraph serve [options]");
  // clang-format off
  desc.add_options()
      ("help,h", "show this help")
      ("db", po::value(&o.db_path)->default_value(o.db_path), "database directory (created when missing)")
      ("host", po::value(&o.host)->default_value(o.host), "address to bind; 0.0.0.0 exposes the server to the network")
      ("port", po::value(&o.port)->default_value(o.port), "TCP port; 0 picks a free one")
      ("plugin-dir", po::value(&o.plugin_dir), "plugin folder (default: the build's, then the installed one)")
      ("token", po::value(&o.token), "bearer token required for writes (default: env TRENDGRAPH_TOKEN)")
      ("auth-reads", po::bool_switch(&o.auth_reads), "require the token for reads too (health excepted)")
      ("read-only", po::bool_switch(&o.read_only), "refuse every write with 403")
      ("max-body", po::value(&max_body)->default_value(max_body), "largest request body in bytes (413 beyond)")
      ("cors-origin", po::value(&o.cors_origins)->composing(), "browser origin allowed by CORS (repeatable; * for any)")
      ("query-timeout-ms", po::value(&timeout_ms)->default_value(timeout_ms), "per-query time limit; 0 = none")
      ("max-rows", po::value(&o.max_rows)->default_value(o.max_rows), "most rows per answer; 0 = unlimited")
      ("threads", po::value(&o.threads)->default_value(o.threads), "worker threads; 0 = 4 per core, at least 8")
      ("io-threads", po::value(&o.io_threads)->default_value(o.io_threads), "I/O threads; 0 = cores + 1, at least 3")
      ("read-cache-mib", po::value(&read_cache_mib)->default_value(read_cache_mib),
       "in-memory read cache per graph state, MiB (records, adjacency, label scans); 0 = off")
      ("block-cache-mib", po::value(&block_cache_mib)->default_value(block_cache_mib),
       "RocksDB block cache, MiB");
  // clang-format on
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "trendgraph serve: %s\n\n", e.what());
    std::cerr << desc << "\n";
    return kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    return kExitOk;
  }
  if (timeout_ms < 0) {
    std::fprintf(stderr, "trendgraph serve: --query-timeout-ms must be >= 0\n");
    return kExitUsage;
  }
  if (max_body == 0) {
    std::fprintf(stderr, "trendgraph serve: --max-body must be > 0\n");
    return kExitUsage;
  }
  if (block_cache_mib == 0) {
    std::fprintf(stderr, "trendgraph serve: --block-cache-mib must be > 0\n");
    return kExitUsage;
  }
  storage->read_cache_bytes = static_cast<size_t>(read_cache_mib) << 20;
  storage->block_cache_bytes = static_cast<size_t>(block_cache_mib) << 20;
  o.query_timeout = std::chrono::milliseconds(timeout_ms);
  o.max_body_bytes = max_body;
  if (o.token.empty()) {
    if (const char* env = std::getenv("TRENDGRAPH_TOKEN")) o.token = env;
  }
  if (o.auth_reads && o.token.empty()) {
    std::fprintf(stderr, "trendgraph serve: --auth-reads needs --token (or TRENDGRAPH_TOKEN)\n");
    return kExitUsage;
  }
  return -1;
}

}  // namespace

int RunServe(int argc, char** argv) {
  engine::http::ServerOptions options;
  engine::EngineOptions eo;
  int rc = ParseServeFlags(argc, argv, &options, &eo.storage);
  if (rc >= 0) return rc;

  // Block the stop signals before any thread starts, so that every thread
  // inherits the mask and only sigwait() below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A client hanging up mid-answer must not kill the server.
  signal(SIGPIPE, SIG_IGN);

  eo.storage.path = options.db_path;
  eo.plugin_dir = options.plugin_dir;
  std::unique_ptr<engine::Engine> engine;
  Status s = engine::Engine::Open(eo, &engine);
  if (!s.ok()) {
    std::fprintf(stderr, "trendgraph serve: cannot open database '%s': %s\n", options.db_path.c_str(),
                 s.ToString().c_str());
    return kExitFailure;
  }
  for (const auto& e : engine->load_errors()) std::fprintf(stderr, "trendgraph serve: plugin skipped: %s\n", e.c_str());

  std::unique_ptr<engine::http::HttpServer> server;
  s = engine::http::HttpServer::Start(options, engine.get(), &server);
  if (!s.ok()) {
    std::fprintf(stderr, "trendgraph serve: %s\n", s.ToString().c_str());
    return kExitFailure;
  }
  std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  std::printf("listening on http://%s:%d\n", host.c_str(), server->port());
  std::fflush(stdout);
  if (options.host != "127.0.0.1" && options.host != "localhost" && options.host != "::1" && options.token.empty()) {
    std::fprintf(stderr, "trendgraph serve: warning: listening on %s without --token: anyone who can reach it can write\n",
                 options.host.c_str());
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "trendgraph serve: %s received; finishing requests\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  const bool connections_closed = server->Shutdown();
  server.reset();
  s = engine->db().Flush();
  if (!s.ok()) {
    std::fprintf(stderr, "trendgraph serve: flush failed: %s\n", s.ToString().c_str());
    engine.reset();
    return kExitFailure;
  }
  engine.reset();
  std::fprintf(stderr, "trendgraph serve: stopped\n");
  if (!connections_closed) {
    // The database is flushed and closed; a connection cpprest would not
    // let go of could hold its threads, and exit() would wait on them at
    // static destruction forever.
    std::fflush(nullptr);
    std::_Exit(kExitOk);
  }
  return kExitOk;
}

}  // namespace trendgraph::cli
