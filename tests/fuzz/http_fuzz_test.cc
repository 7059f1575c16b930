// HTTP fuzzing: the real `trendgraph serve` binary on an ephemeral port, fed
// malformed and hostile requests: JSON bodies mutated byte by byte, wrong
// member types, huge and deeply nested parameters, invalid UTF-8, unknown
// routes and methods, wrong content types and Accept headers, truncated
// bodies, garbage on the wire.
//
// Oracle:
//  * every request that is whole gets an answer, never a 5xx (a 500 means a
//    handler failed on input it should have refused);
//  * every error answer is the JSON error body of docs/http.md:
//    {"error": {"code": <a code the contract lists>, "message": <non-empty>}};
//  * a 2xx query answer is JSON with "columns" and "rows";
//  * after each burst the server answers GET /v1/health with 200, and at
//    the end it shuts down cleanly on SIGTERM (exit status 0; under the
//    sanitizers a leak or error report makes it non-zero).
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <cstdio>
#include <map>
#include <set>

#include "fuzz_util.h"
#include "http/http_test_support.h"
#include "test_util.h"

namespace trendgraph::fuzz {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using testing::HttpConnection;
using testing::HttpReply;

// The error codes of docs/http.md (and the TCK README); a code may carry a
// ".Detail". IngestFailed is the 422 of a partly failed ingest.
bool KnownCode(const std::string& code) {
  static const std::set<std::string> k = {
      "SyntaxError", "SemanticError", "TypeError", "ArgumentError", "EntityNotFound",
      "ConstraintVerificationFailed", "ParameterMissing", "ProcedureError", "Timeout", "ResourceLimit",
      "Cancelled", "BadRequest", "Unauthorized", "Forbidden", "NotFound", "MethodNotAllowed",
      "NotAcceptable", "PayloadTooLarge", "UnsupportedMediaType", "HeadersTooLarge", "Unavailable",
      "IngestFailed",
      // Storage status codes, for errors the storage layer reports (docs/openapi.yaml).
      "NotFound", "InvalidArgument", "AlreadyExists", "NotSupported", "Busy", "Aborted", "TimedOut",
      "ResourceExhausted", "ConstraintViolation"};
  return k.count(code.substr(0, code.find('.'))) > 0;
}

std::string Nested(std::string_view open, std::string_view inner, std::string_view close, size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += open;
  s += inner;
  for (size_t i = 0; i < depth; ++i) s += close;
  return s;
}

struct Request {
  std::string method = "POST";
  std::string path = "/v1/graphs/default/query";
  std::string body;
  Headers headers;
  bool truncated = false;  // send part of the body, then hang up
};

const std::vector<std::string>& ValidQueries() {
  static const std::vector<std::string> k = {
      "RETURN 1 AS x",
      "MATCH (n) RETURN n LIMIT 5",
      "MATCH (p:Policy {name: $name})-[:SUPPORTS]->(s) RETURN s.name AS startup",
      "UNWIND $list AS x RETURN x",
      "RETURN $p AS p",
      "CREATE (n:Fuzz {v: $p}) RETURN id(n)",
      "MATCH (n:Fuzz) DETACH DELETE n",
      "MATCH (a)-[r]->(b) RETURN a, r, b LIMIT 3",
      "MATCH p = (a)-[*1..3]->(b) RETURN p LIMIT 3",
      "RETURN date($d) AS d",
      "CALL db.labels() YIELD label RETURN label",
  };
  return k;
}

// A parameter value as JSON text: ordinary, typed, huge, or deeply nested.
std::string ParamValue(Rng& rng) {
  switch (rng.Below(16)) {
    case 0: return "1";
    case 1: return "\"computing vouchers\"";
    case 2: return "[1, 2.5, \"x\", null, true, {\"a\": [1]}]";
    case 3: return Nested("[", "1", "]", 1 + rng.Below(300));
    case 4: return Nested("{\"a\":", "1", "}", 1 + rng.Below(300));
    case 5: return Nested("[", "1", "]", 100000);
    case 6: return "\"" + std::string(1 + rng.Below(4 << 20), 'x') + "\"";
    case 7: {
      std::string s = "[";
      for (size_t i = 0, n = 1 + rng.Below(200000); i < n; ++i) s += (i ? ",": "") + std::to_string(i);
      return s + "]";
    }
    case 8: {
      std::string s = "{";
      for (size_t i = 0, n = 1 + rng.Below(50000); i < n; ++i) s += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":1";
      return s + "}";
    }
    case 9: return rng.Pick(std::vector<std::string>{"9223372036854775807", "9223372036854775808",
                                                     "-9223372036854775809", "1e400", "-0", "-0.0", "1e-400",
                                                     std::string(5000, '9'), "0." + std::string(5000, '1')});
    case 10: return rng.Pick(std::vector<std::string>{
        "{\"$float\": \"NaN\"}", "{\"$float\": \"nan?\"}", "{\"$float\": 1}", "{\"$date\": \"2024-03-05\"}",
        "{\"$date\": \"2024-13-45\"}", "{\"$date\": 5}", "{\"$datetime\": \"2024-03-05T12:31+08:00[No/Where]\"}",
        "{\"$duration\": \"P9223372036854775807Y\"}", "{\"$duration\": \"PT\"}", "{\"$time\": \"\"}",
        "{\"$localtime\": \"25:00\"}", "{\"$localdatetime\": null}", "{\"$date\": {\"$date\": \"2024-01-01\"}}",
        "{\"$node\": {\"id\": \"1\"}}", "{\"$rel\": 1}", "{\"$path\": []}", "{\"$unknown\": 1}",
        "[{\"$datetime\": \"+999999999-12-31T23:59:59.999999999Z\"}]"});
    case 11: return "\"\xff\xfe\"";
    case 12: return "\"\\ud800\"";
    case 13: return "\"\\u0000\"";
    case 14: return "{\"\xc3\": 1}";
    default: return "null";
  }
}

std::string QueryBodyFor(Rng& rng) {
  std::string q = rng.Pick(ValidQueries());
  std::string params = "{\"name\": \"computing vouchers\", \"list\": [1,2,3], \"d\": \"2024-03-05\", \"p\": " +
                       ParamValue(rng) + "}";
  return testing::QueryBody(q, params);
}

Request Generate(Rng& rng) {
  Request r;
  switch (rng.Below(13)) {
    case 0:
    case 1: {  // a query body with byte-level damage
      r.body = QueryBodyFor(rng);
      if (r.body.size() > 100000) r.body.resize(100000);
      for (int i = 0, n = 1 + static_cast<int>(rng.Below(6)); i < n; ++i) MutateBytes(rng, &r.body);
      break;
    }
    case 2:  // a good query with an odd parameter value
      r.body = QueryBodyFor(rng);
      break;
    case 3: {  // wrong types and shapes
      static const std::vector<std::string> k = {
          "{\"query\": 1}", "{\"query\": null}", "{\"query\": true}", "{\"query\": []}", "{\"query\": {}}",
          "{\"query\": \"\"}", "{\"query\": 1.5}", "{\"query\": \"RETURN 1\", \"parameters\": 1}",
          "{\"query\": \"RETURN 1\", \"parameters\": []}", "{\"query\": \"RETURN 1\", \"parameters\": \"x\"}",
          "{\"query\": \"RETURN 1\", \"parameters\": null}", "{\"query\": \"RETURN 1\", \"params\": {}}",
          "{\"query\": \"RETURN 1\", \"query\": \"RETURN 2\"}", "{}", "[]", "null", "\"RETURN 1\"", "1", "",
          " ", "{\"query\": \"RETURN 1\"} trailing", "{\"query\": \"RETURN 1\",}", "{'query': 'RETURN 1'}",
          "{\"query\": \"RETURN \\u0000 1\"}", "{\"query\": \"RETURN '\\ud800'\"}", "{\"query\": \"RETURN 1\\",
          "\xef\xbb\xbf{\"query\": \"RETURN 1\"}", "{\"query\": \"RETURN 1\", \"parameters\": {\"\": 1}}",
          "{\"query\": \"RETURN $`\\u00e9`\", \"parameters\": {\"\\u00e9\": 1}}"};
      r.body = rng.Pick(k);
      break;
    }
    case 4:  // invalid UTF-8 in the query text
      r.body = "{\"query\": \"RETURN '" + rng.Pick(InvalidUtf8()) + "' AS s\"}";
      break;
    case 5:  // deep nesting of the body itself
      r.body = rng.Chance(1, 2) ? Nested("[", "", "]", 1 + rng.Below(200000))
                                : "{\"query\": \"RETURN 1\", \"parameters\": " +
                                      Nested("{\"a\":", "1", "}", 1 + rng.Below(200000)) + "}";
      break;
    case 6: {  // unknown routes, odd paths
      static const std::vector<std::string> k = {
          "/", "//", "/v1", "/v1/", "/v1/graphs/", "/v1/graphs/default", "/v1/graphs/default/", "/v2/graphs/default/query",
          "/v1/graphs/default/query/extra", "/v1/graphs/%00/query", "/v1/graphs/%zz/query", "/v1/graphs/../query",
          "/v1/graphs/" + std::string(300, 'g') + "/query", "/v1/graphs/a%2Fb/query", "/v1/graphs/\xff/query",
          "/v1/graphs/default/query?x=%", "/v1/graphs/default/schema?", "/v1/graphs/nope/schema",
          "/v1/graphs/default/ingest/nope", "/v1/graphs/default/ingest/", "/v1/plugins/x", "/metrics/x",
          "/v1/health/x", "/v1/graphs/fuzz-g1", "/v1/graphs/fuzz_g2/query", "/v1/openapi.yaml", "*",
          "/v1/graphs/default/query#frag", "/v1/graphs/%64efault/query"};
      r.path = rng.Pick(k);
      r.body = rng.Chance(1, 2) ? testing::QueryBody("RETURN 1") : "";
      break;
    }
    case 7: {  // methods
      static const std::vector<std::string> k = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS",
                                                 "TRACE", "FOO", "get", "CONNECT"};
      r.method = rng.Pick(k);
      static const std::vector<std::string> paths = {"/v1/health", "/v1/graphs", "/v1/graphs/default/query",
                                                     "/v1/graphs/fuzz-g3", "/v1/graphs/default/schema",
                                                     "/v1/plugins", "/metrics", "/v1/graphs/default/ingest/auto"};
      r.path = rng.Pick(paths);
      if (r.method == "POST" || rng.Chance(1, 3)) r.body = testing::QueryBody("RETURN 1");
      break;
    }
    case 8: {  // content types and Accept headers
      static const std::vector<std::string> types = {
          "text/plain", "application/json; charset=latin1", "multipart/form-data; boundary=x",
          "application/x-www-form-urlencoded", "", "garbage", "application/", "application/json;;;",
          "application/json; charset=utf-8", "APPLICATION/JSON", "\xff/\xfe"};
      static const std::vector<std::string> accepts = {
          "text/html", "application/x-ndjson", "text/csv", "*/*", "", "garbage;q=x", "application/json;q=0",
          "text/csv;q=0.1, application/x-ndjson;q=0.9"};
      r.body = QueryBodyFor(rng);
      if (r.body.size() > 200000) r.body = testing::QueryBody("MATCH (n) RETURN n");
      r.headers.push_back({"Content-Type", rng.Pick(types)});
      if (rng.Chance(1, 2)) r.headers.push_back({"Accept", rng.Pick(accepts)});
      break;
    }
    case 9: {  // ingest: raw documents and JSON document lists, damaged
      r.path = rng.Pick(std::vector<std::string>{"/v1/graphs/default/ingest/auto",
                                                 "/v1/graphs/default/ingest/signals?name=%ff.md",
                                                 "/v1/graphs/default/ingest/news", "/v1/graphs/nope/ingest/auto"});
      static const std::vector<std::string> k = {
          "{\"documents\": 1}", "{\"documents\": [1]}", "{\"documents\": [{\"name\": 1, \"content\": \"x\"}]}",
          "{\"documents\": [{\"name\": \"a.md\"}]}", "{\"documents\": [{\"content\": \"# t\"}]}",
          "{\"documents\": [{\"name\": \"a.md\", \"content\": \"\\u0000\\u00ff\"}]}", "{\"documents\": []}",
          "{\"docs\": []}", "{\"documents\": [{\"name\": \"\", \"content\": \"\"}]}",
          "{\"documents\": [{\"name\": \"x.md\", \"content\": \"---\\n: :\\n---\\n\"}]}"};
      if (rng.Chance(1, 2)) {
        r.body = rng.Pick(k);
      } else {
        r.body = "---\ntitle: \"" + rng.Pick(InvalidUtf8()) + "\n# head\n| a | b\n";
        r.headers.push_back({"Content-Type", rng.Chance(1, 2) ? "text/markdown" : "application/octet-stream"});
      }
      break;
    }
    case 10: {  // graph names
      r.method = rng.Chance(1, 2) ? "PUT" : "DELETE";
      static const std::vector<std::string> names = {"fuzz-a", "", "%20", "a b", std::string(65, 'a'), "\xc3",
                                                     "..", "fuzz_b", "-", "%2e%2e"};
      r.path = "/v1/graphs/" + rng.Pick(names);
      break;
    }
    case 11:  // a truncated body: the client hangs up mid-body
      r.body = QueryBodyFor(rng);
      if (r.body.size() > 200000) r.body.resize(200000);
      r.truncated = true;
      break;
    default: {  // headers: huge, odd, repeated
      r.body = testing::QueryBody("RETURN 1");
      static const std::vector<std::pair<std::string, std::string>> k = {
          // Not here: "Transfer-Encoding: chunked" over a body that is not
          // chunked gets no answer at all (see
          // BrokenChunkedBodyDoesNotBlockShutdown).
          {"X-Big", std::string(70000, 'h')}, {"Content-Length", "5"}, {"Transfer-Encoding", "gzip"},
          {"Authorization", "Bearer \xff"}, {"Accept", std::string(10000, ',')}, {"Expect", "100-continue"},
          {"Origin", "http://evil.example"}, {"X-Document-Name", "\xff\xfe"}, {"Connection", "close"}};
      r.headers.push_back(rng.Pick(k));
      break;
    }
  }
  return r;
}

// A request target with a space or a control or non-ASCII byte is not
// HTTP/1.1 (RFC 9112 3.2): cpprestsdk refuses it with a 400 of its own
// (plain text, before any handler runs), which is all it can get.
// So is a '%' not followed by two hex digits (RFC 3986 2.1): cpprest's
// listener fails to decode the path and answers 400 with an empty body.
bool MalformedRequestLine(const Request& req) {
  const std::string p = req.path.substr(0, req.path.find('?'));  // a query string is the handler's to judge
  for (size_t i = 0; i < p.size(); ++i) {
    unsigned char u = static_cast<unsigned char>(p[i]);
    if (u <= 0x20 || u >= 0x7f) return true;
    if (p[i] == '%' && (i + 2 >= p.size() || !std::isxdigit(static_cast<unsigned char>(p[i + 1])) ||
                        !std::isxdigit(static_cast<unsigned char>(p[i + 2])))) {
      return true;
    }
  }
  return false;
}

std::string CheckReply(const Request& req, const HttpReply& r) {
  if (r.status == 0) return "no answer";
  if (MalformedRequestLine(req)) return r.status == 400 ? "" : "malformed request line got " + std::to_string(r.status);
  if (r.status >= 500 && r.status != 503) return "server error " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
  if (req.method == "HEAD" || r.status == 204 || r.status < 400) {
    if (r.status == 200 && req.method == "POST" && req.path == "/v1/graphs/default/query" &&
        r.Header("content-type").find("application/json") != std::string::npos) {
      rapidjson::Document d;
      d.Parse(r.body.c_str(), r.body.size());
      if (d.HasParseError() || !d.IsObject() || !d.HasMember("columns") || !d.HasMember("rows")) {
        return "200 answer without columns and rows: " + r.body.substr(0, 300);
      }
    }
    return "";
  }
  rapidjson::Document d;
  d.Parse(r.body.c_str(), r.body.size());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("error") || !d["error"].IsObject()) {
    return std::to_string(r.status) + " without a JSON error body: " + Printable(r.body, 240);
  }
  const auto& e = d["error"];
  if (!e.HasMember("code") || !e["code"].IsString() || !KnownCode(e["code"].GetString())) {
    return std::to_string(r.status) + " with an unknown error code: " + Printable(r.body, 240);
  }
  if (!e.HasMember("message") || !e["message"].IsString() || e["message"].GetStringLength() == 0) {
    return std::to_string(r.status) + " without an error message: " + Printable(r.body, 240);
  }
  return "";
}

TEST(HttpFuzzTest, HostileRequestsGetClearErrorsAndTheServerStaysUp) {
  testing::TempDir dir;
  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(dir.Sub("db"), {"--query-timeout-ms", "3000", "--max-body", "16000000"}, &error)) << error;
  const int port = server.port();
  {
    HttpReply seed = testing::Fetch(
        port, "POST", "/v1/graphs/default/query",
        testing::QueryBody("CREATE (:Policy {name: 'computing vouchers'})-[:SUPPORTS]->(:Startup {name: 'X'})"));
    ASSERT_EQ(seed.status, 200) << seed.body;
  }

  constexpr uint64_t kSeed = 0x5eed0002;
  constexpr int kBurst = 25;
  Budget budget(15000, 30);
  std::vector<std::string> failures;
  std::map<int, int> statuses;
  const bool verbose = EnvOr("TRENDGRAPH_FUZZ_VERBOSE", 0) != 0;
  uint64_t i = budget.first();
  auto health = [&](const std::string& after) {
    HttpReply h = testing::Fetch(port, "GET", "/v1/health");
    if (h.status != 200 || h.body.find("\"ok\"") == std::string::npos) {
      failures.push_back("health check failed after " + after + ": status " + std::to_string(h.status));
      return false;
    }
    return true;
  };
  for (; budget.Continue(i) && failures.size() < 30; ++i) {
    Rng rng(SeedFor(kSeed, i));
    Request req = Generate(rng);
    auto where = [&] {
      return "iteration " + std::to_string(i) + " (" + req.method + " " + Printable(req.path, 80) + " body " +
             Printable(req.body, 160) + "): ";
    };
    // Framing headers that disagree with the body (a Content-Length longer
    // than the body, chunked without chunks) leave the server waiting for
    // the rest: no answer is expected, so wait only briefly.
    const bool framing = !req.headers.empty() && (req.headers[0].first == "Content-Length" ||
                                                  req.headers[0].first == "Transfer-Encoding");
    HttpConnection c(port, framing ? 1000 : 30000);
    auto t0 = std::chrono::steady_clock::now();
    if (!c.ok()) {
      failures.push_back(where() + "cannot connect");
      break;
    }
    if (req.truncated) {
      std::string head = req.method + " " + req.path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                         "application/json\r\nContent-Length: " + std::to_string(req.body.size()) + "\r\n\r\n";
      c.SendRaw(head + req.body.substr(0, rng.Below(req.body.size())));
      c.Close();
    } else {
      HttpReply r = c.Request(req.method, req.path, req.body, req.headers);
      statuses[r.status]++;
      std::string bad = framing && r.status == 0 ? "" : CheckReply(req, r);
      if (!bad.empty()) failures.push_back(where() + bad);
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    if (verbose) std::fprintf(stderr, "%s%lld ms\n", where().c_str(), static_cast<long long>(ms));
    if (i % kBurst == kBurst - 1 && !health("iteration " + std::to_string(i))) break;
  }
  health("the last iteration");
  std::string summary;
  for (const auto& [s, n] : statuses) summary += " " + std::to_string(s) + "x" + std::to_string(n);
  std::printf("http fuzz: %llu requests, statuses:%s\n", static_cast<unsigned long long>(i - budget.first()),
              summary.c_str());
  for (const auto& f : failures) ADD_FAILURE() << f;
  EXPECT_TRUE(failures.empty()) << "rerun one with TRENDGRAPH_FUZZ_ONLY=<iteration>";
  EXPECT_EQ(server.Stop(), 0) << "the server did not shut down cleanly (crash, or a sanitizer report)";
}

// Regression: a client that announced a body and hung up before sending it
// all got no answer, cpprest kept its connection, and the listener's close()
// waited for it forever: SIGTERM never ended the server.
TEST(HttpFuzzTest, ClientHangingUpMidBodyDoesNotBlockShutdown) {
  testing::TempDir dir;
  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(dir.Sub("db"), {}, &error)) << error;
  for (size_t sent : {0, 10}) {
    HttpConnection c(server.port(), 1000);
    ASSERT_TRUE(c.ok());
    std::string body = testing::QueryBody("RETURN 1");
    ASSERT_TRUE(c.SendRaw("POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                          "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body.substr(0, sent)));
  }
  EXPECT_EQ(testing::Fetch(server.port(), "GET", "/v1/health").status, 200);
  EXPECT_EQ(server.Stop(SIGTERM, 40000), 0) << "SIGTERM did not end the server within 40 s";
}

// A request announcing a chunked body that is not chunked, its client gone:
// the server used to stay in HttpServer::Shutdown -> CpprestTransport::Stop
// -> http_listener::close().wait() forever, so SIGTERM never ended it. Found
// by this fuzz test. (Such a request gets no answer — cpprest waits for the
// chunks — so the generator above leaves it out.)
TEST(HttpFuzzTest, BrokenChunkedBodyDoesNotBlockShutdown) {
  testing::TempDir dir;
  testing::ServerProcess server;
  std::string error;
  ASSERT_TRUE(server.Start(dir.Sub("db"), {}, &error)) << error;
  {
    HttpConnection c(server.port(), 1000);
    ASSERT_TRUE(c.ok());
    ASSERT_TRUE(c.SendRaw("POST /v1/graphs/default/query HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                          "Content-Type: application/json\r\n\r\n{\"query\": \"RETURN 1\"}"));
    (void)c.ReadReply();
  }
  EXPECT_EQ(server.Stop(SIGTERM, 40000), 0) << "SIGTERM did not end the server within 40 s";
}

}  // namespace
}  // namespace trendgraph::fuzz
