#include "engine/http/router.h"

#include <gtest/gtest.h>

namespace trendgraph::engine::http {
namespace {

TEST(RouterTest, MatchesLiteralAndPlaceholderSegments) {
  const Router& r = ApiRouter();
  RouteMatch m = r.Match(HttpMethod::kPost, "/v1/graphs/news/query");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route, RouteId::kQuery);
  EXPECT_EQ(m.Param("g"), "news");
  EXPECT_STREQ(m.pattern, "/v1/graphs/{g}/query");

  m = r.Match(HttpMethod::kPost, "/v1/graphs/default/ingest/signals");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.Param("g"), "default");
  EXPECT_EQ(m.Param("plugin"), "signals");
}

TEST(RouterTest, TrailingSlashIsTheSamePath) {
  RouteMatch m = ApiRouter().Match(HttpMethod::kGet, "/v1/health/");
  EXPECT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route, RouteId::kHealth);
}

TEST(RouterTest, SegmentsArePercentDecodedAfterSplitting) {
  RouteMatch m = ApiRouter().Match(HttpMethod::kPut, "/v1/graphs/a%2Fb");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.Param("g"), "a/b");  // an encoded slash stays in the name (storage then refuses it)
  m = ApiRouter().Match(HttpMethod::kPut, "/v1/graphs/a%zz");
  EXPECT_EQ(m.kind, RouteMatch::Kind::kNotFound);
}

TEST(RouterTest, UnknownPathIsNotFoundAndWrongMethodListsAllowed) {
  EXPECT_EQ(ApiRouter().Match(HttpMethod::kGet, "/v2/health").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(ApiRouter().Match(HttpMethod::kGet, "/v1/graphs/g/query/extra").kind, RouteMatch::Kind::kNotFound);
  RouteMatch m = ApiRouter().Match(HttpMethod::kGet, "/v1/graphs/g");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  ASSERT_EQ(m.allowed.size(), 2u);
  EXPECT_EQ(m.allowed[0], HttpMethod::kPut);
  EXPECT_EQ(m.allowed[1], HttpMethod::kDelete);
}

TEST(RouterTest, QueryParametersAreDecoded) {
  HttpRequest req;
  req.query = "name=china%20vouchers.md&x=1&empty=&plus=a+b";
  EXPECT_EQ(req.QueryParam("name").value_or("?"), "china vouchers.md");
  EXPECT_EQ(req.QueryParam("x").value_or("?"), "1");
  EXPECT_EQ(req.QueryParam("empty").value_or("?"), "");
  EXPECT_EQ(req.QueryParam("plus").value_or("?"), "a b");
  EXPECT_FALSE(req.QueryParam("missing").has_value());
}

TEST(RouterTest, MediaTypeIgnoresParametersAndCase) {
  EXPECT_EQ(MediaType("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_EQ(MediaType("  text/csv "), "text/csv");
}

}  // namespace
}  // namespace trendgraph::engine::http
