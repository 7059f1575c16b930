// Result sinks: turn a query's columns and rows into an HTTP answer in one
// of three formats, chosen from the Accept header.
//
//   application/json      {"columns": [...], "rows": [[...]], "stats": {...},
//                          "elapsed_ms": 1.5}   (built in memory, then sent)
//   application/x-ndjson  {"columns": [...]}\n  [row]\n ...  then a trailer
//                          {"stats": {...}, "elapsed_ms": ...}\n  or
//                          {"error": {...}}\n
//   text/csv              header line, one line per row (RFC 4180 quoting;
//                          lists, maps, nodes... as their JSON text)
//
// The streaming formats hold at most ~64 KiB before handing it to the
// transport, which applies back-pressure; an answer that completes within
// that buffer is sent whole with a Content-Length, and a query that fails
// before anything was sent answers a normal JSON error (4xx). Once bytes
// are out, an NDJSON failure goes in the trailer and a CSV failure cuts the
// chunked transfer short (the client sees an incomplete body).
//
// Thread-safety: one sink per query, used by the thread running it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "engine/http/api_error.h"
#include "engine/http/http_message.h"
#include "engine/http/json_value.h"
#include "query/query_api.h"

namespace trendgraph::engine::http {

enum class ResultFormat { kJson, kNdjson, kCsv };

// From the Accept header (null or empty: JSON). nullopt when it names no
// format we produce (406). Honours q=0 and wildcards.
std::optional<ResultFormat> NegotiateFormat(const std::string* accept);

void WriteStats(JsonWriter& w, const query::QueryStats& stats);

// The sink of one HTTP query. After ExecuteQuery returns, call Finish()
// exactly once; it sends the answer (or its end) through `channel`, adding
// `extra_headers` (CORS) to the response.
class HttpResultSink : public query::ResultSink {
 public:
  // `max_buffered` bounds the JSON format's in-memory answer; beyond it the
  // query is stopped and the client told to use NDJSON.
  HttpResultSink(ResultFormat format, ResponseChannel* channel, HeaderList extra_headers, uint64_t max_buffered);
  ~HttpResultSink() override;

  void OnColumns(const std::vector<std::string>& columns) override;
  bool OnRow(const std::vector<Value>& row, query::EntityView& view) override;

  // Sends the rest. Returns the HTTP status that was (or had been) sent.
  int Finish(const query::QueryOutcome& outcome, std::chrono::nanoseconds elapsed);

  uint64_t rows() const { return rows_; }
  bool client_gone() const { return client_gone_; }

 private:
  bool Flush();  // hands the buffer to the stream, starting it if needed
  void WriteCsvField(const Value& v, query::EntityView* view);
  void SendWhole(int status, std::string body);

  ResultFormat format_;
  ResponseChannel* channel_;
  HeaderList extra_headers_;
  uint64_t max_buffered_;
  rapidjson::StringBuffer buf_;
  JsonWriter writer_;
  std::unique_ptr<BodyStream> stream_;
  int sent_status_ = 0;
  uint64_t rows_ = 0;
  size_t columns_ = 0;
  bool columns_written_ = false;
  bool client_gone_ = false;
  bool too_big_ = false;
  rapidjson::StringBuffer scratch_;  // CSV: JSON text of complex values
};

}  // namespace trendgraph::engine::http
