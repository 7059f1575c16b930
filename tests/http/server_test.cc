// Integration tests of `trendgraph serve`: the real binary over a temp
// database, spoken to over real sockets.
#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "engine/http/router.h"
#include "http_test_support.h"
#include "test_util.h"

namespace trendgraph::testing {
namespace {

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  EXPECT_FALSE(d.HasParseError()) << "not JSON: " << text.substr(0, 500);
  return d;
}

long VmKb(pid_t pid, const char* key) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return std::atol(line.c_str() + std::strlen(key));
  }
  return -1;
}

using trendgraph::testing::ReadFile;

class ServerTest : public ServerFixture {
 protected:
  bool SignalsPluginPresent() const {
    return std::filesystem::exists(std::string(TRENDGRAPH_PLUGIN_DIR) + "/trendgraph_signals.so");
  }
};

TEST_F(ServerTest, HealthAndGraphLifecycle) {
  StartServer();
  HttpReply r = Get("/v1/health");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(std::string(Json(r.body)["status"].GetString()), "ok");

  r = Get("/v1/graphs");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"name\":\"default\""), std::string::npos) << r.body;

  r = Fetch(port_, "PUT", "/v1/graphs/chips");
  EXPECT_EQ(r.status, 201) << r.body;
  r = Fetch(port_, "PUT", "/v1/graphs/chips");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"created\":false"), std::string::npos);
  r = Get("/v1/graphs");
  EXPECT_NE(r.body.find("\"name\":\"chips\""), std::string::npos) << r.body;
  r = Fetch(port_, "DELETE", "/v1/graphs/chips");
  EXPECT_EQ(r.status, 200) << r.body;
  r = Fetch(port_, "DELETE", "/v1/graphs/chips");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_EQ(ErrorOf(r).code, "NotFound");
  r = Fetch(port_, "PUT", "/v1/graphs/bad%20name!");
  EXPECT_EQ(r.status, 400) << r.body;
}

TEST_F(ServerTest, UnknownRouteIs404AndWrongMethodIs405InJson) {
  StartServer();
  HttpReply r = Get("/v2/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(ErrorOf(r).code, "NotFound");
  r = Fetch(port_, "DELETE", "/v1/health");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(ErrorOf(r).code, "MethodNotAllowed");
  EXPECT_EQ(r.Header("allow"), "GET, OPTIONS");
  r = Get("/v1/graphs/default/query");
  EXPECT_EQ(r.status, 405);
}

TEST_F(ServerTest, QueryAnswersTypedValues) {
  StartServer();
  HttpReply r = Query("RETURN 1 AS i, 1.0 AS f, 'x' AS s, null AS n, [1, 2.5] AS l, {k: 'v'} AS m");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.rfind("{\"columns\":[\"i\",\"f\",\"s\",\"n\",\"l\",\"m\"],\"rows\":[[1,1.0,\"x\",null,[1,2.5],{\"k\":"
                         "\"v\"}]]",
                         0),
            0u)
      << r.body;
  rapidjson::Document d = Json(r.body);
  EXPECT_TRUE(d.HasMember("stats"));
  EXPECT_TRUE(d.HasMember("elapsed_ms"));

  r = Query("RETURN $i AS i, $f AS f, $nan AS nan, $big AS big", R"({"i": 3, "f": 3.0, "nan": {"$float": "NaN"},
      "big": 9007199254740993})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"rows\":[[3,3.0,{\"$float\":\"NaN\"},9007199254740993]]"), std::string::npos) << r.body;
}

TEST_F(ServerTest, WriteQueryReportsStatsAndNodesAreTagged) {
  StartServer();
  HttpReply r = Query("CREATE (:Policy {name: $name})", R"({"name": "computing vouchers"})");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d = Json(r.body);
  EXPECT_EQ(d["stats"]["nodes_created"].GetUint64(), 1u);
  EXPECT_EQ(d["stats"]["properties_set"].GetUint64(), 1u);
  EXPECT_EQ(d["stats"]["labels_added"].GetUint64(), 1u);

  r = Query("MATCH (p:Policy) RETURN p");
  ASSERT_EQ(r.status, 200) << r.body;
  d = Json(r.body);
  const auto& node = d["rows"][0][0]["$node"];
  EXPECT_TRUE(node["id"].IsString());
  EXPECT_EQ(std::string(node["labels"][0].GetString()), "Policy");
  EXPECT_EQ(std::string(node["properties"]["name"].GetString()), "computing vouchers");
}

TEST_F(ServerTest, QueryErrorsAreTypedWithPosition) {
  StartServer();
  HttpReply r = Query("RETRUN 1");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(ErrorOf(r).code.rfind("SyntaxError", 0), 0u) << r.body;
  rapidjson::Document d = Json(r.body);
  ASSERT_TRUE(d["error"].HasMember("position")) << r.body;
  EXPECT_EQ(d["error"]["position"]["line"].GetInt(), 1);

  r = Query("RETURN 1", "{}", {}, "no_such_graph");
  EXPECT_EQ(r.status, 404) << r.body;
  EXPECT_NE(r.body.find("no_such_graph"), std::string::npos);

  r = Query("RETURN $missing AS m");
  EXPECT_GE(r.status, 400);
  EXPECT_LT(r.status, 500);
  EXPECT_EQ(ErrorOf(r).code.rfind("ParameterMissing", 0), 0u) << r.body;
}

TEST_F(ServerTest, MalformedRequestsGetClear4xx) {
  StartServer();
  HttpReply r = Fetch(port_, "POST", "/v1/graphs/default/query", "{\"query\": ");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(ErrorOf(r).code, "BadRequest");
  EXPECT_NE(r.body.find("offset 10"), std::string::npos) << r.body;

  r = Fetch(port_, "POST", "/v1/graphs/default/query", "[1]");
  EXPECT_EQ(r.status, 400);
  r = Fetch(port_, "POST", "/v1/graphs/default/query", "{\"query\": 1}");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("'query'"), std::string::npos) << r.body;
  r = Fetch(port_, "POST", "/v1/graphs/default/query", "{\"qurey\": \"RETURN 1\"}");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("qurey"), std::string::npos) << r.body;
  r = Fetch(port_, "POST", "/v1/graphs/default/query", QueryBody("RETURN 1"), {{"Content-Type", "text/plain"}});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(ErrorOf(r).code, "UnsupportedMediaType");
  r = Fetch(port_, "POST", "/v1/graphs/default/query", QueryBody("RETURN 1"), {{"Accept", "text/html"}});
  EXPECT_EQ(r.status, 406);

  // Garbage on the wire does not take the server down.
  HttpConnection c(port_);
  ASSERT_TRUE(c.SendRaw("GARBAGE\x01\x02 \r\n\r\n"));
  c.WaitClosed(2000);
  EXPECT_EQ(Get("/v1/health").status, 200);
}

TEST_F(ServerTest, BodyLimitAnswers413AndStaysUp) {
  StartServer({"--max-body", "1000"});
  std::string big = QueryBody("RETURN '" + std::string(2000, 'x') + "' AS s");
  HttpReply r = Fetch(port_, "POST", "/v1/graphs/default/query", big);
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(ErrorOf(r).code, "PayloadTooLarge");

  // A chunked body without a length is cut off as well.
  HttpConnection c(port_);
  std::string req =
      "POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Transfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) req += "258\r\n" + std::string(600, ' ') + "\r\n";
  req += "0\r\n\r\n";
  ASSERT_TRUE(c.SendRaw(req));
  r = c.ReadReply();
  EXPECT_EQ(r.status, 413) << r.body;

  EXPECT_EQ(Query("RETURN 1 AS one").status, 200);
}

// The read cache counters reach /metrics, and --read-cache-mib 0 turns the
// cache off (nothing is counted).
uint64_t MetricValue(const std::string& body, const std::string& name) {
  size_t at = body.find("\n" + name + " ");
  if (at == std::string::npos) return UINT64_MAX;
  return std::strtoull(body.c_str() + at + name.size() + 2, nullptr, 10);
}

TEST_F(ServerTest, ReadCacheCountersAndSwitch) {
  StartServer();
  ASSERT_EQ(Query("CREATE (:Policy {name: 'vouchers'})-[:FUNDS]->(:Firm {name: 'a'})").status, 200);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Query("MATCH (p:Policy)-[:FUNDS]->(f) RETURN f.name").status, 200);
  std::string body = Get("/metrics").body;
  EXPECT_GT(MetricValue(body, "trendgraph_read_cache_misses_total"), 0u) << body;
  EXPECT_GT(MetricValue(body, "trendgraph_read_cache_hits_total"), 0u) << body;
  EXPECT_NE(MetricValue(body, "trendgraph_read_cache_bytes"), UINT64_MAX);
}

TEST_F(ServerTest, ReadCacheCanBeTurnedOff) {
  StartServer({"--read-cache-mib", "0"});
  ASSERT_EQ(Query("CREATE (:Policy {name: 'vouchers'})-[:FUNDS]->(:Firm {name: 'a'})").status, 200);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Query("MATCH (p:Policy)-[:FUNDS]->(f) RETURN f.name").status, 200);
  std::string body = Get("/metrics").body;
  EXPECT_EQ(MetricValue(body, "trendgraph_read_cache_misses_total"), 0u) << body;
  EXPECT_EQ(MetricValue(body, "trendgraph_read_cache_hits_total"), 0u) << body;
}

TEST_F(ServerTest, HugeHeadersAre431AndServerStaysUp) {
  StartServer();
  HttpReply r = Get("/v1/health", {{"X-Padding", std::string(200 * 1024, 'a')}});
  EXPECT_EQ(r.status, 431) << r.body.substr(0, 200);
  EXPECT_EQ(Get("/v1/health").status, 200);
}

TEST_F(ServerTest, SlowClientsDoNotBlockOthers) {
  StartServer({"--threads", "2"});
  // More stalled clients than worker threads: half a head, or a head with
  // a body that never completes.
  std::vector<std::unique_ptr<HttpConnection>> stalled;
  for (int i = 0; i < 8; ++i) {
    auto c = std::make_unique<HttpConnection>(port_);
    ASSERT_TRUE(c->ok());
    if (i % 2 == 0) {
      ASSERT_TRUE(c->SendRaw("POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nContent-Le"));
    } else {
      ASSERT_TRUE(c->SendRaw("POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                             "Content-Length: 100\r\n\r\n{\"query\": "));
    }
    stalled.push_back(std::move(c));
  }
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Get("/v1/health").status, 200);
  HttpReply r = Query("RETURN 42 AS answer");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(3));
}

TEST_F(ServerTest, TokenGuardsWritesOnly) {
  StartServer({"--token", "s3cret"});
  const Headers auth = {{"Authorization", "Bearer s3cret"}};
  EXPECT_EQ(Get("/v1/health").status, 200);
  EXPECT_EQ(Get("/v1/graphs").status, 200);
  HttpReply r = Fetch(port_, "PUT", "/v1/graphs/g1");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ErrorOf(r).code, "Unauthorized");
  EXPECT_NE(r.Header("www-authenticate").find("Bearer"), std::string::npos);
  EXPECT_EQ(Fetch(port_, "PUT", "/v1/graphs/g1", "", {{"Authorization", "Bearer wrong"}}).status, 401);
  EXPECT_EQ(Fetch(port_, "PUT", "/v1/graphs/g1", "", auth).status, 201);
  EXPECT_EQ(Fetch(port_, "DELETE", "/v1/graphs/g1").status, 401);

  EXPECT_EQ(Query("CREATE (:T)").status, 401);
  EXPECT_EQ(Query("MATCH (n) RETURN count(n) AS c").status, 200);
  r = Query("CREATE (:T)", "{}", auth);
  EXPECT_EQ(r.status, 200) << r.body;
  r = Fetch(port_, "POST", "/v1/graphs/default/ingest/signals?name=a.md", "# x", {{"Content-Type", "text/markdown"}});
  EXPECT_EQ(r.status, 401);
}

TEST_F(ServerTest, AuthReadsGuardsEverythingButHealth) {
  StartServer({"--auth-reads"}, {"TRENDGRAPH_TOKEN=envtok"});
  const Headers auth = {{"Authorization", "Bearer envtok"}};
  EXPECT_EQ(Get("/v1/health").status, 200);
  EXPECT_EQ(Get("/v1/graphs").status, 401);
  EXPECT_EQ(Get("/metrics").status, 401);
  EXPECT_EQ(Query("RETURN 1 AS x").status, 401);
  EXPECT_EQ(Get("/v1/graphs", auth).status, 200);
  EXPECT_EQ(Query("RETURN 1 AS x", "{}", auth).status, 200);
}

TEST_F(ServerTest, ReadOnlyRefusesEveryWriteWith403) {
  StartServer({"--read-only"});
  HttpReply r = Fetch(port_, "PUT", "/v1/graphs/g1");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(ErrorOf(r).code, "Forbidden");
  EXPECT_EQ(Fetch(port_, "DELETE", "/v1/graphs/default").status, 403);
  EXPECT_EQ(Query("CREATE (:T)").status, 403);
  EXPECT_EQ(Fetch(port_, "POST", "/v1/graphs/default/ingest/signals?name=a.md", "# x",
                  {{"Content-Type", "text/markdown"}})
                .status,
            403);
  r = Query("MATCH (n) RETURN count(n) AS c");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"rows\":[[0]]"), std::string::npos) << r.body;
}

TEST_F(ServerTest, CorsAllowListAndPreflight) {
  StartServer({"--cors-origin", "http://localhost:3000", "--cors-origin", "https://viz.example"});
  HttpConnection c(port_);
  HttpReply r = c.Request("OPTIONS", "/v1/graphs/default/query", "",
                          {{"Origin", "http://localhost:3000"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(r.Header("access-control-allow-origin"), "http://localhost:3000");
  EXPECT_NE(r.Header("access-control-allow-methods").find("POST"), std::string::npos);
  EXPECT_NE(r.Header("access-control-allow-headers").find("Authorization"), std::string::npos);

  r = Fetch(port_, "OPTIONS", "/v1/graphs/default/query", "", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(r.status, 403);
  r = Get("/v1/health", {{"Origin", "https://viz.example"}});
  EXPECT_EQ(r.Header("access-control-allow-origin"), "https://viz.example");
  r = Get("/v1/health", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(r.Header("access-control-allow-origin"), "");
}

TEST_F(ServerTest, NdjsonStreamsAMillionRowsInFlatMemory) {
  StartServer();
  long rss_before = VmKb(server_.pid(), "VmRSS:");
  // ~110 bytes a row: buffering the answer would cost > 100 MB.
  std::string q = "UNWIND range(1, 1000) AS a UNWIND range(1, 1000) AS b RETURN a, b, '" + std::string(90, 'p') + "' AS pad";
  HttpConnection c(port_, 60000);
  std::string body = QueryBody(q);
  ASSERT_TRUE(c.SendRaw("POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Accept: application/x-ndjson\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body));
  HttpReply r = c.ReadReply();
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  ASSERT_TRUE(r.complete);
  EXPECT_EQ(r.Header("content-type"), "application/x-ndjson");
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 1000002);
  EXPECT_EQ(r.body.rfind("{\"columns\":[\"a\",\"b\",\"pad\"]}\n[1,1,\"ppp", 0), 0u) << r.body.substr(0, 100);
  std::string trailer = r.body.substr(r.body.rfind('\n', r.body.size() - 2) + 1);
  EXPECT_NE(trailer.find("\"rows\":1000000"), std::string::npos) << trailer;
#ifndef __SANITIZE_ADDRESS__  // ASan's quarantine of freed blocks (256 MB) would be measured, not our buffers
  long peak = VmKb(server_.pid(), "VmHWM:");
  EXPECT_LT(peak - rss_before, 60 * 1024) << "server memory grew by " << (peak - rss_before) << " kB";
#else
  (void)rss_before;
#endif
}

// One keep-alive connection carries a mix of requests, each answered
// exactly once and in order: small JSON answers built on the I/O thread
// (their body either in the same packet as the head, which the transport
// takes without a scheduled continuation, or sent a little later), streamed
// answers built on a worker, errors, and GETs. Guards the transport's fast
// paths (continuations deferred onto the I/O thread).
// (Requests are not pipelined: cpprestsdk's listener drops bytes received
// before the previous answer went out; see docs/http.md.)
TEST_F(ServerTest, KeepAliveConnectionCarriesMixedRequests) {
  StartServer();
  auto head = [](size_t length, const std::string& accept = "") {
    return "POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
           (accept.empty() ? std::string() : "Accept: " + accept + "\r\n") +
           "Content-Length: " + std::to_string(length) + "\r\n\r\n";
  };
  HttpConnection c(port_, 60000);
  for (int i = 0; i < 40; ++i) {
    std::string body = QueryBody("RETURN $i AS i", "{\"i\": " + std::to_string(i) + "}");
    if (i % 2 == 0) {
      ASSERT_TRUE(c.SendRaw(head(body.size()) + body));
    } else {
      ASSERT_TRUE(c.SendRaw(head(body.size())));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      ASSERT_TRUE(c.SendRaw(body));
    }
    HttpReply small = c.ReadReply();
    ASSERT_EQ(small.status, 200) << "round " << i << ": " << small.body.substr(0, 200);
    EXPECT_NE(small.body.find("\"rows\":[[" + std::to_string(i) + "]]"), std::string::npos) << small.body;

    body = QueryBody("UNWIND range(1, 3000) AS x RETURN x, $i AS i", "{\"i\": " + std::to_string(i) + "}");
    ASSERT_TRUE(c.SendRaw(head(body.size(), "application/x-ndjson") + body));
    HttpReply streamed = c.ReadReply();
    ASSERT_EQ(streamed.status, 200) << "round " << i;
    ASSERT_TRUE(streamed.complete);
    EXPECT_EQ(std::count(streamed.body.begin(), streamed.body.end(), '\n'), 3002);
    EXPECT_NE(streamed.body.find("[3000," + std::to_string(i) + "]\n"), std::string::npos) << "round " << i;

    HttpReply bad = c.Request("POST", "/v1/graphs/default/query", "{\"query\": ");
    ASSERT_EQ(bad.status, 400) << "round " << i << ": " << bad.body.substr(0, 200);
    EXPECT_EQ(ErrorOf(bad).code, "BadRequest");

    HttpReply health = c.Request("GET", "/v1/health");
    ASSERT_EQ(health.status, 200) << "round " << i;
    EXPECT_NE(health.body.find("\"status\":\"ok\""), std::string::npos);
  }
}

TEST_F(ServerTest, CsvAnswer) {
  StartServer();
  HttpReply r = Query("UNWIND range(1, 3) AS x RETURN x, 'a,b' AS s", "{}", {{"Accept", "text/csv"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type").rfind("text/csv", 0), 0u);
  EXPECT_EQ(r.body, "x,s\r\n1,\"a,b\"\r\n2,\"a,b\"\r\n3,\"a,b\"\r\n");
}

TEST_F(ServerTest, ClientThatHangsUpStopsItsQuery) {
  StartServer();
  {
    HttpConnection c(port_);
    std::string body = QueryBody("UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b RETURN a, b");
    ASSERT_TRUE(c.SendRaw("POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Accept: application/x-ndjson\r\nContent-Length: " +
                          std::to_string(body.size()) + "\r\n\r\n" + body));
    HttpReply r = c.ReadReply(false, 100000);
    ASSERT_EQ(r.status, 200);
    ASSERT_FALSE(r.complete);
  }  // hang up with ten billion rows to go
  bool stopped = false;
  for (int i = 0; i < 100 && !stopped; ++i) {
    HttpReply m = Get("/metrics");
    stopped = m.body.find("\ntrendgraph_http_requests_in_flight 1\n") != std::string::npos;
    if (!stopped) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(stopped) << "the abandoned query is still running";
}

TEST_F(ServerTest, SixteenClientsMixedReadsAndWritesStayConsistent) {
  StartServer();
  constexpr int kClients = 16, kRequests = 500, kWriteEvery = 5;
  std::atomic<int> failures{0};
  std::string first_failure;
  std::mutex mu;
  std::vector<std::thread> threads;
  for (int t = 0; t < kClients; ++t) {
    threads.emplace_back([&, t] {
      HttpConnection c(port_);
      int my_writes = 0;
      for (int i = 0; i < kRequests; ++i) {
        bool write = i % kWriteEvery == 0;
        std::string body = write ? QueryBody("CREATE (:Item {t: $t, i: $i})",
                                             "{\"t\": " + std::to_string(t) + ", \"i\": " + std::to_string(i) + "}")
                                 : QueryBody("MATCH (n:Item {t: $t}) RETURN count(n) AS c", "{\"t\": " + std::to_string(t) + "}");
        HttpReply r = c.Request("POST", "/v1/graphs/default/query", body);
        bool ok = r.status == 200;
        if (ok && write) ++my_writes;
        if (ok && !write) {
          // Read-your-writes: every acknowledged write of this client is seen.
          size_t pos = r.body.find("\"rows\":[[");
          ok = pos != std::string::npos && std::atoi(r.body.c_str() + pos + 9) == my_writes;
        }
        if (!ok && failures.fetch_add(1) == 0) {
          std::lock_guard lock(mu);
          first_failure = std::to_string(r.status) + " " + r.body.substr(0, 300);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0) << first_failure;
  HttpReply r = Query("MATCH (n:Item) RETURN count(n) AS c");
  EXPECT_NE(r.body.find("\"rows\":[[" + std::to_string(kClients * kRequests / kWriteEvery) + "]]"), std::string::npos)
      << r.body;
}

TEST_F(ServerTest, SigtermFinishesInFlightRequestsAndKeepsData) {
  StartServer();
  ASSERT_EQ(Query("CREATE (:Kept {v: 1})").status, 200);
  HttpConnection c(port_, 60000);
  std::string body = QueryBody("UNWIND range(1, 300) AS a UNWIND range(1, 1000) AS b RETURN a, b");
  ASSERT_TRUE(c.SendRaw("POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Accept: application/x-ndjson\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body));
  // Wait until the answer has started, then stop the server mid-answer.
  HttpReply partial = c.ReadReply(false, 1);
  ASSERT_EQ(partial.status, 200);
  ::kill(server_.pid(), SIGTERM);
  std::string rest;
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(c.fd(), buf, sizeof(buf), 0);
    if (n <= 0) break;
    rest.append(buf, static_cast<size_t>(n));
    if (rest.size() >= 5 && rest.compare(rest.size() - 5, 5, "0\r\n\r\n") == 0) break;
  }
  EXPECT_NE(rest.find("\"rows\":300000"), std::string::npos) << "the in-flight answer was cut: "
                                                               << rest.substr(rest.size() > 300 ? rest.size() - 300 : 0);
  EXPECT_EQ(server_.Stop(SIGTERM), 0);

  StartServer();
  HttpReply r = Query("MATCH (k:Kept) RETURN count(k) AS c");
  EXPECT_NE(r.body.find("\"rows\":[[1]]"), std::string::npos) << r.body;
}

TEST_F(ServerTest, SchemaPluginsMetricsAndOpenApi) {
  StartServer();
  ASSERT_EQ(Query("CREATE (:Policy {name: 'vouchers'})-[:SUPPORTS]->(:Startup {name: 'x'})").status, 200);
  HttpReply r = Get("/v1/graphs/default/schema");
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d = Json(r.body);
  EXPECT_EQ(d["nodes"].GetUint64(), 2u);
  EXPECT_EQ(d["relationships"].GetUint64(), 1u);
  EXPECT_NE(r.body.find("{\"name\":\"Policy\",\"count\":1}"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("{\"name\":\"SUPPORTS\",\"count\":1}"), std::string::npos) << r.body;
  EXPECT_TRUE(d["property_keys"].IsArray());
  EXPECT_TRUE(d["indexes"].IsArray());
  EXPECT_EQ(Get("/v1/graphs/nope/schema").status, 404);

  r = Get("/v1/plugins");
  ASSERT_EQ(r.status, 200) << r.body;
  d = Json(r.body);
  EXPECT_TRUE(d["plugins"].IsArray());
  EXPECT_TRUE(d["procedures"].IsArray());
  if (SignalsPluginPresent()) {
    EXPECT_NE(r.body.find("\"name\":\"signals\""), std::string::npos) << r.body;
  }

  r = Get("/metrics");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("content-type").rfind("text/plain", 0), 0u);
  EXPECT_NE(r.body.find("trendgraph_http_requests_total{route=\"/v1/graphs/{g}/schema\",status=\"200\"} 1"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("trendgraph_http_request_duration_seconds_bucket{route=\"/v1/graphs/{g}/query\",le=\"+Inf\"} 1"),
            std::string::npos);
  EXPECT_NE(r.body.find("trendgraph_queries_total{result=\"ok\"} 1"), std::string::npos);
  EXPECT_NE(r.body.find("trendgraph_rocksdb_live_sst_bytes"), std::string::npos);
  EXPECT_NE(r.body.find("trendgraph_graph_nodes{graph=\"default\"} 2"), std::string::npos);

  r = Get("/v1/openapi.yaml");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, ReadFile(std::string(TRENDGRAPH_SOURCE_DIR) + "/docs/openapi.yaml"));
  EXPECT_EQ(r.body.rfind("openapi: 3", 0), 0u);
}

// Every route of the router is in docs/openapi.yaml with its method.
TEST(OpenApiTest, ListsEveryRoute) {
  std::string yaml = ReadFile(std::string(TRENDGRAPH_SOURCE_DIR) + "/docs/openapi.yaml");
  ASSERT_FALSE(yaml.empty());
  const auto& router = engine::http::ApiRouter();
  const std::vector<std::pair<engine::http::RouteId, const char*>> methods = {
      {engine::http::RouteId::kHealth, "get"},     {engine::http::RouteId::kListGraphs, "get"},
      {engine::http::RouteId::kCreateGraph, "put"}, {engine::http::RouteId::kDropGraph, "delete"},
      {engine::http::RouteId::kQuery, "post"},      {engine::http::RouteId::kIngest, "post"},
      {engine::http::RouteId::kSchema, "get"},      {engine::http::RouteId::kPlugins, "get"},
      {engine::http::RouteId::kMetrics, "get"},     {engine::http::RouteId::kOpenApi, "get"}};
  ASSERT_EQ(methods.size(), static_cast<size_t>(engine::http::RouteId::kCount));
  for (const auto& [route, method] : methods) {
    std::string pattern = router.Pattern(route);
    size_t at = yaml.find("\n  " + pattern + ":\n");
    ASSERT_NE(at, std::string::npos) << pattern << " is missing from docs/openapi.yaml";
    size_t next = yaml.find("\n  /", at + 3);
    std::string block = yaml.substr(at, next == std::string::npos ? std::string::npos : next - at);
    EXPECT_NE(block.find("\n    " + std::string(method) + ":"), std::string::npos)
        << pattern << " has no " << method << " operation";
  }
}

TEST_F(ServerTest, IngestRawAndJsonDocuments) {
  if (!SignalsPluginPresent()) GTEST_SKIP() << "signals plugin not built (trendgraph_signals.so absent in " TRENDGRAPH_PLUGIN_DIR ")";
  StartServer();
  std::string dir = std::string(TRENDGRAPH_CORPUS_DIR) + "/signals";
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path().filename().string());
  std::sort(files.begin(), files.end());
  ASSERT_GE(files.size(), 3u);

  HttpReply r = Fetch(port_, "POST", "/v1/graphs/default/ingest/signals?name=" + files[0], ReadFile(dir + "/" + files[0]),
                      {{"Content-Type", "text/markdown"}});
  ASSERT_EQ(r.status, 200) << r.body;
  rapidjson::Document d = Json(r.body);
  EXPECT_EQ(d["ok"].GetUint64(), 1u);
  EXPECT_EQ(std::string(d["documents"][0]["name"].GetString()), files[0]);

  std::string body = "{\"documents\": [";
  for (size_t i = 1; i < 3; ++i) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    std::string content = ReadFile(dir + "/" + files[i]);
    w.String(content.c_str(), static_cast<rapidjson::SizeType>(content.size()));
    body += std::string(i > 1 ? "," : "") + "{\"name\": \"" + files[i] + "\", \"content\": " + sb.GetString() + "}";
  }
  body += "]}";
  r = Fetch(port_, "POST", "/v1/graphs/default/ingest/signals", body);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r.body)["ok"].GetUint64(), 2u);

  r = Fetch(port_, "POST", "/v1/graphs/default/ingest/no_such_plugin?name=x.md", "# t", {{"Content-Type", "text/markdown"}});
  EXPECT_EQ(r.status, 404) << r.body;
  r = Fetch(port_, "POST", "/v1/graphs/default/ingest/signals", "{\"docs\": []}");
  EXPECT_EQ(r.status, 400) << r.body;
  r = Fetch(port_, "POST", "/v1/graphs/default/ingest/signals", "a=b", {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(r.status, 415) << r.body;

  EXPECT_NE(Get("/metrics").body.find("trendgraph_ingest_documents_total{result=\"ok\"} 3"), std::string::npos);
}

TEST_F(ServerTest, SigtermDuringBulkIngestKeepsOnlyWholeDocuments) {
  if (!SignalsPluginPresent()) GTEST_SKIP() << "signals plugin not built (trendgraph_signals.so absent in " TRENDGRAPH_PLUGIN_DIR ")";
  StartServer();
  std::string dir = std::string(TRENDGRAPH_CORPUS_DIR) + "/signals";
  std::string body = "{\"documents\": [";
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    std::string content = ReadFile(e.path().string());
    w.String(content.c_str(), static_cast<rapidjson::SizeType>(content.size()));
    body += std::string(n++ ? "," : "") + "{\"name\": \"" + e.path().filename().string() + "\", \"content\": " +
            sb.GetString() + "}";
  }
  body += "]}";
  HttpConnection c(port_, 60000);
  ASSERT_TRUE(c.SendRaw("POST /v1/graphs/default/ingest/signals HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the ingest begin
  ::kill(server_.pid(), SIGTERM);
  HttpReply r = c.ReadReply();
  EXPECT_EQ(server_.Stop(SIGTERM), 0);
  uint64_t acknowledged = 0;
  if (r.status == 200) acknowledged = Json(r.body)["ok"].GetUint64();

  StartServer();
  HttpReply count = Query("MATCH (a:Article) RETURN count(a) AS c");
  ASSERT_EQ(count.status, 200) << count.body;
  size_t pos = count.body.find("\"rows\":[[");
  ASSERT_NE(pos, std::string::npos);
  uint64_t articles = std::strtoull(count.body.c_str() + pos + 9, nullptr, 10);
  if (r.status == 200) {
    EXPECT_EQ(articles, acknowledged);
  }
  // Whole documents only: ingesting the same set again finds every stored
  // document unchanged and adds only the ones that never made it.
  HttpReply again = Fetch(port_, "POST", "/v1/graphs/default/ingest/signals", body);
  ASSERT_EQ(again.status, 200) << again.body.substr(0, 300);
  rapidjson::Document d = Json(again.body);
  uint64_t unchanged = 0;
  for (const auto& doc : d["documents"].GetArray()) unchanged += doc["unchanged"].GetBool() ? 1 : 0;
  EXPECT_EQ(unchanged, articles);
}

}  // namespace
}  // namespace trendgraph::testing
