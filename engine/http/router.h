// Router: maps (method, path) to a route id and its path parameters.
//
// Patterns are literal segments and `{name}` placeholders that match one
// non-empty segment: "/v1/graphs/{g}/query". Matching is by segment, so
// "/v1/graphs/x/query/" (trailing slash) is the same path as without.
// Distinguishes "no such path" (404) from "path exists, method does not"
// (405 with the allowed methods).
//
// Thread-safety: build once with Add(), then Match() from any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/http/http_message.h"

namespace trendgraph::engine::http {

// The routes of API v1. Append only: used as metric labels and indexes.
enum class RouteId : int {
  kHealth = 0,
  kListGraphs,
  kCreateGraph,
  kDropGraph,
  kQuery,
  kIngest,
  kSchema,
  kPlugins,
  kMetrics,
  kOpenApi,
  kCount,  // not a route: the number of routes
};

struct RouteMatch {
  enum class Kind { kFound, kNotFound, kMethodNotAllowed };
  Kind kind = Kind::kNotFound;
  RouteId route = RouteId::kCount;
  const char* pattern = nullptr;  // the matched pattern (kFound / kMethodNotAllowed)
  // Decoded values of the placeholders, in pattern order.
  std::vector<std::pair<std::string, std::string>> params;
  std::vector<HttpMethod> allowed;  // kMethodNotAllowed: methods the path accepts

  // The value of placeholder `name`; empty when absent.
  const std::string& Param(std::string_view name) const;
};

class Router {
 public:
  // `pattern` must outlive the router (use string literals).
  void Add(HttpMethod method, const char* pattern, RouteId route);
  // `raw_path` is the path as sent (percent-encoded); each segment is
  // decoded after splitting, so an encoded '/' stays inside its segment.
  // For OPTIONS, a path that exists reports kMethodNotAllowed with the
  // methods it accepts (what a CORS preflight answers).
  RouteMatch Match(HttpMethod method, std::string_view raw_path) const;
  // The pattern of `route` (for metrics labels).
  const char* Pattern(RouteId route) const;

 private:
  struct Entry {
    HttpMethod method;
    const char* pattern;
    RouteId route;
    std::vector<std::string> segments;
  };
  static bool MatchSegments(const Entry& e, const std::vector<std::string_view>& segs,
                            std::vector<std::pair<std::string, std::string>>* params);
  std::vector<Entry> entries_;
};

// The routes of API v1 (see docs/openapi.yaml).
const Router& ApiRouter();

}  // namespace trendgraph::engine::http
