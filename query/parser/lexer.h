// The openCypher lexer: turns a statement into a flat vector of tokens in
// one pass, so that the parser can look ahead (and decide between a
// parenthesised expression and a pattern) without re-scanning text.
//
// Tokens point into the source text (offset + length); the caller keeps the
// text alive while it uses them. String literals and escaped names are
// validated here and decoded on demand (DecodeString / DecodeName).
//
// Errors: Tokenize throws ParserException (kSyntaxError) naming the offending
// character and its line/column: an unknown character (with its code point,
// e.g. U+2014 for an em dash), an unterminated string/name/comment, an invalid
// escape (detail InvalidUnicodeLiteral for a bad \u), a malformed number
// (detail InvalidNumberLiteral). Thread-safe: no shared state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "query/query_api.h"

namespace trendgraph::query {

enum class TokenKind : uint8_t {
  kEof,
  kIdentifier,         // name or keyword (see Token::keyword)
  kEscapedIdentifier,  // `any text`
  kInteger,            // 123, 0x1F, 0o17 (sign and range are checked by the parser)
  kFloat,              // 1.5, .5, 1e10, 1.5E-3
  kString,             // 'text' or "text", escapes still encoded
  kParameter,          // $name, $0, $`odd name` (text includes the '$')
  kLParen, kRParen, kLBracket, kRBracket, kLBrace, kRBrace,
  kComma, kDot, kDotDot, kColon, kSemicolon, kPipe,
  kEq, kNe, kLt, kGt, kLe, kGe, kRegexMatch,  // = <> < > <= >= =~
  kPlus, kMinus, kStar, kSlash, kPercent, kCaret, kPlusEq,  // + - * / % ^ +=
  kBang, kAmp,  // ! & (label expressions only)
  kConcat,      // ||
};

// Words with a meaning to the grammar, recognised case-insensitively. Whether
// a keyword may still be used as a name depends on the position (labels,
// property keys and map keys may be any word; variables may not be a reserved
// word: IsReservedWord).
enum class Keyword : uint8_t {
  kNone,
  kAll, kAllShortestPaths, kAnd, kAny, kAs, kAsc, kAscending, kBy, kCall, kCase,
  kContains, kCount, kCreate, kDelete, kDesc, kDescending, kDetach, kDistinct,
  kElse, kEnd, kEnds, kExists, kExplain, kFalse, kForeach, kIn, kIs, kLimit, kMatch,
  kMerge, kNone_, kNot, kNull, kOn, kOptional, kOr, kOrder, kProfile, kReduce,
  kRemove, kReturn, kSet, kShortestPath, kSingle, kSkip, kStarts, kThen, kTrue,
  kUnion, kUnwind, kWhen, kWhere, kWith, kXor, kYield,
};

bool IsReservedWord(Keyword k);

struct Token {
  TokenKind kind = TokenKind::kEof;
  Keyword keyword = Keyword::kNone;  // kIdentifier only
  uint32_t offset = 0;               // byte offset into the source
  uint32_t length = 0;               // bytes
  int line = 1;                      // 1-based
  int column = 1;                    // 1-based, in characters (UTF-8 code points)

  Position position() const { return Position{line, column, static_cast<int>(offset)}; }
  uint32_t end() const { return offset + length; }
};

// Tokenizes `text`; the last token is always kEof (positioned at the end).
// Comments (// to end of line, /* ... */) and whitespace are skipped.
std::vector<Token> Tokenize(std::string_view text);

// The value of a kString token: quotes removed, escapes decoded to UTF-8.
std::string DecodeString(std::string_view token_text);
// The name of a kIdentifier or kEscapedIdentifier token (`a``b` -> a`b).
std::string DecodeName(std::string_view token_text);

// A short human description of a token for error messages: "'RETURN'",
// "end of input", "')'".
std::string DescribeToken(std::string_view source, const Token& token);

}  // namespace trendgraph::query
