// Minimal reader for the benchmark's ground-truth CSVs (RFC 4180 quoting,
// "\n" line ends, no newlines inside fields). Test helper only.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace trendgraph::testing {

// Rows of `path` without its header row. Empty when the file cannot be read.
inline std::vector<std::vector<std::string>> ReadCsvRows(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string data = ss.str();
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, at_start = true;
  for (size_t i = 0; i < data.size(); ++i) {
    char c = data[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < data.size() && data[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && at_start) {
      quoted = true;
      at_start = false;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      at_start = true;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      at_start = true;
    } else {
      field.push_back(c);
      at_start = false;
    }
  }
  if (!row.empty() || !field.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) rows.erase(rows.begin());  // header
  return rows;
}

}  // namespace trendgraph::testing
