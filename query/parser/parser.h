// The openCypher parser: a hand-written recursive-descent parser over the
// token vector of lexer.h (precedence climbing for expressions). ParseQuery
// and DumpQuery (declared in ast.h) are its main entry points; this header
// adds the expression-level entry points the tests and later stages use.
//
// Precedence, lowest first: OR < XOR < AND < NOT < comparison (= <> < > <=
// >=, chainable) < STARTS WITH / ENDS WITH / CONTAINS / =~ / IN / IS [NOT]
// NULL < + - < * / % < ^ (left-associative) < unary + - < postfix (.key,
// [i], [a..b], :Label).
//
// Besides the grammar, the parser raises the SyntaxErrors the openCypher TCK
// expects from purely syntactic rules (the QueryError detail names them):
// IntegerOverflow, FloatingPointOverflow, InvalidNumberLiteral,
// InvalidUnicodeLiteral, InvalidUnicodeCharacter, UnexpectedSyntax (e.g. a
// pattern used as an expression outside WHERE, YIELD * in a query with other
// clauses), InvalidClauseComposition (UNION mixed with UNION ALL, updates in
// EXISTS { }, a query ending in MATCH/WITH/UNWIND, clauses after RETURN),
// InvalidParameterUse (MATCH (n $map)), NoSingleRelationshipType,
// RequiresDirectedRelationship and CreatingVarLength (CREATE/MERGE),
// InvalidDelete (DELETE n:Label), RelationshipUniquenessViolation (the same
// relationship variable twice in one MATCH pattern).
// Name resolution (UndefinedVariable, VariableAlreadyBound, ...) is the
// binder's job.
//
// Thread-safety: stateless functions; safe to call concurrently.
#pragma once

#include <string>
#include <string_view>

#include "query/parser/ast.h"

namespace trendgraph::query {

// The deepest nesting (parentheses, lists, maps, subqueries, NOT/unary
// chains) accepted; deeper input is a SyntaxError rather than a stack
// overflow.
inline constexpr int kMaxNestingDepth = 500;

// The tallest expression tree accepted (ParsedExpression::height). Bounds the
// recursion of every later stage, including left-deep operator chains that
// the parser builds without recursing (a OR b OR c ...: one level each).
inline constexpr int kMaxExpressionHeight = 2000;

// Parses one standalone expression (the whole text must be the expression).
// Throws ParserException like ParseQuery. Pattern predicates are accepted.
ExprPtr ParseExpression(std::string_view text);

// Renders one expression tree the way DumpQuery does (indent = leading
// spaces of the first line).
std::string DumpExpression(const ParsedExpression& expr, int indent = 0);

}  // namespace trendgraph::query
