// Query text fuzzing: mutants of real queries (the TCK feature files and the
// examples of docs/query-language.md) through query::ExecuteQuery (parse,
// bind, plan, execute) on a real database holding a small graph.
//
// Oracle, for every mutant:
//  * the call returns (a watchdog aborts, printing the query, if one runs
//    far past its deadline), within its timeout plus slack;
//  * a failure is a typed error of an openCypher class the HTTP contract
//    knows (or Timeout/ResourceLimit, the limits this test sets), with a
//    message, and a position inside the text when it has one;
//  * a failed query changes nothing (node/relationship counters as before);
//  * a query IsReadOnlyQuery calls read-only writes nothing (the HTTP layer
//    authorises writes on that answer), and read-only mode writes nothing.
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "fuzz_util.h"
#include "graph_test.h"
#include "query/query_api.h"
#include "test_util.h"

namespace trendgraph::fuzz {
namespace {

namespace fs = std::filesystem;
using query::ErrorCode;

// The query blocks ("""...""") of every TCK feature file, and the ```cypher
// blocks of the query language guide, common indentation removed.
std::vector<std::string> SeedQueries() {
  std::vector<std::string> out;
  auto add_block = [&](const std::vector<std::string>& lines) {
    size_t indent = std::string::npos;
    for (const auto& l : lines) {
      size_t p = l.find_first_not_of(' ');
      if (p != std::string::npos) indent = std::min(indent, p);
    }
    std::string q;
    for (const auto& l : lines) q += (indent != std::string::npos && l.size() >= indent ? l.substr(indent) : l) + "\n";
    if (!q.empty()) out.push_back(q);
  };
  std::vector<fs::path> features;
  fs::path tck = fs::path(TRENDGRAPH_SHARED_DIR) / "tck" / "features";
  if (fs::exists(tck)) {
    for (const auto& e : fs::recursive_directory_iterator(tck)) {
      if (e.path().extension() == ".feature") features.push_back(e.path());
    }
  }
  std::sort(features.begin(), features.end());  // directory order is not deterministic
  for (const auto& f : features) {
    std::istringstream in(testing::ReadFile(f));
    std::string line;
    bool inside = false;
    std::vector<std::string> block;
    while (std::getline(in, line)) {
      size_t p = line.find_first_not_of(' ');
      bool fence = p != std::string::npos && line.compare(p, 3, "\"\"\"") == 0;
      if (fence) {
        if (inside) add_block(block);
        block.clear();
        inside = !inside;
      } else if (inside) {
        block.push_back(line);
      }
    }
  }
  std::istringstream doc(testing::ReadFile(fs::path(TRENDGRAPH_SOURCE_DIR) / "docs" / "query-language.md"));
  std::string line;
  bool inside = false;
  std::vector<std::string> block;
  while (std::getline(doc, line)) {
    if (!inside && line.rfind("```cypher", 0) == 0) {
      inside = true;
      block.clear();
    } else if (inside && line.rfind("```", 0) == 0) {
      inside = false;
      add_block(block);
    } else if (inside) {
      block.push_back(line);
    }
  }
  return out;
}

// Fragments that stress limits: deep nesting of every bracket kind, long
// operator chains (deep expression trees built by loops, not recursion),
// huge and out-of-range literals, unterminated constructs.
std::vector<std::string> ExtremeFragments() {
  auto rep = [](std::string_view s, size_t n) {
    std::string r;
    r.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i) r += s;
    return r;
  };
  std::string chain_plus = "1";
  for (int i = 0; i < 20000; ++i) chain_plus += "+1";
  std::string chain_and = "true";
  for (int i = 0; i < 20000; ++i) chain_and += " AND true";
  std::string chain_cmp = "1";
  for (int i = 0; i < 5000; ++i) chain_cmp += " < 2";
  std::string chain_prop = "n";
  for (int i = 0; i < 20000; ++i) chain_prop += ".p";
  std::string chain_index = "[1]";
  for (int i = 0; i < 20000; ++i) chain_index += "[0]";
  std::string chain_concat = "'a'";
  for (int i = 0; i < 20000; ++i) chain_concat += " || 'a'";
  std::string labels = "(n";
  for (int i = 0; i < 20000; ++i) labels += ":L" + std::to_string(i);
  labels += ")";
  std::string path = "(a)";
  for (int i = 0; i < 5000; ++i) path += "-->()";
  std::string unions = "RETURN 1 AS x";
  for (int i = 0; i < 3000; ++i) unions += " UNION RETURN 1 AS x";
  std::string withs;
  for (int i = 0; i < 3000; ++i) withs += "WITH 1 AS x" + std::to_string(i) + " ";
  return {
      rep("(", 10000),
      rep("[", 10000),
      rep("{a:", 10000),
      rep("-", 10000) + "1",
      rep("NOT ", 10000) + "true",
      rep("CASE WHEN true THEN ", 3000),
      rep("[x IN ", 3000),
      rep("EXISTS { MATCH (n) WHERE ", 2000),
      rep("CALL { ", 2000),
      chain_plus,
      chain_and,
      chain_cmp,
      chain_prop,
      chain_index,
      chain_concat,
      labels,
      path,
      unions,
      withs,
      "'" + std::string(1 << 20, 'x') + "'",
      "`" + std::string(100000, 'y') + "`",
      "$" + std::string(100000, 'p'),
      "99999999999999999999999999999",
      "-9223372036854775808",
      "9223372036854775807 + 1",
      "-9223372036854775808 - 1",
      "9223372036854775807 * 2",
      "-9223372036854775808 / -1",
      "-9223372036854775808 % -1",
      "abs(-9223372036854775808)",
      "toInteger(1e300)",
      "2 ^ 99999",
      "1e99999",
      "0x",
      "0x7FFFFFFFFFFFFFFFF",
      "0o9",
      "1.e",
      "'\\u",
      "'\\uD800'",
      "'\\uZZZZ'",
      "/*",
      "`",
      "'",
      "\"",
      "//",
      "range(0, 9223372036854775807)",
      "range(9223372036854775807 - 1, 9223372036854775807, 2)",
      "range(1, 10, 0)",
      "[1,2,3][9223372036854775807]",
      "[1,2,3][-9223372036854775808]",
      "[1,2,3][-9223372036854775808..9223372036854775807]",
      "substring('abc', 9223372036854775807, 9223372036854775807)",
      "substring('abc', -1)",
      "left('abc', -9223372036854775808)",
      "right('abc', 9223372036854775807)",
      "split('', '')",
      "replace('aaa', '', 'b')",
      "lpad('a', 9223372036854775807, 'x')",
      "toString(-9223372036854775808)",
      "duration({years: 9223372036854775807})",
      "duration({seconds: 9223372036854775807, nanoseconds: 9223372036854775807})",
      "date({year: 9223372036854775807})",
      "date('99999999-01-01')",
      "datetime('2024-03-05T12:31:00[Mars/Olympus]')",
      "localdatetime({year: -9223372036854775808})",
      "date('2024-03-05') + duration({days: 9223372036854775807})",
      "datetime({epochSeconds: 9223372036854775807})",
      "datetime({epochMillis: -9223372036854775808})",
      "duration.between(date('-999999999-01-01'), date('+999999999-12-31'))",
      "duration('P9223372036854775807Y')",
      "duration('PT9223372036854775807H')",
      "time('25:61:61')",
      "[*..1000000]",
      "[*9223372036854775807]",
      "[* -1..]",
      "*0..",
      "shortestPath((a)-[*]-(b))",
      "reduce(s = 0, x IN range(1, 1000000) | s + x)",
      "percentileDisc(n.x, 2.0)",
      "percentileCont(1, -1)",
      "round(1.5, -9223372036854775808)",
      "round(1.5, 9223372036854775807, 'HALF_UP')",
      "toInteger('9223372036854775808')",
      "toFloat('1e99999')",
      "\xff\xfe",
      "\xed\xa0\x80",
      std::string("\0", 1),
      "\xe2\x80\x94",
  };
}

const std::vector<std::string>& Keywords() {
  static const std::vector<std::string> k = {
      "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "CREATE", "MERGE", "SET", "DELETE",
      "DETACH", "REMOVE", "ORDER BY", "SKIP", "LIMIT", "UNION", "CALL", "YIELD", "FOREACH", "AS",
      "DISTINCT", "AND", "OR", "XOR", "NOT", "IN", "IS NULL", "CASE", "WHEN", "THEN", "ELSE", "END",
      "EXISTS", "COUNT", "COLLECT", "ON CREATE", "ON MATCH", "null", "true", "*", "|", "..", ":",
      "->", "<-", "-[", "]-", "(", ")", "[", "]", "{", "}", ",", "=", "<>", "=~", "+=", "||", "!", "&", "%"};
  return k;
}

// Values that keep a query parseable but push evaluation to its edges.
const std::vector<std::string>& EdgeValues() {
  static const std::vector<std::string> k = {
      "9223372036854775807", "-9223372036854775808", "0", "-1", "1e308", "-1e308", "5e-324", "0.0 / 0.0",
      "1 / 0", "1.0 / 0", "null", "[]", "{}", "''", "'\\u0000'", "[1, 'a', null, [2]]", "{a: 1, b: [null]}",
      "date('2024-03-05')", "datetime('2024-03-05T12:31+08:00[Asia/Shanghai]')", "duration('P1Y2M3DT4H')",
      "localtime('23:59:59.999999999')", "range(1, 100000)", "$big", "$list", "$missing", "$name", "true",
      "'computing vouchers'", "[x IN range(1, 1000) | x * x]", "toString(1.5)", "-0.0", "0x7FFFFFFFFFFFFFFF",
      "2 ^ 63", "'\xf0\x9f\x98\x80'", "point({x: 1, y: 2})", "n", "r", "p", "*"};
  return k;
}

const std::vector<std::string>& FunctionNames() {
  static const std::vector<std::string> k = {
      "toInteger", "toFloat", "toString", "toBoolean", "size", "head", "last", "tail", "reverse", "abs", "sqrt",
      "log", "exp", "sign", "round", "ceil", "floor", "substring", "left", "right", "split", "replace", "trim",
      "toUpper", "keys", "properties", "labels", "type", "id", "nodes", "relationships", "length", "range",
      "coalesce", "date", "datetime", "localtime", "time", "duration", "duration.between", "collect", "count",
      "sum", "avg", "min", "max", "percentileCont", "percentileDisc", "stDev", "startNode", "endNode",
      "exists", "isEmpty", "all", "any", "none", "single", "reduce", "randomUUID", "timestamp", "elementId"};
  return k;
}

bool IsWordToken(const std::string& t) {
  return !t.empty() && (std::isalpha(static_cast<unsigned char>(t[0])) || t[0] == '_');
}
bool IsLiteralToken(const std::string& t) {
  return !t.empty() && (std::isdigit(static_cast<unsigned char>(t[0])) || t[0] == '\'' || t[0] == '"');
}
bool IsSpaceToken(const std::string& t) { return !t.empty() && std::isspace(static_cast<unsigned char>(t[0])); }

// A token index chosen among those matching `pred`; t.size() when none.
size_t PickToken(Rng& rng, const std::vector<std::string>& t, bool (*pred)(const std::string&)) {
  std::vector<size_t> idx;
  for (size_t i = 0; i < t.size(); ++i) {
    if (pred(t[i])) idx.push_back(i);
  }
  return idx.empty() ? t.size() : rng.Pick(idx);
}

std::string Mutate(Rng& rng, const std::vector<std::string>& seeds, const std::vector<std::string>& extremes) {
  std::vector<std::string> t = RoughTokens(rng.Pick(seeds));
  if (t.empty()) t.push_back("RETURN 1");
  int rounds = rng.Chance(1, 2) ? 1 : 2 + static_cast<int>(rng.Below(3));
  bool big_used = false;
  auto not_space = [](const std::string& x) { return !IsSpaceToken(x); };
  for (int r = 0; r < rounds; ++r) {
    size_t at = rng.Below(t.size());
    switch (rng.Below(16)) {
      case 0:
      case 1:
      case 2: {  // a literal replaced by an edge value (stays parseable)
        size_t l = PickToken(rng, t, IsLiteralToken);
        if (l < t.size()) t[l] = rng.Pick(EdgeValues());
        break;
      }
      case 3:
      case 4: {  // a word replaced by another word of the query or a function name
        size_t w = PickToken(rng, t, IsWordToken);
        if (w >= t.size()) break;
        if (w + 1 < t.size() && t[w + 1] == "(") {
          t[w] = rng.Pick(FunctionNames());
        } else {
          size_t o = PickToken(rng, t, IsWordToken);
          t[w] = t[o];
        }
        break;
      }
      case 5: {  // delete a (non-space) token
        size_t d = PickToken(rng, t, not_space);
        if (d < t.size() && t.size() > 1) t.erase(t.begin() + static_cast<long>(d));
        break;
      }
      case 6:  // duplicate a token
        t.insert(t.begin() + static_cast<long>(at), t[at]);
        break;
      case 7: {  // swap two non-space tokens
        size_t a = PickToken(rng, t, not_space), b = PickToken(rng, t, not_space);
        if (a < t.size() && b < t.size()) std::swap(t[a], t[b]);
        break;
      }
      case 8: {  // a token of another query
        auto other = RoughTokens(rng.Pick(seeds));
        if (!other.empty()) t.insert(t.begin() + static_cast<long>(at), rng.Pick(other));
        break;
      }
      case 9:  // a keyword or punctuation, with spaces
        t.insert(t.begin() + static_cast<long>(at), " " + rng.Pick(Keywords()) + " ");
        break;
      case 10:  // truncate at a token boundary
        t.resize(std::max<size_t>(1, at));
        break;
      case 11: {  // an edge value as a whole clause
        t.push_back(" RETURN " + rng.Pick(EdgeValues()) + " AS fuzz");
        break;
      }
      case 12:
      case 13: {  // an extreme fragment, inserted or in place of a token (one per mutant)
        if (big_used) break;
        big_used = true;
        const std::string& f = rng.Pick(extremes);
        if (rng.Chance(1, 2)) {
          t[at] = f;
        } else {
          t.insert(t.begin() + static_cast<long>(at), f);
        }
        break;
      }
      default: {  // byte level
        std::string s = Join(t);
        int n = 1 + static_cast<int>(rng.Below(3));
        for (int i = 0; i < n; ++i) MutateBytes(rng, &s);
        t = RoughTokens(s);
        if (t.empty()) t.push_back(" ");
        break;
      }
    }
  }
  return Join(t);
}

class NullSink : public query::ResultSink {
 public:
  void OnColumns(const std::vector<std::string>&) override {}
  bool OnRow(const std::vector<Value>&, query::EntityView&) override { return true; }
};

// Aborts the process (printing the query) when one call runs far past its
// deadline: a hang would otherwise only show as the ctest timeout.
class Watchdog {
 public:
  explicit Watchdog(std::chrono::seconds limit) : limit_(limit), thread_([this] { Run(); }) {}
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void Begin(uint64_t iteration, const std::string* text) {
    std::lock_guard<std::mutex> l(mu_);
    iteration_ = iteration;
    text_ = text;
    started_ = std::chrono::steady_clock::now();
    active_ = true;
  }
  void End() {
    std::lock_guard<std::mutex> l(mu_);
    active_ = false;
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> l(mu_);
    while (!stop_) {
      cv_.wait_for(l, std::chrono::milliseconds(200));
      if (active_ && std::chrono::steady_clock::now() - started_ > limit_) {
        std::fprintf(stderr, "HANG: iteration %llu ran over %llds: %s\n", static_cast<unsigned long long>(iteration_),
                     static_cast<long long>(limit_.count()), Printable(*text_, 2000).c_str());
        std::abort();
      }
    }
  }

  std::chrono::seconds limit_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool active_ = false;
  uint64_t iteration_ = 0;
  const std::string* text_ = nullptr;
  std::chrono::steady_clock::time_point started_;
  std::thread thread_;
};

class QueryFuzzTest : public testing::GraphTest {
 protected:
  void SetUp() override {
    GraphTest::SetUp();
    query::RegisterBuiltinProcedures(&procs_);
    ResetGraph();
  }

  void ResetGraph() {
    NullSink sink;
    query::QueryOptions opts;
    for (const char* q : {"MATCH (n) DETACH DELETE n",
                          "CREATE (a:Person {name: 'Alice', age: 30, tags: ['x', 'y']})-[:KNOWS {since: 2001}]->"
                          "(b:Person {name: 'Bob', age: 25}), (b)-[:KNOWS]->(c:Person:Admin {name: 'Carol'}), "
                          "(c)-[:LIKES {w: 1.5}]->(a), (p:Policy {name: 'computing vouchers', announced: "
                          "date('2024-03-05')})-[:SUPPORTS]->(s:Startup {name: 'X', funding: 1000000}), "
                          "(s)-[:T]->(s), (:A {num: 1}), (:B {num: 2, name: 'b'}), (:A:B)"}) {
      query::QueryOutcome o = query::ExecuteQuery(*graph_, q, {}, opts, &procs_, &sink);
      ASSERT_TRUE(o.ok) << q << ": " << o.error.message;
    }
  }

  query::ProcedureRegistry procs_;
};

bool AllowedCode(ErrorCode c) {
  switch (c) {
    case ErrorCode::kSyntaxError:
    case ErrorCode::kSemanticError:
    case ErrorCode::kTypeError:
    case ErrorCode::kArgumentError:
    case ErrorCode::kEntityNotFound:
    case ErrorCode::kConstraintVerificationFailed:
    case ErrorCode::kParameterMissing:
    case ErrorCode::kProcedureError:
    case ErrorCode::kTimeout:        // the per-query deadline this test sets
    case ErrorCode::kResourceLimit:  // the row limit this test sets
      return true;
    default:
      return false;
  }
}

TEST_F(QueryFuzzTest, MutantsOfRealQueriesFailCleanly) {
  const std::vector<std::string> seeds = SeedQueries();
  ASSERT_GT(seeds.size(), 1000u) << "TCK feature files not found under " TRENDGRAPH_SHARED_DIR;
  const std::vector<std::string> extremes = ExtremeFragments();

  Value::Map params;
  params.emplace("name", Value(std::string("Alice")));
  params.emplace("param", Value(int64_t{1}));
  params.emplace("id", Value(int64_t{0}));
  params.emplace("big", Value(std::string(100000, 'z')));
  params.emplace("list", Value(Value::List{Value(int64_t{1}), Value(), Value(std::string("s"))}));

  constexpr uint64_t kSeed = 0x5eed0001;
  Budget budget(40000, 40);
  Watchdog watchdog(std::chrono::seconds(EnvOr("TRENDGRAPH_FUZZ_HANG_SECONDS", 120)));
  std::vector<std::string> failures;
  std::map<std::string, int> outcome_counts;
  const bool verbose = EnvOr("TRENDGRAPH_FUZZ_VERBOSE", 0) != 0;
  uint64_t i = budget.first();
  for (; budget.Continue(i); ++i) {
    Rng rng(SeedFor(kSeed, i));
    const std::string text = Mutate(rng, seeds, extremes);
    query::QueryOptions opts;
    opts.timeout = std::chrono::milliseconds(1000);
    opts.max_rows = 10000;
    opts.read_only = rng.Chance(1, 8);
    auto where = [&] { return "iteration " + std::to_string(i) + " (" + Printable(text, 300) + "): "; };

    if (verbose) std::fprintf(stderr, "iteration %llu: %s\n", static_cast<unsigned long long>(i), Printable(text, 300).c_str());
    watchdog.Begin(i, &text);
    bool classified_read = query::IsReadOnlyQuery(text, &procs_);
    storage::GraphCounts before = graph_->Counts();
    NullSink sink;
    auto t0 = std::chrono::steady_clock::now();
    query::QueryOutcome o = query::ExecuteQuery(*graph_, text, params, opts, &procs_, &sink);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    watchdog.End();
    storage::GraphCounts after = graph_->Counts();
    bool same = before.nodes == after.nodes && before.rels == after.rels && before.by_label == after.by_label &&
                before.by_type == after.by_type;

    outcome_counts[o.ok ? "ok" : query::ErrorCodeName(o.error.code)]++;
    if (ms > 10000) failures.push_back(where() + "took " + std::to_string(ms) + " ms with a 1000 ms timeout");
    if (!o.ok) {
      if (!AllowedCode(o.error.code)) {
        failures.push_back(where() + "error class " + query::ErrorCodeName(o.error.code) + ": " + o.error.message);
      }
      if (o.error.message.empty()) failures.push_back(where() + "error without a message");
      const query::Position& p = o.error.position;
      if (p.offset > static_cast<int>(text.size()) || (p.offset >= 0 && (p.line < 1 || p.column < 1))) {
        failures.push_back(where() + "error position outside the text: offset " + std::to_string(p.offset) +
                           " line " + std::to_string(p.line) + " column " + std::to_string(p.column));
      }
      if (!same) failures.push_back(where() + "failed query changed the graph: " + o.error.message);
    } else {
      bool wrote = o.stats.contains_updates() || !same;
      if (wrote && classified_read) failures.push_back(where() + "IsReadOnlyQuery said read-only but it wrote");
      if (wrote && opts.read_only) failures.push_back(where() + "wrote in read-only mode");
    }
    if (after.nodes > 2000 || after.rels > 4000 || i % 500 == 499) {
      ResetGraph();
      if (HasFatalFailure()) return;
    }
  }
  std::string summary;
  for (const auto& [k, n] : outcome_counts) summary += " " + k + "=" + std::to_string(n);
  std::printf("query fuzz: %llu mutants from %zu seed queries:%s\n", static_cast<unsigned long long>(i - budget.first()),
              seeds.size(), summary.c_str());
  for (size_t f = 0; f < failures.size() && f < 30; ++f) ADD_FAILURE() << failures[f];
  EXPECT_TRUE(failures.empty()) << failures.size() << " failures (rerun one with TRENDGRAPH_FUZZ_ONLY=<iteration>)";
}

}  // namespace
}  // namespace trendgraph::fuzz
