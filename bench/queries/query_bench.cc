// query_bench: runs the shared benchmark query set in-process through
// engine::Session::Execute, the same path HTTP and the CLI take.
//
//   query_bench --db DIR [--queries FILE] [--params FILE] [--runs R]
//               [--only Q1a,Q6b] [--dump FILE] [--graph NAME]
//
// stdout: one JSON line per query {"query","rows","median_ms","p90_ms","min_ms"} and a
// final line {"engine":"trendgraph", "nodes":{...}, "relationships":{...}}, as
// kuzu_peer.mjs prints them, so results join by query id. A time is the wall
// clock from Execute until every row has been materialised as Values in the
// sink. --dump writes the warm-up rows of each query as {id: {params, rows}}
// with rows as objects keyed by column, for comparison with the peer's dump.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"

using namespace trendgraph;

namespace {

struct BenchOptions {
  std::string db;
  std::string graph = "default";
  std::string queries = TRENDGRAPH_SHARED_BENCH_DIR "/queries.json";
  std::string params;
  std::string dump;
  std::string only;
  int runs = 20;
  long long read_cache_mib = -1;  // --read-cache-mib: the read cache budget; default: the storage default
};

class CollectSink : public query::ResultSink {
 public:
  void OnColumns(const std::vector<std::string>& c) override { columns = c; }
  bool OnRow(const std::vector<Value>& row, query::EntityView&) override {
    rows.push_back(row);
    return true;
  }
  std::vector<std::string> columns;
  std::vector<std::vector<Value>> rows;
};

Value FromJson(const rapidjson::Value& j) {
  if (j.IsString()) return Value(std::string(j.GetString(), j.GetStringLength()));
  if (j.IsInt64()) return Value(static_cast<int64_t>(j.GetInt64()));
  if (j.IsNumber()) return Value(j.GetDouble());
  if (j.IsBool()) return Value(j.GetBool());
  return Value();
}

void ToJson(const Value& v, rapidjson::Writer<rapidjson::StringBuffer>& w) {
  switch (v.type()) {
    case Value::Type::kNull: w.Null(); break;
    case Value::Type::kBool: w.Bool(v.as_bool()); break;
    case Value::Type::kInt: w.Int64(v.as_int()); break;
    case Value::Type::kDouble: w.Double(v.as_double()); break;
    case Value::Type::kString: w.String(v.as_string().data(), v.as_string().size()); break;
    case Value::Type::kList:
      w.StartArray();
      for (const Value& e : v.as_list()) ToJson(e, w);
      w.EndArray();
      break;
    default: {
      std::string s = v.DebugString();
      w.String(s.data(), s.size());
    }
  }
}

double Median(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  size_t n = t.size();
  return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}
double P90(std::vector<double> t) {
  std::sort(t.begin(), t.end());
  size_t idx = static_cast<size_t>(std::ceil(0.9 * t.size()));
  return t[std::min(t.size() - 1, idx == 0 ? 0 : idx - 1)];
}
double Round3(double x) { return std::round(x * 1000) / 1000; }

int Usage(const char* msg) {
  std::fprintf(stderr, "query_bench: %s\nusage: query_bench --db DIR [--queries FILE] [--params FILE] [--runs R] "
               "[--only IDS] [--dump FILE] [--graph NAME] [--read-cache-mib N]\n", msg);
  return 2;
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) return Usage(("missing value for " + a).c_str());
    std::string v = argv[++i];
    if (a == "--db") o.db = v;
    else if (a == "--graph") o.graph = v;
    else if (a == "--queries") o.queries = v;
    else if (a == "--params") o.params = v;
    else if (a == "--dump") o.dump = v;
    else if (a == "--only") o.only = v;
    else if (a == "--runs") o.runs = std::atoi(v.c_str());
    else if (a == "--read-cache-mib") o.read_cache_mib = std::atoll(v.c_str());
    else return Usage(("unknown flag " + a).c_str());
  }
  if (o.db.empty()) return Usage("--db is required");
  if (o.runs < 1) return Usage("--runs must be positive");

  std::string text;
  if (!ReadFile(o.queries, &text)) return Usage(("cannot read " + o.queries).c_str());
  rapidjson::Document queries;
  if (queries.Parse(text.c_str()).HasParseError() || !queries.IsArray()) return Usage("queries file is not a JSON array");
  rapidjson::Document params_file;
  if (!o.params.empty()) {
    std::string ptext;
    if (!ReadFile(o.params, &ptext) || params_file.Parse(ptext.c_str()).HasParseError())
      return Usage(("cannot read params " + o.params).c_str());
  }
  std::set<std::string> only;
  for (std::string rest = o.only; !rest.empty();) {
    size_t comma = rest.find(',');
    only.insert(rest.substr(0, comma));
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
  }

  engine::EngineOptions eo;
  eo.storage.path = o.db;
  eo.storage.create_if_missing = false;
  if (o.read_cache_mib >= 0) eo.storage.read_cache_bytes = static_cast<size_t>(o.read_cache_mib) << 20;
  std::unique_ptr<engine::Engine> eng;
  Status s = engine::Engine::Open(eo, &eng);
  if (!s.ok()) {
    std::fprintf(stderr, "query_bench: cannot open %s: %s\n", o.db.c_str(), s.ToString().c_str());
    return 1;
  }
  engine::Session session(*eng);
  query::QueryOptions qo;
  qo.timeout = std::chrono::milliseconds(0);

  rapidjson::StringBuffer dump_buf;
  rapidjson::Writer<rapidjson::StringBuffer> dump(dump_buf);
  dump.StartObject();
  int failures = 0;
  for (const auto& q : queries.GetArray()) {
    std::string id = q["id"].GetString();
    if (!only.empty() && !only.count(id)) continue;
    std::string cypher = q["cypher"].GetString();
    Value::Map params;
    if (q.HasMember("params"))
      for (const auto& m : q["params"].GetObject()) params[m.name.GetString()] = FromJson(m.value);
    if (!o.params.empty() && q.HasMember("param_ref")) {
      for (const auto& m : q["param_ref"].GetObject()) {
        const rapidjson::Value* cur = &params_file;
        std::string ref = m.value.GetString();
        for (std::string rest = ref; cur && !rest.empty();) {
          size_t dot = rest.find('.');
          std::string part = rest.substr(0, dot);
          rest = dot == std::string::npos ? "" : rest.substr(dot + 1);
          cur = cur->IsObject() && cur->HasMember(part.c_str()) ? &(*cur)[part.c_str()] : nullptr;
        }
        if (cur && cur->IsObject() && cur->HasMember("name")) cur = &(*cur)["name"];
        if (!cur) {
          std::fprintf(stderr, "query_bench: %s: param_ref %s not in params file\n", id.c_str(), ref.c_str());
          return 1;
        }
        params[m.name.GetString()] = FromJson(*cur);
      }
    }
    auto run = [&](CollectSink* sink) { return session.Execute(o.graph, cypher, params, qo, sink); };
    CollectSink warm;
    query::QueryOutcome outcome = run(&warm);
    if (!outcome.ok) {
      std::fprintf(stderr, "query_bench: %s failed: %s: %s\n", id.c_str(), query::ErrorCodeName(outcome.error.code),
                   outcome.error.message.c_str());
      std::printf("{\"query\":\"%s\",\"error\":\"%s\"}\n", id.c_str(), query::ErrorCodeName(outcome.error.code));
      ++failures;
      continue;
    }
    if (!o.dump.empty()) {
      dump.Key(id.c_str());
      dump.StartObject();
      dump.Key("params");
      dump.StartObject();
      for (const auto& [k, v] : params) {
        dump.Key(k.c_str());
        ToJson(v, dump);
      }
      dump.EndObject();
      dump.Key("rows");
      dump.StartArray();
      for (const auto& row : warm.rows) {
        dump.StartObject();
        for (size_t c = 0; c < row.size() && c < warm.columns.size(); ++c) {
          dump.Key(warm.columns[c].c_str());
          ToJson(row[c], dump);
        }
        dump.EndObject();
      }
      dump.EndArray();
      dump.EndObject();
    }
    std::vector<double> times;
    size_t rows = warm.rows.size();
    for (int r = 0; r < o.runs; ++r) {
      CollectSink sink;
      auto t0 = std::chrono::steady_clock::now();
      run(&sink);
      times.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      rows = sink.rows.size();
    }
    // min_ms: the run least disturbed by other processes, the fairer figure
    // for comparing two builds on a shared machine.
    std::printf("{\"query\":\"%s\",\"rows\":%zu,\"median_ms\":%.3f,\"p90_ms\":%.3f,\"min_ms\":%.3f}\n", id.c_str(),
                rows, Round3(Median(times)), Round3(P90(times)), Round3(*std::min_element(times.begin(), times.end())));
    std::fflush(stdout);
  }
  dump.EndObject();
  if (!o.dump.empty()) {
    std::ofstream out(o.dump, std::ios::binary);
    out << dump_buf.GetString();
  }

  std::shared_ptr<storage::Graph> g;
  std::string nodes = "{}", rels = "{}";
  if (eng->db().GetGraph(o.graph, &g).ok()) {
    storage::GraphCounts c = g->Counts();
    nodes = "{";
    for (const auto& [l, n] : c.by_label) nodes += (nodes.size() > 1 ? "," : "") + ("\"" + l + "\":" + std::to_string(n));
    nodes += "}";
    rels = "{";
    for (const auto& [t, n] : c.by_type) rels += (rels.size() > 1 ? "," : "") + ("\"" + t + "\":" + std::to_string(n));
    rels += "}";
  }
  std::printf("{\"engine\":\"trendgraph\",\"mode\":\"in-process\",\"runs\":%d,\"nodes\":%s,\"relationships\":%s}\n", o.runs,
              nodes.c_str(), rels.c_str());
  return failures ? 1 : 0;
}
