// A fixture for the tests of the writer's unique-key cache: a real database
// (GraphTest) with a unique index on (:Company {name}), and one-transaction
// merges and lookups by name.
#pragma once

#include <string>

#include "graph_test.h"
#include "storage/graph_store.h"

namespace trendgraph::testing {

class CompanyIndexTest : public GraphTest {
 protected:
  void CreateCompanyIndex() {
    ASSERT_OK(graph_->CreateUniqueIndex("Company", "name"));
    company_ = *graph_->FindLabel("Company");
    name_ = *graph_->FindPropKey("name");
  }

  // Merges `name` in its own committed transaction; sets *created.
  storage::NodeId Merge(const std::string& name, bool* created) {
    auto txn = graph_->BeginWrite();
    auto r = txn->MergeNodeByKey(company_, name_, Value(name), created);
    EXPECT_OK(r.status());
    EXPECT_OK(txn->Commit());
    return r.ok() ? r.value() : 0;
  }

  // The unique-index lookup a writer makes (through the cache).
  Status Lookup(const std::string& name, storage::NodeId* out) {
    auto txn = graph_->BeginWrite();
    return txn->LookupUnique(company_, name_, Value(name), out);
  }

  storage::LabelId company_ = 0;
  storage::PropKeyId name_ = 0;
};

}  // namespace trendgraph::testing
