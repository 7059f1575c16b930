// Engine: the wiring of one embedded trendgraph database — storage, the
// plugin host, the procedure registry — and Session, the one entry point
// through which HTTP, the CLI and tests run queries and ingest documents.
//
// Thread-safety: Engine and Session are thread-safe; any number of queries
// run in parallel (reads on snapshots); writes to one graph are serialised by
// the storage layer.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest.h"
#include "query/query_api.h"
#include "storage/bulk_load.h"
#include "storage/graph_store.h"
#include "storage/status.h"

namespace trendgraph::engine {

class PluginHost;

struct EngineOptions {
  storage::Options storage;
  // Folder scanned for plugin .so files at start. Empty: the build's plugin
  // folder (TRENDGRAPH_DEFAULT_PLUGIN_DIR), then the installed one.
  std::string plugin_dir;
  // Do not load any plugin (tests of the core, tools that only read).
  bool no_plugins = false;
};

class Engine {
 public:
  // Opens the database and loads the plugins. A plugin that fails to load is
  // reported in load_errors() and skipped; the database still opens.
  static Status Open(const EngineOptions& options, std::unique_ptr<Engine>* out);
  ~Engine();

  storage::Database& db() { return *db_; }
  query::ProcedureRegistry& procedures() { return *procedures_; }
  PluginHost& plugins() { return *plugins_; }
  const std::vector<std::string>& load_errors() const { return load_errors_; }
  const EngineOptions& options() const { return options_; }

 private:
  Engine() = default;
  EngineOptions options_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<query::ProcedureRegistry> procedures_;
  std::unique_ptr<PluginHost> plugins_;
  std::vector<std::string> load_errors_;
};

class Session {
 public:
  explicit Session(Engine& engine) : engine_(engine) {}

  // Runs one query on graph `graph` ("default" when empty). A missing graph
  // is an EntityNotFound-class error naming it.
  query::QueryOutcome Execute(std::string_view graph, std::string_view text, const Value::Map& params,
                              const query::QueryOptions& options, query::ResultSink* sink);

  // Ingests documents with plugin `plugin` ("auto" picks by content) into
  // `graph`. Per-document results; never throws. With `bulk` (a
  // storage::BulkLoad of that graph) documents go into the load (see
  // PluginHost::Ingest).
  Result<IngestReport> Ingest(std::string_view graph, std::string_view plugin,
                              const std::vector<IngestDocument>& documents,
                              const IngestProgress& progress = nullptr, storage::BulkLoad* bulk = nullptr);

 private:
  Engine& engine_;
};

}  // namespace trendgraph::engine
