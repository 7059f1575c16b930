// Bulk load: the first load of an empty graph, built in memory and written
// as sorted table files that RocksDB links in whole (IngestExternalFile).
//
// A bulk load writes no write-ahead log, fills no memtable and leaves no
// compaction behind: every key is written once, in order, at the bottom of
// the tree. It is how a large corpus gets into a fresh graph at the speed of
// a CSV import.
//
// Its transactions are ordinary WriteTxns (the same code checks, encodes and
// counts every write), committed into the load's memory instead of the
// database: a transaction dropped without Commit leaves nothing behind, as
// usual. Finish() writes everything at once; until then the graph shows
// none of it, and a crash or an abandoned load leaves the graph as it was
// (tokens named by the load's transactions aside: they stay known to this
// process, and are harmless).
//
// Rules: the graph must hold no nodes and no relationships when the load
// begins, and nothing else may write to it until Finish (BeginBulkLoad and
// Finish check both). One transaction at a time, and none may outlive the
// load (Finish and the destructor take the graph's writer slot).
#pragma once

#include <cstdint>
#include <memory>

#include "storage/graph_store.h"

namespace trendgraph::storage {

struct BulkLoadOptions {
  // Memory the load may hold before its node and relationship records (about
  // half of it: ~6.4 KB of live records a document of a signals corpus) move
  // to a temporary file in the database's folder. Past it, records stay on
  // disk (a 12-byte reference each stays in memory) and are read back with
  // pread through a cache of 1/8 of the budget (at most 128 MiB). If the load
  // still passes it, adjacency goes next, as sorted runs in temporary files
  // (6 bytes a node stay), merged at Finish. The label, unique and property
  // indexes stay in memory whatever the budget (~4 KB a document), so a
  // large corpus still outgrows it. 0 spills from the first record and
  // adjacency at every transaction, unbuffered and uncached (slow: for
  // tests); UINT64_MAX never spills. Default: 1 GiB.
  uint64_t memory_budget_bytes = 1ull << 30;
};

struct BulkLoadStats {
  uint64_t nodes = 0;
  uint64_t relationships = 0;
  uint64_t keys_written = 0;   // by Finish
  uint64_t files_written = 0;  // by Finish
  uint64_t bytes_written = 0;  // by Finish (table files, before RocksDB links them)
  uint64_t memory_bytes = 0;   // approximate size of the load in memory
  uint64_t spilled_bytes = 0;  // records written to the temporary file (0: none spilled)
  uint64_t spill_reads = 0;    // records a transaction read back from that file
  uint64_t adjacency_runs = 0;           // sorted runs of adjacency written to temporary files (merges included)
  uint64_t adjacency_spilled_bytes = 0;  // their bytes (0: adjacency stayed in memory)
  uint64_t adjacency_erased = 0;         // spilled adjacency entries a later transaction erased
};

class BulkLoad {
 public:
  virtual ~BulkLoad() = default;

  // A write transaction over the graph as the load has built it so far.
  // Fails if the graph gained an index whose entries cannot be built from
  // the loaded nodes (a unique index they violate).
  virtual Result<std::unique_ptr<WriteTxn>> BeginWrite() = 0;

  // Writes the load into the graph in one atomic step. Fails (and loads
  // nothing) if a transaction is still open, the graph was written to since
  // the load began, or the temporary file failed (IOError); a failed Finish
  // writes only the keys of the tokens the load named, as an abandoned load
  // does. The load is spent afterwards either way.
  virtual Status Finish() = 0;

  virtual BulkLoadStats Stats() const = 0;
};

// Starts a bulk load of `graph`, which must be empty (InvalidArgument
// otherwise, naming what it holds).
//
// The temporary files of spilled records and adjacency are created without
// a name (O_TMPFILE; where the file system lacks it, named and unlinked at
// once): Finish, an abandoned load and a crash all leave nothing behind. A
// failed write to one (a full disk) fails the next BeginWrite and Finish
// with IOError, and Finish then loads nothing.
Status BeginBulkLoad(Graph& graph, const BulkLoadOptions& options, std::unique_ptr<BulkLoad>* out);
// With the default options.
Status BeginBulkLoad(Graph& graph, std::unique_ptr<BulkLoad>* out);

}  // namespace trendgraph::storage
