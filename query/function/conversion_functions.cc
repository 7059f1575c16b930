// Type conversions: toString, toInteger, toFloat, toBoolean, their ...OrNull
// forms and the ...List forms. A string that does not parse converts to null;
// a value of a kind that cannot convert at all is a TypeError (the OrNull
// forms return null instead).
#include <charconv>
#include <cmath>
#include <optional>
#include <string>

#include "query/function/function_util.h"

namespace trendgraph::query::internal {

namespace {

std::string_view TrimAscii(std::string_view s) {
  auto sp = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  while (!s.empty() && sp(s.front())) s.remove_prefix(1);
  while (!s.empty() && sp(s.back())) s.remove_suffix(1);
  return s;
}

// A float literal as Java's Double.parseDouble reads it (surrounding
// whitespace allowed, optional sign, NaN/Infinity).
std::optional<double> ParseFloat(std::string_view s) {
  s = TrimAscii(s);
  if (s.empty()) return std::nullopt;
  bool neg = false;
  std::string_view body = s;
  if (body.front() == '+' || body.front() == '-') {
    neg = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body == "NaN") return std::nan("");
  if (body == "Infinity") return neg ? -HUGE_VAL : HUGE_VAL;
  if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body.front())) || body.front() == '.'))
    return std::nullopt;
  double d = 0;
  auto res = std::from_chars(body.data(), body.data() + body.size(), d, std::chars_format::general);
  if (res.ec == std::errc::result_out_of_range) {
    // Overflow to infinity / underflow to zero like Java.
    bool tiny = body.find_first_of("eE") != std::string_view::npos &&
                body[body.find_first_of("eE") + 1] == '-';
    d = tiny ? 0.0 : HUGE_VAL;
  } else if (res.ec != std::errc() || res.ptr != body.data() + body.size()) {
    return std::nullopt;
  }
  return neg ? -d : d;
}

// Integer from a string: exact for integer literals, else via a decimal
// number truncated toward zero ('2.9' -> 2, '1e3' -> 1000). Out of range or
// not a number -> nullopt.
std::optional<int64_t> ParseInteger(std::string_view s) {
  int64_t v = 0;
  std::string_view body = s;
  if (!body.empty() && body.front() == '+') body.remove_prefix(1);
  if (!body.empty()) {
    auto res = std::from_chars(body.data(), body.data() + body.size(), v);
    if (res.ec == std::errc() && res.ptr == body.data() + body.size()) return v;
  }
  std::optional<double> d = ParseFloat(s);
  if (!d || !std::isfinite(*d)) return std::nullopt;
  double t = std::trunc(*d);
  if (t < -9223372036854775808.0 || t >= 9223372036854775808.0) return std::nullopt;
  return static_cast<int64_t>(t);
}

bool IsEntity(const Value& v) { return v.is_node() || v.is_rel() || v.is_path(); }

// Each converter sets *out to the converted value (null for an unconvertible
// value of a convertible kind) and returns false when the kind itself is
// wrong. (Not std::optional<Value>: GCC 12 -O3 warns falsely on moving it.)
bool ConvertToString(const Value& v, Value* out) {
  switch (v.type()) {
    case Value::Type::kNull: *out = Value(); return true;
    case Value::Type::kString: *out = v; return true;
    case Value::Type::kInt:
    case Value::Type::kDouble:
    case Value::Type::kBool:
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration: *out = Value(ToCypherString(v)); return true;
    default: return false;
  }
}

bool ConvertToInteger(const Value& v, Value* out) {
  switch (v.type()) {
    case Value::Type::kNull: *out = Value(); return true;
    case Value::Type::kInt: *out = v; return true;
    case Value::Type::kBool: *out = Value(static_cast<int64_t>(v.as_bool() ? 1 : 0)); return true;
    case Value::Type::kDouble: {
      double d = v.as_double();
      double t = std::trunc(d);
      if (!std::isfinite(d) || t < -9223372036854775808.0 || t >= 9223372036854775808.0) {
        *out = Value();
      } else {
        *out = Value(static_cast<int64_t>(t));
      }
      return true;
    }
    case Value::Type::kString: {
      std::optional<int64_t> i = ParseInteger(v.as_string());
      *out = i ? Value(*i) : Value();
      return true;
    }
    default: return false;
  }
}

bool ConvertToFloat(const Value& v, Value* out) {
  switch (v.type()) {
    case Value::Type::kNull: *out = Value(); return true;
    case Value::Type::kDouble: *out = v; return true;
    case Value::Type::kInt: *out = Value(static_cast<double>(v.as_int())); return true;
    case Value::Type::kString: {
      std::optional<double> d = ParseFloat(v.as_string());
      *out = d ? Value(*d) : Value();
      return true;
    }
    default: return false;
  }
}

bool ConvertToBoolean(const Value& v, Value* out) {
  switch (v.type()) {
    case Value::Type::kNull: *out = Value(); return true;
    case Value::Type::kBool: *out = v; return true;
    case Value::Type::kInt: *out = Value(v.as_int() != 0); return true;
    case Value::Type::kString: {
      std::string_view s = TrimAscii(v.as_string());
      auto ieq = [&](std::string_view w) {
        if (s.size() != w.size()) return false;
        for (size_t i = 0; i < s.size(); ++i)
          if (std::tolower(static_cast<unsigned char>(s[i])) != w[i]) return false;
        return true;
      };
      if (ieq("true")) {
        *out = Value(true);
      } else if (ieq("false")) {
        *out = Value(false);
      } else {
        *out = Value();
      }
      return true;
    }
    default: return false;
  }
}

using Converter = bool (*)(const Value&, Value*);

template <Converter C>
Value Strict(const char* name, const char* expected, const Value* a) {
  Value r;
  if (!C(a[0], &r)) ThrowArgType(name, 0, expected, a[0]);
  return r;
}

template <Converter C>
Value OrNull(const Value* a) {
  Value r;
  if (!C(a[0], &r)) return Value();
  return r;
}

template <Converter C>
Value ListOf(const char* name, const Value* a) {
  if (a[0].is_null()) return Value();
  if (!a[0].is_list()) ThrowArgType(name, 0, "a List", a[0]);
  Value::List out;
  out.reserve(a[0].as_list().size());
  for (const Value& e : a[0].as_list()) {
    Value r;
    if (IsEntity(e) || !C(e, &r)) r = Value();
    out.push_back(std::move(r));
  }
  return Value(std::move(out));
}

Value FnToString(const Value* a, size_t, FunctionContext&) {
  return Strict<ConvertToString>("toString", "a number, boolean, string or temporal value", a);
}
Value FnToInteger(const Value* a, size_t, FunctionContext&) {
  return Strict<ConvertToInteger>("toInteger", "a number, boolean or string", a);
}
Value FnToFloat(const Value* a, size_t, FunctionContext&) {
  return Strict<ConvertToFloat>("toFloat", "a number or string", a);
}
Value FnToBoolean(const Value* a, size_t, FunctionContext&) {
  return Strict<ConvertToBoolean>("toBoolean", "a boolean, integer or string", a);
}
Value FnToStringOrNull(const Value* a, size_t, FunctionContext&) { return OrNull<ConvertToString>(a); }
Value FnToIntegerOrNull(const Value* a, size_t, FunctionContext&) { return OrNull<ConvertToInteger>(a); }
Value FnToFloatOrNull(const Value* a, size_t, FunctionContext&) { return OrNull<ConvertToFloat>(a); }
Value FnToBooleanOrNull(const Value* a, size_t, FunctionContext&) { return OrNull<ConvertToBoolean>(a); }
Value FnToStringList(const Value* a, size_t, FunctionContext&) { return ListOf<ConvertToString>("toStringList", a); }
Value FnToIntegerList(const Value* a, size_t, FunctionContext&) {
  return ListOf<ConvertToInteger>("toIntegerList", a);
}
Value FnToFloatList(const Value* a, size_t, FunctionContext&) { return ListOf<ConvertToFloat>("toFloatList", a); }
Value FnToBooleanList(const Value* a, size_t, FunctionContext&) {
  return ListOf<ConvertToBoolean>("toBooleanList", a);
}

// ---- x IS :: TYPE ----------------------------------------------------------
// The parser turns `x IS :: LIST<INTEGER NOT NULL>` into
// __is_type(x, 'LIST<INTEGER NOT NULL>') with the type in canonical spelling
// (Parser::ParseTypeSpec). Every type but NOTHING and `T NOT NULL` holds
// null; LIST<T> holds a list whose elements all hold T.

// Matches `v` against the type starting at spec[*pos]; advances *pos past it.
bool MatchesType(const Value& v, std::string_view spec, size_t* pos) {
  auto starts = [&](std::string_view w) { return spec.substr(*pos, w.size()) == w; };
  auto take_not_null = [&]() {
    if (starts(" NOT NULL")) {
      *pos += 9;
      return true;
    }
    return false;
  };
  static constexpr std::pair<std::string_view, Value::Type> kSimple[] = {
      {"BOOLEAN", Value::Type::kBool},          {"STRING", Value::Type::kString},
      {"INTEGER", Value::Type::kInt},           {"FLOAT", Value::Type::kDouble},
      {"DATE", Value::Type::kDate},             {"LOCAL TIME", Value::Type::kLocalTime},
      {"ZONED TIME", Value::Type::kTime},       {"LOCAL DATETIME", Value::Type::kLocalDateTime},
      {"ZONED DATETIME", Value::Type::kDateTime}, {"DURATION", Value::Type::kDuration},
      {"NODE", Value::Type::kNode},             {"RELATIONSHIP", Value::Type::kRel},
      {"PATH", Value::Type::kPath},             {"MAP", Value::Type::kMap}};
  bool match = false;
  if (starts("NOTHING")) {
    *pos += 7;
    return false;
  }
  if (starts("NULL")) {
    *pos += 4;
    return v.is_null();
  }
  if (starts("LIST<")) {
    *pos += 5;
    size_t inner = *pos;
    match = v.is_list();
    if (match) {
      for (const Value& el : v.as_list()) {
        size_t p = inner;
        if (!MatchesType(el, spec, &p)) match = false;
      }
    }
    // Skip the element type whatever the elements were.
    Value probe;
    MatchesType(probe, spec, pos);
    ++*pos;  // '>'
  } else if (starts("ANY<")) {
    *pos += 4;
    bool any = false;
    for (;;) {
      if (MatchesType(v, spec, pos) && !v.is_null()) any = true;
      if (spec[*pos] == '|') {
        ++*pos;
        continue;
      }
      ++*pos;  // '>'
      break;
    }
    match = any;
  } else if (starts("ANY")) {
    *pos += 3;
    match = true;
  } else {
    for (const auto& [name, type] : kSimple) {
      if (!starts(name)) continue;
      // "DATE" must not match the start of "DATETIME"-less names only.
      *pos += name.size();
      match = v.type() == type;
      break;
    }
  }
  bool not_null = take_not_null();
  if (v.is_null()) return !not_null;
  return match;
}

Value FnIsType(const Value* a, size_t, FunctionContext&) {
  if (!a[1].is_string()) ThrowArgType("IS ::", 1, "a type", a[1]);
  const std::string& spec = a[1].as_string();
  size_t pos = 0;
  return Value(MatchesType(a[0], spec, &pos));
}

constexpr ScalarFunctionDef kDefs[] = {
    {"__is_type", 2, 2, FnIsType, true},
    {"toString", 1, 1, FnToString, true},
    {"toInteger", 1, 1, FnToInteger, true},
    {"toFloat", 1, 1, FnToFloat, true},
    {"toBoolean", 1, 1, FnToBoolean, true},
    {"toStringOrNull", 1, 1, FnToStringOrNull, true},
    {"toIntegerOrNull", 1, 1, FnToIntegerOrNull, true},
    {"toFloatOrNull", 1, 1, FnToFloatOrNull, true},
    {"toBooleanOrNull", 1, 1, FnToBooleanOrNull, true},
    {"toStringList", 1, 1, FnToStringList, true},
    {"toIntegerList", 1, 1, FnToIntegerList, true},
    {"toFloatList", 1, 1, FnToFloatList, true},
    {"toBooleanList", 1, 1, FnToBooleanList, true},
};

}  // namespace

std::span<const ScalarFunctionDef> ConversionFunctions() { return kDefs; }

}  // namespace trendgraph::query::internal
