// String functions: toUpper, toLower, trim family, replace, substring, left,
// right, split. Positions and lengths count code points (function_util.h).
#include <string>

#include "query/function/function_util.h"

namespace trendgraph::query::internal {

namespace {

// Case mapping for the scripts our users write (ASCII, Latin-1, Latin
// Extended-A pairs, Greek, Cyrillic); other code points are unchanged.
char32_t ToUpperCp(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  if ((c >= 0xe0 && c <= 0xfe && c != 0xf7)) return c - 32;
  if (c == 0xff) return 0x178;
  if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17f) {
    bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
    if (odd_upper) return (c % 2 == 0) ? c - 1 : c;
    return (c % 2 == 1) ? c - 1 : c;
  }
  if (c >= 0x3b1 && c <= 0x3c9 && c != 0x3c2) return c - 32;
  if (c == 0x3c2) return 0x3a3;
  if (c >= 0x430 && c <= 0x44f) return c - 32;
  if (c >= 0x450 && c <= 0x45f) return c - 80;
  return c;
}

char32_t ToLowerCp(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  if ((c >= 0xc0 && c <= 0xde && c != 0xd7)) return c + 32;
  if (c == 0x178) return 0xff;
  if (c >= 0x100 && c <= 0x17f && c != 0x130 && c != 0x131 && c != 0x138 && c != 0x149 && c != 0x17f) {
    bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e);
    if (odd_upper) return (c % 2 == 1) ? c + 1 : c;
    return (c % 2 == 0) ? c + 1 : c;
  }
  if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) return c + 32;
  if (c >= 0x410 && c <= 0x42f) return c + 32;
  if (c >= 0x400 && c <= 0x40f) return c + 80;
  return c;
}

template <char32_t (*Map)(char32_t)>
std::string MapCase(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {  // ASCII fast path
      out.push_back(static_cast<char>(Map(c)));
      ++i;
      continue;
    }
    char32_t cp = Utf8Decode(s, &i);
    if (Map == ToUpperCp && cp == 0xdf) {  // ß has no one-letter capital: "SS" (Java's toUpperCase)
      out += "SS";
      continue;
    }
    Utf8Append(&out, Map(cp));
  }
  return out;
}

Value FnToUpper(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  return Value(MapCase<ToUpperCp>(StringArg("toUpper", a, 0)));
}

Value FnToLower(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  return Value(MapCase<ToLowerCp>(StringArg("toLower", a, 0)));
}

bool IsSpace(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

enum class TrimSide { kBoth, kLeft, kRight };

template <TrimSide side>
Value FnTrim(const Value* a, size_t, FunctionContext&) {
  static constexpr const char* kName = side == TrimSide::kBoth ? "trim" : (side == TrimSide::kLeft ? "lTrim" : "rTrim");
  if (a[0].is_null()) return Value();
  const std::string& s = StringArg(kName, a, 0);
  size_t b = 0, e = s.size();
  if (side != TrimSide::kRight)
    while (b < e && IsSpace(static_cast<unsigned char>(s[b]))) ++b;
  if (side != TrimSide::kLeft)
    while (e > b && IsSpace(static_cast<unsigned char>(s[e - 1]))) --e;
  return Value(s.substr(b, e - b));
}

Value FnReplace(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null() || a[1].is_null() || a[2].is_null()) return Value();
  const std::string& s = StringArg("replace", a, 0);
  const std::string& from = StringArg("replace", a, 1);
  const std::string& to = StringArg("replace", a, 2);
  std::string out;
  if (from.empty()) {
    // Like Java's String.replace: the replacement goes between every
    // character and at both ends.
    out.reserve(s.size() + to.size() * (s.size() + 1));
    out += to;
    size_t i = 0;
    while (i < s.size()) {
      size_t len = Utf8SeqLen(static_cast<unsigned char>(s[i]));
      out.append(s, i, len);
      out += to;
      i += len;
    }
    return Value(std::move(out));
  }
  out.reserve(s.size());
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string::npos) break;
    out.append(s, pos, hit - pos);
    out += to;
    pos = hit + from.size();
  }
  out.append(s, pos, std::string::npos);
  return Value(std::move(out));
}

// A non-negative integer position/length argument.
int64_t CountArg(std::string_view fn, const Value* a, size_t i, const char* what) {
  if (a[i].is_null()) ThrowArgValue(fn, std::string(what) + " must not be null");
  int64_t v = IntArg(fn, a, i);
  if (v < 0) ThrowArgValue(fn, std::string(what) + " must not be negative, got " + std::to_string(v));
  return v;
}

Value FnSubstring(const Value* a, size_t n, FunctionContext&) {
  if (a[0].is_null()) return Value();
  const std::string& s = StringArg("substring", a, 0);
  int64_t start = CountArg("substring", a, 1, "start");
  size_t b = Utf8Advance(s, 0, start);
  if (n < 3) return Value(s.substr(b));
  int64_t len = CountArg("substring", a, 2, "length");
  size_t e = Utf8Advance(s, b, len);
  return Value(s.substr(b, e - b));
}

Value FnLeft(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  const std::string& s = StringArg("left", a, 0);
  int64_t len = CountArg("left", a, 1, "length");
  return Value(s.substr(0, Utf8Advance(s, 0, len)));
}

Value FnRight(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  const std::string& s = StringArg("right", a, 0);
  int64_t len = CountArg("right", a, 1, "length");
  int64_t total = Utf8Length(s);
  if (len >= total) return a[0];
  return Value(s.substr(Utf8Advance(s, 0, total - len)));
}

Value FnSplit(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null() || a[1].is_null()) return Value();
  const std::string& s = StringArg("split", a, 0);
  Value::List out;
  // The delimiter is a string or (Neo4j 5) a list of strings.
  std::vector<std::string_view> delims;
  if (a[1].is_list()) {
    for (const Value& d : a[1].as_list()) {
      if (d.is_null()) return Value();
      if (!d.is_string()) ThrowArgType("split", 1, "a String or a list of Strings", d);
      delims.push_back(d.as_string());
    }
  } else {
    delims.push_back(StringArg("split", a, 1));
  }
  bool all_empty = true;
  for (std::string_view d : delims) all_empty = all_empty && d.empty();
  if (all_empty) {
    // Splitting on '' gives the characters.
    size_t i = 0;
    while (i < s.size()) {
      size_t len = Utf8SeqLen(static_cast<unsigned char>(s[i]));
      out.emplace_back(s.substr(i, len));
      i += len;
    }
    return Value(std::move(out));
  }
  size_t pos = 0, piece = 0;
  while (pos <= s.size()) {
    size_t best = std::string::npos, best_len = 0;
    for (std::string_view d : delims) {
      if (d.empty()) continue;
      size_t hit = s.find(d, pos);
      if (hit < best || (hit == best && d.size() > best_len)) {
        best = hit;
        best_len = d.size();
      }
    }
    if (best == std::string::npos) break;
    out.emplace_back(s.substr(piece, best - piece));
    pos = piece = best + best_len;
  }
  out.emplace_back(s.substr(piece));
  return Value(std::move(out));
}

constexpr ScalarFunctionDef kDefs[] = {
    {"toUpper", 1, 1, FnToUpper, true},
    {"upper", 1, 1, FnToUpper, true},
    {"toLower", 1, 1, FnToLower, true},
    {"lower", 1, 1, FnToLower, true},
    {"trim", 1, 1, FnTrim<TrimSide::kBoth>, true},
    {"btrim", 1, 1, FnTrim<TrimSide::kBoth>, true},
    {"lTrim", 1, 1, FnTrim<TrimSide::kLeft>, true},
    {"rTrim", 1, 1, FnTrim<TrimSide::kRight>, true},
    {"replace", 3, 3, FnReplace, true},
    {"substring", 2, 3, FnSubstring, true},
    {"left", 2, 2, FnLeft, true},
    {"right", 2, 2, FnRight, true},
    {"split", 2, 2, FnSplit, true},
};

}  // namespace

std::span<const ScalarFunctionDef> StringFunctions() { return kDefs; }

}  // namespace trendgraph::query::internal
