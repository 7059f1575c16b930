// The parsed (syntactic) form of a query: what the parser produces and the
// binder consumes. Names carry the stage: Parsed* here, Bound* in the binder,
// Logical* in the planner, Physical* in the executor.
//
// Every node keeps the Position where it starts (1-based line/column and the
// byte offset) so that later stages report errors where the user wrote the
// construct. Ownership: a tree of unique_ptrs; a ParsedQuery owns everything.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "query/query_api.h"
#include "storage/value.h"

namespace trendgraph::query {

// ---------------------------------------------------------------------------
// Expressions

enum class ExprKind : uint8_t {
  kLiteral,               // ParsedLiteral: null, bool, int, double, string
  kParameter,             // ParsedParameter: $name or $0
  kVariable,              // ParsedVariable
  kProperty,              // ParsedProperty: expr.key
  kSubscript,             // ParsedSubscript: expr[index]
  kSlice,                 // ParsedSlice: expr[from..to] (either may be absent)
  kUnary,                 // ParsedUnary: NOT, -, +
  kBinary,                // ParsedBinary: OR XOR AND + - * / % ^ STARTS WITH ...
  kComparison,            // ParsedComparison: a = b, a < b <= c (chains)
  kIsNull,                // ParsedIsNull: expr IS [NOT] NULL
  kLabelCheck,            // ParsedLabelCheck: n:A:B
  kFunctionCall,          // ParsedFunctionCall: f(args), f(DISTINCT args), ns.f(...)
  kCountStar,             // ParsedCountStar: count(*)
  kCase,                  // ParsedCase: simple (with test expr) or searched
  kList,                  // ParsedList: [a, b]
  kMap,                   // ParsedMap: {k: v}
  kMapProjection,         // ParsedMapProjection: n {.a, .*, k: v, var}
  kListComprehension,     // ParsedListComprehension: [x IN list WHERE p | e]
  kPatternComprehension,  // ParsedPatternComprehension: [p = (a)-->(b) WHERE c | e]
  kQuantifier,            // ParsedQuantifier: all/any/none/single(x IN list WHERE p)
  kReduce,                // ParsedReduce: reduce(acc = init, x IN list | e)
  kPatternPredicate,      // ParsedPatternPredicate: a pattern used as a boolean, (a)-->(b)
  kExistsSubquery,        // ParsedExistsSubquery: EXISTS/COUNT/COLLECT { MATCH ... WHERE ... }
};

enum class UnaryOp : uint8_t { kNot, kMinus, kPlus };

enum class BinaryOp : uint8_t {
  kOr, kXor, kAnd,
  kAdd, kSubtract, kMultiply, kDivide, kModulo, kPower,
  kStartsWith, kEndsWith, kContains, kRegexMatch,  // =~
  kIn,
  kConcat,  // a || b: strings or lists only (GQL / Neo4j 5)
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kGt, kLe, kGe };

struct ParsedExpression {
  explicit ParsedExpression(ExprKind k) : kind(k) {}
  virtual ~ParsedExpression() = default;
  ExprKind kind;
  // Height of this subtree: 1 for a leaf, else 1 + the tallest child
  // (pattern property maps and EXISTS subqueries included). The parser
  // refuses trees taller than kMaxExpressionHeight (parser.h), so recursive
  // walks over an expression are safe.
  uint16_t height = 1;
  Position position;
  // The expression's text exactly as written (used for column names:
  // `RETURN n.name` gives the column "n.name"). Exact for clause-level
  // expressions (projection and sort items, WHERE, SKIP/LIMIT, UNWIND, SET
  // values, DELETE targets, CALL arguments) and for every nested expression
  // up to 1024 bytes; a longer nested expression carries an abbreviation
  // "<first 64 bytes>...[N bytes at offset O]" (keeps parsing linear). Equal
  // texts therefore always mean equal source text.
  std::string text;
};
using ExprPtr = std::unique_ptr<ParsedExpression>;

struct ParsedLiteral : ParsedExpression {
  ParsedLiteral() : ParsedExpression(ExprKind::kLiteral) {}
  Value value;  // null, bool, int, double or string only
};

struct ParsedParameter : ParsedExpression {
  ParsedParameter() : ParsedExpression(ExprKind::kParameter) {}
  std::string name;  // without '$'; "0" for $0
};

struct ParsedVariable : ParsedExpression {
  ParsedVariable() : ParsedExpression(ExprKind::kVariable) {}
  std::string name;  // unescaped (`weird name` -> weird name)
};

struct ParsedProperty : ParsedExpression {
  ParsedProperty() : ParsedExpression(ExprKind::kProperty) {}
  ExprPtr object;
  std::string key;
};

struct ParsedSubscript : ParsedExpression {
  ParsedSubscript() : ParsedExpression(ExprKind::kSubscript) {}
  ExprPtr object;
  ExprPtr index;
};

struct ParsedSlice : ParsedExpression {
  ParsedSlice() : ParsedExpression(ExprKind::kSlice) {}
  ExprPtr object;
  ExprPtr from;  // may be null
  ExprPtr to;    // may be null
};

struct ParsedUnary : ParsedExpression {
  ParsedUnary() : ParsedExpression(ExprKind::kUnary) {}
  UnaryOp op = UnaryOp::kNot;
  ExprPtr operand;
};

struct ParsedBinary : ParsedExpression {
  ParsedBinary() : ParsedExpression(ExprKind::kBinary) {}
  BinaryOp op = BinaryOp::kAnd;
  ExprPtr left;
  ExprPtr right;
};

// a op0 b op1 c ...: operands.size() == ops.size() + 1. A chain means
// (a op0 b) AND (b op1 c), with b evaluated once.
struct ParsedComparison : ParsedExpression {
  ParsedComparison() : ParsedExpression(ExprKind::kComparison) {}
  std::vector<ExprPtr> operands;
  std::vector<CompareOp> ops;
};

struct ParsedIsNull : ParsedExpression {
  ParsedIsNull() : ParsedExpression(ExprKind::kIsNull) {}
  ExprPtr operand;
  bool negated = false;  // IS NOT NULL
};

struct ParsedLabelCheck : ParsedExpression {
  ParsedLabelCheck() : ParsedExpression(ExprKind::kLabelCheck) {}
  ExprPtr operand;
  std::vector<std::string> labels;  // all must hold
};

struct ParsedFunctionCall : ParsedExpression {
  ParsedFunctionCall() : ParsedExpression(ExprKind::kFunctionCall) {}
  std::string name;  // as written, namespace included ("date", "toLower", "ns.f")
  bool distinct = false;
  std::vector<ExprPtr> args;
};

struct ParsedCountStar : ParsedExpression {
  ParsedCountStar() : ParsedExpression(ExprKind::kCountStar) {}
};

struct ParsedCase : ParsedExpression {
  ParsedCase() : ParsedExpression(ExprKind::kCase) {}
  ExprPtr test;  // null for the searched form (CASE WHEN cond THEN ...)
  std::vector<std::pair<ExprPtr, ExprPtr>> whens;  // (when, then)
  ExprPtr else_expr;  // may be null
};

struct ParsedList : ParsedExpression {
  ParsedList() : ParsedExpression(ExprKind::kList) {}
  std::vector<ExprPtr> items;
};

struct ParsedMap : ParsedExpression {
  ParsedMap() : ParsedExpression(ExprKind::kMap) {}
  std::vector<std::pair<std::string, ExprPtr>> entries;  // in written order
};

struct ParsedMapProjection : ParsedExpression {
  ParsedMapProjection() : ParsedExpression(ExprKind::kMapProjection) {}
  struct Item {
    enum class Kind : uint8_t { kProperty, kAllProperties, kLiteral, kVariable } kind = Kind::kProperty;
    std::string key;  // property name / literal key / variable name
    ExprPtr value;    // kLiteral only
  };
  std::string variable;
  std::vector<Item> items;
};

struct ParsedListComprehension : ParsedExpression {
  ParsedListComprehension() : ParsedExpression(ExprKind::kListComprehension) {}
  std::string variable;
  ExprPtr list;
  ExprPtr where;       // may be null
  ExprPtr projection;  // may be null (then the element itself)
};

enum class QuantifierKind : uint8_t { kAll, kAny, kNone, kSingle };

struct ParsedQuantifier : ParsedExpression {
  ParsedQuantifier() : ParsedExpression(ExprKind::kQuantifier) {}
  QuantifierKind quantifier = QuantifierKind::kAll;
  std::string variable;
  ExprPtr list;
  ExprPtr where;  // may be null (TCK: then the predicate is the element's truth)
};

struct ParsedReduce : ParsedExpression {
  ParsedReduce() : ParsedExpression(ExprKind::kReduce) {}
  std::string accumulator;
  ExprPtr init;
  std::string variable;
  ExprPtr list;
  ExprPtr expression;
};

// ---------------------------------------------------------------------------
// Patterns

// A label expression beyond a plain conjunction (GQL / Neo4j 5):
// (n:A|B), (n:!A), (n:A&(B|C)), (n:%) (any label).
struct ParsedLabelExpr {
  enum class Kind : uint8_t { kLabel, kAnd, kOr, kNot, kAnyLabel } kind = Kind::kLabel;
  std::string label;                       // kLabel
  std::vector<ParsedLabelExpr> children;   // kAnd, kOr (2+), kNot (1)
};

struct ParsedNodePattern {
  Position position;
  std::string variable;             // empty when anonymous
  std::vector<std::string> labels;  // (n:A:B), (n:A&B) -> all of A and B
  // Set instead of `labels` when the label expression is not a plain
  // conjunction; allowed where nodes are matched, not created.
  std::shared_ptr<ParsedLabelExpr> label_expr;
  ExprPtr properties;               // ParsedMap or ParsedParameter, or null
};

enum class PatternDirection : uint8_t { kLeftToRight, kRightToLeft, kBoth };  // -->, <--, --

struct ParsedRelPattern {
  Position position;
  std::string variable;
  std::vector<std::string> types;  // [:A|B] or [:A|:B] -> any of them
  PatternDirection direction = PatternDirection::kBoth;
  ExprPtr properties;
  bool variable_length = false;  // a '*' was written
  std::optional<int64_t> min_hops;  // *2.. -> 2; absent: 1
  std::optional<int64_t> max_hops;  // *..5 -> 5; absent: unbounded; *3 -> min=max=3
};

enum class PathKind : uint8_t { kNormal, kShortest, kAllShortest };

// One comma-separated part of a pattern: a chain node (rel node)*, maybe
// named (p = ...) and maybe shortestPath(...)/allShortestPaths(...).
struct ParsedPatternPart {
  Position position;
  std::string path_variable;  // empty when not named
  PathKind kind = PathKind::kNormal;
  std::vector<ParsedNodePattern> nodes;  // nodes.size() == rels.size() + 1
  std::vector<ParsedRelPattern> rels;
};
using ParsedPattern = std::vector<ParsedPatternPart>;

struct ParsedPatternComprehension : ParsedExpression {
  ParsedPatternComprehension() : ParsedExpression(ExprKind::kPatternComprehension) {}
  ParsedPatternPart pattern;  // may have a path_variable
  ExprPtr where;              // may be null
  ExprPtr projection;
};

// A pattern in expression position: true iff at least one match exists.
struct ParsedPatternPredicate : ParsedExpression {
  ParsedPatternPredicate() : ParsedExpression(ExprKind::kPatternPredicate) {}
  ParsedPatternPart pattern;
};

struct ParsedSingleQuery;
// EXISTS { ... }, COUNT { ... } and COLLECT { ... }: a correlated subquery in
// expression position (Neo4j 5's forms; openCypher 9 has EXISTS only).
enum class SubqueryMode : uint8_t {
  kExists,   // true iff the subquery has a row
  kCount,    // the number of its rows
  kCollect,  // the list of its one column's values (must end in RETURN of one item)
};

struct ParsedExistsSubquery : ParsedExpression {
  ParsedExistsSubquery() : ParsedExpression(ExprKind::kExistsSubquery) {}
  SubqueryMode mode = SubqueryMode::kExists;
  // EXISTS { (a)-->(b) WHERE ... } is stored as a one-MATCH query.
  std::shared_ptr<ParsedSingleQuery> query;
};

// ---------------------------------------------------------------------------
// Clauses

enum class ClauseKind : uint8_t {
  kMatch, kUnwind, kWith, kReturn, kCreate, kMerge, kSet, kRemove, kDelete, kCall,
  kForeach,       // ParsedForeach: FOREACH (x IN list | updates)
  kCallSubquery,  // ParsedCallSubquery: CALL { query }
};

struct ParsedClause {
  explicit ParsedClause(ClauseKind k) : kind(k) {}
  virtual ~ParsedClause() = default;
  ClauseKind kind;
  Position position;
};
using ClausePtr = std::unique_ptr<ParsedClause>;

struct ParsedMatch : ParsedClause {
  ParsedMatch() : ParsedClause(ClauseKind::kMatch) {}
  bool optional = false;
  ParsedPattern pattern;
  ExprPtr where;  // may be null
};

struct ParsedUnwind : ParsedClause {
  ParsedUnwind() : ParsedClause(ClauseKind::kUnwind) {}
  ExprPtr list;
  std::string variable;
};

struct ParsedProjectionItem {
  ExprPtr expr;
  std::string alias;  // empty when no AS; the column name is then expr->text
  Position position;
};

struct ParsedSortItem {
  ExprPtr expr;
  bool ascending = true;
};

// The shared body of WITH and RETURN.
struct ParsedProjection {
  bool distinct = false;
  bool star = false;  // RETURN * / WITH * (items may follow: WITH *, x AS y)
  std::vector<ParsedProjectionItem> items;
  std::vector<ParsedSortItem> order_by;
  ExprPtr skip;   // may be null
  ExprPtr limit;  // may be null
};

struct ParsedWith : ParsedClause {
  ParsedWith() : ParsedClause(ClauseKind::kWith) {}
  ParsedProjection projection;
  ExprPtr where;  // may be null
};

struct ParsedReturn : ParsedClause {
  ParsedReturn() : ParsedClause(ClauseKind::kReturn) {}
  ParsedProjection projection;
};

struct ParsedCreate : ParsedClause {
  ParsedCreate() : ParsedClause(ClauseKind::kCreate) {}
  ParsedPattern pattern;
};

struct ParsedSetItem {
  enum class Kind : uint8_t {
    kProperty,         // target.key = value   (target: ParsedProperty)
    kAllProperties,    // n = {map}            (variable)
    kMergeProperties,  // n += {map}           (variable)
    kLabels,           // n:A:B                (variable, labels)
  } kind = Kind::kProperty;
  Position position;
  ExprPtr property;     // kProperty: a ParsedProperty expression
  std::string variable;  // the other kinds
  ExprPtr value;        // kProperty, kAllProperties, kMergeProperties
  std::vector<std::string> labels;
};

struct ParsedMerge : ParsedClause {
  ParsedMerge() : ParsedClause(ClauseKind::kMerge) {}
  ParsedPatternPart pattern;
  std::vector<ParsedSetItem> on_create;
  std::vector<ParsedSetItem> on_match;
};

struct ParsedSet : ParsedClause {
  ParsedSet() : ParsedClause(ClauseKind::kSet) {}
  std::vector<ParsedSetItem> items;
};

struct ParsedRemoveItem {
  enum class Kind : uint8_t { kProperty, kLabels } kind = Kind::kProperty;
  Position position;
  ExprPtr property;      // kProperty: a ParsedProperty expression
  std::string variable;  // kLabels
  std::vector<std::string> labels;
};

struct ParsedRemove : ParsedClause {
  ParsedRemove() : ParsedClause(ClauseKind::kRemove) {}
  std::vector<ParsedRemoveItem> items;
};

struct ParsedDelete : ParsedClause {
  ParsedDelete() : ParsedClause(ClauseKind::kDelete) {}
  bool detach = false;
  std::vector<ExprPtr> targets;
};

struct ParsedYieldItem {
  std::string name;   // procedure output column
  std::string alias;  // empty when no AS
  Position position;
};

struct ParsedCall : ParsedClause {
  ParsedCall() : ParsedClause(ClauseKind::kCall) {}
  std::string procedure;       // qualified name as written: "db.labels"
  bool implicit_args = false;  // `CALL p` without parentheses: args from parameters
  std::vector<ExprPtr> args;
  bool has_yield = false;
  bool yield_star = false;     // YIELD *
  std::vector<ParsedYieldItem> yields;
  ExprPtr where;               // YIELD ... WHERE; may be null
};

// FOREACH (x IN list | clause ...): runs the updating clauses once per
// element; x is visible inside only. Rows pass through unchanged.
struct ParsedForeach : ParsedClause {
  ParsedForeach() : ParsedClause(ClauseKind::kForeach) {}
  std::string variable;
  ExprPtr list;
  // Only CREATE, MERGE, SET, REMOVE, DELETE and FOREACH clauses.
  std::shared_ptr<ParsedSingleQuery> body;
};

struct ParsedQuery;
// CALL { query } / CALL (a, b) { query } / CALL (*) { query }: runs the
// subquery once per incoming row. Without a scope clause the variables of the
// enclosing query are visible only through a leading importing `WITH a, b`.
// A subquery ending in RETURN adds its columns to each row (one row per
// subquery row); one without RETURN (a unit subquery) passes rows through.
struct ParsedCallSubquery : ParsedClause {
  ParsedCallSubquery() : ParsedClause(ClauseKind::kCallSubquery) {}
  bool has_scope = false;           // CALL ( ... ) { }
  bool scope_star = false;          // CALL (*) { }
  std::vector<std::string> scope;   // CALL (a, b) { }
  std::shared_ptr<ParsedQuery> query;  // parts joined by UNION [ALL]
};

// ---------------------------------------------------------------------------
// Queries

struct ParsedSingleQuery {
  Position position;
  std::vector<ClausePtr> clauses;
};

enum class QueryMode : uint8_t { kNormal, kExplain, kProfile };

struct ParsedQuery {
  QueryMode mode = QueryMode::kNormal;
  // parts.size() == union_all.size() + 1; union_all[i] joins parts i and i+1
  // (true: UNION ALL, false: UNION).
  std::vector<ParsedSingleQuery> parts;
  std::vector<bool> union_all;
};

// Parses one statement (a trailing ';' is allowed). Throws ParserException
// (kSyntaxError with position) on invalid input, including semantic rules
// that are purely syntactic in the openCypher grammar. Never hangs: the input
// is consumed in one pass; nesting depth is limited (a SyntaxError, not a
// stack overflow, on absurdly deep input).
ParsedQuery ParseQuery(std::string_view text);

// Renders an AST as a stable, indented text (for the parser's golden tests).
std::string DumpQuery(const ParsedQuery& query);

}  // namespace trendgraph::query
