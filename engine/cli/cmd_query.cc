// trendgraph query: runs one query through Session::Execute and prints its
// rows as an aligned table (or tab-separated with --tsv).
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "engine/cli/cli_common.h"
#include "engine/cli/commands.h"

namespace trendgraph::cli {

namespace po = boost::program_options;

namespace {

struct QueryCommandOptions {
  CommonOptions common;
  std::string text;
  // name=value, value parsed as int, float, true/false/null, a temporal
  // call date('...') / localtime / time / localdatetime / datetime /
  // duration('...'), else string
  std::vector<std::string> params;
  bool tsv = false;
  bool read_only = false;
  int64_t timeout_ms = 30000;
};

// Renders values for a terminal, resolving nodes and relationships.
std::string Render(const Value& v, query::EntityView& view) {
  switch (v.type()) {
    case Value::Type::kString: return v.as_string();
    case Value::Type::kNode: {
      std::vector<std::string> labels;
      Value::Map props;
      if (!view.GetNode(v.as_node().id, &labels, &props).ok()) return "(#" + std::to_string(v.as_node().id) + ")";
      std::string out = "(";
      for (const auto& l : labels) out += ":" + l;
      if (!props.empty()) out += (labels.empty() ? "" : " ") + Value(props).DebugString();
      return out + ")";
    }
    case Value::Type::kRel: {
      std::string type;
      Value::Map props;
      if (!view.GetRel(v.as_rel().id, &type, &props).ok()) return "[#" + std::to_string(v.as_rel().id) + "]";
      std::string out = "[:" + type;
      if (!props.empty()) out += " " + Value(props).DebugString();
      return out + "]";
    }
    case Value::Type::kPath: {
      const PathValue& p = v.as_path();
      std::string out;
      for (size_t i = 0; i < p.nodes.size(); ++i) {
        out += Render(Value(p.nodes[i]), view);
        if (i < p.rels.size()) {
          bool forward = p.rels[i].start == p.nodes[i].id;
          out += forward ? "-" : "<-";
          out += Render(Value(p.rels[i]), view);
          out += forward ? "->" : "-";
        }
      }
      return out;
    }
    case Value::Type::kList: {
      std::string out = "[";
      bool first = true;
      for (const Value& e : v.as_list()) {
        if (!first) out += ", ";
        first = false;
        out += e.is_string() ? e.DebugString() : Render(e, view);
      }
      return out + "]";
    }
    default: return v.DebugString();
  }
}

class TableSink : public query::ResultSink {
 public:
  explicit TableSink(bool tsv) : tsv_(tsv) {}
  void OnColumns(const std::vector<std::string>& columns) override { columns_ = columns; }
  bool OnRow(const std::vector<Value>& row, query::EntityView& view) override {
    std::vector<std::string> cells;
    cells.reserve(row.size());
    for (const Value& v : row) cells.push_back(Render(v, view));
    rows_.push_back(std::move(cells));
    return true;
  }
  void Print() const {
    if (tsv_) {
      PrintTsvLine(columns_);
      for (const auto& r : rows_) PrintTsvLine(r);
      return;
    }
    std::vector<size_t> width(columns_.size());
    for (size_t i = 0; i < columns_.size(); ++i) width[i] = columns_[i].size();
    for (const auto& r : rows_)
      for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], std::min<size_t>(r[i].size(), 80));
    auto line = [&](const std::vector<std::string>& cells) {
      std::string out = "|";
      for (size_t i = 0; i < width.size(); ++i) {
        std::string c = i < cells.size() ? cells[i] : "";
        if (c.size() > 80) c = c.substr(0, 77) + "...";
        out += " " + c + std::string(width[i] > c.size() ? width[i] - c.size() : 0, ' ') + " |";
      }
      std::printf("%s\n", out.c_str());
    };
    line(columns_);
    std::string sep = "|";
    for (size_t w : width) sep += std::string(w + 2, '-') + "|";
    std::printf("%s\n", sep.c_str());
    for (const auto& r : rows_) line(r);
    std::printf("(%zu row%s)\n", rows_.size(), rows_.size() == 1 ? "" : "s");
  }

 private:
  static void PrintTsvLine(const std::vector<std::string>& cells) {
    std::string out;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out += '\t';
      out += cells[i];
    }
    std::printf("%s\n", out.c_str());
  }
  bool tsv_;
  std::vector<std::string> columns_;
  std::vector<std::vector<std::string>> rows_;
};

// A temporal parameter is written as the function call that makes it:
// date('2024-03-05'), datetime("2024-03-05T12:00[Asia/Shanghai]"),
// duration('P1D'), ... (cypher-shell's `:param x => date('...')`). The text
// is parsed by that function (query::ParseTemporal), as in HTTP's
// {"$date": "..."}. Sets *kind to the Value type when `text` has this form.
bool SplitTemporalCall(const std::string& text, Value::Type* kind, std::string* inner) {
  static const std::pair<const char*, Value::Type> kKinds[] = {
      {"date", Value::Type::kDate},
      {"localtime", Value::Type::kLocalTime},
      {"time", Value::Type::kTime},
      {"localdatetime", Value::Type::kLocalDateTime},
      {"datetime", Value::Type::kDateTime},
      {"duration", Value::Type::kDuration}};
  size_t open = text.find('(');
  if (open == std::string::npos || text.size() < open + 4 || text.back() != ')') return false;
  char quote = text[open + 1];
  if ((quote != '\'' && quote != '"') || text[text.size() - 2] != quote) return false;
  std::string name = text.substr(0, open);
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [fn, type] : kKinds) {
    if (name != fn) continue;
    *kind = type;
    *inner = text.substr(open + 2, text.size() - open - 4);
    return true;
  }
  return false;
}

Value ParseParamValue(const std::string& text) {
  if (text == "null") return Value();
  if (text == "true") return Value(true);
  if (text == "false") return Value(false);
  char* end = nullptr;
  long long i = std::strtoll(text.c_str(), &end, 10);
  if (!text.empty() && end && *end == '\0') return Value(static_cast<int64_t>(i));
  double d = std::strtod(text.c_str(), &end);
  if (!text.empty() && end && *end == '\0') return Value(d);
  return Value(text);
}

}  // namespace

int RunQuery(int argc, char** argv) {
  QueryCommandOptions o;
  po::options_description desc("query options");
  AddCommonOptions(&desc, &o.common, true, true);
  desc.add_options()("query,q", po::value<std::string>(&o.text)->required(), "the query text")(
      "param,p", po::value<std::vector<std::string>>(&o.params),
      "a parameter NAME=VALUE (repeatable): an integer, float, true/false/null, a temporal value written as "
      "date('2024-03-05'), datetime('2024-03-05T12:00[Asia/Shanghai]'), localtime, time, localdatetime or "
      "duration('P1D'), else a string")(
      "tsv", po::bool_switch(&o.tsv), "tab-separated output with a header line")(
      "read-only", po::bool_switch(&o.read_only), "refuse writes")(
      "timeout-ms", po::value<int64_t>(&o.timeout_ms)->default_value(o.timeout_ms), "query timeout (0 = none)");
  po::positional_options_description pos;
  pos.add("query", 1);
  int rc = ParseArgs(argc, argv, desc, &pos, "trendgraph query [--db DIR] [--graph NAME] [-p name=value]... 'QUERY'");
  if (rc >= 0) return rc;

  Value::Map params;
  for (const std::string& p : o.params) {
    size_t eq = p.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "trendgraph query: parameter '%s' is not NAME=VALUE\n", p.c_str());
      return kExitUsage;
    }
    std::string name = p.substr(0, eq), value = p.substr(eq + 1);
    Value::Type kind;
    std::string inner;
    if (SplitTemporalCall(value, &kind, &inner)) {
      Result<Value> v = query::ParseTemporal(kind, inner);
      if (!v.ok()) {
        std::fprintf(stderr, "trendgraph query: parameter '%s': %s\n", name.c_str(),
                     v.status().message().c_str());
        return kExitUsage;
      }
      params[name] = std::move(v).value();
      continue;
    }
    params[name] = ParseParamValue(value);
  }
  auto engine = OpenEngine(o.common, true, o.read_only);
  if (!engine) return kExitFailure;
  engine::Session session(*engine);
  query::QueryOptions qo;
  qo.timeout = std::chrono::milliseconds(o.timeout_ms);
  qo.read_only = o.read_only;
  TableSink sink(o.tsv);
  query::QueryOutcome outcome = session.Execute(o.common.graph, o.text, params, qo, &sink);
  if (!outcome.ok) {
    const query::QueryError& e = outcome.error;
    std::fprintf(stderr, "%s%s%s: %s", query::ErrorCodeName(e.code), e.detail.empty() ? "" : ".",
                 e.detail.c_str(), e.message.c_str());
    // Parser messages already say where ("... at line 1, column 8").
    if (e.position.line > 0 && e.message.find(" at line ") == std::string::npos)
      std::fprintf(stderr, " (line %d, column %d)", e.position.line, e.position.column);
    std::fprintf(stderr, "\n");
    return kExitFailure;
  }
  if (!outcome.plan.empty()) std::printf("%s\n", outcome.plan.c_str());
  sink.Print();
  const query::QueryStats& st = outcome.stats;
  if (st.contains_updates())
    std::printf("nodes +%llu -%llu, relationships +%llu -%llu, properties set %llu, labels +%llu -%llu\n",
                (unsigned long long)st.nodes_created, (unsigned long long)st.nodes_deleted,
                (unsigned long long)st.relationships_created, (unsigned long long)st.relationships_deleted,
                (unsigned long long)st.properties_set, (unsigned long long)st.labels_added,
                (unsigned long long)st.labels_removed);
  return kExitOk;
}

}  // namespace trendgraph::cli
