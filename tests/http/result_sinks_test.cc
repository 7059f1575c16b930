// Unit tests of the answer formats and of the error mapping, over a
// recording ResponseChannel (it stands in for the transport).
#include "engine/http/result_sinks.h"

#include <gtest/gtest.h>

#include "engine/http/api_error.h"

namespace trendgraph::engine::http {
namespace {

class RecordingStream : public BodyStream {
 public:
  explicit RecordingStream(std::string* out, bool* finished, bool* aborted, size_t fail_after)
      : out_(out), finished_(finished), aborted_(aborted), fail_after_(fail_after) {}
  bool Write(std::string_view data) override {
    if (out_->size() >= fail_after_) return false;
    out_->append(data);
    return true;
  }
  void Finish() override { *finished_ = true; }
  void Abort() override { *aborted_ = true; }

 private:
  std::string* out_;
  bool* finished_;
  bool* aborted_;
  size_t fail_after_;
};

class RecordingChannel : public ResponseChannel {
 public:
  void Send(HttpResponse r) override {
    ++sends;
    status = r.status;
    headers = r.headers;
    body = std::move(r.body);
  }
  std::unique_ptr<BodyStream> StartStream(int s, HeaderList h) override {
    ++streams;
    status = s;
    headers = std::move(h);
    return std::make_unique<RecordingStream>(&body, &finished, &aborted, fail_after);
  }
  std::string Header(const std::string& name) const {
    for (const auto& [k, v] : headers) {
      if (k == name) return v;
    }
    return "";
  }
  int sends = 0, streams = 0, status = 0;
  HeaderList headers;
  std::string body;
  bool finished = false, aborted = false;
  size_t fail_after = std::string::npos;
};

class NoView : public query::EntityView {
 public:
  Status GetNode(storage::NodeId, std::vector<std::string>*, Value::Map*) override { return Status::NotFound(""); }
  Status GetRel(storage::RelId, std::string*, Value::Map*) override { return Status::NotFound(""); }
};

query::QueryOutcome Ok() { return query::QueryOutcome{}; }
query::QueryOutcome Failed(query::ErrorCode code, const std::string& msg) {
  query::QueryOutcome o;
  o.ok = false;
  o.error.code = code;
  o.error.message = msg;
  o.error.position = {2, 5, 9};
  return o;
}

TEST(ResultSinkTest, JsonAnswerHasColumnsRowsStatsAndElapsed) {
  RecordingChannel ch;
  NoView view;
  HttpResultSink sink(ResultFormat::kJson, &ch, {{"Vary", "Origin"}}, 1 << 20);
  sink.OnColumns({"n.name", "count(*)"});
  ASSERT_TRUE(sink.OnRow({Value("a"), Value(2)}, view));
  query::QueryOutcome o = Ok();
  o.stats.nodes_created = 3;
  EXPECT_EQ(sink.Finish(o, std::chrono::milliseconds(2)), 200);
  EXPECT_EQ(ch.sends, 1);
  EXPECT_EQ(ch.streams, 0);
  EXPECT_EQ(ch.Header("Vary"), "Origin");
  EXPECT_EQ(ch.body.rfind("{\"columns\":[\"n.name\",\"count(*)\"],\"rows\":[[\"a\",2]],\"stats\":{\"nodes_created\":3,",
                          0),
            0u)
      << ch.body;
  EXPECT_NE(ch.body.find("\"elapsed_ms\":2.0"), std::string::npos) << ch.body;
}

TEST(ResultSinkTest, QueryErrorBecomesA4xxWithPosition) {
  RecordingChannel ch;
  HttpResultSink sink(ResultFormat::kJson, &ch, {}, 1 << 20);
  EXPECT_EQ(sink.Finish(Failed(query::ErrorCode::kSyntaxError, "bad"), {}), 400);
  EXPECT_EQ(ch.status, 400);
  EXPECT_EQ(ch.body, "{\"error\":{\"code\":\"SyntaxError\",\"message\":\"bad\",\"position\":{\"line\":2,\"column\":5,"
                     "\"offset\":9}}}\n");
}

TEST(ResultSinkTest, SmallNdjsonAnswerIsSentWhole) {
  RecordingChannel ch;
  NoView view;
  HttpResultSink sink(ResultFormat::kNdjson, &ch, {}, 1 << 20);
  sink.OnColumns({"x"});
  ASSERT_TRUE(sink.OnRow({Value(1.5)}, view));
  EXPECT_EQ(sink.Finish(Ok(), {}), 200);
  EXPECT_EQ(ch.streams, 0);
  EXPECT_EQ(ch.Header("Content-Type"), "application/x-ndjson");
  EXPECT_EQ(ch.body.rfind("{\"columns\":[\"x\"]}\n[1.5]\n{\"stats\":", 0), 0u) << ch.body;
}

TEST(ResultSinkTest, LargeNdjsonAnswerStreamsAndEndsWithTrailer) {
  RecordingChannel ch;
  NoView view;
  HttpResultSink sink(ResultFormat::kNdjson, &ch, {}, 1 << 20);
  sink.OnColumns({"x"});
  for (int i = 0; i < 50000; ++i) ASSERT_TRUE(sink.OnRow({Value(i)}, view));
  EXPECT_EQ(sink.Finish(Failed(query::ErrorCode::kTimeout, "too slow"), {}), 200);
  EXPECT_EQ(ch.streams, 1);
  EXPECT_TRUE(ch.finished);
  size_t lines = std::count(ch.body.begin(), ch.body.end(), '\n');
  EXPECT_EQ(lines, 50002u);
  std::string last = ch.body.substr(ch.body.rfind('\n', ch.body.size() - 2) + 1);
  EXPECT_EQ(last, "{\"error\":{\"code\":\"Timeout\",\"message\":\"too slow\",\"position\":{\"line\":2,\"column\":5,"
                  "\"offset\":9}}}\n");
}

TEST(ResultSinkTest, ClientGoneStopsTheQuery) {
  RecordingChannel ch;
  ch.fail_after = 100000;
  NoView view;
  HttpResultSink sink(ResultFormat::kNdjson, &ch, {}, 1 << 20);
  sink.OnColumns({"x"});
  int rows = 0;
  while (rows < 10000000 && sink.OnRow({Value("some text to fill the buffer")}, view)) ++rows;
  EXPECT_LT(rows, 10000000);
  EXPECT_TRUE(sink.client_gone());
  sink.Finish(Failed(query::ErrorCode::kCancelled, "stopped"), {});
  EXPECT_TRUE(ch.aborted);
}

TEST(ResultSinkTest, CsvQuotesAndAbortsOnLateError) {
  RecordingChannel ch;
  NoView view;
  HttpResultSink sink(ResultFormat::kCsv, &ch, {}, 1 << 20);
  sink.OnColumns({"a", "b,c"});
  ASSERT_TRUE(sink.OnRow({Value("say \"hi\""), Value(Value::List{Value(1), Value(2.0)})}, view));
  ASSERT_TRUE(sink.OnRow({Value(), Value(true)}, view));
  EXPECT_EQ(sink.Finish(Ok(), {}), 200);
  EXPECT_EQ(ch.body, "a,\"b,c\"\r\n\"say \"\"hi\"\"\",\"[1,2.0]\"\r\n,true\r\n");

  RecordingChannel ch2;
  HttpResultSink sink2(ResultFormat::kCsv, &ch2, {}, 1 << 20);
  sink2.OnColumns({"x"});
  for (int i = 0; i < 50000; ++i) ASSERT_TRUE(sink2.OnRow({Value(i)}, view));
  sink2.Finish(Failed(query::ErrorCode::kTypeError, "late"), {});
  EXPECT_TRUE(ch2.aborted);
  EXPECT_FALSE(ch2.finished);
}

TEST(ResultSinkTest, OversizedJsonAnswerAsksForStreaming) {
  RecordingChannel ch;
  NoView view;
  HttpResultSink sink(ResultFormat::kJson, &ch, {}, 1000);
  sink.OnColumns({"x"});
  int rows = 0;
  while (rows < 100000 && sink.OnRow({Value(rows)}, view)) ++rows;
  EXPECT_LT(rows, 1000);
  sink.Finish(Failed(query::ErrorCode::kCancelled, "stopped"), {});
  EXPECT_EQ(ch.status, 422);
  EXPECT_NE(ch.body.find("ResourceLimit"), std::string::npos);
  EXPECT_NE(ch.body.find("x-ndjson"), std::string::npos);
}

TEST(NegotiateFormatTest, PicksBestAcceptableType) {
  std::string a = "text/csv";
  EXPECT_EQ(NegotiateFormat(&a), ResultFormat::kCsv);
  a = "application/x-ndjson, application/json;q=0.5";
  EXPECT_EQ(NegotiateFormat(&a), ResultFormat::kNdjson);
  a = "text/csv;q=0.2, application/json";
  EXPECT_EQ(NegotiateFormat(&a), ResultFormat::kJson);
  a = "*/*";
  EXPECT_EQ(NegotiateFormat(&a), ResultFormat::kJson);
  EXPECT_EQ(NegotiateFormat(nullptr), ResultFormat::kJson);
  a = "text/html";
  EXPECT_FALSE(NegotiateFormat(&a).has_value());
  a = "application/json;q=0";
  EXPECT_FALSE(NegotiateFormat(&a).has_value());
}

TEST(ApiErrorTest, OneMappingForEveryKindOfError) {
  query::QueryError qe;
  qe.code = query::ErrorCode::kSemanticError;
  qe.detail = "UndefinedVariable";
  qe.message = "x is not defined";
  ApiError e = ApiError::FromQuery(qe);
  EXPECT_EQ(HttpStatusFor(e), 400);
  EXPECT_EQ(ErrorCodeText(e), "SemanticError.UndefinedVariable");

  qe.code = query::ErrorCode::kEntityNotFound;
  EXPECT_EQ(HttpStatusFor(ApiError::FromQuery(qe)), 404);
  qe.code = query::ErrorCode::kConstraintVerificationFailed;
  EXPECT_EQ(HttpStatusFor(ApiError::FromQuery(qe)), 409);
  qe.code = query::ErrorCode::kStorageError;
  EXPECT_EQ(HttpStatusFor(ApiError::FromQuery(qe)), 500);

  EXPECT_EQ(HttpStatusFor(ApiError::FromStatus(Status::NotFound("graph 'x'"))), 404);
  EXPECT_EQ(ErrorCodeText(ApiError::FromStatus(Status::NotFound("graph 'x'"))), "NotFound");
  EXPECT_EQ(HttpStatusFor(ApiError::FromStatus(Status::InvalidArgument("bad name"))), 400);
  EXPECT_EQ(HttpStatusFor(ApiError::FromStatus(Status::IOError("disk"))), 500);

  HttpResponse r = ErrorResponse(ApiError::Http(HttpError::kUnauthorized, "need a token"));
  EXPECT_EQ(r.status, 401);
  bool has_challenge = false;
  for (const auto& [k, v] : r.headers) has_challenge |= k == "WWW-Authenticate";
  EXPECT_TRUE(has_challenge);
  EXPECT_EQ(r.body, "{\"error\":{\"code\":\"Unauthorized\",\"message\":\"need a token\"}}\n");
  EXPECT_EQ(ErrorResponse(ApiError::Http(HttpError::kPayloadTooLarge, "")).status, 413);
  EXPECT_EQ(ErrorResponse(ApiError::Http(HttpError::kUnsupportedMediaType, "")).status, 415);
  EXPECT_EQ(ErrorResponse(ApiError::Http(HttpError::kHeadersTooLarge, "")).status, 431);
}

}  // namespace
}  // namespace trendgraph::engine::http
