// A result sink that keeps the columns and every row, for query tests.
#pragma once

#include <string>
#include <vector>

#include "query/query_api.h"

namespace trendgraph::query::testing {

class RowsSink : public ResultSink {
 public:
  void OnColumns(const std::vector<std::string>& c) override { columns = c; }
  bool OnRow(const std::vector<Value>& row, EntityView&) override {
    rows.push_back(row);
    return true;
  }
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

}  // namespace trendgraph::query::testing
