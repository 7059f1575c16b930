#include "engine/http/metrics.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <memory>

namespace trendgraph::engine::http {

namespace {

void Line(std::string* out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void Line(std::string* out, const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = std::vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  if (n > 0) out->append(buf, std::min<size_t>(static_cast<size_t>(n), sizeof(buf) - 1));
  out->push_back('\n');
}

// Label values: escape backslash, quote and newline (exposition format).
std::string LabelValue(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Metrics::Metrics() : started_(std::chrono::system_clock::now()) {}

void Metrics::RecordRequest(int route, int status, std::chrono::nanoseconds latency) {
  if (route < 0 || route >= kRouteSlots) route = kUnmatched;
  RouteCounters& rc = routes_[static_cast<size_t>(route)];
  if (status < 100 || status > 599) status = 599;
  rc.by_status[static_cast<size_t>(status - 100)].fetch_add(1, std::memory_order_relaxed);
  double seconds = std::chrono::duration<double>(latency).count();
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  rc.buckets[b].fetch_add(1, std::memory_order_relaxed);
  rc.latency_ns_sum.fetch_add(static_cast<uint64_t>(latency.count()), std::memory_order_relaxed);
  rc.count.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::RecordQuery(bool ok, uint64_t rows) {
  (ok ? queries_ok_ : queries_error_).fetch_add(1, std::memory_order_relaxed);
  query_rows_.fetch_add(rows, std::memory_order_relaxed);
}

void Metrics::RecordIngest(uint64_t ok_docs, uint64_t failed_docs) {
  ingest_ok_.fetch_add(ok_docs, std::memory_order_relaxed);
  ingest_failed_.fetch_add(failed_docs, std::memory_order_relaxed);
}

std::string Metrics::Render(const Router& router, storage::Database* db) const {
  std::string out;
  out.reserve(16 << 10);
  auto route_label = [&](int r) {
    return r == kUnmatched ? std::string("unmatched") : LabelValue(router.Pattern(static_cast<RouteId>(r)));
  };

  Line(&out, "# HELP trendgraph_http_requests_total HTTP requests answered, by route pattern and status.");
  Line(&out, "# TYPE trendgraph_http_requests_total counter");
  for (int r = 0; r < kRouteSlots; ++r) {
    const RouteCounters& rc = routes_[static_cast<size_t>(r)];
    std::string label = route_label(r);
    for (int s = 0; s < kStatusSlots; ++s) {
      uint64_t n = rc.by_status[static_cast<size_t>(s)].load(std::memory_order_relaxed);
      if (n == 0) continue;
      Line(&out, "trendgraph_http_requests_total{route=\"%s\",status=\"%d\"} %llu", label.c_str(), s + 100,
           static_cast<unsigned long long>(n));
    }
  }

  Line(&out, "# HELP trendgraph_http_request_duration_seconds Time from a complete request to its answer.");
  Line(&out, "# TYPE trendgraph_http_request_duration_seconds histogram");
  for (int r = 0; r < kRouteSlots; ++r) {
    const RouteCounters& rc = routes_[static_cast<size_t>(r)];
    uint64_t count = rc.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    std::string label = route_label(r);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBuckets.size(); ++b) {
      cumulative += rc.buckets[b].load(std::memory_order_relaxed);
      Line(&out, "trendgraph_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu", label.c_str(),
           kBuckets[b], static_cast<unsigned long long>(cumulative));
    }
    cumulative += rc.buckets[kBuckets.size()].load(std::memory_order_relaxed);
    Line(&out, "trendgraph_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu", label.c_str(),
         static_cast<unsigned long long>(cumulative));
    Line(&out, "trendgraph_http_request_duration_seconds_sum{route=\"%s\"} %.9f", label.c_str(),
         static_cast<double>(rc.latency_ns_sum.load(std::memory_order_relaxed)) / 1e9);
    Line(&out, "trendgraph_http_request_duration_seconds_count{route=\"%s\"} %llu", label.c_str(),
         static_cast<unsigned long long>(cumulative));
  }

  Line(&out, "# HELP trendgraph_http_requests_in_flight Requests being handled now.");
  Line(&out, "# TYPE trendgraph_http_requests_in_flight gauge");
  Line(&out, "trendgraph_http_requests_in_flight %lld", static_cast<long long>(in_flight()));

  Line(&out, "# HELP trendgraph_queries_total Queries run over HTTP, by result.");
  Line(&out, "# TYPE trendgraph_queries_total counter");
  Line(&out, "trendgraph_queries_total{result=\"ok\"} %llu",
       static_cast<unsigned long long>(queries_ok_.load(std::memory_order_relaxed)));
  Line(&out, "trendgraph_queries_total{result=\"error\"} %llu",
       static_cast<unsigned long long>(queries_error_.load(std::memory_order_relaxed)));
  Line(&out, "# HELP trendgraph_query_rows_total Rows returned by queries.");
  Line(&out, "# TYPE trendgraph_query_rows_total counter");
  Line(&out, "trendgraph_query_rows_total %llu",
       static_cast<unsigned long long>(query_rows_.load(std::memory_order_relaxed)));

  Line(&out, "# HELP trendgraph_ingest_documents_total Documents ingested over HTTP, by result.");
  Line(&out, "# TYPE trendgraph_ingest_documents_total counter");
  Line(&out, "trendgraph_ingest_documents_total{result=\"ok\"} %llu",
       static_cast<unsigned long long>(ingest_ok_.load(std::memory_order_relaxed)));
  Line(&out, "trendgraph_ingest_documents_total{result=\"failed\"} %llu",
       static_cast<unsigned long long>(ingest_failed_.load(std::memory_order_relaxed)));

  Line(&out, "# HELP trendgraph_start_time_seconds Server start, seconds since the epoch.");
  Line(&out, "# TYPE trendgraph_start_time_seconds gauge");
  Line(&out, "trendgraph_start_time_seconds %lld",
       static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(started_.time_since_epoch()).count()));

  if (db) {
    storage::DatabaseStats st = db->Stats();
    auto gauge = [&](const char* name, const char* help, uint64_t v) {
      Line(&out, "# HELP %s %s", name, help);
      Line(&out, "# TYPE %s gauge", name);
      Line(&out, "%s %llu", name, static_cast<unsigned long long>(v));
    };
    gauge("trendgraph_rocksdb_live_sst_bytes", "Size of the live SST files.", st.live_sst_bytes);
    gauge("trendgraph_rocksdb_memtable_bytes", "Size of the memtables.", st.memtable_bytes);
    gauge("trendgraph_rocksdb_block_cache_usage_bytes", "Block cache memory in use.", st.block_cache_usage_bytes);
    gauge("trendgraph_rocksdb_estimated_keys", "RocksDB's estimate of the number of keys.", st.estimated_keys);
    gauge("trendgraph_read_cache_bytes", "Bytes held by the read caches of the graphs' current states.",
          st.read_cache_bytes);
    auto counter = [&](const char* name, const char* help, uint64_t v) {
      Line(&out, "# HELP %s %s", name, help);
      Line(&out, "# TYPE %s counter", name);
      Line(&out, "%s %llu", name, static_cast<unsigned long long>(v));
    };
    counter("trendgraph_read_cache_hits_total", "Reads answered by the read cache.", st.read_cache_hits);
    counter("trendgraph_read_cache_misses_total", "Reads that went to RocksDB and filled the read cache.",
            st.read_cache_misses);

    std::string nodes, rels;
    for (const std::string& name : db->ListGraphs()) {
      std::shared_ptr<storage::Graph> g;
      if (!db->GetGraph(name, &g).ok()) continue;
      storage::GraphCounts c = g->Counts();
      std::string label = LabelValue(name);
      Line(&nodes, "trendgraph_graph_nodes{graph=\"%s\"} %llu", label.c_str(), static_cast<unsigned long long>(c.nodes));
      Line(&rels, "trendgraph_graph_relationships{graph=\"%s\"} %llu", label.c_str(),
           static_cast<unsigned long long>(c.rels));
    }
    Line(&out, "# HELP trendgraph_graph_nodes Nodes per graph.");
    Line(&out, "# TYPE trendgraph_graph_nodes gauge");
    out += nodes;
    Line(&out, "# HELP trendgraph_graph_relationships Relationships per graph.");
    Line(&out, "# TYPE trendgraph_graph_relationships gauge");
    out += rels;
  }
  return out;
}

}  // namespace trendgraph::engine::http
