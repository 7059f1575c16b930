// Golden query tests: every tests/query/golden/*.test file holds cases of
//
//   ## name
//   > CREATE (...)          setup statements, one per '> ' line, run in order
//   MATCH ... RETURN ...    the statement (may span lines)
//   ----                    rows in order ("---- unordered": compared sorted)
//   col1 | col2             the column names
//   1 | 'a'                 one line per row, values rendered stably
//   stats: +nodes 1 ...     optional: the QueryStats that must be reported
//
// or, after ----, a single line `error: SyntaxError` (the error class,
// optionally `error: SyntaxError.UndefinedVariable` to check the detail too).
// Each case runs in a fresh graph of a real database in a temp dir.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "query/query_api.h"
#include "storage/graph_store.h"
#include "test_util.h"

namespace trendgraph::query {
namespace {

std::string Render(const Value& v, EntityView& view);

std::string RenderMap(const Value::Map& m, EntityView& view) {
  std::string s = "{";
  bool first = true;
  for (auto& [k, v] : m) {
    if (!first) s += ", ";
    first = false;
    s += k + ": " + Render(v, view);
  }
  return s + "}";
}

std::string RenderNode(uint64_t id, EntityView& view) {
  std::vector<std::string> labels;
  Value::Map props;
  if (!view.GetNode(id, &labels, &props).ok()) return "(?)";
  std::string s = "(";
  for (auto& l : labels) s += ":" + l;
  if (!props.empty()) s += (labels.empty() ? "" : " ") + RenderMap(props, view);
  return s + ")";
}

std::string RenderRel(const RelRef& r, EntityView& view) {
  std::string type;
  Value::Map props;
  if (!view.GetRel(r.id, &type, &props).ok()) return "[?]";
  std::string s = "[:" + type;
  if (!props.empty()) s += " " + RenderMap(props, view);
  return s + "]";
}

std::string Render(const Value& v, EntityView& view) {
  switch (v.type()) {
    case Value::Type::kNode: return RenderNode(v.as_node().id, view);
    case Value::Type::kRel: return RenderRel(v.as_rel(), view);
    case Value::Type::kPath: {
      const PathValue& p = v.as_path();
      std::string s = "<" + RenderNode(p.nodes[0].id, view);
      for (size_t i = 0; i < p.rels.size(); ++i) {
        bool forward = p.rels[i].start == p.nodes[i].id;
        s += forward ? "-" : "<-";
        s += RenderRel(p.rels[i], view);
        s += forward ? "->" : "-";
        s += RenderNode(p.nodes[i + 1].id, view);
      }
      return s + ">";
    }
    case Value::Type::kList: {
      std::string s = "[";
      for (size_t i = 0; i < v.as_list().size(); ++i) s += (i ? ", " : "") + Render(v.as_list()[i], view);
      return s + "]";
    }
    case Value::Type::kMap: return RenderMap(v.as_map(), view);
    default: return v.DebugString();
  }
}

class CollectSink : public ResultSink {
 public:
  void OnColumns(const std::vector<std::string>& columns) override { columns_ = columns; }
  bool OnRow(const std::vector<Value>& row, EntityView& view) override {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) line += (i ? " | " : "") + Render(row[i], view);
    rows_.push_back(line);
    return true;
  }
  std::vector<std::string> columns_;
  std::vector<std::string> rows_;
};

struct Case {
  std::string file;
  std::string name;
  int line = 0;
  std::vector<std::string> setup;
  std::string query;
  bool unordered = false;
  std::vector<std::string> expected;  // first line: columns
  std::string error;                  // expected error class
  std::string stats;
};

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

std::vector<Case> LoadCases() {
  std::vector<Case> cases;
  std::vector<std::filesystem::path> files;
  for (auto& e : std::filesystem::directory_iterator(std::string(TRENDGRAPH_SOURCE_DIR) + "/tests/query/golden"))
    if (e.path().extension() == ".test") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    std::ifstream in(f);
    std::string line;
    int lineno = 0;
    Case* c = nullptr;
    bool in_result = false;
    while (std::getline(in, line)) {
      ++lineno;
      line = Trim(line);
      if (line.rfind("## ", 0) == 0) {
        cases.emplace_back();
        c = &cases.back();
        c->file = f.filename().string();
        c->name = line.substr(3);
        c->line = lineno;
        in_result = false;
        continue;
      }
      if (!c) continue;
      if (!in_result) {
        if (line.rfind("> ", 0) == 0) {
          c->setup.push_back(line.substr(2));
        } else if (line.rfind("----", 0) == 0) {
          in_result = true;
          c->unordered = line.find("unordered") != std::string::npos;
        } else if (!line.empty() && line[0] != '#') {
          c->query += (c->query.empty() ? "" : "\n") + line;
        }
      } else {
        if (line.empty()) continue;
        if (line.rfind("error: ", 0) == 0) c->error = line.substr(7);
        else if (line.rfind("stats: ", 0) == 0) c->stats = line.substr(7);
        else c->expected.push_back(line);
      }
    }
  }
  return cases;
}

std::string StatsText(const QueryStats& s) {
  std::string out;
  auto add = [&](const char* name, uint64_t v) {
    if (v) out += std::string(out.empty() ? "" : " ") + name + " " + std::to_string(v);
  };
  add("+nodes", s.nodes_created);
  add("-nodes", s.nodes_deleted);
  add("+relationships", s.relationships_created);
  add("-relationships", s.relationships_deleted);
  add("+properties", s.properties_set);
  add("+labels", s.labels_added);
  add("-labels", s.labels_removed);
  return out;
}

class GoldenTest : public ::testing::TestWithParam<Case> {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir();
    storage::Options opts;
    opts.path = dir_->Sub("db");
    Status s = storage::Database::Open(opts, &db_);
    ASSERT_TRUE(s.ok()) << s.ToString();
    procs_ = new ProcedureRegistry();
    RegisterBuiltinProcedures(procs_);
  }
  static void TearDownTestSuite() {
    db_.reset();
    delete procs_;
    delete dir_;
  }
  static testing::TempDir* dir_;
  static std::unique_ptr<storage::Database> db_;
  static ProcedureRegistry* procs_;
  static int counter_;
};
testing::TempDir* GoldenTest::dir_ = nullptr;
std::unique_ptr<storage::Database> GoldenTest::db_;
ProcedureRegistry* GoldenTest::procs_ = nullptr;
int GoldenTest::counter_ = 0;

TEST_P(GoldenTest, Case) {
  const Case& c = GetParam();
  SCOPED_TRACE(c.file + ":" + std::to_string(c.line) + " " + c.name);
  std::string gname = "g" + std::to_string(++counter_);
  ASSERT_OK(db_->CreateGraph(gname));
  std::shared_ptr<storage::Graph> graph;
  ASSERT_OK(db_->GetGraph(gname, &graph));
  QueryOptions opts;
  opts.timeout = std::chrono::milliseconds(10000);
  for (auto& s : c.setup) {
    CollectSink sink;
    QueryOutcome o = ExecuteQuery(*graph, s, {}, opts, procs_, &sink);
    ASSERT_TRUE(o.ok) << "setup failed: " << s << "\n" << ErrorCodeName(o.error.code) << ": " << o.error.message;
  }
  CollectSink sink;
  Value::Map params{{"name", Value("x")}, {"one", Value(int64_t{1})}, {"list", Value(Value::List{1, 2, 3})}};
  QueryOutcome o = ExecuteQuery(*graph, c.query, params, opts, procs_, &sink);
  if (!c.error.empty()) {
    ASSERT_FALSE(o.ok) << "expected error " << c.error << " for:\n" << c.query;
    std::string got = ErrorCodeName(o.error.code);
    if (c.error.find('.') != std::string::npos) got += "." + o.error.detail;
    EXPECT_EQ(c.error, got) << o.error.message;
    return;
  }
  ASSERT_TRUE(o.ok) << c.query << "\n" << ErrorCodeName(o.error.code) << "." << o.error.detail << ": "
                    << o.error.message << " at " << o.error.position.line << ":" << o.error.position.column;
  std::vector<std::string> got;
  std::string cols;
  for (size_t i = 0; i < sink.columns_.size(); ++i) cols += (i ? " | " : "") + sink.columns_[i];
  got.push_back(cols);
  std::vector<std::string> rows = sink.rows_;
  std::vector<std::string> want = c.expected;
  if (c.unordered && want.size() > 1) {
    std::sort(rows.begin(), rows.end());
    std::sort(want.begin() + 1, want.end());
  }
  got.insert(got.end(), rows.begin(), rows.end());
  if (want.empty()) want.push_back("");
  EXPECT_EQ(want, got) << c.query;
  if (!c.stats.empty()) {
    EXPECT_EQ(c.stats, StatsText(o.stats)) << c.query;
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, GoldenTest, ::testing::ValuesIn(LoadCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           std::string n = info.param.file.substr(0, info.param.file.find('.')) + "_" +
                                           std::to_string(info.param.line);
                           for (auto& ch : n) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace trendgraph::query
