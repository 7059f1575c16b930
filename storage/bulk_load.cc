#include "storage/bulk_load.h"

namespace trendgraph::storage {

Status BeginBulkLoad(Graph&, std::unique_ptr<BulkLoad>*) { return Status::NotSupported("bulk load: not yet"); }

}  // namespace trendgraph::storage
