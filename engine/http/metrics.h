// Metrics: the server's counters, rendered in the Prometheus text format
// (version 0.0.4) by GET /metrics.
//
//   trendgraph_http_requests_total{route,status}         counter
//   trendgraph_http_request_duration_seconds{route}      histogram
//   trendgraph_http_requests_in_flight                   gauge
//   trendgraph_queries_total{result}                     counter (ok, error)
//   trendgraph_query_rows_total                          counter
//   trendgraph_ingest_documents_total{result}            counter (ok, failed)
//   trendgraph_rocksdb_*                                 gauges (storage::DatabaseStats)
//   trendgraph_graph_nodes{graph}, trendgraph_graph_relationships{graph}
//
// Thread-safety: Record*() are lock-free (relaxed atomics) and may be called
// from any thread; Render() reads a slightly racy but monotone view.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "engine/http/router.h"
#include "storage/graph_store.h"

namespace trendgraph::engine::http {

class Metrics {
 public:
  // Route slots: every RouteId, plus one for requests that matched none.
  static constexpr int kRouteSlots = static_cast<int>(RouteId::kCount) + 1;
  static constexpr int kUnmatched = static_cast<int>(RouteId::kCount);

  Metrics();

  // `route` is a RouteId as int, or kUnmatched. `status` 100..599.
  void RecordRequest(int route, int status, std::chrono::nanoseconds latency);
  void RecordQuery(bool ok, uint64_t rows);
  void RecordIngest(uint64_t ok_docs, uint64_t failed_docs);
  void AddInFlight(int delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }
  int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

  // The Prometheus text page. `db` (may be null) adds storage figures and
  // per-graph counts.
  std::string Render(const Router& router, storage::Database* db) const;

 private:
  static constexpr int kStatusSlots = 500;  // 100..599
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  struct RouteCounters {
    std::array<std::atomic<uint64_t>, kStatusSlots> by_status{};
    std::array<std::atomic<uint64_t>, kBuckets.size() + 1> buckets{};  // last: +Inf
    std::atomic<uint64_t> latency_ns_sum{0};
    std::atomic<uint64_t> count{0};
  };

  std::array<RouteCounters, kRouteSlots> routes_;
  std::atomic<int64_t> in_flight_{0};
  std::atomic<uint64_t> queries_ok_{0};
  std::atomic<uint64_t> queries_error_{0};
  std::atomic<uint64_t> query_rows_{0};
  std::atomic<uint64_t> ingest_ok_{0};
  std::atomic<uint64_t> ingest_failed_{0};
  std::chrono::system_clock::time_point started_;
};

}  // namespace trendgraph::engine::http
