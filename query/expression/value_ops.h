// Cypher value semantics: equality, comparison, orderability, equivalence,
// arithmetic, boolean logic and the small operators (IN, STARTS WITH, [i],
// [a..b], date properties) that the expression evaluator applies per row.
//
// Semantics follow openCypher 9 and the TCK:
//   * Equality is three-valued: null when either side is null, or when two
//     lists/maps only differ where a null is involved ([1, null] = [1, null]
//     is null). Integers and floats compare numerically; NaN = NaN is false.
//     Values of different kinds are unequal (false, not null).
//   * Comparison (<, <=, >, >=) is defined within numbers, strings (by code
//     point), booleans (false < true), lists (lexicographic), dates; anything
//     else (including NaN) is incomparable and yields null.
//   * Orderability (ORDER BY) is a total order across all values:
//       map < node < relationship < list < path < date < string < boolean
//       < number < null,  with NaN after every other number.
//   * Equivalence (DISTINCT, grouping, UNION) is like equality but null ~ null,
//     NaN ~ NaN and 1 ~ 1.0; EquivalenceHash is consistent with it.
//
// Errors: a bad operand type throws ExecutorException with kTypeError; an
// integer overflow or other bad argument value throws kArgumentError (the TCK
// classes). The exception carries no position: the evaluator knows the
// expression and may rethrow with one.
//
// Thread-safety: pure functions, no shared state.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "query/query_exception.h"
#include "storage/value.h"

namespace trendgraph::query {

// ---- Equality, comparison, ordering, equivalence --------------------------

// Three-valued Cypher equality: Value(true), Value(false) or null (Value()).
Value CypherEquals(const Value& a, const Value& b);
// NOT (a = b), three-valued.
Value CypherNotEquals(const Value& a, const Value& b);

// Comparison for <, <=, >, >=: nullopt when incomparable (different kinds,
// null or NaN involved, maps, nodes, ...), else <0, 0, >0. Note: a number
// compared with NaN gives false for all four operators (not null); use
// CypherCompareOp, which implements that.
std::optional<int> CypherCompare(const Value& a, const Value& b);

enum class CompareKind : uint8_t { kEq, kNe, kLt, kGt, kLe, kGe };
// One comparison operator applied with Cypher semantics: true, false or null.
Value CypherCompareOp(CompareKind op, const Value& a, const Value& b);

// Total order for ORDER BY (see the file comment): <0, 0, >0.
int OrderCompare(const Value& a, const Value& b);

// Equivalence for DISTINCT, grouping keys and UNION.
bool Equivalent(const Value& a, const Value& b);
size_t EquivalenceHash(const Value& v);  // Equivalent(a, b) => equal hashes

// A 64-bit integer spread over every bit (splitmix64 finaliser): for ids,
// integers and the final step of combined hashes, since open-addressing
// tables take the low bits.
inline size_t HashU64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return static_cast<size_t>(x);
}

// Functors for unordered containers keyed by Value / vectors of Values.
struct EquivalenceHasher {
  size_t operator()(const Value& v) const { return EquivalenceHash(v); }
};
struct EquivalenceEqual {
  bool operator()(const Value& a, const Value& b) const { return Equivalent(a, b); }
};

// ---- Arithmetic ------------------------------------------------------------
// Null in -> null out. int op int -> int (overflow: kArgumentError);
// int op float -> float. `+` also concatenates strings (string + number or
// boolean converts the other side with ToCypherString), lists (list + list,
// list + element, element + list). Integer division truncates toward zero;
// integer division or modulo by zero is kArgumentError; float division by zero
// gives +-Infinity / NaN. `^` always yields a float. Date +/- is not supported.
Value Add(const Value& a, const Value& b);
// a || b: string || string or list || list (null if either is null); any
// other operands are a kTypeError (unlike +, nothing is converted).
Value Concat(const Value& a, const Value& b);
Value Subtract(const Value& a, const Value& b);
Value Multiply(const Value& a, const Value& b);
Value Divide(const Value& a, const Value& b);
Value Modulo(const Value& a, const Value& b);
Value Power(const Value& a, const Value& b);
Value Negate(const Value& a);        // unary minus; -(INT64_MIN) is kArgumentError
Value UnaryPlus(const Value& a);     // type check only: numbers (and null) pass

// ---- Boolean logic (three-valued; non-boolean non-null operand: kTypeError) -
Value And(const Value& a, const Value& b);
Value Or(const Value& a, const Value& b);
Value Xor(const Value& a, const Value& b);
Value Not(const Value& a);
// Checks a predicate value (WHERE, CASE WHEN, quantifier predicates): returns
// it when it is a boolean or null, throws kTypeError otherwise.
Value ToTernary(const Value& v, Position pos = {});
// True only for Value(true): the WHERE filter decision (no type check).
inline bool IsTrue(const Value& v) { return v.is_bool() && v.as_bool(); }

// ---- String and list operators ----------------------------------------------
// STARTS WITH / ENDS WITH / CONTAINS: null unless both sides are strings.
Value StartsWith(const Value& a, const Value& b);
Value EndsWith(const Value& a, const Value& b);
Value Contains(const Value& a, const Value& b);
// a =~ regex (ECMAScript syntax plus a leading (?i) for case-insensitive,
// whole-string match); null unless both are strings; an invalid pattern is
// kArgumentError.
Value RegexMatch(const Value& a, const Value& b);
// x IN list: true if some element equals x; null if none does but some
// comparison was null; false otherwise. list null -> null; list not a list:
// kTypeError.
Value InList(const Value& x, const Value& list);

// container[index]: list[int] (negative counts from the end; out of range ->
// null), map[string] (missing -> null). Null container or index -> null.
// Wrong types -> kTypeError. Nodes/relationships are resolved by the
// evaluator (they need the reader) and then passed as their property map.
Value Subscript(const Value& container, const Value& index);
// list[from..to] with either bound absent (pass std::nullopt); bounds clamp;
// negative bounds count from the end. Null list or null bound -> null.
Value Slice(const Value& list, const std::optional<Value>& from, const std::optional<Value>& to);

// ---- Conversions and rendering ---------------------------------------------
// The Cypher string form used by toString() and string concatenation:
// integers in decimal, floats like Java's Double.toString (1.0, 0.1, 1.0E10,
// 1.0E-5, NaN, Infinity), booleans true/false, dates ISO "2024-03-05", strings
// as is. Other kinds (lists, maps, entities) -> kTypeError.
std::string ToCypherString(const Value& v);
// Java-compatible shortest round-trip float rendering (see above).
std::string FormatCypherFloat(double d);

// d.year, d.month, d.day, d.dayOfWeek (1 = Monday .. 7), d.dayOfYear
// (= d.ordinalDay), d.quarter, d.dayOfQuarter, d.week (ISO week), d.weekYear
// for Date values. Null value -> null; an unknown key -> null (like a missing
// property); a non-date, non-null value -> kTypeError. Keys are
// case-sensitive as in Cypher.
Value TemporalProperty(const Value& v, std::string_view key);

// Throws ExecutorException(code, message) — the one error helper of this layer.
[[noreturn]] void ThrowValueError(ErrorCode code, std::string message);
// "expected Integer but got String"-style message helper for kTypeError.
[[noreturn]] void ThrowTypeMismatch(std::string_view what, const Value& got);

}  // namespace trendgraph::query
