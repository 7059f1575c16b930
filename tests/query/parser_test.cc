// Parser tests: golden files, positions and texts, robustness, and the
// openCypher TCK queries.
//
// Golden files: tests/query/parser/*.test. Each case is
//
//     # optional comment lines
//     <statement, one or more lines>
//     ----
//     <expected DumpQuery output, or the error as
//      SyntaxError.<detail> @<line>:<column>: <message>>
//
// and cases are separated by a line holding only `====`. Comment lines are
// only recognised before a statement (Cypher has no '#'). To regenerate the
// expectations after an intended change, run with
// TRENDGRAPH_REWRITE_GOLDEN=1 and review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "query/parser/ast.h"
#include "query/parser/lexer.h"
#include "query/parser/parser.h"
#include "query/query_exception.h"
#include "test_util.h"

namespace trendgraph::query {
namespace {

namespace fs = std::filesystem;

using trendgraph::testing::ReadFile;

std::vector<std::string> SplitLines(const std::string& s) {
  std::vector<std::string> lines;
  std::string cur;
  for (char c : s) {
    if (c == '\n') {
      lines.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

std::string Join(const std::vector<std::string>& lines, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    out += lines[i];
    if (i + 1 < to) out += '\n';
  }
  return out;
}

// What the golden files expect for one statement.
std::string Render(const std::string& statement) {
  try {
    std::string dump = DumpQuery(ParseQuery(statement));
    if (!dump.empty() && dump.back() == '\n') dump.pop_back();
    return dump;
  } catch (const ParserException& e) {
    const QueryError& err = e.error();
    return std::string(ErrorCodeName(err.code)) + (err.detail.empty() ? "" : "." + err.detail) + " @" +
           std::to_string(err.position.line) + ":" + std::to_string(err.position.column) + ": " + err.message;
  }
}

struct GoldenCase {
  std::string comment;  // leading '#' lines, kept when rewriting
  std::string statement;
  std::string expected;
  int line = 0;         // where the statement starts in the file
};

std::vector<GoldenCase> ReadGolden(const fs::path& path) {
  std::vector<std::string> lines = SplitLines(ReadFile(path));
  std::vector<GoldenCase> cases;
  size_t i = 0;
  while (i < lines.size()) {
    GoldenCase c;
    while (i < lines.size() && (lines[i].empty() || lines[i][0] == '#')) {
      if (!lines[i].empty()) c.comment += lines[i] + "\n";
      ++i;
    }
    if (i >= lines.size()) break;
    c.line = static_cast<int>(i) + 1;
    size_t start = i;
    while (i < lines.size() && lines[i] != "----") ++i;
    c.statement = Join(lines, start, i);
    ++i;  // ----
    start = i;
    while (i < lines.size() && lines[i] != "====") ++i;
    size_t end = i;
    while (end > start && lines[end - 1].empty()) --end;
    c.expected = Join(lines, start, end);
    ++i;  // ====
    cases.push_back(std::move(c));
  }
  return cases;
}

void WriteGolden(const fs::path& path, const std::vector<GoldenCase>& cases, const std::string& header) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << header;
  for (size_t k = 0; k < cases.size(); ++k) {
    if (k > 0) out << "====\n";
    out << cases[k].comment << cases[k].statement << "\n----\n" << Render(cases[k].statement) << "\n";
  }
}

fs::path GoldenDir() { return fs::path(TRENDGRAPH_SOURCE_DIR) / "tests" / "query" / "parser"; }

TEST(ParserGolden, AllFiles) {
  bool rewrite = std::getenv("TRENDGRAPH_REWRITE_GOLDEN") != nullptr;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(GoldenDir())) {
    if (entry.path().extension() == ".test") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty()) << "no golden files in " << GoldenDir();
  size_t total = 0;
  for (const fs::path& file : files) {
    std::vector<GoldenCase> cases = ReadGolden(file);
    EXPECT_FALSE(cases.empty()) << file;
    total += cases.size();
    if (rewrite) {
      WriteGolden(file, cases, "");
      continue;
    }
    for (const GoldenCase& c : cases) {
      EXPECT_EQ(c.expected, Render(c.statement)) << file.filename().string() << ":" << c.line << "\n"
                                                 << c.statement;
    }
  }
  std::printf("golden cases: %zu in %zu files\n", total, files.size());
  EXPECT_GE(total, 80u);
}

// ---------------------------------------------------------------------------
// Positions and texts

const ParsedReturn& OnlyReturn(const ParsedQuery& q) {
  return static_cast<const ParsedReturn&>(*q.parts.at(0).clauses.back());
}

TEST(ParserPositions, ExpressionTextsNameColumns) {
  ParsedQuery q = ParseQuery("MATCH (n) RETURN n.name, count(*),  toUpper( n.x ) AS up, (1 + 2), -5, [1,2][0]");
  const auto& items = OnlyReturn(q).projection.items;
  ASSERT_EQ(items.size(), 6u);
  EXPECT_EQ(items[0].expr->text, "n.name");
  EXPECT_EQ(items[1].expr->text, "count(*)");
  EXPECT_EQ(items[2].expr->text, "toUpper( n.x )");
  EXPECT_EQ(items[2].alias, "up");
  EXPECT_EQ(items[3].expr->text, "(1 + 2)");
  EXPECT_EQ(items[4].expr->text, "-5");
  EXPECT_EQ(items[5].expr->text, "[1,2][0]");
}

TEST(ParserPositions, LongNestedTextsAreAbbreviatedButDistinct) {
  std::string a = "'" + std::string(1100, 'a') + "'";
  std::string b = "'" + std::string(1100, 'b') + "'";
  ParsedQuery q = ParseQuery("RETURN size(" + a + ") + size(" + b + ") AS x, " + a + " AS y");
  const auto& items = OnlyReturn(q).projection.items;
  const auto& sum = static_cast<const ParsedBinary&>(*items[0].expr);
  const auto& left = static_cast<const ParsedFunctionCall&>(*sum.left);
  const auto& right = static_cast<const ParsedFunctionCall&>(*sum.right);
  EXPECT_NE(left.args[0]->text, right.args[0]->text);
  EXPECT_NE(left.args[0]->text.find("bytes at offset"), std::string::npos);
  EXPECT_LT(left.args[0]->text.size(), 200u);
  EXPECT_EQ(items[0].expr->text, "size(" + a + ") + size(" + b + ")");  // clause level: exact
  EXPECT_EQ(items[1].expr->text, a);
}

TEST(ParserPositions, NodesCarryLineColumnOffset) {
  ParsedQuery q = ParseQuery("MATCH (a)\n  WHERE a.x > 1\nRETURN a.x + 1 AS y");
  const auto& clauses = q.parts[0].clauses;
  ASSERT_EQ(clauses.size(), 2u);
  const auto& m = static_cast<const ParsedMatch&>(*clauses[0]);
  EXPECT_EQ(m.position.line, 1);
  EXPECT_EQ(m.position.column, 1);
  EXPECT_EQ(m.pattern[0].nodes[0].position.column, 7);
  ASSERT_NE(m.where, nullptr);
  EXPECT_EQ(m.where->position.line, 2);
  EXPECT_EQ(m.where->position.column, 9);
  EXPECT_EQ(m.where->position.offset, 18);
  EXPECT_EQ(m.where->text, "a.x > 1");
  const auto& r = static_cast<const ParsedReturn&>(*clauses[1]);
  EXPECT_EQ(r.position.line, 3);
  const auto& add = static_cast<const ParsedBinary&>(*r.projection.items[0].expr);
  EXPECT_EQ(add.right->position.line, 3);
  EXPECT_EQ(add.right->position.column, 14);
}

TEST(ParserPositions, ColumnsCountCharactersNotBytes) {
  try {
    ParseQuery("RETURN '数据' + )");
    FAIL() << "expected a SyntaxError";
  } catch (const ParserException& e) {
    EXPECT_EQ(e.error().position.column, 15);  // '数据' is 2 characters, 6 bytes
    EXPECT_EQ(e.error().position.offset, 18);
  }
}

TEST(ParserErrors, MessageNamesExpectedAndFound) {
  try {
    ParseQuery("MATCH (n RETURN n");
    FAIL() << "expected a SyntaxError";
  } catch (const ParserException& e) {
    EXPECT_EQ(e.error().code, ErrorCode::kSyntaxError);
    EXPECT_EQ(e.error().message, "expected ')' to close the node pattern but found 'RETURN' at line 1, column 10");
    EXPECT_EQ(e.error().position.line, 1);
    EXPECT_EQ(e.error().position.column, 10);
  }
}

TEST(ParserLiterals, IntegerBoundsAndStrings) {
  auto value = [](const std::string& expr) {
    ExprPtr e = ParseExpression(expr);
    EXPECT_EQ(e->kind, ExprKind::kLiteral) << expr;
    return static_cast<const ParsedLiteral&>(*e).value;
  };
  EXPECT_EQ(value("9223372036854775807").as_int(), INT64_MAX);
  EXPECT_EQ(value("-9223372036854775808").as_int(), INT64_MIN);
  EXPECT_EQ(value("-0x8000000000000000").as_int(), INT64_MIN);
  EXPECT_EQ(value("0o777").as_int(), 511);
  EXPECT_EQ(value("0xFF").as_int(), 255);
  EXPECT_DOUBLE_EQ(value(".5").as_double(), 0.5);
  EXPECT_DOUBLE_EQ(value("1e10").as_double(), 1e10);
  EXPECT_FALSE(std::signbit(value("-0.0").as_double()));  // TCK Literals5 [9]
  EXPECT_FALSE(std::signbit(value("-.0").as_double()));
  EXPECT_DOUBLE_EQ(value("-1.5e3").as_double(), -1500.0);
  EXPECT_EQ(value("'a\\tb\\u00e9\\\\'").as_string(), "a\tb\xc3\xa9\\");
  EXPECT_EQ(value("\"it's\"").as_string(), "it's");
  EXPECT_EQ(value("'\\uD83D\\uDE00'").as_string(), "\xF0\x9F\x98\x80");
  EXPECT_THROW(ParseExpression("9223372036854775808"), ParserException);
  EXPECT_THROW(ParseExpression("-9223372036854775809"), ParserException);
  EXPECT_THROW(ParseExpression("1e999"), ParserException);
}

// ---------------------------------------------------------------------------
// Robustness

TEST(ParserLimits, DeepNestingIsASyntaxErrorNotACrash) {
  for (const char* open_close : {"()", "[]"}) {
    std::string ok = "RETURN " + std::string(100, open_close[0]) + "1" + std::string(100, open_close[1]);
    EXPECT_NO_THROW(ParseQuery(ok));
    std::string deep = "RETURN " + std::string(100000, open_close[0]) + "1" + std::string(100000, open_close[1]);
    try {
      ParseQuery(deep);
      FAIL() << "expected a SyntaxError";
    } catch (const ParserException& e) {
      EXPECT_NE(e.error().message.find("nested too deeply"), std::string::npos) << e.error().message;
    }
  }
  std::string nots = "RETURN ";
  for (int i = 0; i < 100000; ++i) nots += "NOT ";
  EXPECT_THROW(ParseQuery(nots + "true"), ParserException);
  std::string minus = "RETURN " + std::string(100000, '-') + "1";
  EXPECT_THROW(ParseQuery(minus), ParserException);
  std::string maps = "RETURN ";
  for (int i = 0; i < 100000; ++i) maps += "{a: ";
  EXPECT_THROW(ParseQuery(maps), ParserException);
}

TEST(ParserLimits, LongFlatInputIsLinear) {
  // 200k list items on one line: quadratic column counting or text copying
  // would take minutes.
  std::string q = "RETURN [1";
  for (int i = 0; i < 200000; ++i) q += ", 1";
  q += "]";
  auto t0 = std::chrono::steady_clock::now();
  ParsedQuery parsed = ParseQuery(q);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 2000.0);
  const ParsedExpression& list = *OnlyReturn(parsed).projection.items[0].expr;
  EXPECT_EQ(list.text, q.substr(7));  // clause level: the full text
  EXPECT_EQ(list.height, 2);
  // Unbalanced brackets must not make pattern detection expensive either.
  std::string parens = "MATCH (n) WHERE ";
  for (int i = 0; i < 400; ++i) parens += "(n)-->(";
  EXPECT_THROW(ParseQuery(parens), ParserException);
}

// Left-deep operator chains are built without recursion, but every later
// stage walks the tree recursively: the parser bounds the tree's height.
TEST(ParserLimits, OperatorChainsAreBoundedInHeight) {
  auto chain = [](int terms, const char* op) {
    std::string q = "MATCH (n) WHERE n.id = 0";
    for (int i = 1; i < terms; ++i) q += std::string(" ") + op + " n.id = " + std::to_string(i);
    return q + " RETURN n";
  };
  ParsedQuery ok = ParseQuery(chain(1500, "OR"));
  const auto& m = static_cast<const ParsedMatch&>(*ok.parts[0].clauses[0]);
  EXPECT_EQ(m.where->height, 1500 + 2);  // 1499 ORs over comparison over property
  auto t0 = std::chrono::steady_clock::now();
  try {
    ParseQuery(chain(200000, "OR"));
    FAIL() << "expected a SyntaxError";
  } catch (const ParserException& e) {
    EXPECT_NE(e.error().message.find("nested too deeply"), std::string::npos) << e.error().message;
  }
  std::string sum = "RETURN 1";
  for (int i = 0; i < 200000; ++i) sum += " + 1";
  EXPECT_THROW(ParseQuery(sum), ParserException);
  std::string props = "RETURN n";
  for (int i = 0; i < 200000; ++i) props += ".a";
  EXPECT_THROW(ParseQuery(props), ParserException);
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 2000.0);
}

// Mutated statements must either parse or fail with a ParserException;
// nothing else (no crash, no other exception type, no hang).
TEST(ParserFuzz, MutationsNeverCrash) {
  const std::vector<std::string> seeds = {
      "MATCH (a:Article {lang: 'zh'})-[:MENTIONS*1..3]->(t:Technology) WHERE t.name STARTS WITH 'GPU' "
      "RETURN a.title AS title, count(DISTINCT t) ORDER BY title DESC SKIP 1 LIMIT 10",
      "MERGE (p:PolicyActor {name: $name}) ON CREATE SET p.created = timestamp() ON MATCH SET p += {seen: true}",
      "UNWIND [1, 2.5, 'x', null, {k: [1, 2]}] AS x WITH x WHERE x IS NOT NULL RETURN "
      "CASE WHEN x = 1 THEN 'one' ELSE toString(x) END, [y IN range(0, 3) WHERE y % 2 = 0 | y ^ 2]",
      "MATCH p = shortestPath((a)-[*..5]-(b)) WHERE exists { (a)-->(:Signal) } RETURN "
      "[(a)-[r:R]->(b) WHERE r.w > 0.5 | b {.name, .*, k: 1}], reduce(s = 0, x IN [1,2] | s + x)",
      "CALL db.labels() YIELD label AS l WHERE l <> 'x' RETURN l UNION ALL RETURN 'y' AS l",
  };
  std::mt19937 rng(20261125);
  const std::string alphabet = "()[]{}<>-=:,.|*$'\"`\\/ +^%aZ09\n\xe2\x80\x94";
  int parsed = 0, rejected = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s = seeds[rng() % seeds.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int k = 0; k < edits && !s.empty(); ++k) {
      size_t pos = rng() % s.size();
      switch (rng() % 3) {
        case 0: s.erase(pos, 1 + rng() % 3); break;
        case 1: s.insert(pos, 1, alphabet[rng() % alphabet.size()]); break;
        default: s[pos] = alphabet[rng() % alphabet.size()]; break;
      }
    }
    try {
      ParsedQuery q = ParseQuery(s);
      (void)DumpQuery(q);
      ++parsed;
    } catch (const ParserException& e) {
      EXPECT_EQ(e.error().code, ErrorCode::kSyntaxError);
      EXPECT_GT(e.error().position.line, 0) << s << "\n" << e.error().message;
      ++rejected;
    }
  }
  std::printf("fuzz: %d parsed, %d rejected\n", parsed, rejected);
  EXPECT_GT(parsed, 0);
  EXPECT_GT(rejected, 0);
}

// Every ```cypher block of docs/query-language.md is one statement that must
// parse, so the documentation cannot drift from the grammar.
TEST(ParserDocs, DocsExamplesParse) {
  fs::path doc = fs::path(TRENDGRAPH_SOURCE_DIR) / "docs" / "query-language.md";
  ASSERT_TRUE(fs::exists(doc)) << doc;
  std::vector<std::string> lines = SplitLines(ReadFile(doc));
  int blocks = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i] != "```cypher") continue;
    size_t end = i + 1;
    while (end < lines.size() && lines[end] != "```") ++end;
    std::string statement = Join(lines, i + 1, end);
    ++blocks;
    try {
      (void)ParseQuery(statement);
    } catch (const ParserException& e) {
      ADD_FAILURE() << "docs/query-language.md:" << i + 2 << ": " << e.error().message << "\n" << statement;
    }
    i = end;
  }
  EXPECT_GE(blocks, 15);
}

// ---------------------------------------------------------------------------
// The TCK: every query of every scenario (outlines expanded).

struct TckQuery {
  std::string where;     // file:line (scenario)
  std::string query;
  std::string expected_error;  // "SyntaxError.Detail" for a compile-time SyntaxError, else ""
};

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> TableCells(const std::string& line) {
  // | a | b\|c | -> {"a", "b|c"}
  std::vector<std::string> cells;
  std::string t = Trim(line);
  std::string cur;
  for (size_t i = 1; i < t.size(); ++i) {
    if (t[i] == '\\' && i + 1 < t.size()) {
      char n = t[i + 1];
      if (n == '|') { cur += '|'; ++i; continue; }
      if (n == '\\') { cur += '\\'; ++i; continue; }
      if (n == 'n') { cur += '\n'; ++i; continue; }
    }
    if (t[i] == '|') {
      cells.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += t[i];
    }
  }
  return cells;
}

void CollectFeature(const fs::path& file, const std::string& rel, std::vector<TckQuery>* out) {
  std::vector<std::string> lines = SplitLines(ReadFile(file));
  size_t i = 0;
  while (i < lines.size()) {
    std::string t = Trim(lines[i]);
    if (t.rfind("Scenario", 0) != 0) {
      ++i;
      continue;
    }
    bool outline = t.rfind("Scenario Outline", 0) == 0;
    size_t scenario_line = i + 1;
    std::vector<std::pair<std::string, bool>> queries;  // text, is the "When" query
    std::string error;
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    ++i;
    while (i < lines.size() && Trim(lines[i]).rfind("Scenario", 0) != 0) {
      std::string s = Trim(lines[i]);
      if (s == "When executing query:" || s == "And having executed:" || s == "Given having executed:" ||
          s == "When executing control query:") {
        bool when = s.rfind("When", 0) == 0;
        size_t open = i + 1;
        while (open < lines.size() && Trim(lines[open]) != "\"\"\"") ++open;
        size_t indent = lines[open].find('"');
        size_t close = open + 1;
        while (close < lines.size() && Trim(lines[close]) != "\"\"\"") ++close;
        std::string q;
        for (size_t k = open + 1; k < close; ++k) {
          std::string l = lines[k];
          size_t strip = 0;
          while (strip < indent && strip < l.size() && (l[strip] == ' ' || l[strip] == '\t')) ++strip;
          q += l.substr(strip);
          if (k + 1 < close) q += '\n';
        }
        queries.emplace_back(q, when);
        i = close + 1;
        continue;
      }
      size_t p = s.find("a SyntaxError should be raised at compile time:");
      if (p != std::string::npos) error = "SyntaxError." + Trim(s.substr(s.find(':', p) + 1));
      if (s.rfind("Examples:", 0) == 0) {
        ++i;
        while (i < lines.size() && Trim(lines[i]).rfind("|", 0) != 0) ++i;
        if (i < lines.size()) header = TableCells(lines[i++]);
        while (i < lines.size() && Trim(lines[i]).rfind("|", 0) == 0) rows.push_back(TableCells(lines[i++]));
        continue;
      }
      ++i;
    }
    std::vector<std::map<std::string, std::string>> bindings;
    if (outline) {
      for (const auto& row : rows) {
        std::map<std::string, std::string> b;
        for (size_t c = 0; c < header.size() && c < row.size(); ++c) b[header[c]] = row[c];
        bindings.push_back(b);
      }
    } else {
      bindings.emplace_back();
    }
    for (size_t b = 0; b < bindings.size(); ++b) {
      for (const auto& [text, when] : queries) {
        std::string q = text;
        for (const auto& [k, v] : bindings[b]) {
          std::string key = "<" + k + ">";
          for (size_t at = q.find(key); at != std::string::npos; at = q.find(key, at + v.size())) {
            q.replace(at, key.size(), v);
          }
        }
        TckQuery tq;
        tq.where = rel + ":" + std::to_string(scenario_line) + (outline ? " row " + std::to_string(b + 1) : "");
        tq.query = q;
        tq.expected_error = when ? error : "";
        out->push_back(std::move(tq));
      }
    }
  }
}

// The compile-time SyntaxError classes the parser owns; the others
// (UndefinedVariable, VariableAlreadyBound, InvalidArgumentType, ...) need
// scopes or types and belong to the binder.
bool ParserOwned(const std::string& error) {
  static const char* kOwned[] = {
      "SyntaxError.UnexpectedSyntax",          "SyntaxError.InvalidNumberLiteral",
      "SyntaxError.IntegerOverflow",           "SyntaxError.FloatingPointOverflow",
      "SyntaxError.InvalidUnicodeLiteral",     "SyntaxError.InvalidUnicodeCharacter",
      "SyntaxError.InvalidParameterUse",       "SyntaxError.InvalidClauseComposition",
      "SyntaxError.NoSingleRelationshipType",  "SyntaxError.RequiresDirectedRelationship",
      "SyntaxError.CreatingVarLength",         "SyntaxError.InvalidDelete",
      "SyntaxError.RelationshipUniquenessViolation",
  };
  for (const char* o : kOwned) {
    if (error == o) return true;
  }
  return false;
}

TEST(ParserTck, EveryScenarioQuery) {
  fs::path root = fs::path(TRENDGRAPH_SHARED_DIR) / "tck" / "features";
  if (!fs::exists(root)) GTEST_SKIP() << "no TCK at " << root;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.path().extension() == ".feature") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<TckQuery> queries;
  for (const fs::path& f : files) CollectFeature(f, fs::relative(f, root).string(), &queries);
  ASSERT_GT(queries.size(), 1000u);

  int valid_ok = 0, valid_failed = 0, owned_raised = 0, owned_missed = 0, binder_raised = 0, binder_parsed = 0;
  std::string report;
  for (const TckQuery& q : queries) {
    std::string error;
    try {
      ParsedQuery parsed = ParseQuery(q.query);
      (void)DumpQuery(parsed);
    } catch (const ParserException& e) {
      error = "SyntaxError." + e.error().detail;
      if (q.expected_error.empty()) report += "  unexpected error " + q.where + ": " + e.error().message + "\n";
    }
    if (q.expected_error.empty()) {
      (error.empty() ? valid_ok : valid_failed)++;
    } else if (ParserOwned(q.expected_error)) {
      if (error.empty()) {
        ++owned_missed;
        report += "  missed " + q.expected_error + " " + q.where + ":\n" + q.query + "\n";
      } else {
        ++owned_raised;
        if (error != q.expected_error) report += "  note " + q.where + ": raised " + error + ", TCK names " + q.expected_error + "\n";
      }
    } else {
      (error.empty() ? binder_parsed : binder_raised)++;
      if (!error.empty()) report += "  early " + q.where + ": parser raised " + error + " for " + q.expected_error + "\n";
    }
  }
  std::printf("TCK queries: %zu\n  valid: %d parsed, %d rejected\n  parser-owned SyntaxErrors: %d raised, %d missed\n"
              "  binder-owned SyntaxErrors: %d left to the binder, %d raised by the parser\n%s",
              queries.size(), valid_ok, valid_failed, owned_raised, owned_missed, binder_parsed, binder_raised,
              report.c_str());
  EXPECT_EQ(valid_failed, 0);
  EXPECT_EQ(owned_missed, 0);
}

}  // namespace
}  // namespace trendgraph::query
