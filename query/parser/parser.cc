#include "query/parser/parser.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <utility>

#include "query/parser/lexer.h"
#include "query/query_exception.h"

namespace trendgraph::query {

namespace {

constexpr uint32_t kNoMatch = std::numeric_limits<uint32_t>::max();

const char* KeywordText(Keyword k) {
  switch (k) {
    case Keyword::kAll: return "ALL";
    case Keyword::kAnd: return "AND";
    case Keyword::kAs: return "AS";
    case Keyword::kBy: return "BY";
    case Keyword::kCase: return "CASE";
    case Keyword::kCreate: return "CREATE";
    case Keyword::kDelete: return "DELETE";
    case Keyword::kElse: return "ELSE";
    case Keyword::kEnd: return "END";
    case Keyword::kIn: return "IN";
    case Keyword::kMatch: return "MATCH";
    case Keyword::kNull: return "NULL";
    case Keyword::kSet: return "SET";
    case Keyword::kThen: return "THEN";
    case Keyword::kWhen: return "WHEN";
    case Keyword::kWith: return "WITH";
    default: return "keyword";
  }
}

const char* ClauseName(ClauseKind k) {
  switch (k) {
    case ClauseKind::kMatch: return "MATCH";
    case ClauseKind::kUnwind: return "UNWIND";
    case ClauseKind::kWith: return "WITH";
    case ClauseKind::kReturn: return "RETURN";
    case ClauseKind::kCreate: return "CREATE";
    case ClauseKind::kMerge: return "MERGE";
    case ClauseKind::kSet: return "SET";
    case ClauseKind::kRemove: return "REMOVE";
    case ClauseKind::kDelete: return "DELETE";
    case ClauseKind::kCall: return "CALL";
    case ClauseKind::kForeach: return "FOREACH";
    case ClauseKind::kCallSubquery: return "CALL { }";
  }
  return "clause";
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool IsUpdateClause(ClauseKind k) {
  return k == ClauseKind::kCreate || k == ClauseKind::kMerge || k == ClauseKind::kSet || k == ClauseKind::kRemove ||
         k == ClauseKind::kDelete;
}

// Which clause a pattern belongs to decides the syntactic rules it obeys.
enum class PatternContext : uint8_t { kMatch, kCreate, kMerge, kExpression };

// Direct child expressions of a pattern part: its property maps.
template <typename Fn>
void ForEachPatternExpr(const ParsedPatternPart& part, Fn&& fn) {
  for (const ParsedNodePattern& n : part.nodes) {
    if (n.properties) fn(*n.properties);
  }
  for (const ParsedRelPattern& r : part.rels) {
    if (r.properties) fn(*r.properties);
  }
}

// Expressions held directly by a clause.
template <typename Fn>
void ForEachClauseExpr(const ParsedClause& c, Fn&& fn) {
  auto projection = [&](const ParsedProjection& p) {
    for (const ParsedProjectionItem& i : p.items) fn(*i.expr);
    for (const ParsedSortItem& i : p.order_by) fn(*i.expr);
    if (p.skip) fn(*p.skip);
    if (p.limit) fn(*p.limit);
  };
  auto set_items = [&](const std::vector<ParsedSetItem>& items) {
    for (const ParsedSetItem& i : items) {
      if (i.property) fn(*i.property);
      if (i.value) fn(*i.value);
    }
  };
  switch (c.kind) {
    case ClauseKind::kMatch: {
      const auto& m = static_cast<const ParsedMatch&>(c);
      for (const ParsedPatternPart& p : m.pattern) ForEachPatternExpr(p, fn);
      if (m.where) fn(*m.where);
      break;
    }
    case ClauseKind::kUnwind: fn(*static_cast<const ParsedUnwind&>(c).list); break;
    case ClauseKind::kWith: {
      const auto& w = static_cast<const ParsedWith&>(c);
      projection(w.projection);
      if (w.where) fn(*w.where);
      break;
    }
    case ClauseKind::kReturn: projection(static_cast<const ParsedReturn&>(c).projection); break;
    case ClauseKind::kCreate:
      for (const ParsedPatternPart& p : static_cast<const ParsedCreate&>(c).pattern) ForEachPatternExpr(p, fn);
      break;
    case ClauseKind::kMerge: {
      const auto& m = static_cast<const ParsedMerge&>(c);
      ForEachPatternExpr(m.pattern, fn);
      set_items(m.on_create);
      set_items(m.on_match);
      break;
    }
    case ClauseKind::kSet: set_items(static_cast<const ParsedSet&>(c).items); break;
    case ClauseKind::kRemove:
      for (const ParsedRemoveItem& i : static_cast<const ParsedRemove&>(c).items) {
        if (i.property) fn(*i.property);
      }
      break;
    case ClauseKind::kDelete:
      for (const ExprPtr& t : static_cast<const ParsedDelete&>(c).targets) fn(*t);
      break;
    case ClauseKind::kCall: {
      const auto& call = static_cast<const ParsedCall&>(c);
      for (const ExprPtr& a : call.args) fn(*a);
      if (call.where) fn(*call.where);
      break;
    }
    case ClauseKind::kForeach: {
      const auto& f = static_cast<const ParsedForeach&>(c);
      fn(*f.list);
      for (const ClausePtr& inner : f.body->clauses) ForEachClauseExpr(*inner, fn);
      break;
    }
    case ClauseKind::kCallSubquery:
      for (const ParsedSingleQuery& part : static_cast<const ParsedCallSubquery&>(c).query->parts)
        for (const ClausePtr& inner : part.clauses) ForEachClauseExpr(*inner, fn);
      break;
  }
}

// Calls fn(child) for every direct child of an expression.
template <typename Fn>
void ForEachChild(const ParsedExpression& e, Fn&& fn) {
  auto opt = [&](const ExprPtr& p) {
    if (p) fn(*p);
  };
  switch (e.kind) {
    case ExprKind::kLiteral:
    case ExprKind::kParameter:
    case ExprKind::kVariable:
    case ExprKind::kCountStar:
      return;
    case ExprKind::kProperty: return opt(static_cast<const ParsedProperty&>(e).object);
    case ExprKind::kSubscript: {
      const auto& x = static_cast<const ParsedSubscript&>(e);
      opt(x.object);
      return opt(x.index);
    }
    case ExprKind::kSlice: {
      const auto& x = static_cast<const ParsedSlice&>(e);
      opt(x.object);
      opt(x.from);
      return opt(x.to);
    }
    case ExprKind::kUnary: return opt(static_cast<const ParsedUnary&>(e).operand);
    case ExprKind::kBinary: {
      const auto& x = static_cast<const ParsedBinary&>(e);
      opt(x.left);
      return opt(x.right);
    }
    case ExprKind::kComparison:
      for (const ExprPtr& o : static_cast<const ParsedComparison&>(e).operands) opt(o);
      return;
    case ExprKind::kIsNull: return opt(static_cast<const ParsedIsNull&>(e).operand);
    case ExprKind::kLabelCheck: return opt(static_cast<const ParsedLabelCheck&>(e).operand);
    case ExprKind::kFunctionCall:
      for (const ExprPtr& a : static_cast<const ParsedFunctionCall&>(e).args) opt(a);
      return;
    case ExprKind::kCase: {
      const auto& x = static_cast<const ParsedCase&>(e);
      opt(x.test);
      for (const auto& [w, t] : x.whens) {
        opt(w);
        opt(t);
      }
      return opt(x.else_expr);
    }
    case ExprKind::kList:
      for (const ExprPtr& i : static_cast<const ParsedList&>(e).items) opt(i);
      return;
    case ExprKind::kMap:
      for (const auto& [k, v] : static_cast<const ParsedMap&>(e).entries) opt(v);
      return;
    case ExprKind::kMapProjection:
      for (const auto& item : static_cast<const ParsedMapProjection&>(e).items) opt(item.value);
      return;
    case ExprKind::kListComprehension: {
      const auto& x = static_cast<const ParsedListComprehension&>(e);
      opt(x.list);
      opt(x.where);
      return opt(x.projection);
    }
    case ExprKind::kPatternComprehension: {
      const auto& x = static_cast<const ParsedPatternComprehension&>(e);
      ForEachPatternExpr(x.pattern, fn);
      opt(x.where);
      return opt(x.projection);
    }
    case ExprKind::kQuantifier: {
      const auto& x = static_cast<const ParsedQuantifier&>(e);
      opt(x.list);
      return opt(x.where);
    }
    case ExprKind::kReduce: {
      const auto& x = static_cast<const ParsedReduce&>(e);
      opt(x.init);
      opt(x.list);
      return opt(x.expression);
    }
    case ExprKind::kPatternPredicate:
      return ForEachPatternExpr(static_cast<const ParsedPatternPredicate&>(e).pattern, fn);
    case ExprKind::kExistsSubquery: {
      const auto& x = static_cast<const ParsedExistsSubquery&>(e);
      if (x.query) {
        for (const ClausePtr& c : x.query->clauses) ForEachClauseExpr(*c, fn);
      }
      return;
    }
  }
}

// 1 + the tallest direct child. Not inlined: once GCC 12 sees the concrete
// node type at a call site it warns (-Warray-bounds) about the casts in the
// branches for other kinds, which can never run.
[[gnu::noinline]] int HeightOf(const ParsedExpression& e) {
  int tallest = 0;
  ForEachChild(e, [&](const ParsedExpression& c) { tallest = std::max<int>(tallest, c.height); });
  return tallest + 1;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text), tokens_(Tokenize(text)) { MatchBrackets(); }

  ParsedQuery ParseStatement() {
    ParsedQuery query;
    if (AcceptKeyword(Keyword::kExplain)) {
      query.mode = QueryMode::kExplain;
    } else if (AcceptKeyword(Keyword::kProfile)) {
      query.mode = QueryMode::kProfile;
    }
    query.parts.push_back(ParseSingleQuery(/*subquery=*/false));
    while (AtKeyword(Keyword::kUnion)) {
      const Token& union_tok = Next();
      bool all = AcceptKeyword(Keyword::kAll);
      if (!query.union_all.empty() && query.union_all.front() != all) {
        Fail(union_tok, "UNION and UNION ALL cannot be mixed in one query", "InvalidClauseComposition");
      }
      query.union_all.push_back(all);
      query.parts.push_back(ParseSingleQuery(/*subquery=*/false));
    }
    Accept(TokenKind::kSemicolon);
    if (Peek().kind != TokenKind::kEof) FailExpected("a clause or the end of the query");
    return query;
  }

  ExprPtr ParseStandaloneExpression() {
    ++where_depth_;  // a standalone expression may be a pattern predicate
    ExprPtr e = ParseRootExpr();
    --where_depth_;
    if (Peek().kind != TokenKind::kEof) FailExpected("the end of the expression");
    return e;
  }

 private:
  // -------------------------------------------------------------------------
  // Token access

  const Token& Peek(size_t ahead = 0) const {
    size_t i = idx_ + ahead;
    return i < tokens_.size() ? tokens_[i] : tokens_.back();
  }
  const Token& Next() {
    const Token& t = tokens_[idx_];
    if (idx_ + 1 < tokens_.size()) ++idx_;
    return t;
  }
  bool At(TokenKind k, size_t ahead = 0) const { return Peek(ahead).kind == k; }
  bool AtKeyword(Keyword k, size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kIdentifier && t.keyword == k;
  }
  bool Accept(TokenKind k) {
    if (!At(k)) return false;
    Next();
    return true;
  }
  bool AcceptKeyword(Keyword k) {
    if (!AtKeyword(k)) return false;
    Next();
    return true;
  }
  const Token& Expect(TokenKind k, const char* what) {
    if (!At(k)) FailExpected(what);
    return Next();
  }
  void ExpectKeyword(Keyword k) {
    if (!AtKeyword(k)) FailExpected(KeywordText(k));
    Next();
  }
  std::string_view TokenText(const Token& t) const { return text_.substr(t.offset, t.length); }
  // End offset of the last consumed token.
  uint32_t PrevEnd() const { return idx_ == 0 ? 0 : tokens_[idx_ - 1].end(); }

  [[noreturn]] void Fail(const Token& at, const std::string& message, const char* detail = "UnexpectedSyntax") {
    throw ParserException(MakeError(ErrorCode::kSyntaxError,
                                    message + " at line " + std::to_string(at.line) + ", column " +
                                        std::to_string(at.column),
                                    at.position(), detail));
  }
  [[noreturn]] void FailAtPos(const Position& at, const std::string& message, const char* detail) {
    throw ParserException(MakeError(ErrorCode::kSyntaxError,
                                    message + " at line " + std::to_string(at.line) + ", column " +
                                        std::to_string(at.column),
                                    at, detail));
  }
  [[noreturn]] void FailExpected(const std::string& expected) {
    Fail(Peek(), "expected " + expected + " but found " + DescribeToken(text_, Peek()));
  }

  // For each opening bracket token, the index of its closing partner (or
  // kNoMatch); lets pattern detection look past a bracketed group in O(1).
  void MatchBrackets() {
    match_.assign(tokens_.size(), kNoMatch);
    std::vector<uint32_t> stack;
    for (uint32_t i = 0; i < tokens_.size(); ++i) {
      TokenKind k = tokens_[i].kind;
      if (k == TokenKind::kLParen || k == TokenKind::kLBracket || k == TokenKind::kLBrace) {
        stack.push_back(i);
      } else if (k == TokenKind::kRParen || k == TokenKind::kRBracket || k == TokenKind::kRBrace) {
        if (stack.empty()) continue;
        TokenKind open = tokens_[stack.back()].kind;
        bool pairs = (open == TokenKind::kLParen && k == TokenKind::kRParen) ||
                     (open == TokenKind::kLBracket && k == TokenKind::kRBracket) ||
                     (open == TokenKind::kLBrace && k == TokenKind::kRBrace);
        if (!pairs) {
          stack.clear();  // unbalanced: later lookahead just fails
          continue;
        }
        match_[stack.back()] = i;
        stack.pop_back();
      }
    }
  }

  class DepthGuard {
   public:
    explicit DepthGuard(Parser* p) : p_(p) {
      if (++p_->depth_ > kMaxNestingDepth) {
        p_->Fail(p_->Peek(), "query is nested too deeply (more than " + std::to_string(kMaxNestingDepth) +
                                 " levels)");
      }
    }
    ~DepthGuard() { --p_->depth_; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;

   private:
    Parser* p_;
  };

  // -------------------------------------------------------------------------
  // Names

  bool AtName(size_t ahead = 0) const {
    TokenKind k = Peek(ahead).kind;
    return k == TokenKind::kIdentifier || k == TokenKind::kEscapedIdentifier;
  }
  // A name that can be a variable: not a reserved word (unless escaped).
  bool AtVariable(size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.kind == TokenKind::kEscapedIdentifier ||
           (t.kind == TokenKind::kIdentifier && !IsReservedWord(t.keyword));
  }
  // Any symbolic name, keywords included (labels, types, keys).
  std::string ParseSymbolicName(const char* what) {
    if (!AtName()) FailExpected(what);
    return DecodeName(TokenText(Next()));
  }
  std::string ParseVariableName(const char* what = "a variable name") {
    if (!AtVariable()) FailExpected(what);
    return DecodeName(TokenText(Next()));
  }

  // -------------------------------------------------------------------------
  // Queries and clauses

  bool AtClauseStart(size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    if (t.kind != TokenKind::kIdentifier) return false;
    switch (t.keyword) {
      case Keyword::kForeach: return At(TokenKind::kLParen, ahead + 1);
      case Keyword::kMatch: case Keyword::kOptional: case Keyword::kUnwind: case Keyword::kWith:
      case Keyword::kReturn: case Keyword::kCreate: case Keyword::kMerge: case Keyword::kSet:
      case Keyword::kRemove: case Keyword::kDelete: case Keyword::kDetach: case Keyword::kCall:
        return true;
      default:
        return false;
    }
  }

  ParsedSingleQuery ParseSingleQuery(bool subquery) {
    ParsedSingleQuery q;
    q.position = Peek().position();
    if (!AtClauseStart()) {
      FailExpected("a clause (MATCH, RETURN, CREATE, MERGE, UNWIND, WITH, CALL, ...)");
    }
    while (AtClauseStart()) {
      if (!q.clauses.empty() && q.clauses.back()->kind == ClauseKind::kReturn) {
        Fail(Peek(), std::string("RETURN must be the last clause of a query, but it is followed by ") +
                         DescribeToken(text_, Peek()),
             "InvalidClauseComposition");
      }
      q.clauses.push_back(ParseClause());
    }
    const ParsedClause& last = *q.clauses.back();
    if (!subquery && (last.kind == ClauseKind::kMatch || last.kind == ClauseKind::kWith ||
                      last.kind == ClauseKind::kUnwind)) {
      FailAtPos(last.position,
                std::string("a query cannot end with ") + ClauseName(last.kind) +
                    " (it must end with RETURN, an update clause or CALL)",
                "InvalidClauseComposition");
    }
    if (!subquery && last.kind == ClauseKind::kCallSubquery &&
        static_cast<const ParsedCallSubquery&>(last).query->parts[0].clauses.back()->kind == ClauseKind::kReturn) {
      FailAtPos(last.position,
                "a query cannot end with a CALL { } subquery that returns rows (add a RETURN after it)",
                "InvalidClauseComposition");
    }
    for (const ClausePtr& c : q.clauses) {
      if (c->kind != ClauseKind::kCall) continue;
      const auto& call = static_cast<const ParsedCall&>(*c);
      if (call.yield_star && q.clauses.size() > 1) {
        FailAtPos(call.position, "YIELD * is only allowed in a standalone CALL", "UnexpectedSyntax");
      }
    }
    return q;
  }

  ClausePtr ParseClause() {
    const Token& t = Peek();
    switch (t.keyword) {
      case Keyword::kMatch:
      case Keyword::kOptional: return ParseMatch();
      case Keyword::kUnwind: return ParseUnwind();
      case Keyword::kWith: return ParseWith();
      case Keyword::kReturn: return ParseReturn();
      case Keyword::kCreate: return ParseCreate();
      case Keyword::kMerge: return ParseMerge();
      case Keyword::kSet: return ParseSet();
      case Keyword::kRemove: return ParseRemove();
      case Keyword::kDelete:
      case Keyword::kDetach: return ParseDelete();
      case Keyword::kCall:
        if (At(TokenKind::kLBrace, 1) || At(TokenKind::kLParen, 1)) return ParseCallSubquery();
        return ParseCall();
      case Keyword::kForeach: return ParseForeach();
      default: FailExpected("a clause");
    }
  }

  ExprPtr ParseWhereExpr(bool root = false) {
    ++where_depth_;
    ExprPtr e = root ? ParseRootExpr() : ParseExpr();
    --where_depth_;
    return e;
  }

  ClausePtr ParseMatch() {
    auto m = std::make_unique<ParsedMatch>();
    m->position = Peek().position();
    if (AcceptKeyword(Keyword::kOptional)) m->optional = true;
    ExpectKeyword(Keyword::kMatch);
    m->pattern = ParsePattern(PatternContext::kMatch);
    CheckRelUniqueness(m->pattern);
    if (AcceptKeyword(Keyword::kWhere)) m->where = ParseWhereExpr(/*root=*/true);
    return m;
  }

  ClausePtr ParseUnwind() {
    auto u = std::make_unique<ParsedUnwind>();
    u->position = Next().position();
    u->list = ParseRootExpr();
    ExpectKeyword(Keyword::kAs);
    u->variable = ParseVariableName();
    return u;
  }

  void ParseProjectionBody(ParsedProjection* p) {
    if (AcceptKeyword(Keyword::kDistinct)) p->distinct = true;
    bool items = true;
    if (Accept(TokenKind::kStar)) {
      p->star = true;
      items = Accept(TokenKind::kComma);  // WITH *, x AS y
    }
    while (items) {
      ParsedProjectionItem item;
      item.position = Peek().position();
      item.expr = ParseRootExpr();
      if (AcceptKeyword(Keyword::kAs)) item.alias = ParseVariableName("a name after AS");
      p->items.push_back(std::move(item));
      items = Accept(TokenKind::kComma);
    }
    if (AtKeyword(Keyword::kOrder)) {
      Next();
      ExpectKeyword(Keyword::kBy);
      do {
        ParsedSortItem s;
        s.expr = ParseRootExpr();
        if (AcceptKeyword(Keyword::kDesc) || AcceptKeyword(Keyword::kDescending)) {
          s.ascending = false;
        } else if (AcceptKeyword(Keyword::kAsc) || AcceptKeyword(Keyword::kAscending)) {
          s.ascending = true;
        }
        p->order_by.push_back(std::move(s));
      } while (Accept(TokenKind::kComma));
    }
    if (AcceptKeyword(Keyword::kSkip)) p->skip = ParseRootExpr();
    if (AcceptKeyword(Keyword::kLimit)) p->limit = ParseRootExpr();
  }

  ClausePtr ParseWith() {
    auto w = std::make_unique<ParsedWith>();
    w->position = Next().position();
    ParseProjectionBody(&w->projection);
    if (AcceptKeyword(Keyword::kWhere)) w->where = ParseWhereExpr(/*root=*/true);
    return w;
  }

  ClausePtr ParseReturn() {
    auto r = std::make_unique<ParsedReturn>();
    r->position = Next().position();
    ParseProjectionBody(&r->projection);
    return r;
  }

  ClausePtr ParseCreate() {
    auto c = std::make_unique<ParsedCreate>();
    c->position = Next().position();
    c->pattern = ParsePattern(PatternContext::kCreate);
    return c;
  }

  ClausePtr ParseMerge() {
    auto m = std::make_unique<ParsedMerge>();
    m->position = Next().position();
    m->pattern = ParsePatternPart(PatternContext::kMerge);
    while (AtKeyword(Keyword::kOn)) {
      Next();
      bool on_create;
      if (AcceptKeyword(Keyword::kCreate)) {
        on_create = true;
      } else if (AcceptKeyword(Keyword::kMatch)) {
        on_create = false;
      } else {
        FailExpected("CREATE or MATCH after ON");
      }
      ExpectKeyword(Keyword::kSet);
      auto& items = on_create ? m->on_create : m->on_match;
      do {
        items.push_back(ParseSetItem());
      } while (Accept(TokenKind::kComma));
    }
    return m;
  }

  std::vector<std::string> ParseLabelList(const char* what) {
    std::vector<std::string> labels;
    while (Accept(TokenKind::kColon)) labels.push_back(ParseSymbolicName(what));
    return labels;
  }

  ParsedSetItem ParseSetItem() {
    ParsedSetItem item;
    item.position = Peek().position();
    if (AtVariable() && (At(TokenKind::kColon, 1) || At(TokenKind::kEq, 1) || At(TokenKind::kPlusEq, 1))) {
      item.variable = DecodeName(TokenText(Next()));
      if (At(TokenKind::kColon)) {
        item.kind = ParsedSetItem::Kind::kLabels;
        item.labels = ParseLabelList("a label name");
      } else {
        item.kind = Next().kind == TokenKind::kEq ? ParsedSetItem::Kind::kAllProperties
                                                  : ParsedSetItem::Kind::kMergeProperties;
        item.value = ParseRootExpr();
      }
      return item;
    }
    item.kind = ParsedSetItem::Kind::kProperty;
    item.property = ParsePostfix(/*allow_labels=*/false);
    if (item.property->kind != ExprKind::kProperty) {
      FailAtPos(item.property->position,
                "SET expects a property (n.key = ...), a variable with '=' or '+=', or labels (n:Label), but found '" +
                    item.property->text + "'",
                "UnexpectedSyntax");
    }
    Expect(TokenKind::kEq, "'='");
    item.value = ParseRootExpr();
    return item;
  }

  ClausePtr ParseSet() {
    auto s = std::make_unique<ParsedSet>();
    s->position = Next().position();
    do {
      s->items.push_back(ParseSetItem());
    } while (Accept(TokenKind::kComma));
    return s;
  }

  ClausePtr ParseRemove() {
    auto r = std::make_unique<ParsedRemove>();
    r->position = Next().position();
    do {
      ParsedRemoveItem item;
      item.position = Peek().position();
      if (AtVariable() && At(TokenKind::kColon, 1)) {
        item.kind = ParsedRemoveItem::Kind::kLabels;
        item.variable = DecodeName(TokenText(Next()));
        item.labels = ParseLabelList("a label name");
      } else {
        item.kind = ParsedRemoveItem::Kind::kProperty;
        item.property = ParsePostfix(/*allow_labels=*/false);
        if (item.property->kind != ExprKind::kProperty) {
          FailAtPos(item.property->position,
                    "REMOVE expects a property (n.key) or labels (n:Label), but found '" + item.property->text + "'",
                    "UnexpectedSyntax");
        }
      }
      r->items.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
    return r;
  }

  ClausePtr ParseDelete() {
    auto d = std::make_unique<ParsedDelete>();
    d->position = Peek().position();
    if (AcceptKeyword(Keyword::kDetach)) d->detach = true;
    ExpectKeyword(Keyword::kDelete);
    do {
      ExprPtr e = ParseRootExpr();
      if (e->kind == ExprKind::kLabelCheck) {
        FailAtPos(e->position, "DELETE removes nodes and relationships, not labels or types ('" + e->text +
                                   "'); use REMOVE to remove a label",
                  "InvalidDelete");
      }
      d->targets.push_back(std::move(e));
    } while (Accept(TokenKind::kComma));
    return d;
  }

  // FOREACH (x IN list | clause ...)
  ClausePtr ParseForeach() {
    DepthGuard guard(this);
    auto f = std::make_unique<ParsedForeach>();
    f->position = Next().position();  // FOREACH
    Expect(TokenKind::kLParen, "'(' after FOREACH");
    f->variable = ParseVariableName();
    ExpectKeyword(Keyword::kIn);
    f->list = ParseRootExpr();
    Expect(TokenKind::kPipe, "'|' after the FOREACH list");
    f->body = std::make_shared<ParsedSingleQuery>();
    f->body->position = Peek().position();
    do {
      const Token& t = Peek();
      bool ok = t.kind == TokenKind::kIdentifier &&
                (t.keyword == Keyword::kCreate || t.keyword == Keyword::kMerge || t.keyword == Keyword::kSet ||
                 t.keyword == Keyword::kRemove || t.keyword == Keyword::kDelete || t.keyword == Keyword::kDetach ||
                 (t.keyword == Keyword::kForeach && At(TokenKind::kLParen, 1)));
      if (!ok) FailExpected("an updating clause in FOREACH (CREATE, MERGE, SET, REMOVE, DELETE or FOREACH)");
      f->body->clauses.push_back(ParseClause());
    } while (!At(TokenKind::kRParen));
    Expect(TokenKind::kRParen, "')' to close FOREACH");
    return f;
  }

  // CALL [( vars | * )] { query [UNION [ALL] query ...] }
  ClausePtr ParseCallSubquery() {
    DepthGuard guard(this);
    auto c = std::make_unique<ParsedCallSubquery>();
    c->position = Next().position();  // CALL
    if (Accept(TokenKind::kLParen)) {
      c->has_scope = true;
      if (Accept(TokenKind::kStar)) {
        c->scope_star = true;
      } else if (!At(TokenKind::kRParen)) {
        do {
          c->scope.push_back(ParseVariableName());
        } while (Accept(TokenKind::kComma));
      }
      Expect(TokenKind::kRParen, "')' to close the CALL scope");
    }
    Expect(TokenKind::kLBrace, "'{' to open the CALL subquery");
    c->query = std::make_shared<ParsedQuery>();
    c->query->parts.push_back(ParseSingleQuery(/*subquery=*/true));
    while (AtKeyword(Keyword::kUnion)) {
      const Token& union_tok = Next();
      bool all = AcceptKeyword(Keyword::kAll);
      if (!c->query->union_all.empty() && c->query->union_all.front() != all) {
        Fail(union_tok, "UNION and UNION ALL cannot be mixed in one query", "InvalidClauseComposition");
      }
      c->query->union_all.push_back(all);
      c->query->parts.push_back(ParseSingleQuery(/*subquery=*/true));
    }
    Expect(TokenKind::kRBrace, "'}' to close the CALL subquery");
    if (AtKeyword(Keyword::kIn)) {
      Fail(Peek(), "CALL { } IN TRANSACTIONS is not supported (a query's writes commit together, in one transaction)",
           "UnexpectedSyntax");
    }
    bool returns = c->query->parts[0].clauses.back()->kind == ClauseKind::kReturn;
    for (const ParsedSingleQuery& part : c->query->parts) {
      const ParsedClause& last = *part.clauses.back();
      if ((last.kind == ClauseKind::kReturn) != returns)
        FailAtPos(last.position, "all parts of a UNION in CALL { } must end with RETURN, or none",
                  "InvalidClauseComposition");
      if (last.kind == ClauseKind::kMatch || last.kind == ClauseKind::kWith || last.kind == ClauseKind::kUnwind)
        FailAtPos(last.position,
                  std::string("a CALL subquery cannot end with ") + ClauseName(last.kind) +
                      " (it must end with RETURN or an update clause)",
                  "InvalidClauseComposition");
    }
    return c;
  }

  std::string ParseQualifiedName(const char* what) {
    std::string name = ParseSymbolicName(what);
    while (At(TokenKind::kDot) && AtName(1)) {
      Next();
      name += '.';
      name += DecodeName(TokenText(Next()));
    }
    return name;
  }

  ClausePtr ParseCall() {
    auto c = std::make_unique<ParsedCall>();
    c->position = Next().position();
    c->procedure = ParseQualifiedName("a procedure name");
    if (Accept(TokenKind::kLParen)) {
      if (!At(TokenKind::kRParen)) {
        do {
          c->args.push_back(ParseRootExpr());
        } while (Accept(TokenKind::kComma));
      }
      Expect(TokenKind::kRParen, "')'");
    } else {
      c->implicit_args = true;
    }
    if (AcceptKeyword(Keyword::kYield)) {
      c->has_yield = true;
      if (Accept(TokenKind::kStar)) {
        c->yield_star = true;
      } else {
        do {
          ParsedYieldItem y;
          y.position = Peek().position();
          y.name = ParseSymbolicName("a procedure output name");
          if (AcceptKeyword(Keyword::kAs)) y.alias = ParseVariableName("a name after AS");
          c->yields.push_back(std::move(y));
        } while (Accept(TokenKind::kComma));
        if (AcceptKeyword(Keyword::kWhere)) c->where = ParseWhereExpr(/*root=*/true);
      }
    }
    return c;
  }

  // -------------------------------------------------------------------------
  // Patterns

  ParsedPattern ParsePattern(PatternContext ctx) {
    ParsedPattern pattern;
    do {
      pattern.push_back(ParsePatternPart(ctx));
    } while (Accept(TokenKind::kComma));
    return pattern;
  }

  ParsedPatternPart ParsePatternPart(PatternContext ctx) {
    DepthGuard guard(this);
    ParsedPatternPart part;
    part.position = Peek().position();
    if (AtVariable() && At(TokenKind::kEq, 1)) {
      part.path_variable = DecodeName(TokenText(Next()));
      Next();  // '='
    }
    if ((AtKeyword(Keyword::kShortestPath) || AtKeyword(Keyword::kAllShortestPaths)) && At(TokenKind::kLParen, 1)) {
      const Token& fn = Next();
      part.kind = fn.keyword == Keyword::kShortestPath ? PathKind::kShortest : PathKind::kAllShortest;
      if (ctx == PatternContext::kCreate || ctx == PatternContext::kMerge) {
        Fail(fn, std::string(ctx == PatternContext::kCreate ? "CREATE" : "MERGE") + " cannot use " +
                     std::string(TokenText(fn)));
      }
      Next();  // '('
      ParseChain(ctx, &part);
      Expect(TokenKind::kRParen, "')'");
    } else {
      ParseChain(ctx, &part);
    }
    return part;
  }

  void ParseChain(PatternContext ctx, ParsedPatternPart* part) {
    part->nodes.push_back(ParseNodePattern(ctx));
    while (AtRelStart()) {
      part->rels.push_back(ParseRelPattern(ctx));
      part->nodes.push_back(ParseNodePattern(ctx));
    }
  }

  bool AtRelStart() const {
    return (At(TokenKind::kLt) && At(TokenKind::kMinus, 1)) || At(TokenKind::kMinus);
  }

  ExprPtr ParsePatternProperties(PatternContext ctx) {
    if (At(TokenKind::kLBrace)) return ParseMapLiteral();
    if (At(TokenKind::kParameter)) {
      const Token& t = Peek();
      if (ctx == PatternContext::kMatch || ctx == PatternContext::kMerge) {
        Fail(t, std::string("a parameter cannot be used as a property map in ") +
                    (ctx == PatternContext::kMatch ? "MATCH" : "MERGE") + " (" + std::string(TokenText(t)) +
                    "); write the properties out, e.g. {name: $name}",
             "InvalidParameterUse");
      }
      return ParseAtom();
    }
    return nullptr;
  }

  // label-or := label-and ('|' label-and)*; label-and := label-not ('&'
  // label-not)*; label-not := '!' label-not | name | '%' | '(' label-or ')'.
  ParsedLabelExpr ParseLabelOr() {
    DepthGuard guard(this);
    ParsedLabelExpr first = ParseLabelAnd();
    if (!At(TokenKind::kPipe)) return first;
    ParsedLabelExpr e;
    e.kind = ParsedLabelExpr::Kind::kOr;
    e.children.push_back(std::move(first));
    while (Accept(TokenKind::kPipe)) {
      Accept(TokenKind::kColon);  // (n:A|:B) as relationship types allow
      e.children.push_back(ParseLabelAnd());
    }
    return e;
  }
  ParsedLabelExpr ParseLabelAnd() {
    ParsedLabelExpr first = ParseLabelNot();
    if (!At(TokenKind::kAmp)) return first;
    ParsedLabelExpr e;
    e.kind = ParsedLabelExpr::Kind::kAnd;
    e.children.push_back(std::move(first));
    while (Accept(TokenKind::kAmp)) e.children.push_back(ParseLabelNot());
    return e;
  }
  ParsedLabelExpr ParseLabelNot() {
    DepthGuard guard(this);
    ParsedLabelExpr e;
    if (Accept(TokenKind::kBang)) {
      e.kind = ParsedLabelExpr::Kind::kNot;
      e.children.push_back(ParseLabelNot());
    } else if (Accept(TokenKind::kPercent)) {
      e.kind = ParsedLabelExpr::Kind::kAnyLabel;
    } else if (Accept(TokenKind::kLParen)) {
      e = ParseLabelOr();
      Expect(TokenKind::kRParen, "')' to close the label expression");
    } else {
      e.label = ParseSymbolicName("a label name");
    }
    return e;
  }
  // Appends the labels of a pure conjunction to `out`; false otherwise.
  static bool FlattenConjunction(const ParsedLabelExpr& e, std::vector<std::string>* out) {
    if (e.kind == ParsedLabelExpr::Kind::kLabel) {
      out->push_back(e.label);
      return true;
    }
    if (e.kind != ParsedLabelExpr::Kind::kAnd) return false;
    for (const ParsedLabelExpr& c : e.children)
      if (!FlattenConjunction(c, out)) return false;
    return true;
  }

  ParsedNodePattern ParseNodePattern(PatternContext ctx) {
    ParsedNodePattern n;
    n.position = Peek().position();
    Expect(TokenKind::kLParen, "'(' to start a node pattern");
    if (AtVariable()) n.variable = DecodeName(TokenText(Next()));
    // (n:A:B) is a conjunction; each ':' may start a label expression.
    ParsedLabelExpr all;
    all.kind = ParsedLabelExpr::Kind::kAnd;
    while (Accept(TokenKind::kColon)) all.children.push_back(ParseLabelOr());
    if (!FlattenConjunction(all, &n.labels)) {
      if (ctx == PatternContext::kCreate || ctx == PatternContext::kMerge) {
        FailAtPos(n.position,
                  std::string("label expressions with |, ! or % cannot be used in ") +
                      (ctx == PatternContext::kCreate ? "CREATE" : "MERGE") + " (a created node needs definite labels)",
                  "InvalidLabelExpression");
      }
      n.labels.clear();
      n.label_expr = std::make_shared<ParsedLabelExpr>(std::move(all));
    }
    n.properties = ParsePatternProperties(ctx);
    Expect(TokenKind::kRParen, "')' to close the node pattern");
    return n;
  }

  int64_t ParseHopCount() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kInteger) FailExpected("an integer hop count");
    Next();
    int64_t v = 0;
    if (!ParseIntegerToken(t, /*negative=*/false, &v)) {
      Fail(t, "hop count " + std::string(TokenText(t)) + " is too large", "IntegerOverflow");
    }
    return v;
  }

  ParsedRelPattern ParseRelPattern(PatternContext ctx) {
    ParsedRelPattern r;
    r.position = Peek().position();
    bool left = false, right = false;
    if (Accept(TokenKind::kLt)) left = true;
    Expect(TokenKind::kMinus, "'-'");
    if (Accept(TokenKind::kLBracket)) {
      if (AtVariable()) r.variable = DecodeName(TokenText(Next()));
      if (Accept(TokenKind::kColon)) {
        r.types.push_back(ParseSymbolicName("a relationship type"));
        while (Accept(TokenKind::kPipe)) {
          Accept(TokenKind::kColon);
          r.types.push_back(ParseSymbolicName("a relationship type"));
        }
      }
      if (At(TokenKind::kStar)) {
        const Token& star = Next();
        r.variable_length = true;
        if (At(TokenKind::kInteger)) r.min_hops = ParseHopCount();
        if (Accept(TokenKind::kDotDot)) {
          if (At(TokenKind::kInteger)) r.max_hops = ParseHopCount();
        } else if (r.min_hops) {
          r.max_hops = r.min_hops;  // *3 means exactly 3
        }
        if (ctx == PatternContext::kCreate || ctx == PatternContext::kMerge) {
          Fail(star, std::string(ctx == PatternContext::kCreate ? "CREATE" : "MERGE") +
                         " cannot create a variable-length relationship",
               "CreatingVarLength");
        }
      }
      r.properties = ParsePatternProperties(ctx);
      Expect(TokenKind::kRBracket, "']' to close the relationship pattern");
    }
    Expect(TokenKind::kMinus, "'-'");
    if (Accept(TokenKind::kGt)) right = true;
    r.direction = left == right ? PatternDirection::kBoth
                                : (right ? PatternDirection::kLeftToRight : PatternDirection::kRightToLeft);
    if (ctx == PatternContext::kCreate || ctx == PatternContext::kMerge) {
      const char* clause = ctx == PatternContext::kCreate ? "CREATE" : "MERGE";
      if (r.types.size() != 1) {
        FailAtPos(r.position,
                  std::string(clause) + " needs exactly one relationship type for each relationship (found " +
                      std::to_string(r.types.size()) + ")",
                  "NoSingleRelationshipType");
      }
      if (ctx == PatternContext::kCreate && r.direction == PatternDirection::kBoth) {
        FailAtPos(r.position, "CREATE needs a direction for each relationship (-> or <-)",
                  "RequiresDirectedRelationship");
      }
      if (ctx == PatternContext::kMerge && left && right) {
        FailAtPos(r.position, "MERGE cannot use a relationship with two directions (<-->)",
                  "RequiresDirectedRelationship");
      }
    }
    return r;
  }

  void CheckRelUniqueness(const ParsedPattern& pattern) {
    // Small patterns: a quadratic scan beats hashing.
    std::vector<const ParsedRelPattern*> named;
    for (const ParsedPatternPart& part : pattern) {
      for (const ParsedRelPattern& r : part.rels) {
        if (r.variable.empty()) continue;
        for (const ParsedRelPattern* other : named) {
          if (other->variable == r.variable) {
            FailAtPos(r.position,
                      "relationship variable '" + r.variable + "' is used twice in one pattern; a relationship "
                          "can only be matched once",
                      "RelationshipUniquenessViolation");
          }
        }
        named.push_back(&r);
      }
    }
  }

  // True if a relationship-bearing pattern starts at token `i` (a '('):
  // (...) followed by an arrow ('-', '<-', optional [...], '-' or '->') and
  // another '('. Uses the bracket table, so it costs O(arrow length).
  bool IsPatternAt(size_t i) const {
    if (i >= tokens_.size() || tokens_[i].kind != TokenKind::kLParen || match_[i] == kNoMatch) return false;
    size_t j = match_[i] + 1;
    auto kind = [&](size_t k) { return k < tokens_.size() ? tokens_[k].kind : TokenKind::kEof; };
    if (kind(j) == TokenKind::kLt) ++j;
    if (kind(j) != TokenKind::kMinus) return false;
    ++j;
    if (kind(j) == TokenKind::kLBracket) {
      if (match_[j] == kNoMatch) return false;
      j = match_[j] + 1;
      if (kind(j) != TokenKind::kMinus) return false;
      ++j;
    } else if (kind(j) != TokenKind::kMinus) {
      return false;
    } else {
      ++j;
    }
    if (kind(j) == TokenKind::kGt) ++j;
    return kind(j) == TokenKind::kLParen;
  }

  // -------------------------------------------------------------------------
  // Expressions

  template <typename T>
  std::unique_ptr<T> Make(size_t start_token) {
    auto e = std::make_unique<T>();
    e->position = tokens_[start_token].position();
    return e;
  }
  // Sets the source text of an expression that began at token `start`.
  // A nested expression longer than kMaxInnerText gets an abbreviation
  // instead ("<first 64 bytes>...[N bytes at offset O]"): a left-deep chain
  // (1 + 1 + ... + 1) would otherwise copy its growing prefix at every
  // operator, quadratic in time and memory. The abbreviation still names the
  // span exactly, so two texts are equal only if they are the same source
  // span (never a false match for callers comparing texts). Clause-level
  // expressions (ParseRootExpr) always get their full text: they do not
  // overlap, so that stays linear.
  static constexpr uint32_t kMaxInnerText = 1024;
  void SetText(ParsedExpression* e, size_t start, bool root = false) {
    uint32_t from = tokens_[start].offset;
    uint32_t to = PrevEnd();
    uint32_t len = to > from ? to - from : 0;
    if (len > kMaxInnerText && !root) {
      e->text.assign(text_.data() + from, 64);
      e->text += "...[" + std::to_string(len) + " bytes at offset " + std::to_string(from) + "]";
      return;
    }
    e->text.assign(text_.data() + from, len);
  }
  // Finishes a node: its text and its height (refusing over-tall trees).
  template <typename T>
  ExprPtr Done(std::unique_ptr<T> e, size_t start) {
    SetText(e.get(), start);
    int height = HeightOf(*e);
    if (height > kMaxExpressionHeight) {
      FailAtPos(e->position,
                "expression is nested too deeply (more than " + std::to_string(kMaxExpressionHeight) +
                    " levels); for long alternatives use IN [...]",
                "UnexpectedSyntax");
    }
    e->height = static_cast<uint16_t>(height);
    return e;
  }

  ExprPtr ParseExpr() {
    DepthGuard guard(this);
    return ParseOr();
  }
  // An expression owned directly by a clause (projection item, WHERE, SET
  // value, ...): its text is always set, whatever its length.
  ExprPtr ParseRootExpr() {
    size_t start = idx_;
    ExprPtr e = ParseExpr();
    if (PrevEnd() - tokens_[start].offset > kMaxInnerText) SetText(e.get(), start, /*root=*/true);
    return e;
  }

  ExprPtr MakeBinary(BinaryOp op, ExprPtr l, ExprPtr r, size_t start) {
    auto b = Make<ParsedBinary>(start);
    b->op = op;
    b->left = std::move(l);
    b->right = std::move(r);
    return Done(std::move(b), start);
  }

  ExprPtr ParseOr() {
    size_t start = idx_;
    ExprPtr e = ParseXor();
    while (AcceptKeyword(Keyword::kOr)) e = MakeBinary(BinaryOp::kOr, std::move(e), ParseXor(), start);
    return e;
  }
  ExprPtr ParseXor() {
    size_t start = idx_;
    ExprPtr e = ParseAnd();
    while (AcceptKeyword(Keyword::kXor)) e = MakeBinary(BinaryOp::kXor, std::move(e), ParseAnd(), start);
    return e;
  }
  ExprPtr ParseAnd() {
    size_t start = idx_;
    ExprPtr e = ParseNot();
    while (AcceptKeyword(Keyword::kAnd)) e = MakeBinary(BinaryOp::kAnd, std::move(e), ParseNot(), start);
    return e;
  }
  ExprPtr ParseNot() {
    if (!AtKeyword(Keyword::kNot)) return ParseComparison();
    DepthGuard guard(this);
    size_t start = idx_;
    Next();
    auto u = Make<ParsedUnary>(start);
    u->op = UnaryOp::kNot;
    u->operand = ParseNot();
    return Done(std::move(u), start);
  }

  static bool ComparisonOp(TokenKind k, CompareOp* op) {
    switch (k) {
      case TokenKind::kEq: *op = CompareOp::kEq; return true;
      case TokenKind::kNe: *op = CompareOp::kNe; return true;
      case TokenKind::kLt: *op = CompareOp::kLt; return true;
      case TokenKind::kGt: *op = CompareOp::kGt; return true;
      case TokenKind::kLe: *op = CompareOp::kLe; return true;
      case TokenKind::kGe: *op = CompareOp::kGe; return true;
      default: return false;
    }
  }

  ExprPtr ParseComparison() {
    size_t start = idx_;
    ExprPtr first = ParsePredicates();
    CompareOp op;
    if (!ComparisonOp(Peek().kind, &op)) return first;
    auto c = Make<ParsedComparison>(start);
    c->operands.push_back(std::move(first));
    while (ComparisonOp(Peek().kind, &op)) {
      Next();
      c->ops.push_back(op);
      c->operands.push_back(ParsePredicates());
    }
    return Done(std::move(c), start);
  }

  // STARTS WITH, ENDS WITH, CONTAINS, =~, IN, IS [NOT] NULL (left to right).
  ExprPtr ParsePredicates() {
    size_t start = idx_;
    ExprPtr e = ParseAddSub();
    while (true) {
      if (AtKeyword(Keyword::kStarts) && AtKeyword(Keyword::kWith, 1)) {
        idx_ += 2;
        e = MakeBinary(BinaryOp::kStartsWith, std::move(e), ParseAddSub(), start);
      } else if (AtKeyword(Keyword::kEnds) && AtKeyword(Keyword::kWith, 1)) {
        idx_ += 2;
        e = MakeBinary(BinaryOp::kEndsWith, std::move(e), ParseAddSub(), start);
      } else if (AcceptKeyword(Keyword::kContains)) {
        e = MakeBinary(BinaryOp::kContains, std::move(e), ParseAddSub(), start);
      } else if (Accept(TokenKind::kRegexMatch)) {
        e = MakeBinary(BinaryOp::kRegexMatch, std::move(e), ParseAddSub(), start);
      } else if (AcceptKeyword(Keyword::kIn)) {
        e = MakeBinary(BinaryOp::kIn, std::move(e), ParseAddSub(), start);
      } else if (AtKeyword(Keyword::kIs)) {
        Next();
        bool negated = AcceptKeyword(Keyword::kNot);
        if (At(TokenKind::kColon) && At(TokenKind::kColon, 1)) {
          // x IS [NOT] :: TYPE, a call of the type-test function with the
          // type in its canonical spelling.
          idx_ += 2;
          auto f = Make<ParsedFunctionCall>(start);
          f->name = "__is_type";
          f->args.push_back(std::move(e));
          auto spec = Make<ParsedLiteral>(idx_);
          spec->value = Value(ParseTypeSpec());
          f->args.push_back(std::move(spec));
          e = Done(std::move(f), start);
          if (negated) {
            auto n = Make<ParsedUnary>(start);
            n->op = UnaryOp::kNot;
            n->operand = std::move(e);
            e = Done(std::move(n), start);
          }
          continue;
        }
        auto n = Make<ParsedIsNull>(start);
        n->negated = negated;
        ExpectKeyword(Keyword::kNull);
        n->operand = std::move(e);
        e = Done(std::move(n), start);
      } else {
        return e;
      }
    }
  }

  ExprPtr ParseAddSub() {
    size_t start = idx_;
    ExprPtr e = ParseMulDiv();
    while (true) {
      if (Accept(TokenKind::kPlus)) {
        e = MakeBinary(BinaryOp::kAdd, std::move(e), ParseMulDiv(), start);
      } else if (Accept(TokenKind::kMinus)) {
        e = MakeBinary(BinaryOp::kSubtract, std::move(e), ParseMulDiv(), start);
      } else if (Accept(TokenKind::kConcat)) {
        e = MakeBinary(BinaryOp::kConcat, std::move(e), ParseMulDiv(), start);
      } else {
        return e;
      }
    }
  }

  // A value type (Cypher 5 / GQL) in canonical spelling: BOOLEAN, STRING,
  // INTEGER, FLOAT, DATE, LOCAL TIME, ZONED TIME, LOCAL DATETIME, ZONED
  // DATETIME, DURATION, NODE, RELATIONSHIP, PATH, MAP, ANY, NOTHING, NULL,
  // LIST<T>, ANY<T | U ...>, each but NULL/NOTHING optionally NOT NULL.
  std::string ParseTypeSpec() {
    DepthGuard guard(this);
    auto word = [&]() -> std::string {
      if (!AtName()) FailExpected("a type name (INTEGER, STRING, LIST<...>, ...)");
      std::string w(TokenText(Next()));
      for (char& c : w) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return w;
    };
    auto at_word = [&](const char* w) {
      return AtName() && EqualsIgnoreCase(TokenText(Peek()), w);
    };
    size_t at = idx_;
    std::string w = word();
    std::string out;
    if (w == "BOOL" || w == "BOOLEAN") {
      out = "BOOLEAN";
    } else if (w == "STRING" || w == "VARCHAR") {
      out = "STRING";
    } else if (w == "INT" || w == "INTEGER" || w == "INT64" || w == "INTEGER64" || w == "SIGNED") {
      if (w == "SIGNED") {
        std::string w2 = word();
        if (w2 != "INTEGER" && w2 != "INT") FailAtPos(tokens_[at].position(), "expected SIGNED INTEGER", "UnexpectedSyntax");
      }
      out = "INTEGER";
    } else if (w == "FLOAT" || w == "FLOAT64") {
      out = "FLOAT";
    } else if (w == "DATE" || w == "DURATION" || w == "PATH" || w == "NOTHING" || w == "NULL") {
      out = w;
    } else if (w == "NODE" || w == "VERTEX") {
      out = "NODE";
    } else if (w == "RELATIONSHIP" || w == "EDGE") {
      out = "RELATIONSHIP";
    } else if (w == "MAP") {
      out = "MAP";
    } else if (w == "LOCAL" || w == "ZONED") {
      std::string w2 = word();
      if (w2 != "TIME" && w2 != "DATETIME")
        FailAtPos(tokens_[at].position(), "expected " + w + " TIME or " + w + " DATETIME", "UnexpectedSyntax");
      out = w + " " + w2;
    } else if (w == "TIME" || w == "TIMESTAMP") {
      // TIME / TIMESTAMP WITH[OUT] TIME ZONE
      if (!AtKeyword(Keyword::kWith) && !at_word("WITHOUT"))
        FailExpected("WITH TIME ZONE or WITHOUT TIME ZONE");
      bool with = AtKeyword(Keyword::kWith);
      Next();
      if (word() != "TIME" || word() != "ZONE") FailAtPos(tokens_[at].position(), "expected TIME ZONE", "UnexpectedSyntax");
      out = std::string(with ? "ZONED " : "LOCAL ") + (w == "TIME" ? "TIME" : "DATETIME");
    } else if (w == "LIST" || w == "ARRAY") {
      Expect(TokenKind::kLt, "'<' after LIST");
      std::string inner = ParseTypeSpec();
      Expect(TokenKind::kGt, "'>' to close LIST<...>");
      out = "LIST<" + inner + ">";
    } else if (w == "ANY") {
      if (Accept(TokenKind::kLt)) {
        out = "ANY<" + ParseTypeSpec();
        while (Accept(TokenKind::kPipe)) out += "|" + ParseTypeSpec();
        Expect(TokenKind::kGt, "'>' to close ANY<...>");
        out += ">";
      } else {
        if (at_word("VALUE")) Next();
        if (at_word("NODE")) {
          Next();
          out = "NODE";
        } else if (at_word("RELATIONSHIP") || at_word("EDGE")) {
          Next();
          out = "RELATIONSHIP";
        } else if (at_word("MAP")) {
          Next();
          out = "MAP";
        } else {
          out = "ANY";
        }
      }
    } else {
      FailAtPos(tokens_[at].position(), "unknown type '" + w + "' after IS ::", "UnexpectedSyntax");
    }
    if (AtKeyword(Keyword::kNot) && AtKeyword(Keyword::kNull, 1)) {
      idx_ += 2;
      if (out != "NULL" && out != "NOTHING") out += " NOT NULL";
    }
    return out;
  }

  ExprPtr ParseMulDiv() {
    size_t start = idx_;
    ExprPtr e = ParsePower();
    while (true) {
      BinaryOp op;
      if (At(TokenKind::kStar)) op = BinaryOp::kMultiply;
      else if (At(TokenKind::kSlash)) op = BinaryOp::kDivide;
      else if (At(TokenKind::kPercent)) op = BinaryOp::kModulo;
      else return e;
      Next();
      e = MakeBinary(op, std::move(e), ParsePower(), start);
    }
  }

  ExprPtr ParsePower() {
    size_t start = idx_;
    ExprPtr e = ParseUnary();
    while (Accept(TokenKind::kCaret)) e = MakeBinary(BinaryOp::kPower, std::move(e), ParseUnary(), start);
    return e;
  }

  bool AtPostfixStart(size_t ahead) const {
    TokenKind k = Peek(ahead).kind;
    return k == TokenKind::kDot || k == TokenKind::kLBracket || k == TokenKind::kColon || k == TokenKind::kLBrace;
  }

  ExprPtr ParseUnary() {
    if (!At(TokenKind::kMinus) && !At(TokenKind::kPlus)) return ParsePostfix(/*allow_labels=*/true);
    DepthGuard guard(this);
    size_t start = idx_;
    bool minus = Next().kind == TokenKind::kMinus;
    // -9223372036854775808 is only valid as one negative literal, so a minus
    // directly before a number literal folds into it.
    if (minus && (At(TokenKind::kInteger) || At(TokenKind::kFloat)) && !AtPostfixStart(1)) {
      const Token& num = Next();
      auto lit = Make<ParsedLiteral>(start);
      lit->value = NumberValue(num, /*negative=*/true);
      return Done(std::move(lit), start);
    }
    auto u = Make<ParsedUnary>(start);
    u->op = minus ? UnaryOp::kMinus : UnaryOp::kPlus;
    u->operand = ParseUnary();
    return Done(std::move(u), start);
  }

  ExprPtr ParsePostfix(bool allow_labels) {
    size_t start = idx_;
    ExprPtr e = ParseAtom();
    while (true) {
      if (At(TokenKind::kDot)) {
        Next();
        auto p = Make<ParsedProperty>(start);
        p->key = ParseSymbolicName("a property name after '.'");
        p->object = std::move(e);
        e = Done(std::move(p), start);
      } else if (At(TokenKind::kLBracket)) {
        DepthGuard guard(this);
        Next();
        ExprPtr from;
        if (!At(TokenKind::kDotDot)) from = ParseExpr();
        if (Accept(TokenKind::kDotDot)) {
          auto s = Make<ParsedSlice>(start);
          s->object = std::move(e);
          s->from = std::move(from);
          if (!At(TokenKind::kRBracket)) s->to = ParseExpr();
          Expect(TokenKind::kRBracket, "']'");
          e = Done(std::move(s), start);
        } else {
          Expect(TokenKind::kRBracket, "']' or '..'");
          auto s = Make<ParsedSubscript>(start);
          s->object = std::move(e);
          s->index = std::move(from);
          e = Done(std::move(s), start);
        }
      } else if (allow_labels && At(TokenKind::kColon) && AtName(1)) {
        auto l = Make<ParsedLabelCheck>(start);
        l->labels = ParseLabelList("a label name");
        l->operand = std::move(e);
        e = Done(std::move(l), start);
      } else if (At(TokenKind::kLBrace) && e->kind == ExprKind::kVariable && idx_ == start + 1) {
        e = ParseMapProjection(std::move(e), start);
      } else {
        return e;
      }
    }
  }

  ExprPtr ParseMapProjection(ExprPtr var, size_t start) {
    DepthGuard guard(this);
    auto mp = Make<ParsedMapProjection>(start);
    mp->variable = static_cast<ParsedVariable&>(*var).name;
    Expect(TokenKind::kLBrace, "'{'");
    if (!At(TokenKind::kRBrace)) {
      do {
        ParsedMapProjection::Item item;
        if (Accept(TokenKind::kDot)) {
          if (Accept(TokenKind::kStar)) {
            item.kind = ParsedMapProjection::Item::Kind::kAllProperties;
          } else {
            item.kind = ParsedMapProjection::Item::Kind::kProperty;
            item.key = ParseSymbolicName("a property name or '*' after '.'");
          }
        } else if (AtName() && At(TokenKind::kColon, 1)) {
          item.kind = ParsedMapProjection::Item::Kind::kLiteral;
          item.key = DecodeName(TokenText(Next()));
          Next();  // ':'
          item.value = ParseExpr();
        } else if (AtVariable()) {
          item.kind = ParsedMapProjection::Item::Kind::kVariable;
          item.key = DecodeName(TokenText(Next()));
        } else {
          FailExpected("a map projection item (.key, .*, key: value or a variable)");
        }
        mp->items.push_back(std::move(item));
      } while (Accept(TokenKind::kComma));
    }
    Expect(TokenKind::kRBrace, "'}' or ','");
    return Done(std::move(mp), start);
  }

  // Reads an integer token's magnitude; false if it does not fit (allowing
  // 2^63 when negative).
  bool ParseIntegerToken(const Token& t, bool negative, int64_t* out) const {
    std::string_view s = TokenText(t);
    unsigned base = 10;
    if (s.size() > 1 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
      base = s[1] == 'x' ? 16 : 8;
      s.remove_prefix(2);
    }
    uint64_t limit = negative ? (uint64_t{1} << 63) : static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
    uint64_t v = 0;
    for (char c : s) {
      unsigned d = (c >= '0' && c <= '9') ? static_cast<unsigned>(c - '0')
                   : (c >= 'a' && c <= 'f') ? static_cast<unsigned>(c - 'a' + 10)
                                            : static_cast<unsigned>(c - 'A' + 10);
      if (v > (limit - d) / base) return false;
      v = v * base + d;
    }
    *out = negative ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
    return true;
  }

  Value NumberValue(const Token& t, bool negative) {
    if (t.kind == TokenKind::kInteger) {
      int64_t v;
      if (!ParseIntegerToken(t, negative, &v)) {
        Fail(t, "integer literal " + std::string(negative ? "-" : "") + std::string(TokenText(t)) +
                    " is out of range (a 64-bit integer is -9223372036854775808 to 9223372036854775807)",
             "IntegerOverflow");
      }
      return Value(v);
    }
    std::string buf(TokenText(t));
    errno = 0;
    double d = std::strtod(buf.c_str(), nullptr);
    if (errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL)) {
      Fail(t, "float literal " + buf + " is too large for a 64-bit float", "FloatingPointOverflow");
    }
    // A negative zero literal is 0.0 (the TCK: RETURN -0.0 gives 0.0); only
    // arithmetic at run time produces -0.0.
    return Value(negative && d != 0.0 ? -d : d);
  }

  ExprPtr ParseAtom() {
    const Token& t = Peek();
    size_t start = idx_;
    switch (t.kind) {
      case TokenKind::kInteger:
      case TokenKind::kFloat: {
        Next();
        auto lit = Make<ParsedLiteral>(start);
        lit->value = NumberValue(t, /*negative=*/false);
        return Done(std::move(lit), start);
      }
      case TokenKind::kString: {
        Next();
        auto lit = Make<ParsedLiteral>(start);
        lit->value = Value(DecodeString(TokenText(t)));
        return Done(std::move(lit), start);
      }
      case TokenKind::kParameter: {
        Next();
        auto p = Make<ParsedParameter>(start);
        p->name = DecodeName(TokenText(t).substr(1));
        return Done(std::move(p), start);
      }
      case TokenKind::kLParen: return ParseParenthesized();
      case TokenKind::kLBracket: return ParseBracket();
      case TokenKind::kLBrace: return ParseMapLiteral();
      case TokenKind::kEscapedIdentifier: {
        Next();
        auto v = Make<ParsedVariable>(start);
        v->name = DecodeName(TokenText(t));
        return Done(std::move(v), start);
      }
      case TokenKind::kIdentifier: return ParseNameAtom();
      default: FailExpected("an expression");
    }
  }

  ExprPtr ParseParenthesized() {
    size_t start = idx_;
    if (IsPatternAt(idx_)) {
      if (where_depth_ == 0) {
        Fail(Peek(), "a pattern cannot be used as an expression here (patterns are allowed in WHERE, "
                     "EXISTS { } and pattern comprehensions [(a)-->(b) | ...]; to count matches write "
                     "COUNT { (a)-->(b) })",
             "UnexpectedSyntax");
      }
      auto p = Make<ParsedPatternPredicate>(start);
      {
        DepthGuard guard(this);
        ParseChain(PatternContext::kExpression, &p->pattern);
      }
      p->pattern.position = p->position;
      return Done(std::move(p), start);
    }
    DepthGuard guard(this);
    Next();  // '('
    ExprPtr e = ParseExpr();
    Expect(TokenKind::kRParen, "')'");
    // The parenthesised text names the column: RETURN (1 + 2) -> "(1 + 2)".
    e->position = tokens_[start].position();
    SetText(e.get(), start);
    return e;
  }

  ExprPtr ParseBracket() {
    DepthGuard guard(this);
    size_t start = idx_;
    // [p = (a)-->(b) ...] or [(a)-->(b) ...]: a pattern comprehension.
    bool named = AtVariable(1) && At(TokenKind::kEq, 2) && IsPatternAt(idx_ + 3);
    if (named || IsPatternAt(idx_ + 1)) {
      Next();  // '['
      auto pc = Make<ParsedPatternComprehension>(start);
      pc->pattern.position = Peek().position();
      if (named) {
        pc->pattern.path_variable = DecodeName(TokenText(Next()));
        Next();  // '='
      }
      ParseChain(PatternContext::kExpression, &pc->pattern);
      if (AcceptKeyword(Keyword::kWhere)) pc->where = ParseWhereExpr();
      Expect(TokenKind::kPipe, "'|' in the pattern comprehension");
      pc->projection = ParseExpr();
      Expect(TokenKind::kRBracket, "']'");
      return Done(std::move(pc), start);
    }
    // [x IN list WHERE ... | ...]: a list comprehension.
    if (AtVariable(1) && AtKeyword(Keyword::kIn, 2)) {
      Next();  // '['
      auto lc = Make<ParsedListComprehension>(start);
      lc->variable = DecodeName(TokenText(Next()));
      Next();  // IN
      lc->list = ParseExpr();
      if (AcceptKeyword(Keyword::kWhere)) lc->where = ParseWhereExpr();
      bool projected = Accept(TokenKind::kPipe);
      if (projected) lc->projection = ParseExpr();
      Expect(TokenKind::kRBracket, projected   ? "']' to close the list comprehension"
                                   : lc->where ? "'|' or ']' in the list comprehension"
                                               : "WHERE, '|' or ']' in the list comprehension");
      return Done(std::move(lc), start);
    }
    Next();  // '['
    auto list = Make<ParsedList>(start);
    if (!At(TokenKind::kRBracket)) {
      do {
        list->items.push_back(ParseExpr());
      } while (Accept(TokenKind::kComma));
    }
    Expect(TokenKind::kRBracket, "',' or ']'");
    return Done(std::move(list), start);
  }

  ExprPtr ParseMapLiteral() {
    DepthGuard guard(this);
    size_t start = idx_;
    Expect(TokenKind::kLBrace, "'{'");
    auto map = Make<ParsedMap>(start);
    if (!At(TokenKind::kRBrace)) {
      do {
        std::string key = ParseSymbolicName("a map key");
        Expect(TokenKind::kColon, "':' after the map key");
        map->entries.emplace_back(std::move(key), ParseExpr());
      } while (Accept(TokenKind::kComma));
    }
    Expect(TokenKind::kRBrace, "',' or '}'");
    return Done(std::move(map), start);
  }

  ExprPtr ParseCase() {
    DepthGuard guard(this);
    size_t start = idx_;
    Next();  // CASE
    auto c = Make<ParsedCase>(start);
    if (!AtKeyword(Keyword::kWhen)) c->test = ParseExpr();
    if (!AtKeyword(Keyword::kWhen)) FailExpected("WHEN");
    while (AcceptKeyword(Keyword::kWhen)) {
      ExprPtr when = ParseExpr();
      ExpectKeyword(Keyword::kThen);
      c->whens.emplace_back(std::move(when), ParseExpr());
    }
    if (AcceptKeyword(Keyword::kElse)) c->else_expr = ParseExpr();
    ExpectKeyword(Keyword::kEnd);
    return Done(std::move(c), start);
  }

  // EXISTS { ... }, COUNT { ... }, COLLECT { ... }.
  ExprPtr ParseExistsSubquery(SubqueryMode mode = SubqueryMode::kExists) {
    DepthGuard guard(this);
    size_t start = idx_;
    const char* what = mode == SubqueryMode::kExists ? "EXISTS" : mode == SubqueryMode::kCount ? "COUNT" : "COLLECT";
    Next();  // EXISTS / COUNT / COLLECT
    Expect(TokenKind::kLBrace, "'{'");
    auto ex = Make<ParsedExistsSubquery>(start);
    ex->mode = mode;
    ex->query = std::make_shared<ParsedSingleQuery>();
    if (AtClauseStart()) {
      *ex->query = ParseSingleQuery(/*subquery=*/true);
      for (const ClausePtr& c : ex->query->clauses) {
        if (IsUpdateClause(c->kind) || c->kind == ClauseKind::kForeach) {
          FailAtPos(c->position, std::string(what) + " { } cannot contain " + ClauseName(c->kind) +
                                     " (a subquery may only read)",
                    "InvalidClauseComposition");
        }
      }
      if (mode == SubqueryMode::kCollect) {
        const ParsedClause& last = *ex->query->clauses.back();
        if (last.kind != ClauseKind::kReturn ||
            static_cast<const ParsedReturn&>(last).projection.items.size() != 1 ||
            static_cast<const ParsedReturn&>(last).projection.star) {
          FailAtPos(last.position, "COLLECT { } must end with a RETURN of exactly one column",
                    "InvalidClauseComposition");
        }
      }
    } else {
      if (mode == SubqueryMode::kCollect) {
        FailExpected("a clause (COLLECT { } holds a whole query ending in RETURN, e.g. COLLECT { MATCH (a)-->(b) RETURN b.name })");
      }
      auto m = std::make_unique<ParsedMatch>();
      m->position = Peek().position();
      ex->query->position = m->position;
      m->pattern = ParsePattern(PatternContext::kMatch);
      CheckRelUniqueness(m->pattern);
      if (AcceptKeyword(Keyword::kWhere)) m->where = ParseWhereExpr(/*root=*/true);
      ex->query->clauses.push_back(std::move(m));
    }
    Expect(TokenKind::kRBrace, (std::string("'}' to close ") + what).c_str());
    return Done(std::move(ex), start);
  }

  // all/any/none/single(x IN list [WHERE p])
  ExprPtr ParseQuantifier(QuantifierKind kind) {
    DepthGuard guard(this);
    size_t start = idx_;
    Next();  // name
    Next();  // '('
    auto q = Make<ParsedQuantifier>(start);
    q->quantifier = kind;
    q->variable = ParseVariableName();
    ExpectKeyword(Keyword::kIn);
    q->list = ParseExpr();
    if (AcceptKeyword(Keyword::kWhere)) q->where = ParseWhereExpr();
    Expect(TokenKind::kRParen, "')' or WHERE");
    return Done(std::move(q), start);
  }

  ExprPtr ParseReduce() {
    DepthGuard guard(this);
    size_t start = idx_;
    Next();  // reduce
    Next();  // '('
    auto r = Make<ParsedReduce>(start);
    r->accumulator = ParseVariableName("an accumulator name");
    Expect(TokenKind::kEq, "'=' after the accumulator");
    r->init = ParseExpr();
    Expect(TokenKind::kComma, "','");
    r->variable = ParseVariableName();
    ExpectKeyword(Keyword::kIn);
    r->list = ParseExpr();
    Expect(TokenKind::kPipe, "'|'");
    r->expression = ParseExpr();
    Expect(TokenKind::kRParen, "')'");
    return Done(std::move(r), start);
  }

  ExprPtr ParseFunctionCall() {
    DepthGuard guard(this);
    size_t start = idx_;
    std::string name = ParseQualifiedName("a function name");
    Expect(TokenKind::kLParen, "'('");
    if (name.size() == 5 && At(TokenKind::kStar) && At(TokenKind::kRParen, 1) &&
        tokens_[start].keyword == Keyword::kCount) {
      idx_ += 2;
      return Done(Make<ParsedCountStar>(start), start);
    }
    auto f = Make<ParsedFunctionCall>(start);
    f->name = std::move(name);
    if (AcceptKeyword(Keyword::kDistinct)) f->distinct = true;
    // exists((a)-->(b)) keeps its pattern argument legal anywhere.
    bool exists = tokens_[start].keyword == Keyword::kExists && idx_ == start + 2;
    if (exists) ++where_depth_;
    if (!At(TokenKind::kRParen)) {
      do {
        f->args.push_back(ParseExpr());
      } while (Accept(TokenKind::kComma));
    }
    if (exists) --where_depth_;
    Expect(TokenKind::kRParen, "',' or ')'");
    return Done(std::move(f), start);
  }

  // After a name: is this `name(` or `ns.name(`?
  bool AtFunctionCall() const {
    size_t k = 1;
    while (At(TokenKind::kDot, k) && AtName(k + 1)) k += 2;
    return At(TokenKind::kLParen, k);
  }

  ExprPtr ParseNameAtom() {
    const Token& t = Peek();
    size_t start = idx_;
    switch (t.keyword) {
      case Keyword::kTrue:
      case Keyword::kFalse:
      case Keyword::kNull: {
        Next();
        auto lit = Make<ParsedLiteral>(start);
        if (t.keyword != Keyword::kNull) lit->value = Value(t.keyword == Keyword::kTrue);
        return Done(std::move(lit), start);
      }
      case Keyword::kCase: return ParseCase();
      case Keyword::kExists:
        if (At(TokenKind::kLBrace, 1)) return ParseExistsSubquery();
        break;
      case Keyword::kCount:
        // COUNT { ... }, not a map projection of a variable named count.
        if (At(TokenKind::kLBrace, 1) && !At(TokenKind::kDot, 2) && !At(TokenKind::kRBrace, 2) &&
            !(AtName(2) && (At(TokenKind::kColon, 3) || At(TokenKind::kComma, 3) || At(TokenKind::kRBrace, 3))))
          return ParseExistsSubquery(SubqueryMode::kCount);
        break;
      case Keyword::kAll:
      case Keyword::kAny:
      case Keyword::kNone_:
      case Keyword::kSingle:
        if (At(TokenKind::kLParen, 1) && AtVariable(2) && AtKeyword(Keyword::kIn, 3)) {
          QuantifierKind k = t.keyword == Keyword::kAll    ? QuantifierKind::kAll
                             : t.keyword == Keyword::kAny  ? QuantifierKind::kAny
                             : t.keyword == Keyword::kNone_ ? QuantifierKind::kNone
                                                            : QuantifierKind::kSingle;
          return ParseQuantifier(k);
        }
        break;
      case Keyword::kReduce:
        if (At(TokenKind::kLParen, 1)) return ParseReduce();
        break;
      default:
        break;
    }
    if (AtFunctionCall()) return ParseFunctionCall();
    if (t.kind == TokenKind::kIdentifier && t.keyword == Keyword::kNone && At(TokenKind::kLBrace, 1) &&
        EqualsIgnoreCase(TokenText(t), "collect") && (AtClauseStart(2) || At(TokenKind::kLParen, 2)))
      return ParseExistsSubquery(SubqueryMode::kCollect);
    if (IsReservedWord(t.keyword)) FailExpected("an expression");
    Next();
    auto v = Make<ParsedVariable>(start);
    v->name = std::string(TokenText(t));
    return Done(std::move(v), start);
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  std::vector<uint32_t> match_;
  size_t idx_ = 0;
  int depth_ = 0;
  int where_depth_ = 0;  // > 0 while parsing a WHERE (pattern predicates allowed)
};

// ---------------------------------------------------------------------------
// Dump

class Dumper {
 public:
  explicit Dumper(std::string* out) : out_(out) {}

  void Query(const ParsedQuery& q) {
    Line(0, std::string("Query") + (q.mode == QueryMode::kExplain   ? " EXPLAIN"
                                    : q.mode == QueryMode::kProfile ? " PROFILE"
                                                                    : ""));
    for (size_t i = 0; i < q.parts.size(); ++i) {
      if (i > 0) Line(1, q.union_all[i - 1] ? "UNION ALL" : "UNION");
      SingleQuery(q.parts[i], 1);
    }
  }

  void SingleQuery(const ParsedSingleQuery& q, int ind) {
    Line(ind, "SingleQuery");
    for (const ClausePtr& c : q.clauses) Clause(*c, ind + 1);
  }

  void Expr(const ParsedExpression& e, int ind, const char* label = nullptr) {
    std::string head = label ? std::string(label) + ": " : std::string();
    switch (e.kind) {
      case ExprKind::kLiteral:
        Line(ind, head + "Literal " + LiteralText(static_cast<const ParsedLiteral&>(e).value));
        return;
      case ExprKind::kParameter:
        Line(ind, head + "Parameter $" + static_cast<const ParsedParameter&>(e).name);
        return;
      case ExprKind::kVariable:
        Line(ind, head + "Variable " + static_cast<const ParsedVariable&>(e).name);
        return;
      case ExprKind::kProperty: {
        const auto& p = static_cast<const ParsedProperty&>(e);
        Line(ind, head + "Property ." + p.key);
        Expr(*p.object, ind + 1);
        return;
      }
      case ExprKind::kSubscript: {
        const auto& s = static_cast<const ParsedSubscript&>(e);
        Line(ind, head + "Subscript");
        Expr(*s.object, ind + 1);
        Expr(*s.index, ind + 1, "index");
        return;
      }
      case ExprKind::kSlice: {
        const auto& s = static_cast<const ParsedSlice&>(e);
        Line(ind, head + "Slice");
        Expr(*s.object, ind + 1);
        if (s.from) Expr(*s.from, ind + 1, "from");
        if (s.to) Expr(*s.to, ind + 1, "to");
        return;
      }
      case ExprKind::kUnary: {
        const auto& u = static_cast<const ParsedUnary&>(e);
        Line(ind, head + "Unary " + (u.op == UnaryOp::kNot ? "NOT" : u.op == UnaryOp::kMinus ? "-" : "+"));
        Expr(*u.operand, ind + 1);
        return;
      }
      case ExprKind::kBinary: {
        const auto& b = static_cast<const ParsedBinary&>(e);
        Line(ind, head + "Binary " + BinaryText(b.op));
        Expr(*b.left, ind + 1);
        Expr(*b.right, ind + 1);
        return;
      }
      case ExprKind::kComparison: {
        const auto& c = static_cast<const ParsedComparison&>(e);
        std::string ops;
        for (CompareOp op : c.ops) ops += std::string(" ") + CompareText(op);
        Line(ind, head + "Comparison" + ops);
        for (const ExprPtr& o : c.operands) Expr(*o, ind + 1);
        return;
      }
      case ExprKind::kIsNull: {
        const auto& n = static_cast<const ParsedIsNull&>(e);
        Line(ind, head + (n.negated ? "IsNotNull" : "IsNull"));
        Expr(*n.operand, ind + 1);
        return;
      }
      case ExprKind::kLabelCheck: {
        const auto& l = static_cast<const ParsedLabelCheck&>(e);
        Line(ind, head + "LabelCheck" + Labels(l.labels));
        Expr(*l.operand, ind + 1);
        return;
      }
      case ExprKind::kFunctionCall: {
        const auto& f = static_cast<const ParsedFunctionCall&>(e);
        Line(ind, head + "FunctionCall " + f.name + (f.distinct ? " DISTINCT" : ""));
        for (const ExprPtr& a : f.args) Expr(*a, ind + 1);
        return;
      }
      case ExprKind::kCountStar:
        Line(ind, head + "CountStar");
        return;
      case ExprKind::kCase: {
        const auto& c = static_cast<const ParsedCase&>(e);
        Line(ind, head + (c.test ? "Case simple" : "Case searched"));
        if (c.test) Expr(*c.test, ind + 1, "test");
        for (const auto& [w, t] : c.whens) {
          Expr(*w, ind + 1, "when");
          Expr(*t, ind + 1, "then");
        }
        if (c.else_expr) Expr(*c.else_expr, ind + 1, "else");
        return;
      }
      case ExprKind::kList: {
        const auto& l = static_cast<const ParsedList&>(e);
        Line(ind, head + "List");
        for (const ExprPtr& i : l.items) Expr(*i, ind + 1);
        return;
      }
      case ExprKind::kMap: {
        const auto& m = static_cast<const ParsedMap&>(e);
        Line(ind, head + "Map");
        for (const auto& [k, v] : m.entries) Expr(*v, ind + 1, k.c_str());
        return;
      }
      case ExprKind::kMapProjection: {
        const auto& m = static_cast<const ParsedMapProjection&>(e);
        Line(ind, head + "MapProjection " + m.variable);
        for (const auto& item : m.items) {
          switch (item.kind) {
            case ParsedMapProjection::Item::Kind::kProperty: Line(ind + 1, "." + item.key); break;
            case ParsedMapProjection::Item::Kind::kAllProperties: Line(ind + 1, ".*"); break;
            case ParsedMapProjection::Item::Kind::kVariable: Line(ind + 1, "var " + item.key); break;
            case ParsedMapProjection::Item::Kind::kLiteral: Expr(*item.value, ind + 1, item.key.c_str()); break;
          }
        }
        return;
      }
      case ExprKind::kListComprehension: {
        const auto& l = static_cast<const ParsedListComprehension&>(e);
        Line(ind, head + "ListComprehension " + l.variable);
        Expr(*l.list, ind + 1, "in");
        if (l.where) Expr(*l.where, ind + 1, "where");
        if (l.projection) Expr(*l.projection, ind + 1, "project");
        return;
      }
      case ExprKind::kPatternComprehension: {
        const auto& p = static_cast<const ParsedPatternComprehension&>(e);
        Line(ind, head + "PatternComprehension");
        Part(p.pattern, ind + 1);
        if (p.where) Expr(*p.where, ind + 1, "where");
        Expr(*p.projection, ind + 1, "project");
        return;
      }
      case ExprKind::kQuantifier: {
        const auto& q = static_cast<const ParsedQuantifier&>(e);
        static const char* kNames[] = {"all", "any", "none", "single"};
        Line(ind, head + "Quantifier " + kNames[static_cast<int>(q.quantifier)] + " " + q.variable);
        Expr(*q.list, ind + 1, "in");
        if (q.where) Expr(*q.where, ind + 1, "where");
        return;
      }
      case ExprKind::kReduce: {
        const auto& r = static_cast<const ParsedReduce&>(e);
        Line(ind, head + "Reduce " + r.accumulator + " " + r.variable);
        Expr(*r.init, ind + 1, "init");
        Expr(*r.list, ind + 1, "in");
        Expr(*r.expression, ind + 1, "expr");
        return;
      }
      case ExprKind::kPatternPredicate: {
        const auto& p = static_cast<const ParsedPatternPredicate&>(e);
        Line(ind, head + "PatternPredicate");
        Part(p.pattern, ind + 1);
        return;
      }
      case ExprKind::kExistsSubquery: {
        const auto& x = static_cast<const ParsedExistsSubquery&>(e);
        Line(ind, head + (x.mode == SubqueryMode::kExists  ? "ExistsSubquery"
                          : x.mode == SubqueryMode::kCount ? "CountSubquery"
                                                           : "CollectSubquery"));
        SingleQuery(*x.query, ind + 1);
        return;
      }
    }
  }

 private:
  void Line(int ind, const std::string& s) {
    out_->append(static_cast<size_t>(ind) * 2, ' ');
    *out_ += s;
    out_->push_back('\n');
  }

  static std::string At(const Position& p) { return " @" + std::to_string(p.line) + ":" + std::to_string(p.column); }

  static std::string Labels(const std::vector<std::string>& labels) {
    std::string s;
    for (const std::string& l : labels) s += ":" + l;
    return s.empty() ? s : " " + s;
  }

  static std::string LiteralText(const Value& v) {
    switch (v.type()) {
      case Value::Type::kNull: return "null";
      case Value::Type::kBool: return v.as_bool() ? "true" : "false";
      case Value::Type::kInt: return std::to_string(v.as_int());
      case Value::Type::kDouble: {
        // The shortest rendering that reads back as the same double.
        char buf[64];
        for (int precision = 15; precision <= 17; ++precision) {
          std::snprintf(buf, sizeof buf, "%.*g", precision, v.as_double());
          if (std::strtod(buf, nullptr) == v.as_double()) break;
        }
        std::string s = buf;
        if (s.find_first_of(".eni") == std::string::npos) s += ".0";
        return s;
      }
      case Value::Type::kString: {
        std::string s = "'";
        for (char c : v.as_string()) {
          switch (c) {
            case '\'': s += "\\'"; break;
            case '\\': s += "\\\\"; break;
            case '\n': s += "\\n"; break;
            case '\t': s += "\\t"; break;
            case '\r': s += "\\r"; break;
            default: s.push_back(c);
          }
        }
        return s + "'";
      }
      default: return v.DebugString();
    }
  }

  static const char* BinaryText(BinaryOp op) {
    switch (op) {
      case BinaryOp::kOr: return "OR";
      case BinaryOp::kXor: return "XOR";
      case BinaryOp::kAnd: return "AND";
      case BinaryOp::kAdd: return "+";
      case BinaryOp::kConcat: return "||";
      case BinaryOp::kSubtract: return "-";
      case BinaryOp::kMultiply: return "*";
      case BinaryOp::kDivide: return "/";
      case BinaryOp::kModulo: return "%";
      case BinaryOp::kPower: return "^";
      case BinaryOp::kStartsWith: return "STARTS WITH";
      case BinaryOp::kEndsWith: return "ENDS WITH";
      case BinaryOp::kContains: return "CONTAINS";
      case BinaryOp::kRegexMatch: return "=~";
      case BinaryOp::kIn: return "IN";
    }
    return "?";
  }

  static const char* CompareText(CompareOp op) {
    switch (op) {
      case CompareOp::kEq: return "=";
      case CompareOp::kNe: return "<>";
      case CompareOp::kLt: return "<";
      case CompareOp::kGt: return ">";
      case CompareOp::kLe: return "<=";
      case CompareOp::kGe: return ">=";
    }
    return "?";
  }

  static std::string LabelExprText(const ParsedLabelExpr& e) {
    switch (e.kind) {
      case ParsedLabelExpr::Kind::kLabel: return e.label;
      case ParsedLabelExpr::Kind::kAnyLabel: return "%";
      case ParsedLabelExpr::Kind::kNot: return "!" + LabelExprText(e.children[0]);
      case ParsedLabelExpr::Kind::kAnd:
      case ParsedLabelExpr::Kind::kOr: {
        std::string out = "(";
        for (size_t i = 0; i < e.children.size(); ++i)
          out += (i ? (e.kind == ParsedLabelExpr::Kind::kAnd ? "&" : "|") : "") + LabelExprText(e.children[i]);
        return out + ")";
      }
    }
    return "";
  }

  void Part(const ParsedPatternPart& p, int ind) {
    std::string s = "Path";
    if (!p.path_variable.empty()) s += " " + p.path_variable + " =";
    if (p.kind == PathKind::kShortest) s += " shortestPath";
    if (p.kind == PathKind::kAllShortest) s += " allShortestPaths";
    Line(ind, s);
    for (size_t i = 0; i < p.nodes.size(); ++i) {
      if (i > 0) Rel(p.rels[i - 1], ind + 1);
      const ParsedNodePattern& n = p.nodes[i];
      Line(ind + 1, "Node" + (n.variable.empty() ? "" : " " + n.variable) + Labels(n.labels) +
                        (n.label_expr ? " :" + LabelExprText(*n.label_expr) : ""));
      if (n.properties) Expr(*n.properties, ind + 2, "props");
    }
  }

  void Rel(const ParsedRelPattern& r, int ind) {
    std::string s = r.direction == PatternDirection::kLeftToRight   ? "Rel -->"
                    : r.direction == PatternDirection::kRightToLeft ? "Rel <--"
                                                                    : "Rel --";
    if (!r.variable.empty()) s += " " + r.variable;
    if (!r.types.empty()) {
      s += " :";
      for (size_t i = 0; i < r.types.size(); ++i) s += (i ? "|" : "") + r.types[i];
    }
    if (r.variable_length) {
      s += " *";
      if (r.min_hops || r.max_hops) {
        s += r.min_hops ? std::to_string(*r.min_hops) : "";
        s += "..";
        s += r.max_hops ? std::to_string(*r.max_hops) : "";
      }
    }
    Line(ind, s);
    if (r.properties) Expr(*r.properties, ind + 1, "props");
  }

  void SetItems(const std::vector<ParsedSetItem>& items, int ind) {
    for (const ParsedSetItem& i : items) {
      switch (i.kind) {
        case ParsedSetItem::Kind::kProperty:
          Line(ind, "SetProperty");
          Expr(*i.property, ind + 1, "target");
          Expr(*i.value, ind + 1, "value");
          break;
        case ParsedSetItem::Kind::kAllProperties:
          Line(ind, "SetAllProperties " + i.variable);
          Expr(*i.value, ind + 1, "value");
          break;
        case ParsedSetItem::Kind::kMergeProperties:
          Line(ind, "MergeProperties " + i.variable);
          Expr(*i.value, ind + 1, "value");
          break;
        case ParsedSetItem::Kind::kLabels:
          Line(ind, "SetLabels " + i.variable + Labels(i.labels));
          break;
      }
    }
  }

  void Projection(const ParsedProjection& p, int ind) {
    if (p.star) Line(ind, "*");
    for (const ParsedProjectionItem& item : p.items) {
      Line(ind, "Item \"" + item.expr->text + "\"" + (item.alias.empty() ? "" : " AS " + item.alias));
      Expr(*item.expr, ind + 1);
    }
    for (const ParsedSortItem& s : p.order_by) Expr(*s.expr, ind, s.ascending ? "OrderBy ASC" : "OrderBy DESC");
    if (p.skip) Expr(*p.skip, ind, "Skip");
    if (p.limit) Expr(*p.limit, ind, "Limit");
  }

  void Clause(const ParsedClause& c, int ind) {
    std::string at = At(c.position);
    switch (c.kind) {
      case ClauseKind::kMatch: {
        const auto& m = static_cast<const ParsedMatch&>(c);
        Line(ind, std::string(m.optional ? "OptionalMatch" : "Match") + at);
        for (const ParsedPatternPart& p : m.pattern) Part(p, ind + 1);
        if (m.where) Expr(*m.where, ind + 1, "Where");
        return;
      }
      case ClauseKind::kUnwind: {
        const auto& u = static_cast<const ParsedUnwind&>(c);
        Line(ind, "Unwind AS " + u.variable + at);
        Expr(*u.list, ind + 1);
        return;
      }
      case ClauseKind::kWith: {
        const auto& w = static_cast<const ParsedWith&>(c);
        Line(ind, std::string("With") + (w.projection.distinct ? " DISTINCT" : "") + at);
        Projection(w.projection, ind + 1);
        if (w.where) Expr(*w.where, ind + 1, "Where");
        return;
      }
      case ClauseKind::kReturn: {
        const auto& r = static_cast<const ParsedReturn&>(c);
        Line(ind, std::string("Return") + (r.projection.distinct ? " DISTINCT" : "") + at);
        Projection(r.projection, ind + 1);
        return;
      }
      case ClauseKind::kCreate: {
        const auto& cr = static_cast<const ParsedCreate&>(c);
        Line(ind, "Create" + at);
        for (const ParsedPatternPart& p : cr.pattern) Part(p, ind + 1);
        return;
      }
      case ClauseKind::kMerge: {
        const auto& m = static_cast<const ParsedMerge&>(c);
        Line(ind, "Merge" + at);
        Part(m.pattern, ind + 1);
        if (!m.on_create.empty()) {
          Line(ind + 1, "OnCreate");
          SetItems(m.on_create, ind + 2);
        }
        if (!m.on_match.empty()) {
          Line(ind + 1, "OnMatch");
          SetItems(m.on_match, ind + 2);
        }
        return;
      }
      case ClauseKind::kSet: {
        Line(ind, "Set" + at);
        SetItems(static_cast<const ParsedSet&>(c).items, ind + 1);
        return;
      }
      case ClauseKind::kRemove: {
        Line(ind, "Remove" + at);
        for (const ParsedRemoveItem& i : static_cast<const ParsedRemove&>(c).items) {
          if (i.kind == ParsedRemoveItem::Kind::kLabels) {
            Line(ind + 1, "RemoveLabels " + i.variable + Labels(i.labels));
          } else {
            Expr(*i.property, ind + 1, "RemoveProperty");
          }
        }
        return;
      }
      case ClauseKind::kDelete: {
        const auto& d = static_cast<const ParsedDelete&>(c);
        Line(ind, std::string(d.detach ? "DetachDelete" : "Delete") + at);
        for (const ExprPtr& t : d.targets) Expr(*t, ind + 1);
        return;
      }
      case ClauseKind::kCall: {
        const auto& call = static_cast<const ParsedCall&>(c);
        Line(ind, "Call " + call.procedure + (call.implicit_args ? " (implicit args)" : "") + at);
        for (const ExprPtr& a : call.args) Expr(*a, ind + 1, "arg");
        if (call.yield_star) Line(ind + 1, "Yield *");
        for (const ParsedYieldItem& y : call.yields) {
          Line(ind + 1, "Yield " + y.name + (y.alias.empty() ? "" : " AS " + y.alias));
        }
        if (call.where) Expr(*call.where, ind + 1, "Where");
        return;
      }
      case ClauseKind::kForeach: {
        const auto& f = static_cast<const ParsedForeach&>(c);
        Line(ind, "Foreach " + f.variable + at);
        Expr(*f.list, ind + 1, "In");
        for (const ClausePtr& inner : f.body->clauses) Clause(*inner, ind + 1);
        return;
      }
      case ClauseKind::kCallSubquery: {
        const auto& cs = static_cast<const ParsedCallSubquery&>(c);
        std::string scope;
        if (cs.has_scope) {
          scope = " (";
          if (cs.scope_star) scope += "*";
          for (size_t i = 0; i < cs.scope.size(); ++i) scope += (i ? ", " : "") + cs.scope[i];
          scope += ")";
        }
        Line(ind, "CallSubquery" + scope + at);
        for (size_t i = 0; i < cs.query->parts.size(); ++i) {
          if (i) Line(ind + 1, cs.query->union_all[i - 1] ? "UnionAll" : "Union");
          SingleQuery(cs.query->parts[i], ind + 1);
        }
        return;
      }
    }
  }

  std::string* out_;
};

}  // namespace

ParsedQuery ParseQuery(std::string_view text) {
  Parser parser(text);
  return parser.ParseStatement();
}

ExprPtr ParseExpression(std::string_view text) {
  Parser parser(text);
  return parser.ParseStandaloneExpression();
}

std::string DumpQuery(const ParsedQuery& query) {
  std::string out;
  Dumper(&out).Query(query);
  return out;
}

std::string DumpExpression(const ParsedExpression& expr, int indent) {
  std::string out;
  Dumper(&out).Expr(expr, indent / 2);
  return out;
}

}  // namespace trendgraph::query
