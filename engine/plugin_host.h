// PluginHost: loads plugin .so files (dlopen) that implement the C ABI of
// include/trendgraph/plugin.h, keeps them for the life of the engine, and runs
// ingest through source and enricher plugins. Model plugins' procedures are
// registered into the query layer's ProcedureRegistry.
//
// Thread-safety: loading happens at start, before any query; afterwards all
// methods are safe to call from many threads (ingest into one graph is
// serialised by the storage layer's one-writer rule).
#pragma once

#include <functional>
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

struct PluginInfo {
  std::string name;
  std::string kind;      // "source", "enricher", "model"
  std::string version;
  uint32_t abi_version = 0;
  std::string path;
  std::string description;
  std::vector<query::ProcedureSignature> procedures;  // model plugins
};

class PluginHost {
 public:
  explicit PluginHost(query::ProcedureRegistry* procedures);
  ~PluginHost();

  // The build's plugin folder when it exists, else the installed one.
  static std::string DefaultPluginDir();

  // Loads one plugin file. Errors name the file: VersionMismatch (needs a
  // newer ABI), InvalidArgument (missing entry point, bad descriptor),
  // Aborted (its init failed), AlreadyExists (same plugin name loaded).
  Status Load(const std::string& path);
  // Loads every *.so in `dir` (not recursive); returns one message per
  // plugin refused. A missing folder is one message.
  std::vector<std::string> LoadDirectory(const std::string& dir);

  std::vector<PluginInfo> List() const;

  // Ingests `documents` with source plugin `plugin` ("auto": the first source
  // plugin whose probe accepts the document) into `graph`, one transaction
  // per document, running every enricher on each. NotFound for an unknown
  // plugin (or one that is not a source).
  //
  // Documents are committed in groups (see SetIngestGroup): each document is
  // still written whole or not at all, and a document that fails never
  // takes another one down with it. Progress is reported as documents are
  // committed (or fail), on the calling thread.
  //
  // Documents are prepared (probed, parsed, enriched) ahead on up to
  // ingest_threads() threads, the calling thread included, while the calling
  // thread applies and commits them in input order: ids, reports, progress
  // and the resulting graph are those of a serial ingest. Probe, parse and
  // enrich of one call then run on several threads at once (the plugin ABI
  // allows it, see "Threading" in trendgraph/plugin.h). Memory stays
  // bounded: beyond the group being written, at most max(2 x group
  // documents, 4 x threads) documents with at most 2 x group bytes of
  // content (or a single document) are prepared or being prepared.
  //
  // With `bulk` (a storage::BulkLoad of `graph`), documents are committed
  // into the load instead: the graph shows them once the caller finishes it.
  Result<IngestReport> Ingest(storage::Graph& graph, std::string_view plugin,
                              const std::vector<IngestDocument>& documents, const IngestProgress& progress,
                              storage::BulkLoad* bulk = nullptr);

  // Group commit limits: at most `max_docs` documents (default 64) or
  // `max_bytes` of document content (default 8 MiB) per transaction.
  // (1, 1) commits every document on its own. Call before ingesting.
  void SetIngestGroup(size_t max_docs, size_t max_bytes);

  // Threads that prepare the documents of one Ingest call, the calling
  // thread included (it prepares while it would otherwise wait). Default:
  // the hardware's threads, at most 4; 1 prepares every document on the
  // calling thread (no thread is started); 0 means 1. A call never starts
  // more threads than it has documents, and each concurrent Ingest call
  // starts its own: a server taking many ingest requests at once may want
  // 1. Call before ingesting.
  void SetIngestThreads(size_t threads);
  size_t ingest_threads() const;

  // Test seam: documents for which `fault` returns true fail while being
  // written into the transaction (after earlier documents of their group).
  void SetApplyFaultForTesting(std::function<bool(std::string_view document_name)> fault);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace trendgraph::engine
