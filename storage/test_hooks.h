// Internal, tests only: a fault-injection seam. Lets a test run the next
// Database::Open calls on its own rocksdb::Env (e.g. a file system that
// reports a full disk). Not part of the public API: graph_store.h must not
// mention RocksDB types.
#pragma once

namespace rocksdb {
class Env;
}

namespace trendgraph::storage::internal {

// `env` (not owned; must outlive the databases opened with it) is used by
// every Database::Open until reset with nullptr. Not thread-safe with
// concurrent Opens.
void SetEnvForTesting(rocksdb::Env* env);
rocksdb::Env* EnvForTesting();

}  // namespace trendgraph::storage::internal
