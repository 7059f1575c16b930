#include "engine/http/api.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "engine/plugin_host.h"
#include "engine/http/json_value.h"
#include "engine/http/result_sinks.h"

#ifndef TRENDGRAPH_VERSION
#define TRENDGRAPH_VERSION "unknown"
#endif
#ifndef TRENDGRAPH_OPENAPI_PATH
#define TRENDGRAPH_OPENAPI_PATH ""
#endif

namespace trendgraph::engine::http {

namespace {

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Compares without an early exit, so the time taken does not tell how much
// of a guessed token was right.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

std::string JoinMethods(const std::vector<HttpMethod>& methods, bool with_options) {
  std::string out;
  for (HttpMethod m : methods) {
    if (!out.empty()) out += ", ";
    out += MethodName(m);
  }
  if (with_options) out += out.empty() ? "OPTIONS" : ", OPTIONS";
  return out;
}

std::string Body(const rapidjson::StringBuffer& buf) {
  std::string s(buf.GetString(), buf.GetSize());
  s.push_back('\n');
  return s;
}

std::string SignatureText(const query::ProcedureSignature& sig) {
  std::string s = sig.name + "(";
  for (size_t i = 0; i < sig.params.size(); ++i) {
    const auto& p = sig.params[i];
    if (i) s += ", ";
    s += p.name;
    if (p.default_value) s += " = " + p.default_value->DebugString();
    s += " :: " + p.type;
  }
  s += ") :: (";
  for (size_t i = 0; i < sig.outputs.size(); ++i) {
    if (i) s += ", ";
    s += sig.outputs[i].name + " :: " + sig.outputs[i].type;
  }
  s += ")";
  return s;
}

void WriteParams(JsonWriter& w, const std::vector<query::ProcedureParam>& params) {
  w.StartArray();
  for (const auto& p : params) {
    w.StartObject();
    w.Key("name");
    WriteJsonString(w, p.name);
    w.Key("type");
    WriteJsonString(w, p.type);
    if (p.default_value) {
      w.Key("default");
      WriteJsonValue(w, *p.default_value, nullptr);
    }
    w.EndObject();
  }
  w.EndArray();
}

void WriteProcedure(JsonWriter& w, const query::ProcedureSignature& sig) {
  w.StartObject();
  w.Key("name");
  WriteJsonString(w, sig.name);
  w.Key("signature");
  WriteJsonString(w, SignatureText(sig));
  w.Key("params");
  WriteParams(w, sig.params);
  w.Key("outputs");
  WriteParams(w, sig.outputs);
  w.Key("description");
  WriteJsonString(w, sig.description);
  w.Key("writes");
  w.Bool(sig.writes);
  w.EndObject();
}

}  // namespace

// ---------------------------------------------------------------------------
// Exchange

bool Exchange::Claim() {
  if (replied_) {
    std::fprintf(stderr, "trendgraph serve: bug: second answer to %s %s dropped\n", MethodName(request_.method),
                 request_.raw_path.c_str());
    return false;
  }
  replied_ = true;
  return true;
}

void Exchange::Send(HttpResponse response) {
  if (!Claim()) return;
  for (const auto& h : extra_headers_) response.headers.push_back(h);
  status_ = response.status;
  channel_->Send(std::move(response));
}

void Exchange::SendJson(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  Send(std::move(r));
}

void Exchange::Error(const ApiError& error) { Send(ErrorResponse(error)); }

ResponseChannel* Exchange::TakeChannel() {
  if (!Claim()) return nullptr;
  return channel_;
}

void Exchange::MarkReplied(int status) { status_ = status; }

// ---------------------------------------------------------------------------
// Api

Api::Api(const ServerOptions& options, Engine* engine, Metrics* metrics, const std::atomic<bool>* cancel)
    : options_(options), engine_(engine), metrics_(metrics), cancel_(cancel), started_(std::chrono::steady_clock::now()) {
  std::string path = options_.openapi_path.empty() ? TRENDGRAPH_OPENAPI_PATH : options_.openapi_path;
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::ostringstream ss;
    ss << in.rdbuf();
    openapi_ = ss.str();
  }
}

bool Api::HasValidToken(const HttpRequest& req) const {
  const std::string* auth = req.Header("authorization");
  if (!auth) return false;
  std::string_view v = *auth;
  if (v.size() < 7 || ToLower(v.substr(0, 7)) != "bearer ") return false;
  v.remove_prefix(7);
  while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
  return ConstantTimeEquals(v, options_.token);
}

bool Api::Authorize(Exchange& ex, Access access) {
  if (access == Access::kWrite && options_.read_only) {
    ex.Error(ApiError::Http(HttpError::kForbidden, "the server is read-only (--read-only): writes are refused"));
    return false;
  }
  if (options_.token.empty()) return true;
  if (access == Access::kRead && !options_.auth_reads) return true;
  if (HasValidToken(ex.request())) return true;
  ex.Error(ApiError::Http(HttpError::kUnauthorized,
                          ex.request().Header("authorization")
                              ? "the bearer token is wrong"
                              : std::string(access == Access::kWrite ? "writes" : "requests") +
                                    " need 'Authorization: Bearer <token>'"));
  return false;
}

void Api::AddCorsHeaders(Exchange& ex) const {
  const std::string* origin = ex.request().Header("origin");
  if (!origin || options_.cors_origins.empty()) return;
  bool allowed = std::find(options_.cors_origins.begin(), options_.cors_origins.end(), "*") !=
                     options_.cors_origins.end() ||
                 std::find(options_.cors_origins.begin(), options_.cors_origins.end(), *origin) !=
                     options_.cors_origins.end();
  if (!allowed) return;
  ex.extra_headers().emplace_back("Access-Control-Allow-Origin", *origin);
  ex.extra_headers().emplace_back("Vary", "Origin");
}

void Api::Preflight(Exchange& ex, const RouteMatch& m) {
  const std::string* origin = ex.request().Header("origin");
  HttpResponse r;
  r.status = 204;
  std::string methods = JoinMethods(m.allowed, true);
  r.headers.emplace_back("Allow", methods);
  if (origin) {
    bool allowed = false;
    for (const auto& h : ex.extra_headers()) allowed |= h.first == "Access-Control-Allow-Origin";
    if (!allowed) {
      ex.Error(ApiError::Http(HttpError::kForbidden,
                              "origin '" + *origin + "' is not allowed (see --cors-origin)"));
      return;
    }
    r.headers.emplace_back("Access-Control-Allow-Methods", methods);
    r.headers.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type, Accept, X-Document-Name");
    r.headers.emplace_back("Access-Control-Max-Age", "600");
  }
  ex.Send(std::move(r));
}

void Api::Handle(Exchange& ex) {
  const HttpRequest& req = ex.request();
  AddCorsHeaders(ex);
  if (req.header_bytes > options_.max_header_bytes) {
    ex.Error(ApiError::Http(HttpError::kHeadersTooLarge, "the request head is " + std::to_string(req.header_bytes) +
                                                             " bytes; the limit is " +
                                                             std::to_string(options_.max_header_bytes)));
    return;
  }
  const Router& router = ApiRouter();
  RouteMatch m = router.Match(req.method, req.raw_path);
  if (m.kind == RouteMatch::Kind::kNotFound) {
    ex.Error(ApiError::Http(HttpError::kRouteNotFound, std::string("no route for ") + MethodName(req.method) + " " +
                                                           req.raw_path + " (see GET /v1/openapi.yaml)"));
    return;
  }
  ex.route = static_cast<int>(m.route);
  if (m.kind == RouteMatch::Kind::kMethodNotAllowed) {
    if (req.method == HttpMethod::kOptions) {
      Preflight(ex, m);
      return;
    }
    HttpResponse r = ErrorResponse(ApiError::Http(
        HttpError::kMethodNotAllowed, std::string(req.method == HttpMethod::kOther ? req.method_text : MethodName(req.method)) +
                                          " is not allowed on " + m.pattern + "; allowed: " + JoinMethods(m.allowed, false)));
    r.headers.emplace_back("Allow", JoinMethods(m.allowed, true));
    ex.Send(std::move(r));
    return;
  }
  if (req.body_too_large) {
    HttpResponse r = ErrorResponse(ApiError::Http(
        HttpError::kPayloadTooLarge, "the body is " + std::to_string(req.body_bytes) + " bytes; the limit is " +
                                         std::to_string(options_.max_body_bytes) + " (--max-body)"));
    r.headers.emplace_back("Connection", "close");
    ex.Send(std::move(r));
    return;
  }
  if (m.route != RouteId::kHealth && !Authorize(ex, Access::kRead)) return;

  switch (m.route) {
    case RouteId::kHealth: Health(ex); return;
    case RouteId::kListGraphs: ListGraphs(ex); return;
    case RouteId::kCreateGraph: CreateGraph(ex, m.Param("g")); return;
    case RouteId::kDropGraph: DropGraph(ex, m.Param("g")); return;
    case RouteId::kQuery: Query(ex, m.Param("g")); return;
    case RouteId::kIngest: Ingest(ex, m.Param("g"), m.Param("plugin")); return;
    case RouteId::kSchema: Schema(ex, m.Param("g")); return;
    case RouteId::kPlugins: Plugins(ex); return;
    case RouteId::kMetrics: MetricsPage(ex); return;
    case RouteId::kOpenApi: OpenApi(ex); return;
    case RouteId::kCount: break;
  }
  ex.Error(ApiError::Http(HttpError::kInternal, "route without a handler"));
}

void Api::Health(Exchange& ex) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("status");
  w.String("ok");
  w.Key("version");
  w.String(TRENDGRAPH_VERSION);
  w.Key("uptime_seconds");
  w.Double(std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count());
  w.Key("read_only");
  w.Bool(options_.read_only);
  w.EndObject();
  ex.SendJson(200, Body(buf));
}

void Api::ListGraphs(Exchange& ex) {
  storage::Database& db = engine_->db();
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("graphs");
  w.StartArray();
  for (const std::string& name : db.ListGraphs()) {
    std::shared_ptr<storage::Graph> g;
    if (!db.GetGraph(name, &g).ok()) continue;  // dropped meanwhile
    storage::GraphCounts c = g->Counts();
    w.StartObject();
    w.Key("name");
    WriteJsonString(w, name);
    w.Key("nodes");
    w.Uint64(c.nodes);
    w.Key("relationships");
    w.Uint64(c.rels);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ex.SendJson(200, Body(buf));
}

void Api::CreateGraph(Exchange& ex, const std::string& graph) {
  if (!Authorize(ex, Access::kWrite)) return;
  Status s = engine_->db().CreateGraph(graph);
  if (!s.ok() && !s.IsAlreadyExists()) {
    ex.Error(ApiError::FromStatus(s));
    return;
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("name");
  WriteJsonString(w, graph);
  w.Key("created");
  w.Bool(s.ok());
  w.EndObject();
  ex.SendJson(s.ok() ? 201 : 200, Body(buf));
}

void Api::DropGraph(Exchange& ex, const std::string& graph) {
  if (!Authorize(ex, Access::kWrite)) return;
  Status s = engine_->db().DropGraph(graph);
  if (!s.ok()) {
    ex.Error(ApiError::FromStatus(s));
    return;
  }
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("name");
  WriteJsonString(w, graph);
  w.Key("dropped");
  w.Bool(true);
  w.EndObject();
  ex.SendJson(200, Body(buf));
}

void Api::Query(Exchange& ex, const std::string& graph) {
  const HttpRequest& req = ex.request();
  if (const std::string* ct = req.Header("content-type")) {
    std::string type = MediaType(*ct);
    if (type != "application/json") {
      ex.Error(ApiError::Http(HttpError::kUnsupportedMediaType,
                              "a query is sent as application/json, not '" + type + "'"));
      return;
    }
  }
  std::optional<ResultFormat> format = NegotiateFormat(req.Header("accept"));
  if (!format) {
    ex.Error(ApiError::Http(HttpError::kNotAcceptable,
                            "cannot answer in '" + *req.Header("accept") +
                                "'; use application/json, application/x-ndjson or text/csv"));
    return;
  }
  Result<Value> doc = ParseJson(req.body);
  if (!doc.ok()) {
    ex.Error(ApiError::Http(HttpError::kBadRequest, doc.status().message()));
    return;
  }
  if (!doc->is_map()) {
    ex.Error(ApiError::Http(HttpError::kBadRequest,
                            "the body must be a JSON object {\"query\": \"...\", \"parameters\": {...}}"));
    return;
  }
  const std::string* text = nullptr;
  static const Value::Map kNoParams;
  const Value::Map* params = &kNoParams;
  for (const auto& [key, v] : doc->as_map()) {
    if (key == "query") {
      if (!v.is_string()) {
        ex.Error(ApiError::Http(HttpError::kBadRequest, "member 'query' must be a string"));
        return;
      }
      text = &v.as_string();
    } else if (key == "parameters") {
      if (v.is_map()) {
        params = &v.as_map();
      } else if (!v.is_null()) {
        ex.Error(ApiError::Http(HttpError::kBadRequest, "member 'parameters' must be an object"));
        return;
      }
    } else {
      ex.Error(ApiError::Http(HttpError::kBadRequest,
                              "unknown member '" + key + "' (a query body has 'query' and 'parameters')"));
      return;
    }
  }
  if (!text || text->empty()) {
    ex.Error(ApiError::Http(HttpError::kBadRequest, "member 'query' is missing or empty"));
    return;
  }
  // Parsing twice costs; only do it when writes are treated differently.
  if ((!options_.token.empty() || options_.read_only) &&
      !query::IsReadOnlyQuery(*text, &engine_->procedures()) && !Authorize(ex, Access::kWrite)) {
    return;
  }

  query::QueryOptions qo;
  qo.timeout = options_.query_timeout;
  qo.max_rows = options_.max_rows;
  qo.read_only = options_.read_only;
  qo.cancel = cancel_;
  HeaderList extra = ex.extra_headers();
  ResponseChannel* channel = ex.TakeChannel();
  if (!channel) return;
  HttpResultSink sink(*format, channel, std::move(extra), options_.max_json_answer_bytes);
  Session session(*engine_);
  auto t0 = std::chrono::steady_clock::now();
  query::QueryOutcome outcome;
  try {
    outcome = session.Execute(graph, *text, *params, qo, &sink);
  } catch (const std::exception& e) {
    // Execute promises not to throw; if it does, the client still gets an
    // answer and the server stays up.
    outcome.ok = false;
    outcome.error.code = query::ErrorCode::kStorageError;
    outcome.error.detail = "Internal";
    outcome.error.message = std::string("internal error: ") + e.what();
  }
  int status = sink.Finish(outcome, std::chrono::steady_clock::now() - t0);
  ex.MarkReplied(status);
  metrics_->RecordQuery(outcome.ok, sink.rows());
}

void Api::Ingest(Exchange& ex, const std::string& graph, const std::string& plugin) {
  if (!Authorize(ex, Access::kWrite)) return;
  const HttpRequest& req = ex.request();
  const std::string* ct = req.Header("content-type");
  std::string type = ct ? MediaType(*ct) : "";
  std::vector<IngestDocument> docs;
  if (type == "application/json") {
    Result<Value> doc = ParseJson(req.body);
    if (!doc.ok()) {
      ex.Error(ApiError::Http(HttpError::kBadRequest, doc.status().message()));
      return;
    }
    const Value::Map* root = doc->is_map() ? &doc->as_map() : nullptr;
    auto it = root ? root->find("documents") : Value::Map::const_iterator();
    if (!root || it == root->end() || !it->second.is_list() || root->size() != 1) {
      ex.Error(ApiError::Http(HttpError::kBadRequest,
                              "a JSON ingest body is {\"documents\": [{\"name\": \"...\", \"content\": \"...\"}, ...]}"));
      return;
    }
    const Value::List& list = it->second.as_list();
    for (size_t i = 0; i < list.size(); ++i) {
      const Value& d = list[i];
      std::string where = "documents[" + std::to_string(i) + "]";
      if (!d.is_map()) {
        ex.Error(ApiError::Http(HttpError::kBadRequest, where + " must be an object {\"name\", \"content\"}"));
        return;
      }
      IngestDocument out;
      for (const auto& [k, v] : d.as_map()) {
        if ((k != "name" && k != "content") || !v.is_string()) {
          ex.Error(ApiError::Http(HttpError::kBadRequest,
                                  where + ": '" + k + "' is not a string member 'name' or 'content'"));
          return;
        }
        (k == "name" ? out.name : out.content) = v.as_string();
      }
      if (out.name.empty()) out.name = where;
      docs.push_back(std::move(out));
    }
    if (docs.empty()) {
      ex.Error(ApiError::Http(HttpError::kBadRequest, "'documents' is empty"));
      return;
    }
  } else if (type == "multipart/form-data" || type == "application/x-www-form-urlencoded") {
    ex.Error(ApiError::Http(HttpError::kUnsupportedMediaType,
                            "send a document raw (e.g. text/markdown) or as application/json "
                            "{\"documents\": [...]}, not as '" + type + "'"));
    return;
  } else {
    if (req.body.empty()) {
      ex.Error(ApiError::Http(HttpError::kBadRequest, "the document is empty"));
      return;
    }
    IngestDocument d;
    if (auto name = req.QueryParam("name")) {
      d.name = *name;
    } else if (const std::string* h = req.Header("x-document-name")) {
      d.name = *h;
    } else {
      d.name = "document";
    }
    d.content = std::move(ex.mutable_request().body);
    docs.push_back(std::move(d));
  }

  Session session(*engine_);
  Result<IngestReport> report = session.Ingest(graph, plugin, docs);
  if (!report.ok()) {
    ex.Error(ApiError::FromStatus(report.status()));
    return;
  }
  const IngestReport& r = report.value();
  metrics_->RecordIngest(r.ok, r.failed);

  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("ok");
  w.Uint64(r.ok);
  w.Key("failed");
  w.Uint64(r.failed);
  w.Key("nodes_created");
  w.Uint64(r.nodes_created);
  w.Key("relationships_created");
  w.Uint64(r.relationships_created);
  w.Key("seconds");
  w.Double(r.seconds);
  w.Key("documents");
  w.StartArray();
  const IngestDocReport* first_failure = nullptr;
  for (const auto& d : r.documents) {
    if (!d.ok && !first_failure) first_failure = &d;
    w.StartObject();
    w.Key("name");
    WriteJsonString(w, d.name);
    w.Key("ok");
    w.Bool(d.ok);
    if (!d.ok) {
      w.Key("error");
      WriteJsonString(w, d.error);
    }
    if (!d.article_id.empty()) {
      w.Key("article_id");
      WriteJsonString(w, d.article_id);
    }
    w.Key("unchanged");
    w.Bool(d.unchanged);
    w.Key("nodes_created");
    w.Uint64(d.nodes_created);
    w.Key("relationships_created");
    w.Uint64(d.relationships_created);
    w.Key("relationships_deleted");
    w.Uint64(d.relationships_deleted);
    w.EndObject();
  }
  w.EndArray();
  if (first_failure) {
    // Clients that only look at "error" still learn what went wrong.
    w.Key("error");
    w.StartObject();
    w.Key("code");
    w.String("IngestFailed");
    w.Key("message");
    WriteJsonString(w, std::to_string(r.failed) + " of " + std::to_string(r.documents.size()) +
                           " documents failed; first: " + first_failure->error);
    w.EndObject();
  }
  w.EndObject();
  ex.SendJson(first_failure ? 422 : 200, Body(buf));
}

void Api::Schema(Exchange& ex, const std::string& graph) {
  std::shared_ptr<storage::Graph> g;
  Status s = engine_->db().GetGraph(graph, &g);
  if (!s.ok()) {
    ex.Error(ApiError::FromStatus(s));
    return;
  }
  // Only the labels and types in use, as Neo4j's db.labels() and
  // db.relationshipTypes(): the token dictionaries only grow, so they still
  // hold names whose nodes or relationships were all deleted (or that only a
  // migration's transient records ever had). Counts() lists exactly the
  // names with a count above zero, in name order.
  storage::GraphCounts counts = g->Counts();
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  auto write_counts = [&w](const std::vector<std::pair<std::string, uint64_t>>& names) {
    w.StartArray();
    for (const auto& [name, count] : names) {
      w.StartObject();
      w.Key("name");
      WriteJsonString(w, name);
      w.Key("count");
      w.Uint64(count);
      w.EndObject();
    }
    w.EndArray();
  };
  w.StartObject();
  w.Key("graph");
  WriteJsonString(w, graph);
  w.Key("nodes");
  w.Uint64(counts.nodes);
  w.Key("relationships");
  w.Uint64(counts.rels);
  w.Key("labels");
  write_counts(counts.by_label);
  w.Key("relationship_types");
  write_counts(counts.by_type);
  // Every key the dictionary knows, in use or not (as db.propertyKeys()):
  // telling which are unused would take a scan of every record.
  w.Key("property_keys");
  w.StartArray();
  for (const std::string& k : g->PropKeys()) WriteJsonString(w, k);
  w.EndArray();
  w.Key("indexes");
  w.StartArray();
  for (const storage::IndexInfo& ix : g->Indexes()) {
    w.StartObject();
    w.Key("label");
    WriteJsonString(w, g->LabelName(ix.label));
    w.Key("property");
    WriteJsonString(w, g->PropKeyName(ix.key));
    w.Key("kind");
    w.String(ix.kind == storage::IndexInfo::Kind::kUnique ? "unique" : "property");
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  ex.SendJson(200, Body(buf));
}

void Api::Plugins(Exchange& ex) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  w.StartObject();
  w.Key("plugins");
  w.StartArray();
  for (const PluginInfo& p : engine_->plugins().List()) {
    w.StartObject();
    w.Key("name");
    WriteJsonString(w, p.name);
    w.Key("kind");
    WriteJsonString(w, p.kind);
    w.Key("version");
    WriteJsonString(w, p.version);
    w.Key("abi_version");
    w.Uint(p.abi_version);
    w.Key("description");
    WriteJsonString(w, p.description);
    w.Key("path");
    WriteJsonString(w, p.path);
    w.Key("procedures");
    w.StartArray();
    for (const auto& sig : p.procedures) WriteProcedure(w, sig);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("procedures");
  w.StartArray();
  for (const auto& sig : engine_->procedures().List()) WriteProcedure(w, sig);
  w.EndArray();
  w.Key("load_errors");
  w.StartArray();
  for (const auto& e : engine_->load_errors()) WriteJsonString(w, e);
  w.EndArray();
  w.EndObject();
  ex.SendJson(200, Body(buf));
}

void Api::MetricsPage(Exchange& ex) {
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
  r.body = metrics_->Render(ApiRouter(), &engine_->db());
  ex.Send(std::move(r));
}

void Api::OpenApi(Exchange& ex) {
  if (openapi_.empty()) {
    ex.Error(ApiError::Http(HttpError::kRouteNotFound, "this build has no OpenAPI description"));
    return;
  }
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "application/yaml");
  r.body = openapi_;
  ex.Send(std::move(r));
}

}  // namespace trendgraph::engine::http
