// Numeric functions: abs, sign, ceil, floor, round, sqrt, exp, log, log10,
// trigonometry, e, pi, rand. Integers are accepted wherever floats are;
// results are floats except abs (keeps the kind) and sign (an integer).
#include <charconv>
#include <chrono>
#include <cmath>
#include <random>
#include <string>

#include "query/expression/value_ops.h"
#include "query/function/function_util.h"

namespace trendgraph::query::internal {

namespace {

Value FnAbs(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  if (a[0].is_int()) {
    int64_t v = a[0].as_int();
    if (v == INT64_MIN) ThrowArgValue("abs", "integer overflow");
    return Value(v < 0 ? -v : v);
  }
  return Value(std::fabs(NumberArg("abs", a, 0)));
}

Value FnSign(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  if (a[0].is_int()) {
    int64_t v = a[0].as_int();
    return Value(static_cast<int64_t>((v > 0) - (v < 0)));
  }
  double d = NumberArg("sign", a, 0);
  return Value(static_cast<int64_t>((d > 0) - (d < 0)));
}

template <double (*F)(double)>
Value Unary(const char* name, const Value* a) {
  if (a[0].is_null()) return Value();
  return Value(F(NumberArg(name, a, 0)));
}

double Ceil(double d) { return std::ceil(d); }
double Floor(double d) { return std::floor(d); }
double Sqrt(double d) { return std::sqrt(d); }
double Exp(double d) { return std::exp(d); }
double Log(double d) { return std::log(d); }
double Log10(double d) { return std::log10(d); }
double Sin(double d) { return std::sin(d); }
double Cos(double d) { return std::cos(d); }
double Tan(double d) { return std::tan(d); }
double Asin(double d) { return std::asin(d); }
double Acos(double d) { return std::acos(d); }
double Atan(double d) { return std::atan(d); }
double Cot(double d) { return 1.0 / std::tan(d); }
double Degrees(double d) { return d * (180.0 / M_PI); }
double Radians(double d) { return d * (M_PI / 180.0); }
double Haversin(double d) { return (1.0 - std::cos(d)) / 2.0; }
double Sinh(double d) { return std::sinh(d); }
double Cosh(double d) { return std::cosh(d); }
double Tanh(double d) { return std::tanh(d); }
double Coth(double d) { return 1.0 / std::tanh(d); }

#define TG_UNARY(fname, impl, cname) \
  Value fname(const Value* a, size_t, FunctionContext&) { return Unary<impl>(cname, a); }
TG_UNARY(FnCeil, Ceil, "ceil")
TG_UNARY(FnFloor, Floor, "floor")
TG_UNARY(FnSqrt, Sqrt, "sqrt")
TG_UNARY(FnExp, Exp, "exp")
TG_UNARY(FnLog, Log, "log")
TG_UNARY(FnLog10, Log10, "log10")
TG_UNARY(FnSin, Sin, "sin")
TG_UNARY(FnCos, Cos, "cos")
TG_UNARY(FnTan, Tan, "tan")
TG_UNARY(FnAsin, Asin, "asin")
TG_UNARY(FnAcos, Acos, "acos")
TG_UNARY(FnAtan, Atan, "atan")
TG_UNARY(FnCot, Cot, "cot")
TG_UNARY(FnDegrees, Degrees, "degrees")
TG_UNARY(FnRadians, Radians, "radians")
TG_UNARY(FnHaversin, Haversin, "haversin")
TG_UNARY(FnSinh, Sinh, "sinh")
TG_UNARY(FnCosh, Cosh, "cosh")
TG_UNARY(FnTanh, Tanh, "tanh")
TG_UNARY(FnCoth, Coth, "coth")
#undef TG_UNARY

Value FnAtan2(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null() || a[1].is_null()) return Value();
  return Value(std::atan2(NumberArg("atan2", a, 0), NumberArg("atan2", a, 1)));
}

Value FnIsNaN(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  return Value(std::isnan(NumberArg("isNaN", a, 0)));
}

Value FnE(const Value*, size_t, FunctionContext&) { return Value(M_E); }
Value FnPi(const Value*, size_t, FunctionContext&) { return Value(M_PI); }

Value FnRand(const Value*, size_t, FunctionContext&) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return Value(std::uniform_real_distribution<double>(0.0, 1.0)(gen));
}

// randomUUID(): a version 4 (random) UUID in its 36-character text form.
Value FnRandomUuid(const Value*, size_t, FunctionContext&) {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  uint64_t hi = gen(), lo = gen();
  hi = (hi & ~uint64_t{0xF000}) | 0x4000;                            // version 4
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);         // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out.push_back('-');
    uint64_t word = i < 16 ? hi : lo;
    out.push_back(kHex[(word >> (60 - 4 * (i % 16))) & 0xF]);
  }
  return Value(std::move(out));
}

// ---- round(x [, precision [, mode]]) ---------------------------------------
// With a precision the rounding is decimal, on the shortest decimal form of
// x (like Java's BigDecimal.valueOf(x).setScale(precision, mode)), so that
// round(2.675, 2) is 2.68 although the double 2.675 is a little less.

enum class RoundMode { kUp, kDown, kCeiling, kFloor, kHalfUp, kHalfDown, kHalfEven, kUnnecessary };

bool ParseRoundMode(std::string_view s, RoundMode* out) {
  static const std::pair<const char*, RoundMode> kModes[] = {
      {"UP", RoundMode::kUp},           {"DOWN", RoundMode::kDown},          {"CEILING", RoundMode::kCeiling},
      {"FLOOR", RoundMode::kFloor},     {"HALF_UP", RoundMode::kHalfUp},     {"HALF_DOWN", RoundMode::kHalfDown},
      {"HALF_EVEN", RoundMode::kHalfEven}, {"UNNECESSARY", RoundMode::kUnnecessary}};
  for (const auto& [name, mode] : kModes) {
    if (s.size() != std::char_traits<char>::length(name)) continue;
    bool eq = true;
    for (size_t i = 0; i < s.size() && eq; ++i) eq = std::toupper(static_cast<unsigned char>(s[i])) == name[i];
    if (eq) {
      *out = mode;
      return true;
    }
  }
  return false;
}

double RoundDecimal(double x, int64_t precision, RoundMode mode) {
  if (!std::isfinite(x) || x == 0) return x;
  if (precision > 300) return x;
  if (precision < -300) precision = -300;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool neg = sci[0] == '-';
  size_t epos = sci.find('e');
  std::string digits;
  for (size_t i = neg ? 1 : 0; i < epos; ++i)
    if (sci[i] != '.') digits.push_back(sci[i]);
  int exp10 = std::stoi(sci.substr(epos + 1));
  // value = 0.d1d2d3... * 10^(exp10 + 1); keep = digits before the cut.
  int64_t keep = exp10 + 1 + precision;
  if (keep >= static_cast<int64_t>(digits.size())) return x;  // already exact at this precision
  std::string kept = keep > 0 ? digits.substr(0, static_cast<size_t>(keep)) : "";
  // Classify the discarded part: 0 = zero, 1 = below half, 2 = half, 3 = above.
  std::string rest = keep >= 0 ? digits.substr(static_cast<size_t>(keep)) : std::string(-keep, '0') + digits;
  int frac;
  if (rest.find_first_not_of('0') == std::string::npos) {
    frac = 0;
  } else if (rest[0] < '5') {
    frac = 1;
  } else if (rest[0] > '5') {
    frac = 3;
  } else {
    frac = rest.find_first_not_of('0', 1) == std::string::npos ? 2 : 3;
  }
  bool last_odd = !kept.empty() && ((kept.back() - '0') % 2 == 1);
  bool up = false;  // away from zero
  switch (mode) {
    case RoundMode::kUp: up = frac > 0; break;
    case RoundMode::kDown: up = false; break;
    case RoundMode::kCeiling: up = frac > 0 && !neg; break;
    case RoundMode::kFloor: up = frac > 0 && neg; break;
    case RoundMode::kHalfUp: up = frac >= 2; break;
    case RoundMode::kHalfDown: up = frac == 3; break;
    case RoundMode::kHalfEven: up = frac == 3 || (frac == 2 && last_odd); break;
    case RoundMode::kUnnecessary: up = false; break;  // FnRound checks exactness
  }
  // Integer value of `kept` (+1 when rounding up), scaled by 10^-precision.
  std::string mag = kept.empty() ? "0" : kept;
  if (up) {
    int i = static_cast<int>(mag.size()) - 1;
    while (i >= 0 && mag[static_cast<size_t>(i)] == '9') mag[static_cast<size_t>(i--)] = '0';
    if (i < 0)
      mag.insert(mag.begin(), '1');
    else
      ++mag[static_cast<size_t>(i)];
  }
  std::string text = (neg ? "-" : "") + mag + "e" + std::to_string(-precision);
  double out = 0;
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

Value FnRound(const Value* a, size_t n, FunctionContext&) {
  for (size_t i = 0; i < n; ++i)
    if (a[i].is_null()) return Value();
  double x = NumberArg("round", a, 0);
  if (n == 1) {
    // Java Math.round semantics: halves round toward positive infinity.
    if (!std::isfinite(x)) return Value(x);
    double f = std::floor(x);
    double diff = x - f;
    return Value(diff >= 0.5 ? f + 1.0 : f);
  }
  int64_t precision = IntArg("round", a, 1);
  RoundMode mode = RoundMode::kHalfUp;
  if (n == 3) {
    const std::string& m = StringArg("round", a, 2);
    if (!ParseRoundMode(m, &mode))
      ThrowArgValue("round", "unknown rounding mode '" + m +
                                 "' (expected UP, DOWN, CEILING, FLOOR, HALF_UP, HALF_DOWN, HALF_EVEN or UNNECESSARY)");
  } else if (precision == 0 && std::isfinite(x)) {
    // Neo4j: round(x, 0) agrees with round(x) (ties toward positive
    // infinity: round(-1.5, 0) = -1.0), not with HALF_UP.
    double f = std::floor(x);
    return Value(x - f >= 0.5 ? f + 1.0 : f);
  }
  if (mode == RoundMode::kUnnecessary) {
    double exact = RoundDecimal(x, precision, RoundMode::kDown);
    if (exact != x && std::isfinite(x))
      ThrowArgValue("round", "rounding mode UNNECESSARY, but " + FormatCypherFloat(x) + " needs rounding at precision " +
                                 std::to_string(precision));
    return Value(x);
  }
  return Value(RoundDecimal(x, precision, mode));
}

constexpr ScalarFunctionDef kDefs[] = {
    {"abs", 1, 1, FnAbs, true},
    {"sign", 1, 1, FnSign, true},
    {"ceil", 1, 1, FnCeil, true},
    {"floor", 1, 1, FnFloor, true},
    {"round", 1, 3, FnRound, true},
    {"sqrt", 1, 1, FnSqrt, true},
    {"exp", 1, 1, FnExp, true},
    {"log", 1, 1, FnLog, true},
    {"log10", 1, 1, FnLog10, true},
    {"sin", 1, 1, FnSin, true},
    {"cos", 1, 1, FnCos, true},
    {"tan", 1, 1, FnTan, true},
    {"asin", 1, 1, FnAsin, true},
    {"acos", 1, 1, FnAcos, true},
    {"atan", 1, 1, FnAtan, true},
    {"atan2", 2, 2, FnAtan2, true},
    {"cot", 1, 1, FnCot, true},
    {"degrees", 1, 1, FnDegrees, true},
    {"radians", 1, 1, FnRadians, true},
    {"haversin", 1, 1, FnHaversin, true},
    {"sinh", 1, 1, FnSinh, true},
    {"cosh", 1, 1, FnCosh, true},
    {"tanh", 1, 1, FnTanh, true},
    {"coth", 1, 1, FnCoth, true},
    {"isNaN", 1, 1, FnIsNaN, true},
    {"e", 0, 0, FnE, true},
    {"pi", 0, 0, FnPi, true},
    {"rand", 0, 0, FnRand, false},
    {"randomUUID", 0, 0, FnRandomUuid, false},
};

}  // namespace

std::span<const ScalarFunctionDef> MathFunctions() { return kDefs; }

}  // namespace trendgraph::query::internal
