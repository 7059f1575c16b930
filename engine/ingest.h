// Ingest: documents in, graph facts out, through a source plugin (and every
// enricher plugin), one storage::WriteTxn per document.
//
// A document is committed whole or not at all: a parse failure, a plugin
// error or crash-by-exception, or a storage error leaves no partial writes,
// and the next document goes on.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace trendgraph::engine {

struct IngestDocument {
  std::string name;     // file name or client-given name; used in provenance and errors
  std::string content;  // raw bytes
};

struct IngestDocReport {
  std::string name;
  bool ok = false;
  std::string error;        // when !ok: what is wrong, naming the file
  std::string article_id;   // the Article node key, when ok
  bool unchanged = false;   // same content as already ingested: nothing written
  uint64_t nodes_created = 0;
  uint64_t relationships_created = 0;
  uint64_t relationships_deleted = 0;  // replaced facts of an edited document
};

struct IngestReport {
  std::vector<IngestDocReport> documents;
  uint64_t ok = 0;
  uint64_t failed = 0;
  uint64_t nodes_created = 0;
  uint64_t relationships_created = 0;
  double seconds = 0;
};

// Called after each document: (done, total, report of that document).
using IngestProgress = std::function<void(size_t done, size_t total, const IngestDocReport&)>;

}  // namespace trendgraph::engine
