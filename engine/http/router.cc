#include "engine/http/router.h"

namespace trendgraph::engine::http {

const std::string& RouteMatch::Param(std::string_view name) const {
  static const std::string kEmpty;
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return kEmpty;
}

static std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

void Router::Add(HttpMethod method, const char* pattern, RouteId route) {
  Entry e{method, pattern, route, {}};
  for (std::string_view s : SplitPath(pattern)) e.segments.emplace_back(s);
  entries_.push_back(std::move(e));
}

bool Router::MatchSegments(const Entry& e, const std::vector<std::string_view>& segs,
                           std::vector<std::pair<std::string, std::string>>* params) {
  if (e.segments.size() != segs.size()) return false;
  params->clear();
  for (size_t i = 0; i < segs.size(); ++i) {
    const std::string& p = e.segments[i];
    if (p.size() >= 2 && p.front() == '{' && p.back() == '}') {
      std::string decoded;
      if (!PercentDecode(segs[i], false, &decoded) || decoded.empty()) return false;
      params->emplace_back(p.substr(1, p.size() - 2), std::move(decoded));
    } else if (p != segs[i]) {
      return false;
    }
  }
  return true;
}

RouteMatch Router::Match(HttpMethod method, std::string_view raw_path) const {
  RouteMatch m;
  std::vector<std::string_view> segs = SplitPath(raw_path);
  std::vector<std::pair<std::string, std::string>> params;
  for (const Entry& e : entries_) {
    if (!MatchSegments(e, segs, &params)) continue;
    if (e.method == method) {
      m.kind = RouteMatch::Kind::kFound;
      m.route = e.route;
      m.pattern = e.pattern;
      m.params = std::move(params);
      m.allowed.clear();
      return m;
    }
    m.kind = RouteMatch::Kind::kMethodNotAllowed;
    if (!m.pattern) {
      m.pattern = e.pattern;
      m.route = e.route;
      m.params = params;
    }
    m.allowed.push_back(e.method);
  }
  return m;
}

const char* Router::Pattern(RouteId route) const {
  for (const Entry& e : entries_) {
    if (e.route == route) return e.pattern;
  }
  return "unknown";
}

const Router& ApiRouter() {
  static const Router kRouter = [] {
    Router r;
    r.Add(HttpMethod::kGet, "/v1/health", RouteId::kHealth);
    r.Add(HttpMethod::kGet, "/v1/graphs", RouteId::kListGraphs);
    r.Add(HttpMethod::kPut, "/v1/graphs/{g}", RouteId::kCreateGraph);
    r.Add(HttpMethod::kDelete, "/v1/graphs/{g}", RouteId::kDropGraph);
    r.Add(HttpMethod::kPost, "/v1/graphs/{g}/query", RouteId::kQuery);
    r.Add(HttpMethod::kPost, "/v1/graphs/{g}/ingest/{plugin}", RouteId::kIngest);
    r.Add(HttpMethod::kGet, "/v1/graphs/{g}/schema", RouteId::kSchema);
    r.Add(HttpMethod::kGet, "/v1/plugins", RouteId::kPlugins);
    r.Add(HttpMethod::kGet, "/metrics", RouteId::kMetrics);
    r.Add(HttpMethod::kGet, "/v1/openapi.yaml", RouteId::kOpenApi);
    return r;
  }();
  return kRouter;
}

}  // namespace trendgraph::engine::http
