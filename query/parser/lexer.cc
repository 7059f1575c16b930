#include "query/parser/lexer.h"

#include <cstdio>
#include <cstring>

#include "query/query_exception.h"

namespace trendgraph::query {

namespace {

struct KeywordEntry {
  constexpr KeywordEntry(const char* u, Keyword k) : upper(u), length(Length(u)), keyword(k) {}
  static constexpr size_t Length(const char* s) {
    size_t n = 0;
    while (s[n] != 0) ++n;
    return n;
  }
  const char* upper;
  size_t length;
  Keyword keyword;
};

// Grouped by length so that a lookup compares against a handful of words.
constexpr KeywordEntry kKeywords[] = {
    {"AS", Keyword::kAs},         {"BY", Keyword::kBy},
    {"IN", Keyword::kIn},         {"IS", Keyword::kIs},
    {"ON", Keyword::kOn},         {"OR", Keyword::kOr},
    {"ALL", Keyword::kAll},       {"AND", Keyword::kAnd},
    {"ANY", Keyword::kAny},       {"ASC", Keyword::kAsc},
    {"END", Keyword::kEnd},       {"NOT", Keyword::kNot},
    {"SET", Keyword::kSet},       {"XOR", Keyword::kXor},
    {"CALL", Keyword::kCall},     {"CASE", Keyword::kCase},
    {"DESC", Keyword::kDesc},     {"ELSE", Keyword::kElse},
    {"ENDS", Keyword::kEnds},     {"NONE", Keyword::kNone_},
    {"NULL", Keyword::kNull},     {"SKIP", Keyword::kSkip},
    {"THEN", Keyword::kThen},     {"TRUE", Keyword::kTrue},
    {"WHEN", Keyword::kWhen},     {"WITH", Keyword::kWith},
    {"COUNT", Keyword::kCount},   {"FALSE", Keyword::kFalse},
    {"LIMIT", Keyword::kLimit},   {"MATCH", Keyword::kMatch},
    {"MERGE", Keyword::kMerge},   {"ORDER", Keyword::kOrder},
    {"UNION", Keyword::kUnion},   {"WHERE", Keyword::kWhere},
    {"YIELD", Keyword::kYield},   {"CREATE", Keyword::kCreate},
    {"DELETE", Keyword::kDelete}, {"DETACH", Keyword::kDetach},
    {"EXISTS", Keyword::kExists}, {"REDUCE", Keyword::kReduce},
    {"FOREACH", Keyword::kForeach},
    {"REMOVE", Keyword::kRemove}, {"RETURN", Keyword::kReturn},
    {"SINGLE", Keyword::kSingle}, {"STARTS", Keyword::kStarts},
    {"UNWIND", Keyword::kUnwind}, {"EXPLAIN", Keyword::kExplain},
    {"PROFILE", Keyword::kProfile}, {"CONTAINS", Keyword::kContains},
    {"DISTINCT", Keyword::kDistinct}, {"OPTIONAL", Keyword::kOptional},
    {"ASCENDING", Keyword::kAscending}, {"DESCENDING", Keyword::kDescending},
    {"SHORTESTPATH", Keyword::kShortestPath}, {"ALLSHORTESTPATHS", Keyword::kAllShortestPaths},
};
constexpr size_t kMaxKeywordLength = 16;

Keyword LookupKeyword(std::string_view word) {
  if (word.size() < 2 || word.size() > kMaxKeywordLength) return Keyword::kNone;
  char upper[kMaxKeywordLength];
  for (size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    upper[i] = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  for (const KeywordEntry& e : kKeywords) {
    if (e.length == word.size() && e.upper[0] == upper[0] && std::memcmp(e.upper, upper, word.size()) == 0) {
      return e.keyword;
    }
  }
  return Keyword::kNone;
}

[[noreturn]] void Fail(const std::string& what, int line, int column, int offset, const char* detail) {
  throw ParserException(MakeError(ErrorCode::kSyntaxError,
                                  what + " at line " + std::to_string(line) + ", column " + std::to_string(column),
                                  Position{line, column, offset}, detail));
}

// Decodes one UTF-8 sequence at text[i]; returns the code point and sets
// *len. Invalid bytes decode as U+FFFD with length 1.
uint32_t DecodeUtf8(std::string_view text, size_t i, size_t* len) {
  auto b = static_cast<unsigned char>(text[i]);
  auto cont = [&](size_t k) -> int {
    if (i + k >= text.size()) return -1;
    auto c = static_cast<unsigned char>(text[i + k]);
    return (c & 0xC0) == 0x80 ? (c & 0x3F) : -1;
  };
  if (b < 0x80) { *len = 1; return b; }
  if ((b & 0xE0) == 0xC0) {
    int c1 = cont(1);
    if (c1 >= 0) { *len = 2; return ((b & 0x1Fu) << 6) | static_cast<uint32_t>(c1); }
  } else if ((b & 0xF0) == 0xE0) {
    int c1 = cont(1), c2 = cont(2);
    if (c1 >= 0 && c2 >= 0) { *len = 3; return ((b & 0x0Fu) << 12) | (static_cast<uint32_t>(c1) << 6) | static_cast<uint32_t>(c2); }
  } else if ((b & 0xF8) == 0xF0) {
    int c1 = cont(1), c2 = cont(2), c3 = cont(3);
    if (c1 >= 0 && c2 >= 0 && c3 >= 0) {
      *len = 4;
      return ((b & 0x07u) << 18) | (static_cast<uint32_t>(c1) << 12) | (static_cast<uint32_t>(c2) << 6) |
             static_cast<uint32_t>(c3);
    }
  }
  *len = 1;
  return 0xFFFD;
}

bool IsUnicodeSpace(uint32_t cp) {
  return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 ||
         cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

// Non-ASCII code points that may appear in a name: letters of any script.
// Punctuation, symbols and dashes are refused so that a pasted em dash or
// curly quote is reported as such rather than glued into a name.
bool IsUnicodeNameChar(uint32_t cp) {
  if (cp == 0xFFFD) return false;
  if (cp >= 0x0080 && cp <= 0x00BF) return cp == 0xAA || cp == 0xB5 || cp == 0xBA;
  if (cp == 0x00D7 || cp == 0x00F7) return false;
  if (cp >= 0x2000 && cp <= 0x2BFF) return false;  // punctuation, arrows, math, symbols
  if (cp >= 0x3000 && cp <= 0x303F) return false;  // CJK punctuation
  if (cp >= 0xFE30 && cp <= 0xFE4F) return false;
  if (cp >= 0xFF00 && cp <= 0xFF0F) return false;  // fullwidth punctuation
  if (cp >= 0x1F000) return false;                 // emoji and pictographs
  return true;
}

inline bool IsAsciiNameStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : text_(text) {}

  std::vector<Token> Run() {
    std::vector<Token> tokens;
    tokens.reserve(text_.size() / 4 + 8);
    while (true) {
      SkipSpaceAndComments();
      Token t;
      t.offset = static_cast<uint32_t>(pos_);
      t.line = line_;
      t.column = Column(pos_);
      if (pos_ >= text_.size()) {
        t.kind = TokenKind::kEof;
        tokens.push_back(t);
        return tokens;
      }
      LexOne(&t);
      t.length = static_cast<uint32_t>(pos_ - t.offset);
      tokens.push_back(t);
    }
  }

 private:
  // Columns count characters (not UTF-8 continuation bytes) since the line
  // start. Tokens arrive in order, so the count advances from a cache and
  // the whole scan stays linear even for one very long line.
  int Column(size_t at) {
    if (at < col_offset_ || col_offset_ < line_start_) {
      col_offset_ = line_start_;
      col_ = 1;
    }
    for (; col_offset_ < at; ++col_offset_) {
      if ((static_cast<unsigned char>(text_[col_offset_]) & 0xC0) != 0x80) ++col_;
    }
    return col_;
  }

  [[noreturn]] void FailAt(size_t at, const std::string& what, const char* detail = "UnexpectedSyntax") {
    // `at` is always on the current line when this is called.
    Fail(what, line_, Column(at), static_cast<int>(at), detail);
  }

  void NewLine(size_t after) {
    ++line_;
    line_start_ = after;
  }

  void SkipSpaceAndComments() {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++pos_;
        NewLine(pos_);
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '/') {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else if (c == '/' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '*') {
        size_t start = pos_;
        int start_line = line_, start_col = Column(pos_);
        pos_ += 2;
        while (true) {
          if (pos_ + 1 >= text_.size()) {
            Fail("unterminated comment (missing '*/')", start_line, start_col, static_cast<int>(start),
                 "UnexpectedSyntax");
          }
          if (text_[pos_] == '*' && text_[pos_ + 1] == '/') {
            pos_ += 2;
            break;
          }
          if (text_[pos_] == '\n') NewLine(pos_ + 1);
          ++pos_;
        }
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        size_t len;
        uint32_t cp = DecodeUtf8(text_, pos_, &len);
        if (!IsUnicodeSpace(cp)) return;
        pos_ += len;
      } else {
        return;
      }
    }
  }

  // Consumes name characters from pos_; true if at least one was consumed.
  bool ScanNameChars() {
    size_t start = pos_;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (IsAsciiNameStart(c) || IsDigit(c)) {
        ++pos_;
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        size_t len;
        uint32_t cp = DecodeUtf8(text_, pos_, &len);
        if (!IsUnicodeNameChar(cp)) break;
        pos_ += len;
      } else {
        break;
      }
    }
    return pos_ > start;
  }

  bool AtNameStart(size_t at) const {
    if (at >= text_.size()) return false;
    char c = text_[at];
    if (IsAsciiNameStart(c)) return true;
    if (static_cast<unsigned char>(c) < 0x80) return false;
    size_t len;
    return IsUnicodeNameChar(DecodeUtf8(text_, at, &len));
  }

  void ScanEscapedName(size_t start) {
    // pos_ is on the opening backtick; `` inside stands for one backtick.
    int start_line = line_, start_col = Column(start);
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) {
        Fail("unterminated escaped name (missing '`')", start_line, start_col, static_cast<int>(start),
             "UnexpectedSyntax");
      }
      char c = text_[pos_];
      if (c == '`') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '`') {
          pos_ += 2;
          continue;
        }
        ++pos_;
        return;
      }
      if (c == '\n') NewLine(pos_ + 1);
      ++pos_;
    }
  }

  void ScanString(size_t start) {
    char quote = text_[pos_];
    int start_line = line_, start_col = Column(start);
    ++pos_;
    while (true) {
      if (pos_ >= text_.size()) {
        Fail("unterminated string literal (missing " + std::string(1, quote) + ")", start_line, start_col,
             static_cast<int>(start), "UnexpectedSyntax");
      }
      char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        return;
      }
      if (c == '\n') {
        ++pos_;
        NewLine(pos_);
        continue;
      }
      if (c != '\\') {
        ++pos_;
        continue;
      }
      size_t esc = pos_;
      if (pos_ + 1 >= text_.size()) {  // a backslash at the very end: unterminated
        ++pos_;
        continue;
      }
      char e = text_[pos_ + 1];
      switch (e) {
        case '\\': case '\'': case '"': case 'b': case 'f': case 'n': case 'r': case 't':
        case 'B': case 'F': case 'N': case 'R': case 'T':
          pos_ += 2;
          break;
        case 'u': case 'U': {
          size_t digits = e == 'u' ? 4 : 8;
          for (size_t k = 0; k < digits; ++k) {
            if (pos_ + 2 + k >= text_.size() || !IsHexDigit(text_[pos_ + 2 + k])) {
              FailAt(esc, std::string("invalid unicode escape '\\") + e + "': expected " + std::to_string(digits) +
                              " hexadecimal digits",
                     "InvalidUnicodeLiteral");
            }
          }
          pos_ += 2 + digits;
          break;
        }
        default:
          FailAt(esc, std::string("invalid escape sequence '\\") + e + "' in string literal");
      }
    }
  }

  void ScanNumber(Token* t, size_t start) {
    // Hex / octal integers.
    if (text_[pos_] == '0' && pos_ + 1 < text_.size() && (text_[pos_ + 1] == 'x' || text_[pos_ + 1] == 'o')) {
      bool hex = text_[pos_ + 1] == 'x';
      pos_ += 2;
      size_t digits_start = pos_;
      while (pos_ < text_.size() && (hex ? IsHexDigit(text_[pos_]) : (text_[pos_] >= '0' && text_[pos_] <= '7'))) ++pos_;
      if (pos_ == digits_start || AtNameStart(pos_) || (pos_ < text_.size() && IsDigit(text_[pos_]))) {
        size_t end = pos_;
        ScanNameChars();
        FailAt(start, "invalid " + std::string(hex ? "hexadecimal" : "octal") + " integer literal '" +
                          std::string(text_.substr(start, pos_ - start)) + "'",
               "InvalidNumberLiteral");
        (void)end;
      }
      t->kind = TokenKind::kInteger;
      return;
    }
    bool is_float = false;
    while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    // A '.' starts a fraction only if a digit follows ("1..3" is a range).
    if (pos_ + 1 < text_.size() && text_[pos_] == '.' && IsDigit(text_[pos_ + 1])) {
      is_float = true;
      ++pos_;
      while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      size_t k = pos_ + 1;
      if (k < text_.size() && (text_[k] == '+' || text_[k] == '-')) ++k;
      if (k < text_.size() && IsDigit(text_[k])) {
        is_float = true;
        pos_ = k;
        while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
      }
    }
    if (AtNameStart(pos_)) {
      ScanNameChars();
      FailAt(start, "invalid number literal '" + std::string(text_.substr(start, pos_ - start)) + "'",
             "InvalidNumberLiteral");
    }
    t->kind = is_float ? TokenKind::kFloat : TokenKind::kInteger;
  }

  void LexOne(Token* t) {
    size_t start = pos_;
    char c = text_[pos_];
    auto next_is = [&](char n) { return pos_ + 1 < text_.size() && text_[pos_ + 1] == n; };
    auto single = [&](TokenKind k) {
      t->kind = k;
      ++pos_;
    };
    auto twice = [&](TokenKind k) {
      t->kind = k;
      pos_ += 2;
    };
    if (IsAsciiNameStart(c)) {
      ScanNameChars();
      t->kind = TokenKind::kIdentifier;
      t->keyword = LookupKeyword(text_.substr(start, pos_ - start));
      return;
    }
    if (IsDigit(c) || (c == '.' && pos_ + 1 < text_.size() && IsDigit(text_[pos_ + 1]))) {
      ScanNumber(t, start);
      return;
    }
    switch (c) {
      case '`':
        ScanEscapedName(start);
        t->kind = TokenKind::kEscapedIdentifier;
        return;
      case '\'':
      case '"':
        ScanString(start);
        t->kind = TokenKind::kString;
        return;
      case '$':
        ++pos_;
        if (pos_ < text_.size() && text_[pos_] == '`') {
          ScanEscapedName(pos_);
        } else if (pos_ < text_.size() && IsDigit(text_[pos_])) {
          while (pos_ < text_.size() && IsDigit(text_[pos_])) ++pos_;
        } else if (!ScanNameChars()) {
          FailAt(start, "expected a parameter name after '$'");
        }
        t->kind = TokenKind::kParameter;
        return;
      case '(': return single(TokenKind::kLParen);
      case ')': return single(TokenKind::kRParen);
      case '[': return single(TokenKind::kLBracket);
      case ']': return single(TokenKind::kRBracket);
      case '{': return single(TokenKind::kLBrace);
      case '}': return single(TokenKind::kRBrace);
      case ',': return single(TokenKind::kComma);
      case ';': return single(TokenKind::kSemicolon);
      case '|': return next_is('|') ? twice(TokenKind::kConcat) : single(TokenKind::kPipe);
      case ':': return single(TokenKind::kColon);
      case '.': return next_is('.') ? twice(TokenKind::kDotDot) : single(TokenKind::kDot);
      case '=': return next_is('~') ? twice(TokenKind::kRegexMatch) : single(TokenKind::kEq);
      case '<':
        if (next_is('>')) return twice(TokenKind::kNe);
        if (next_is('=')) return twice(TokenKind::kLe);
        return single(TokenKind::kLt);
      case '>': return next_is('=') ? twice(TokenKind::kGe) : single(TokenKind::kGt);
      case '!':
        if (next_is('=')) FailAt(start, "unknown operator '!=': use '<>' for inequality");
        return single(TokenKind::kBang);
      case '&': return single(TokenKind::kAmp);
      case '+': return next_is('=') ? twice(TokenKind::kPlusEq) : single(TokenKind::kPlus);
      case '-': return single(TokenKind::kMinus);
      case '*': return single(TokenKind::kStar);
      case '/': return single(TokenKind::kSlash);
      case '%': return single(TokenKind::kPercent);
      case '^': return single(TokenKind::kCaret);
      default:
        break;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      size_t len;
      uint32_t cp = DecodeUtf8(text_, pos_, &len);
      if (IsUnicodeNameChar(cp)) {
        ScanNameChars();
        t->kind = TokenKind::kIdentifier;
        return;
      }
      char buf[16];
      std::snprintf(buf, sizeof buf, "U+%04X", cp);
      FailAt(start, "invalid character '" + std::string(text_.substr(start, len)) + "' (" + buf + ")",
             "InvalidUnicodeCharacter");
    }
    if (static_cast<unsigned char>(c) < 0x20) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
      FailAt(start, std::string("invalid control character (") + buf + ")");
    }
    FailAt(start, std::string("unexpected character '") + c + "'");
  }

  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 1;
  size_t line_start_ = 0;
  size_t col_offset_ = 0;  // Column() cache: the column of col_offset_ is col_
  int col_ = 1;
};

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

uint32_t ParseHex(std::string_view s) {
  uint32_t v = 0;
  for (char c : s) {
    v <<= 4;
    if (c >= '0' && c <= '9') v |= static_cast<uint32_t>(c - '0');
    else if (c >= 'a' && c <= 'f') v |= static_cast<uint32_t>(c - 'a' + 10);
    else v |= static_cast<uint32_t>(c - 'A' + 10);
  }
  return v;
}

}  // namespace

bool IsReservedWord(Keyword k) {
  switch (k) {
    case Keyword::kNone:
    case Keyword::kAllShortestPaths:
    case Keyword::kAny:
    case Keyword::kCount:
    case Keyword::kExplain:
    case Keyword::kForeach:
    case Keyword::kNone_:
    case Keyword::kProfile:
    case Keyword::kReduce:
    case Keyword::kShortestPath:
    case Keyword::kSingle:
      return false;
    default:
      return true;
  }
}

std::vector<Token> Tokenize(std::string_view text) { return Lexer(text).Run(); }

std::string DecodeString(std::string_view tok) {
  std::string out;
  if (tok.size() < 2) return out;
  std::string_view body = tok.substr(1, tok.size() - 2);
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out.push_back(c);
      continue;
    }
    char e = body[++i];
    switch (e) {
      case 'b': case 'B': out.push_back('\b'); break;
      case 'f': case 'F': out.push_back('\f'); break;
      case 'n': case 'N': out.push_back('\n'); break;
      case 'r': case 'R': out.push_back('\r'); break;
      case 't': case 'T': out.push_back('\t'); break;
      case 'u':
      case 'U': {
        size_t digits = e == 'u' ? 4 : 8;
        uint32_t cp = ParseHex(body.substr(i + 1, digits));
        i += digits;
        // A UTF-16 surrogate pair written as two \u escapes is one character.
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < body.size() && body[i + 1] == '\\' && body[i + 2] == 'u') {
          uint32_t lo = ParseHex(body.substr(i + 3, 4));
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) cp = 0xFFFD;
        AppendUtf8(cp, &out);
        break;
      }
      default: out.push_back(e); break;  // \\ \' \"
    }
  }
  return out;
}

std::string DecodeName(std::string_view tok) {
  if (tok.empty() || tok.front() != '`') return std::string(tok);
  std::string out;
  std::string_view body = tok.substr(1, tok.size() - 2);
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    out.push_back(body[i]);
    if (body[i] == '`') ++i;  // `` -> `
  }
  return out;
}

std::string DescribeToken(std::string_view source, const Token& token) {
  if (token.kind == TokenKind::kEof) return "end of input";
  std::string_view text = source.substr(token.offset, token.length);
  bool cut = text.size() > 40;
  if (cut) text = text.substr(0, 37);
  std::string out;
  out.reserve(text.size() + 5);
  out.push_back('\'');
  out.append(text);
  if (cut) out.append("...");
  out.push_back('\'');
  return out;
}

}  // namespace trendgraph::query
