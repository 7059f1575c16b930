#include "engine/http/metrics.h"

#include <gtest/gtest.h>

namespace trendgraph::engine::http {
namespace {

bool HasLine(const std::string& page, const std::string& line) {
  return page.find("\n" + line + "\n") != std::string::npos || page.rfind(line + "\n", 0) == 0;
}

TEST(MetricsTest, CountsByRouteAndStatusWithHistogram) {
  Metrics m;
  int query = static_cast<int>(RouteId::kQuery);
  m.RecordRequest(query, 200, std::chrono::microseconds(300));
  m.RecordRequest(query, 200, std::chrono::milliseconds(20));
  m.RecordRequest(query, 400, std::chrono::milliseconds(2));
  m.RecordRequest(Metrics::kUnmatched, 404, std::chrono::microseconds(10));
  m.RecordQuery(true, 5);
  m.RecordQuery(false, 0);
  m.RecordIngest(3, 1);
  std::string page = m.Render(ApiRouter(), nullptr);

  EXPECT_TRUE(HasLine(page, "trendgraph_http_requests_total{route=\"/v1/graphs/{g}/query\",status=\"200\"} 2")) << page;
  EXPECT_TRUE(HasLine(page, "trendgraph_http_requests_total{route=\"/v1/graphs/{g}/query\",status=\"400\"} 1"));
  EXPECT_TRUE(HasLine(page, "trendgraph_http_requests_total{route=\"unmatched\",status=\"404\"} 1"));
  // Cumulative buckets: 0.3 ms <= 0.0005; 2 ms <= 0.0025; 20 ms <= 0.025.
  EXPECT_TRUE(HasLine(page, "trendgraph_http_request_duration_seconds_bucket{route=\"/v1/graphs/{g}/query\",le=\"0.0005\"} 1"));
  EXPECT_TRUE(HasLine(page, "trendgraph_http_request_duration_seconds_bucket{route=\"/v1/graphs/{g}/query\",le=\"0.0025\"} 2"));
  EXPECT_TRUE(HasLine(page, "trendgraph_http_request_duration_seconds_bucket{route=\"/v1/graphs/{g}/query\",le=\"0.025\"} 3"));
  EXPECT_TRUE(HasLine(page, "trendgraph_http_request_duration_seconds_bucket{route=\"/v1/graphs/{g}/query\",le=\"+Inf\"} 3"));
  EXPECT_TRUE(HasLine(page, "trendgraph_http_request_duration_seconds_count{route=\"/v1/graphs/{g}/query\"} 3"));
  EXPECT_TRUE(HasLine(page, "trendgraph_queries_total{result=\"ok\"} 1"));
  EXPECT_TRUE(HasLine(page, "trendgraph_queries_total{result=\"error\"} 1"));
  EXPECT_TRUE(HasLine(page, "trendgraph_query_rows_total 5"));
  EXPECT_TRUE(HasLine(page, "trendgraph_ingest_documents_total{result=\"ok\"} 3"));
  EXPECT_TRUE(HasLine(page, "trendgraph_ingest_documents_total{result=\"failed\"} 1"));
  EXPECT_NE(page.find("# TYPE trendgraph_http_request_duration_seconds histogram"), std::string::npos);
}

}  // namespace
}  // namespace trendgraph::engine::http
