#include "engine/http/result_sinks.h"

#include <cstring>

namespace trendgraph::engine::http {

namespace {

// Streamed answers go out in pieces of about this size.
constexpr size_t kFlushBytes = 64 << 10;

const char* ContentTypeOf(ResultFormat f) {
  switch (f) {
    case ResultFormat::kJson: return "application/json";
    case ResultFormat::kNdjson: return "application/x-ndjson";
    case ResultFormat::kCsv: return "text/csv; charset=utf-8";
  }
  return "application/json";
}

void Append(rapidjson::StringBuffer& buf, std::string_view s) {
  if (s.empty()) return;
  char* p = buf.Push(s.size());
  std::memcpy(p, s.data(), s.size());
}

void AppendCsvText(rapidjson::StringBuffer& buf, std::string_view s) {
  bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos || (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) {
    Append(buf, s);
    return;
  }
  buf.Put('"');
  for (char c : s) {
    if (c == '"') buf.Put('"');
    buf.Put(c);
  }
  buf.Put('"');
}

}  // namespace

std::optional<ResultFormat> NegotiateFormat(const std::string* accept) {
  if (!accept || accept->empty()) return ResultFormat::kJson;
  // Pick the acceptable type with the highest q; ties go to the first listed.
  std::optional<ResultFormat> best;
  double best_q = 0;
  std::string_view rest = *accept;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    std::string type = MediaType(item);
    double q = 1.0;
    size_t qpos = item.find("q=");
    if (qpos != std::string_view::npos) q = std::atof(std::string(item.substr(qpos + 2)).c_str());
    if (q <= 0) continue;
    std::optional<ResultFormat> f;
    if (type == "application/json" || type == "application/*" || type == "*/*" || type == "*") {
      f = ResultFormat::kJson;
    } else if (type == "application/x-ndjson" || type == "application/jsonlines" || type == "application/jsonl") {
      f = ResultFormat::kNdjson;
    } else if (type == "text/csv" || type == "text/*") {
      f = ResultFormat::kCsv;
    }
    if (f && q > best_q) {
      best = f;
      best_q = q;
    }
  }
  return best;
}

void WriteStats(JsonWriter& w, const query::QueryStats& s) {
  w.StartObject();
  w.Key("nodes_created");
  w.Uint64(s.nodes_created);
  w.Key("nodes_deleted");
  w.Uint64(s.nodes_deleted);
  w.Key("relationships_created");
  w.Uint64(s.relationships_created);
  w.Key("relationships_deleted");
  w.Uint64(s.relationships_deleted);
  w.Key("properties_set");
  w.Uint64(s.properties_set);
  w.Key("labels_added");
  w.Uint64(s.labels_added);
  w.Key("labels_removed");
  w.Uint64(s.labels_removed);
  w.Key("contains_updates");
  w.Bool(s.contains_updates());
  w.EndObject();
}

HttpResultSink::HttpResultSink(ResultFormat format, ResponseChannel* channel, HeaderList extra_headers,
                               uint64_t max_buffered)
    : format_(format),
      channel_(channel),
      extra_headers_(std::move(extra_headers)),
      max_buffered_(max_buffered),
      writer_(buf_) {}

HttpResultSink::~HttpResultSink() = default;

void HttpResultSink::OnColumns(const std::vector<std::string>& columns) {
  if (columns_written_) return;
  columns_written_ = true;
  columns_ = columns.size();
  switch (format_) {
    case ResultFormat::kJson:
      writer_.StartObject();
      writer_.Key("columns");
      writer_.StartArray();
      for (const auto& c : columns) WriteJsonString(writer_, c);
      writer_.EndArray();
      writer_.Key("rows");
      writer_.StartArray();
      break;
    case ResultFormat::kNdjson:
      writer_.Reset(buf_);
      writer_.StartObject();
      writer_.Key("columns");
      writer_.StartArray();
      for (const auto& c : columns) WriteJsonString(writer_, c);
      writer_.EndArray();
      writer_.EndObject();
      buf_.Put('\n');
      break;
    case ResultFormat::kCsv:
      for (size_t i = 0; i < columns.size(); ++i) {
        if (i) buf_.Put(',');
        AppendCsvText(buf_, columns[i]);
      }
      Append(buf_, "\r\n");
      break;
  }
}

void HttpResultSink::WriteCsvField(const Value& v, query::EntityView* view) {
  switch (v.type()) {
    case Value::Type::kNull: return;
    case Value::Type::kString: AppendCsvText(buf_, v.as_string()); return;
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration: Append(buf_, FormatTemporal(v)); return;
    default: break;
  }
  // Numbers, booleans and structured values: their JSON text.
  scratch_.Clear();
  JsonWriter w(scratch_);
  WriteJsonValue(w, v, view);
  std::string_view text(scratch_.GetString(), scratch_.GetSize());
  if (v.is_number() || v.is_bool()) {
    Append(buf_, text);
  } else {
    AppendCsvText(buf_, text);
  }
}

bool HttpResultSink::OnRow(const std::vector<Value>& row, query::EntityView& view) {
  if (client_gone_ || too_big_) return false;
  if (!columns_written_) OnColumns(std::vector<std::string>(row.size(), ""));
  ++rows_;
  switch (format_) {
    case ResultFormat::kJson:
      writer_.StartArray();
      for (const Value& v : row) WriteJsonValue(writer_, v, &view);
      writer_.EndArray();
      if (buf_.GetSize() > max_buffered_) {
        too_big_ = true;
        return false;
      }
      return true;
    case ResultFormat::kNdjson:
      writer_.Reset(buf_);
      writer_.StartArray();
      for (const Value& v : row) WriteJsonValue(writer_, v, &view);
      writer_.EndArray();
      buf_.Put('\n');
      break;
    case ResultFormat::kCsv:
      for (size_t i = 0; i < row.size(); ++i) {
        if (i) buf_.Put(',');
        WriteCsvField(row[i], &view);
      }
      Append(buf_, "\r\n");
      break;
  }
  if (buf_.GetSize() >= kFlushBytes) return Flush();
  return true;
}

bool HttpResultSink::Flush() {
  if (client_gone_) return false;
  if (!stream_) {
    HeaderList headers = extra_headers_;
    headers.emplace_back("Content-Type", ContentTypeOf(format_));
    headers.emplace_back("Cache-Control", "no-store");
    stream_ = channel_->StartStream(200, std::move(headers));
    sent_status_ = 200;
  }
  bool ok = stream_->Write(std::string_view(buf_.GetString(), buf_.GetSize()));
  buf_.Clear();
  if (!ok) client_gone_ = true;
  return ok;
}

void HttpResultSink::SendWhole(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers = extra_headers_;
  r.headers.emplace_back("Content-Type", ContentTypeOf(format_));
  r.headers.emplace_back("Cache-Control", "no-store");
  r.body = std::move(body);
  channel_->Send(std::move(r));
  sent_status_ = status;
}

int HttpResultSink::Finish(const query::QueryOutcome& outcome, std::chrono::nanoseconds elapsed) {
  double elapsed_ms = std::chrono::duration<double, std::milli>(elapsed).count();
  if (client_gone_) {
    if (stream_) stream_->Abort();
    return sent_status_ ? sent_status_ : 499;
  }
  bool ok = outcome.ok;
  ApiError error;
  if (too_big_) {
    ok = false;
    error = ApiError{query::ErrorCode::kResourceLimit, {},
                     "the answer is over " + std::to_string(max_buffered_) +
                         " bytes; ask for it streamed with 'Accept: application/x-ndjson' or 'text/csv'",
                     {}};
  } else if (!ok) {
    error = ApiError::FromQuery(outcome.error);
  }

  if (!ok && !stream_) {
    // Nothing sent yet: a proper error answer.
    HttpResponse r = ErrorResponse(error);
    for (const auto& h : extra_headers_) r.headers.push_back(h);
    channel_->Send(std::move(r));
    sent_status_ = HttpStatusFor(error);
    return sent_status_;
  }

  switch (format_) {
    case ResultFormat::kJson: {
      if (!columns_written_) OnColumns({});
      writer_.EndArray();
      writer_.Key("stats");
      WriteStats(writer_, outcome.stats);
      writer_.Key("elapsed_ms");
      writer_.Double(elapsed_ms);
      if (!outcome.plan.empty()) {
        writer_.Key("plan");
        WriteJsonString(writer_, outcome.plan);
      }
      writer_.EndObject();
      buf_.Put('\n');
      SendWhole(200, std::string(buf_.GetString(), buf_.GetSize()));
      return 200;
    }
    case ResultFormat::kNdjson: {
      if (!columns_written_) OnColumns({});
      writer_.Reset(buf_);
      writer_.StartObject();
      if (ok) {
        writer_.Key("stats");
        WriteStats(writer_, outcome.stats);
        writer_.Key("rows");
        writer_.Uint64(rows_);
        writer_.Key("elapsed_ms");
        writer_.Double(elapsed_ms);
      } else {
        writer_.Key("error");
        WriteErrorObject(writer_, error);
      }
      writer_.EndObject();
      buf_.Put('\n');
      break;
    }
    case ResultFormat::kCsv:
      if (!ok) {
        // CSV has no place for an error: cut the transfer so the client
        // cannot mistake a partial answer for a whole one.
        stream_->Abort();
        return sent_status_;
      }
      if (!columns_written_) OnColumns({});
      break;
  }
  if (!stream_) {
    SendWhole(200, std::string(buf_.GetString(), buf_.GetSize()));
    return 200;
  }
  if (Flush()) stream_->Finish();
  return sent_status_;
}

}  // namespace trendgraph::engine::http
