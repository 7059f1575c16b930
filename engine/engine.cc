#include "engine/engine.h"

#include "engine/plugin_host.h"

namespace trendgraph::engine {

Engine::~Engine() = default;

Status Engine::Open(const EngineOptions& options, std::unique_ptr<Engine>* out) {
  std::unique_ptr<Engine> engine(new Engine());
  engine->options_ = options;
  TG_RETURN_IF_ERROR(storage::Database::Open(options.storage, &engine->db_));
  engine->procedures_ = std::make_unique<query::ProcedureRegistry>();
  query::RegisterBuiltinProcedures(engine->procedures_.get());
  engine->plugins_ = std::make_unique<PluginHost>(engine->procedures_.get());
  if (!options.no_plugins) {
    std::string dir = options.plugin_dir.empty() ? PluginHost::DefaultPluginDir() : options.plugin_dir;
    engine->load_errors_ = engine->plugins_->LoadDirectory(dir);
  }
  *out = std::move(engine);
  return Status::OK();
}

query::QueryOutcome Session::Execute(std::string_view graph, std::string_view text, const Value::Map& params,
                                     const query::QueryOptions& options, query::ResultSink* sink) {
  std::string name(graph.empty() ? "default" : graph);
  std::shared_ptr<storage::Graph> g;
  Status s = engine_.db().GetGraph(name, &g);
  if (!s.ok()) {
    query::QueryOutcome outcome;
    outcome.ok = false;
    outcome.error.code = query::ErrorCode::kEntityNotFound;
    outcome.error.detail = "GraphNotFound";
    outcome.error.message = s.IsNotFound() ? "graph '" + name + "' does not exist" : s.ToString();
    return outcome;
  }
  return query::ExecuteQuery(*g, text, params, options, &engine_.procedures(), sink);
}

Result<IngestReport> Session::Ingest(std::string_view graph, std::string_view plugin,
                                     const std::vector<IngestDocument>& documents, const IngestProgress& progress,
                                     storage::BulkLoad* bulk) {
  std::string name(graph.empty() ? "default" : graph);
  std::shared_ptr<storage::Graph> g;
  TG_RETURN_IF_ERROR(engine_.db().GetGraph(name, &g));
  return engine_.plugins().Ingest(*g, plugin, documents, progress, bulk);
}

}  // namespace trendgraph::engine
