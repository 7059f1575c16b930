#include "query/expression/value_ops.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <functional>
#include <memory>
#include <regex>
#include <string>

#include "query/expression/temporal_ops.h"

namespace trendgraph::query {

using Type = Value::Type;

void ThrowValueError(ErrorCode code, std::string message) {
  throw ExecutorException(MakeError(code, std::move(message)));
}

void ThrowTypeMismatch(std::string_view what, const Value& got) {
  std::string msg(what);
  msg += ", got ";
  msg += Value::TypeName(got.type());
  if (!got.is_node() && !got.is_rel() && !got.is_path()) {
    std::string shown = got.DebugString();
    if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
    msg += " " + shown;
  }
  ThrowValueError(ErrorCode::kTypeError, std::move(msg));
}

// ---------------------------------------------------------------------------
// Numbers

namespace {

// Exact comparison of an integer with a (non-NaN) double: converting the
// integer to double would conflate 2^53 + 1 with 2^53.
int CompareIntDouble(int64_t i, double d) {
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  double t = std::trunc(d);
  int64_t ti = static_cast<int64_t>(t);
  if (i < ti) return -1;
  if (i > ti) return 1;
  if (d > t) return -1;
  if (d < t) return 1;
  return 0;
}

// Numeric comparison of two numbers, neither NaN.
int CompareNumbers(const Value& a, const Value& b) {
  if (a.is_int() && b.is_int()) {
    int64_t x = a.as_int(), y = b.as_int();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a.is_int()) return CompareIntDouble(a.as_int(), b.as_double());
  if (b.is_int()) return -CompareIntDouble(b.as_int(), a.as_double());
  double x = a.as_double(), y = b.as_double();
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool IsNaN(const Value& v) { return v.is_double() && std::isnan(v.as_double()); }

int CompareBytes(const std::string& a, const std::string& b) {
  // UTF-8 byte order is code point order.
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

template <typename T>
int Cmp3(T a, T b) {
  return a < b ? -1 : (a > b ? 1 : 0);
}

// Temporal values of one kind in their natural order: time and datetime by
// instant (UTC), then by offset so that only identical values compare equal;
// durations by their average length (a month is 30.436875 days), then by
// their components. Callers ensure a.type() == b.type().
int CompareTemporal(const Value& a, const Value& b) {
  switch (a.type()) {
    case Type::kDate: return Cmp3(a.as_date().days, b.as_date().days);
    case Type::kLocalTime: return Cmp3(a.as_local_time().nanos, b.as_local_time().nanos);
    case Type::kTime: {
      Time x = a.as_time(), y = b.as_time();
      int64_t ux = x.nanos - int64_t{x.offset_seconds} * kNanosPerSecond;
      int64_t uy = y.nanos - int64_t{y.offset_seconds} * kNanosPerSecond;
      if (int c = Cmp3(ux, uy)) return c;
      return Cmp3(x.offset_seconds, y.offset_seconds);
    }
    case Type::kLocalDateTime: {
      LocalDateTime x = a.as_local_date_time(), y = b.as_local_date_time();
      if (int c = Cmp3(x.seconds, y.seconds)) return c;
      return Cmp3(x.nanos, y.nanos);
    }
    case Type::kDateTime: {
      DateTime x = a.as_date_time(), y = b.as_date_time();
      if (int c = Cmp3(x.seconds, y.seconds)) return c;
      if (int c = Cmp3(x.nanos, y.nanos)) return c;
      if (int c = Cmp3(x.offset_seconds, y.offset_seconds)) return c;
      if (x.zone == y.zone) return 0;
      int c = ZoneName(x.zone).compare(ZoneName(y.zone));
      return c < 0 ? -1 : (c > 0 ? 1 : 0);
    }
    case Type::kDuration: {
      Duration x = a.as_duration(), y = b.as_duration();
      // 30.436875 days = 2629746 s; in __int128 so no component overflows.
      auto length = [](const Duration& d) {
        return (static_cast<__int128>(d.months) * 2629746 + static_cast<__int128>(d.days) * kSecondsPerDay +
                d.seconds) * kNanosPerSecond + d.nanos;
      };
      if (int c = Cmp3(length(x), length(y))) return c;
      if (int c = Cmp3(x.months, y.months)) return c;
      if (int c = Cmp3(x.days, y.days)) return c;
      if (int c = Cmp3(x.seconds, y.seconds)) return c;
      return Cmp3(x.nanos, y.nanos);
    }
    default: return 0;
  }
}

// Three-valued results as a small enum while recursing, to avoid building
// Values for every element.
enum class Tri : uint8_t { kFalse, kTrue, kNull };

Tri EqualsTri(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Tri::kNull;
  if (a.is_number() && b.is_number()) {
    if (IsNaN(a) || IsNaN(b)) return Tri::kFalse;
    return CompareNumbers(a, b) == 0 ? Tri::kTrue : Tri::kFalse;
  }
  if (a.type() != b.type()) return Tri::kFalse;
  switch (a.type()) {
    case Type::kBool: return a.as_bool() == b.as_bool() ? Tri::kTrue : Tri::kFalse;
    case Type::kString: return a.as_string() == b.as_string() ? Tri::kTrue : Tri::kFalse;
    case Type::kDate:
    case Type::kLocalTime:
    case Type::kTime:
    case Type::kLocalDateTime:
    case Type::kDateTime:
    case Type::kDuration: return a.Identical(b) ? Tri::kTrue : Tri::kFalse;
    case Type::kNode: return a.as_node().id == b.as_node().id ? Tri::kTrue : Tri::kFalse;
    case Type::kRel: return a.as_rel().id == b.as_rel().id ? Tri::kTrue : Tri::kFalse;
    case Type::kPath: {
      const PathValue& x = a.as_path();
      const PathValue& y = b.as_path();
      if (x.nodes.size() != y.nodes.size() || x.rels.size() != y.rels.size()) return Tri::kFalse;
      for (size_t i = 0; i < x.nodes.size(); ++i)
        if (x.nodes[i].id != y.nodes[i].id) return Tri::kFalse;
      for (size_t i = 0; i < x.rels.size(); ++i)
        if (x.rels[i].id != y.rels[i].id) return Tri::kFalse;
      return Tri::kTrue;
    }
    case Type::kList: {
      const Value::List& x = a.as_list();
      const Value::List& y = b.as_list();
      if (x.size() != y.size()) return Tri::kFalse;
      bool saw_null = false;
      for (size_t i = 0; i < x.size(); ++i) {
        Tri t = EqualsTri(x[i], y[i]);
        if (t == Tri::kFalse) return Tri::kFalse;
        if (t == Tri::kNull) saw_null = true;
      }
      return saw_null ? Tri::kNull : Tri::kTrue;
    }
    case Type::kMap: {
      const Value::Map& x = a.as_map();
      const Value::Map& y = b.as_map();
      if (x.size() != y.size()) return Tri::kFalse;
      // Different key sets are unequal whatever the values are.
      for (auto ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy)
        if (ix->first != iy->first) return Tri::kFalse;
      bool saw_null = false;
      for (auto ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy) {
        Tri t = EqualsTri(ix->second, iy->second);
        if (t == Tri::kFalse) return Tri::kFalse;
        if (t == Tri::kNull) saw_null = true;
      }
      return saw_null ? Tri::kNull : Tri::kTrue;
    }
    default: return Tri::kFalse;
  }
}

Value FromTri(Tri t) {
  switch (t) {
    case Tri::kTrue: return Value(true);
    case Tri::kFalse: return Value(false);
    case Tri::kNull: break;
  }
  return Value();
}

}  // namespace

Value CypherEquals(const Value& a, const Value& b) { return FromTri(EqualsTri(a, b)); }

Value CypherNotEquals(const Value& a, const Value& b) {
  Tri t = EqualsTri(a, b);
  if (t == Tri::kNull) return Value();
  return Value(t == Tri::kFalse);
}

std::optional<int> CypherCompare(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return std::nullopt;
  if (a.is_number() && b.is_number()) {
    if (IsNaN(a) || IsNaN(b)) return std::nullopt;
    return CompareNumbers(a, b);
  }
  if (a.type() != b.type()) return std::nullopt;
  switch (a.type()) {
    case Type::kBool: return Cmp3<int>(a.as_bool(), b.as_bool());
    case Type::kString: return CompareBytes(a.as_string(), b.as_string());
    // Durations have no order for < and >: a month is not a fixed length.
    case Type::kDate:
    case Type::kLocalTime:
    case Type::kTime:
    case Type::kLocalDateTime:
    case Type::kDateTime: return CompareTemporal(a, b);
    case Type::kList: {
      const Value::List& x = a.as_list();
      const Value::List& y = b.as_list();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i) {
        std::optional<int> c = CypherCompare(x[i], y[i]);
        if (!c) return std::nullopt;
        if (*c != 0) return c;
      }
      return Cmp3(x.size(), y.size());
    }
    default: return std::nullopt;
  }
}

Value CypherCompareOp(CompareKind op, const Value& a, const Value& b) {
  switch (op) {
    case CompareKind::kEq: return CypherEquals(a, b);
    case CompareKind::kNe: return CypherNotEquals(a, b);
    default: break;
  }
  // NaN is a number that is neither smaller, equal nor greater than any
  // number: the comparison is false rather than unknown.
  if (a.is_number() && b.is_number() && (IsNaN(a) || IsNaN(b))) return Value(false);
  std::optional<int> c = CypherCompare(a, b);
  if (!c) return Value();
  switch (op) {
    case CompareKind::kLt: return Value(*c < 0);
    case CompareKind::kGt: return Value(*c > 0);
    case CompareKind::kLe: return Value(*c <= 0);
    case CompareKind::kGe: return Value(*c >= 0);
    default: break;
  }
  return Value();
}

// ---------------------------------------------------------------------------
// Orderability and equivalence

namespace {

// Rank of each kind in the global sort order (ascending).
int OrderRank(Type t) {
  switch (t) {
    case Type::kMap: return 0;
    case Type::kNode: return 1;
    case Type::kRel: return 2;
    case Type::kList: return 3;
    case Type::kPath: return 4;
    case Type::kDateTime: return 5;
    case Type::kLocalDateTime: return 6;
    case Type::kDate: return 7;
    case Type::kTime: return 8;
    case Type::kLocalTime: return 9;
    case Type::kDuration: return 10;
    case Type::kString: return 11;
    case Type::kBool: return 12;
    case Type::kInt:
    case Type::kDouble: return 13;
    case Type::kNull: return 14;
  }
  return 15;
}

}  // namespace

int OrderCompare(const Value& a, const Value& b) {
  int ra = OrderRank(a.type()), rb = OrderRank(b.type());
  if (ra != rb) return ra < rb ? -1 : 1;
  switch (a.type()) {
    case Type::kNull: return 0;
    case Type::kInt:
    case Type::kDouble: {
      bool na = IsNaN(a), nb = IsNaN(b);
      if (na || nb) return na == nb ? 0 : (na ? 1 : -1);
      return CompareNumbers(a, b);
    }
    case Type::kBool: return Cmp3<int>(a.as_bool(), b.as_bool());
    case Type::kString: return CompareBytes(a.as_string(), b.as_string());
    case Type::kDate:
    case Type::kLocalTime:
    case Type::kTime:
    case Type::kLocalDateTime:
    case Type::kDateTime:
    case Type::kDuration: return CompareTemporal(a, b);
    case Type::kNode: return Cmp3(a.as_node().id, b.as_node().id);
    case Type::kRel: return Cmp3(a.as_rel().id, b.as_rel().id);
    case Type::kList: {
      const Value::List& x = a.as_list();
      const Value::List& y = b.as_list();
      size_t n = std::min(x.size(), y.size());
      for (size_t i = 0; i < n; ++i)
        if (int c = OrderCompare(x[i], y[i])) return c;
      return Cmp3(x.size(), y.size());
    }
    case Type::kMap: {
      const Value::Map& x = a.as_map();
      const Value::Map& y = b.as_map();
      // Keys first (in sorted order), then values, then size.
      auto ix = x.begin(), iy = y.begin();
      for (; ix != x.end() && iy != y.end(); ++ix, ++iy) {
        int c = ix->first.compare(iy->first);
        if (c != 0) return c < 0 ? -1 : 1;
      }
      if (x.size() != y.size()) return Cmp3(x.size(), y.size());
      for (ix = x.begin(), iy = y.begin(); ix != x.end(); ++ix, ++iy)
        if (int c = OrderCompare(ix->second, iy->second)) return c;
      return 0;
    }
    case Type::kPath: {
      const PathValue& x = a.as_path();
      const PathValue& y = b.as_path();
      // Alternate node, rel, node, ... like the path's element sequence.
      size_t n = std::min(x.nodes.size(), y.nodes.size());
      for (size_t i = 0; i < n; ++i) {
        if (int c = Cmp3(x.nodes[i].id, y.nodes[i].id)) return c;
        if (i < x.rels.size() && i < y.rels.size())
          if (int c = Cmp3(x.rels[i].id, y.rels[i].id)) return c;
      }
      return Cmp3(x.nodes.size(), y.nodes.size());
    }
  }
  return 0;
}

bool Equivalent(const Value& a, const Value& b) {
  // Fast paths for the common grouping keys.
  if (a.type() == b.type()) {
    switch (a.type()) {
      case Type::kNull: return true;
      case Type::kInt: return a.as_int() == b.as_int();
      case Type::kString: return a.as_string() == b.as_string();
      case Type::kNode: return a.as_node().id == b.as_node().id;
      case Type::kRel: return a.as_rel().id == b.as_rel().id;
      case Type::kBool: return a.as_bool() == b.as_bool();
      default: break;
    }
  }
  return OrderCompare(a, b) == 0;
}

namespace {

inline size_t Mix(size_t h, size_t v) {
  // boost::hash_combine with a 64-bit constant.
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}


}  // namespace

size_t EquivalenceHash(const Value& v) {
  switch (v.type()) {
    case Type::kNull: return 0x6e756c6cULL;
    case Type::kBool: return v.as_bool() ? 0x74727565ULL : 0x66616c73ULL;
    case Type::kInt: return HashU64(static_cast<uint64_t>(v.as_int()));
    case Type::kDouble: {
      double d = v.as_double();
      if (std::isnan(d)) return 0x4e614eULL;
      // An integral double must hash like the equivalent integer.
      if (d >= -9223372036854775808.0 && d < 9223372036854775808.0 && std::trunc(d) == d)
        return HashU64(static_cast<uint64_t>(static_cast<int64_t>(d)));
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return HashU64(bits);
    }
    case Type::kString: return std::hash<std::string_view>()(v.as_string());
    case Type::kDate: return Mix(0xda7e, HashU64(static_cast<uint64_t>(v.as_date().days)));
    case Type::kLocalTime: return Mix(0x17e, HashU64(static_cast<uint64_t>(v.as_local_time().nanos)));
    case Type::kTime: {
      Time t = v.as_time();
      return Mix(Mix(0x71e, HashU64(static_cast<uint64_t>(t.nanos))), HashU64(static_cast<uint64_t>(t.offset_seconds)));
    }
    case Type::kLocalDateTime: {
      LocalDateTime t = v.as_local_date_time();
      return Mix(Mix(0x1d7, HashU64(static_cast<uint64_t>(t.seconds))), HashU64(static_cast<uint64_t>(t.nanos)));
    }
    case Type::kDateTime: {
      DateTime t = v.as_date_time();
      size_t h = Mix(Mix(0xd7, HashU64(static_cast<uint64_t>(t.seconds))), HashU64(static_cast<uint64_t>(t.nanos)));
      return Mix(Mix(h, HashU64(static_cast<uint64_t>(t.offset_seconds))), HashU64(static_cast<uint64_t>(t.zone)));
    }
    case Type::kDuration: {
      Duration d = v.as_duration();
      size_t h = Mix(Mix(0xd0, HashU64(static_cast<uint64_t>(d.months))), HashU64(static_cast<uint64_t>(d.days)));
      return Mix(Mix(h, HashU64(static_cast<uint64_t>(d.seconds))), HashU64(static_cast<uint64_t>(d.nanos)));
    }
    case Type::kNode: return Mix(0x40de, HashU64(v.as_node().id));
    case Type::kRel: return Mix(0x4e1, HashU64(v.as_rel().id));
    case Type::kList: {
      size_t h = 0x1157;
      for (const Value& e : v.as_list()) h = Mix(h, EquivalenceHash(e));
      return h;
    }
    case Type::kMap: {
      size_t h = 0x3a9;
      for (const auto& [k, e] : v.as_map()) {
        h = Mix(h, std::hash<std::string_view>()(k));
        h = Mix(h, EquivalenceHash(e));
      }
      return h;
    }
    case Type::kPath: {
      size_t h = 0x9a74;
      for (const NodeRef& n : v.as_path().nodes) h = Mix(h, HashU64(n.id));
      for (const RelRef& r : v.as_path().rels) h = Mix(h, HashU64(r.id));
      return h;
    }
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Arithmetic

namespace {

[[noreturn]] void ThrowOverflow(const char* op) {
  ThrowValueError(ErrorCode::kArgumentError, std::string("integer overflow in ") + op);
}

[[noreturn]] void ThrowBadOperands(const char* op, const Value& a, const Value& b) {
  ThrowValueError(ErrorCode::kTypeError, std::string("cannot apply ") + op + " to " +
                                             Value::TypeName(a.type()) + " and " + Value::TypeName(b.type()));
}

// Integer +, -, *, / and %: true on overflow (`r` then unset). Division
// and modulo by zero throw their own ArgumentError.
bool CheckedAdd(int64_t x, int64_t y, int64_t* r) { return __builtin_add_overflow(x, y, r); }
bool CheckedSub(int64_t x, int64_t y, int64_t* r) { return __builtin_sub_overflow(x, y, r); }
bool CheckedMul(int64_t x, int64_t y, int64_t* r) { return __builtin_mul_overflow(x, y, r); }
bool CheckedDiv(int64_t x, int64_t y, int64_t* r) {
  if (y == 0) ThrowValueError(ErrorCode::kArgumentError, "division by zero");
  if (x == INT64_MIN && y == -1) return true;
  *r = x / y;
  return false;
}
bool CheckedMod(int64_t x, int64_t y, int64_t* r) {
  if (y == 0) ThrowValueError(ErrorCode::kArgumentError, "modulo by zero");
  *r = y == -1 ? 0 : x % y;  // INT64_MIN % -1 is undefined in C++
  return false;
}

// An arithmetic operator on two numbers: two integers give an integer
// (overflow, as `int_op` reports it, is an ArgumentError naming `op`), any
// other pair a float.
template <typename FloatOp>
Value NumericArithmetic(const Value& a, const Value& b, const char* op, bool (*int_op)(int64_t, int64_t, int64_t*),
                        FloatOp float_op) {
  if (a.is_int() && b.is_int()) {
    int64_t r;
    if (int_op(a.as_int(), b.as_int(), &r)) ThrowOverflow(op);
    return Value(r);
  }
  return Value(float_op(a.as_number(), b.as_number()));
}

// Can `v` be rendered into a string by `+`? (Storable scalars only.)
bool IsConcatScalar(const Value& v) {
  switch (v.type()) {
    case Type::kBool:
    case Type::kInt:
    case Type::kDouble:
    case Type::kString:
    case Type::kDate:
    case Type::kLocalTime:
    case Type::kTime:
    case Type::kLocalDateTime:
    case Type::kDateTime:
    case Type::kDuration: return true;
    default: return false;
  }
}

}  // namespace

Value Concat(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  // `||` is `+` restricted to two strings or two lists.
  if ((a.is_string() && b.is_string()) || (a.is_list() && b.is_list())) return Add(a, b);
  ThrowBadOperands("||", a, b);
}

Value Add(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.is_number() && b.is_number()) return NumericArithmetic(a, b, "+", CheckedAdd, std::plus<>());
  if (a.is_list()) {
    Value::List out = a.as_list();
    if (b.is_list()) {
      out.insert(out.end(), b.as_list().begin(), b.as_list().end());
    } else {
      out.push_back(b);
    }
    return Value(std::move(out));
  }
  if (b.is_list()) {
    Value::List out;
    out.reserve(b.as_list().size() + 1);
    out.push_back(a);
    out.insert(out.end(), b.as_list().begin(), b.as_list().end());
    return Value(std::move(out));
  }
  if (a.is_string() && b.is_string()) {
    std::string out;
    out.reserve(a.as_string().size() + b.as_string().size());
    out += a.as_string();
    out += b.as_string();
    return Value(std::move(out));
  }
  if (a.is_duration() || b.is_duration()) {
    if (a.is_duration() && b.is_duration()) return Value(AddDurations(a.as_duration(), b.as_duration()));
    if (a.is_duration() && b.is_temporal()) return AddDurationTo(b, a.as_duration());
    if (b.is_duration() && a.is_temporal()) return AddDurationTo(a, b.as_duration());
  }
  if (a.is_string() && IsConcatScalar(b)) return Value(a.as_string() + ToCypherString(b));
  if (b.is_string() && IsConcatScalar(a)) return Value(ToCypherString(a) + b.as_string());
  ThrowBadOperands("+", a, b);
}

Value Subtract(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.is_number() && b.is_number()) return NumericArithmetic(a, b, "-", CheckedSub, std::minus<>());
  if (b.is_duration()) {
    Duration neg = NegateDuration(b.as_duration());
    if (a.is_duration()) return Value(AddDurations(a.as_duration(), neg));
    if (a.is_temporal()) return AddDurationTo(a, neg);
  }
  ThrowBadOperands("-", a, b);
}

Value Multiply(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.is_number() && b.is_number()) return NumericArithmetic(a, b, "*", CheckedMul, std::multiplies<>());
  if (a.is_duration() && b.is_number()) return Value(ScaleDuration(a.as_duration(), b.as_number(), false));
  if (b.is_duration() && a.is_number()) return Value(ScaleDuration(b.as_duration(), a.as_number(), false));
  ThrowBadOperands("*", a, b);
}

Value Divide(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.is_number() && b.is_number()) return NumericArithmetic(a, b, "/", CheckedDiv, std::divides<>());
  if (a.is_duration() && b.is_number()) {
    if (b.as_number() == 0) ThrowValueError(ErrorCode::kArgumentError, "division of a duration by zero");
    return Value(ScaleDuration(a.as_duration(), b.as_number(), true));
  }
  ThrowBadOperands("/", a, b);
}

Value Modulo(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.is_number() && b.is_number()) {
    return NumericArithmetic(a, b, "%", CheckedMod, [](double x, double y) { return std::fmod(x, y); });
  }
  ThrowBadOperands("%", a, b);
}

Value Power(const Value& a, const Value& b) {
  if (a.is_null() || b.is_null()) return Value();
  if (a.is_number() && b.is_number()) return Value(std::pow(a.as_number(), b.as_number()));
  ThrowBadOperands("^", a, b);
}

Value Negate(const Value& a) {
  if (a.is_null()) return Value();
  if (a.is_int()) {
    if (a.as_int() == INT64_MIN) ThrowOverflow("unary -");
    return Value(-a.as_int());
  }
  if (a.is_double()) {
    // -0.0 reads as 0.0 in Cypher (the TCK's "negative zero" literal is 0.0);
    // the two are equal and equivalent anyway, only their rendering differs.
    if (a.as_double() == 0.0) return Value(0.0);
    return Value(-a.as_double());
  }
  if (a.is_duration()) return Value(NegateDuration(a.as_duration()));
  ThrowTypeMismatch("unary minus expects a number", a);
}

Value UnaryPlus(const Value& a) {
  if (a.is_null() || a.is_number()) return a;
  ThrowTypeMismatch("unary plus expects a number", a);
}

// ---------------------------------------------------------------------------
// Boolean logic

namespace {

// -1 = null, 0 = false, 1 = true; TypeError for other kinds.
int BoolOperand(const Value& v, const char* op) {
  if (v.is_null()) return -1;
  if (v.is_bool()) return v.as_bool() ? 1 : 0;
  ThrowTypeMismatch(std::string(op) + " expects boolean operands", v);
}

}  // namespace

Value And(const Value& a, const Value& b) {
  int x = BoolOperand(a, "AND"), y = BoolOperand(b, "AND");
  if (x == 0 || y == 0) return Value(false);
  if (x < 0 || y < 0) return Value();
  return Value(true);
}

Value Or(const Value& a, const Value& b) {
  int x = BoolOperand(a, "OR"), y = BoolOperand(b, "OR");
  if (x == 1 || y == 1) return Value(true);
  if (x < 0 || y < 0) return Value();
  return Value(false);
}

Value Xor(const Value& a, const Value& b) {
  int x = BoolOperand(a, "XOR"), y = BoolOperand(b, "XOR");
  if (x < 0 || y < 0) return Value();
  return Value(x != y);
}

Value Not(const Value& a) {
  int x = BoolOperand(a, "NOT");
  if (x < 0) return Value();
  return Value(x == 0);
}

Value ToTernary(const Value& v, Position pos) {
  if (v.is_null() || v.is_bool()) return v;
  throw ExecutorException(MakeError(ErrorCode::kTypeError,
                                    std::string("expected a boolean predicate, got ") + Value::TypeName(v.type()),
                                    pos, "InvalidArgumentType"));
}

// ---------------------------------------------------------------------------
// String and list operators

Value StartsWith(const Value& a, const Value& b) {
  if (!a.is_string() || !b.is_string()) return Value();
  return Value(a.as_string().starts_with(b.as_string()));
}

Value EndsWith(const Value& a, const Value& b) {
  if (!a.is_string() || !b.is_string()) return Value();
  return Value(a.as_string().ends_with(b.as_string()));
}

Value Contains(const Value& a, const Value& b) {
  if (!a.is_string() || !b.is_string()) return Value();
  return Value(a.as_string().find(b.as_string()) != std::string::npos);
}

Value RegexMatch(const Value& a, const Value& b) {
  if (!a.is_string() || !b.is_string()) return Value();
  // Queries apply one pattern to many rows: keep the last compiled one per
  // thread instead of recompiling per row.
  thread_local std::string cached_pattern;
  thread_local std::unique_ptr<std::regex> cached;
  if (!cached || cached_pattern != b.as_string()) {
    try {
      // Java-style leading inline flag (?i) is common in Cypher queries.
      std::string_view pattern = b.as_string();
      auto flags = std::regex::ECMAScript;
      if (pattern.starts_with("(?i)")) {
        pattern.remove_prefix(4);
        flags |= std::regex::icase;
      }
      cached = std::make_unique<std::regex>(pattern.begin(), pattern.end(), flags);
      cached_pattern = b.as_string();
    } catch (const std::regex_error& e) {
      cached.reset();
      ThrowValueError(ErrorCode::kArgumentError, "invalid regular expression '" + b.as_string() + "': " + e.what());
    }
  }
  return Value(std::regex_match(a.as_string(), *cached));
}

Value InList(const Value& x, const Value& list) {
  if (list.is_null()) return Value();
  if (!list.is_list()) ThrowTypeMismatch("IN expects a list on its right-hand side", list);
  bool saw_null = false;
  for (const Value& e : list.as_list()) {
    Tri t = EqualsTri(x, e);
    if (t == Tri::kTrue) return Value(true);
    if (t == Tri::kNull) saw_null = true;
  }
  return saw_null ? Value() : Value(false);
}

Value Subscript(const Value& container, const Value& index) {
  if (container.is_null() || index.is_null()) return Value();
  if (container.is_list()) {
    if (!index.is_int()) ThrowTypeMismatch("a list index must be an integer", index);
    const Value::List& l = container.as_list();
    int64_t i = index.as_int();
    int64_t n = static_cast<int64_t>(l.size());
    if (i < 0) i += n;
    if (i < 0 || i >= n) return Value();
    return l[static_cast<size_t>(i)];
  }
  if (container.is_map()) {
    if (!index.is_string())
      throw ExecutorException(MakeError(ErrorCode::kTypeError,
                                        std::string("a map key must be a string, got ") +
                                            Value::TypeName(index.type()),
                                        {}, "MapElementAccessByNonString"));
    const Value::Map& m = container.as_map();
    auto it = m.find(index.as_string());
    return it == m.end() ? Value() : it->second;
  }
  ThrowTypeMismatch("subscript [] expects a list or a map", container);
}

Value Slice(const Value& list, const std::optional<Value>& from, const std::optional<Value>& to) {
  if (list.is_null()) return Value();
  if ((from && from->is_null()) || (to && to->is_null())) return Value();
  if (!list.is_list()) ThrowTypeMismatch("slice [..] expects a list", list);
  if (from && !from->is_int()) ThrowTypeMismatch("a slice bound must be an integer", *from);
  if (to && !to->is_int()) ThrowTypeMismatch("a slice bound must be an integer", *to);
  const Value::List& l = list.as_list();
  int64_t n = static_cast<int64_t>(l.size());
  auto clamp = [n](int64_t i) {
    if (i < 0) i += n;
    return std::clamp<int64_t>(i, 0, n);
  };
  int64_t lo = from ? clamp(from->as_int()) : 0;
  int64_t hi = to ? clamp(to->as_int()) : n;
  if (hi <= lo) return Value(Value::List{});
  return Value(Value::List(l.begin() + lo, l.begin() + hi));
}

// ---------------------------------------------------------------------------
// Rendering

std::string FormatCypherFloat(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits, then laid out like Java's Double.toString:
  // plain notation for 1e-3 <= |d| < 1e7, otherwise d.dddE[-]n.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-1.2345e+07"
  bool neg = sci[0] == '-';
  size_t start = neg ? 1 : 0;
  size_t epos = sci.find('e');
  std::string digits;
  for (size_t i = start; i < epos; ++i)
    if (sci[i] != '.') digits.push_back(sci[i]);
  int exp = std::stoi(sci.substr(epos + 1));
  std::string out = neg ? "-" : "";
  double mag = std::fabs(d);
  if (mag >= 1e-3 && mag < 1e7) {
    if (exp >= 0) {
      size_t int_len = static_cast<size_t>(exp) + 1;
      if (digits.size() <= int_len) {
        out += digits;
        out.append(int_len - digits.size(), '0');
        out += ".0";
      } else {
        out += digits.substr(0, int_len);
        out += '.';
        out += digits.substr(int_len);
      }
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exp - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits[0];
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : "0";
  out += 'E';
  out += std::to_string(exp);
  return out;
}

std::string ToCypherString(const Value& v) {
  switch (v.type()) {
    case Type::kString: return v.as_string();
    case Type::kInt: return std::to_string(v.as_int());
    case Type::kDouble: return FormatCypherFloat(v.as_double());
    case Type::kBool: return v.as_bool() ? "true" : "false";
    case Type::kDate:
    case Type::kLocalTime:
    case Type::kTime:
    case Type::kLocalDateTime:
    case Type::kDateTime:
    case Type::kDuration: return FormatTemporal(v);
    default: break;
  }
  ThrowTypeMismatch("cannot convert to a string", v);
}

// ---------------------------------------------------------------------------
// Dates

namespace {

// ISO weekday of a date: 1 = Monday .. 7 = Sunday. 1970-01-01 was a Thursday.
int IsoWeekday(int64_t days) {
  int64_t w = (days + 3) % 7;  // 0 = Monday
  if (w < 0) w += 7;
  return static_cast<int>(w) + 1;
}

int64_t DaysOf(int64_t y, unsigned m, unsigned d) {
  Date out;
  DateFromCivil(y, m, d, &out);
  return out.days;
}

// ISO week-numbering year and week of a date.
void IsoWeek(int64_t days, int64_t* week_year, int64_t* week) {
  int64_t y;
  unsigned m, d;
  CivilFromDate(Date{static_cast<int32_t>(days)}, &y, &m, &d);
  // The Thursday of this date's week decides the week-year.
  int64_t thursday = days - IsoWeekday(days) + 4;
  int64_t ty;
  unsigned tm, td;
  CivilFromDate(Date{static_cast<int32_t>(thursday)}, &ty, &tm, &td);
  *week_year = ty;
  *week = (thursday - DaysOf(ty, 1, 1)) / 7 + 1;
}

}  // namespace

Value TemporalProperty(const Value& v, std::string_view key) {
  if (v.is_null()) return Value();
  if (v.is_duration()) {
    Duration d = v.as_duration();
    // Neo4j's duration fields: each unit counts the whole duration in that
    // unit within its group (months | days | seconds), "...OfX" the rest.
    if (key == "years") return Value(d.months / 12);
    if (key == "quarters") return Value(d.months / 3);
    if (key == "months") return Value(d.months);
    if (key == "monthsOfYear") return Value(d.months % 12);
    if (key == "monthsOfQuarter") return Value(d.months % 3);
    if (key == "quartersOfYear") return Value(d.months / 3 % 4);
    if (key == "weeks") return Value(d.days / 7);
    if (key == "days") return Value(d.days);
    if (key == "daysOfWeek") return Value(d.days % 7);
    // As Neo4j: the seconds field (floor) in bigger units, nanos [0, 1e9) on top.
    int64_t secs = d.seconds, nanos = d.nanos;
    if (key == "hours") return Value(secs / 3600);
    if (key == "minutes") return Value(secs / 60);
    if (key == "seconds") return Value(secs);
    if (key == "milliseconds") return Value(secs * 1000 + nanos / 1000000);
    if (key == "microseconds") return Value(secs * 1000000 + nanos / 1000);
    if (key == "nanoseconds") return Value(secs * kNanosPerSecond + nanos);
    if (key == "minutesOfHour") return Value(secs / 60 % 60);
    if (key == "secondsOfMinute") return Value(secs % 60);
    if (key == "millisecondsOfSecond") return Value(nanos / 1000000);
    if (key == "microsecondsOfSecond") return Value(nanos / 1000);
    if (key == "nanosecondsOfSecond") return Value(nanos);
    return Value();
  }
  TemporalParts p;
  if (!SplitTemporal(v, &p)) ThrowTypeMismatch("temporal property access expects a temporal value", v);
  if (p.has_time) {
    int64_t n = p.nanos;
    if (key == "hour") return Value(n / (3600 * kNanosPerSecond));
    if (key == "minute") return Value(n / (60 * kNanosPerSecond) % 60);
    if (key == "second") return Value(n / kNanosPerSecond % 60);
    if (key == "millisecond") return Value(n % kNanosPerSecond / 1000000);
    if (key == "microsecond") return Value(n % kNanosPerSecond / 1000);
    if (key == "nanosecond") return Value(n % kNanosPerSecond);
  }
  if (p.has_offset) {
    if (key == "timezone" && p.zone != 0) return Value(ZoneName(p.zone));
    if (key == "timezone" || key == "offset") return Value(FormatOffset(p.offset_seconds));
    if (key == "offsetMinutes") return Value(static_cast<int64_t>(p.offset_seconds / 60));
    if (key == "offsetSeconds") return Value(static_cast<int64_t>(p.offset_seconds));
  }
  if (v.is_date_time()) {
    DateTime t = v.as_date_time();
    if (key == "epochSeconds") return Value(t.seconds);
    if (key == "epochMillis") return Value(t.seconds * 1000 + t.nanos / 1000000);
  }
  if (!p.has_date) return Value();
  int64_t days = p.days;
  int64_t y;
  unsigned m, d;
  CivilFromDate(Date{static_cast<int32_t>(days)}, &y, &m, &d);
  if (key == "year") return Value(y);
  if (key == "month") return Value(static_cast<int64_t>(m));
  if (key == "day") return Value(static_cast<int64_t>(d));
  if (key == "quarter") return Value(static_cast<int64_t>((m - 1) / 3 + 1));
  if (key == "dayOfWeek" || key == "weekDay") return Value(static_cast<int64_t>(IsoWeekday(days)));
  if (key == "ordinalDay" || key == "dayOfYear") return Value(days - DaysOf(y, 1, 1) + 1);
  if (key == "dayOfQuarter") return Value(days - DaysOf(y, (m - 1) / 3 * 3 + 1, 1) + 1);
  if (key == "week" || key == "weekYear") {
    int64_t wy, w;
    IsoWeek(days, &wy, &w);
    return Value(key == "week" ? w : wy);
  }
  if (key == "epochDays" && v.is_date()) return Value(days);
  return Value();
}

}  // namespace trendgraph::query
