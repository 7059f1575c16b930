// Internal to query/function: the per-family function tables the registry
// merges, argument checks shared by the implementations, and UTF-8 helpers.
//
// Strings are UTF-8. Every position or length a string function takes or
// returns (size, substring, left, right, reverse, split on '') counts Unicode
// code points, not bytes and not UTF-16 units (Neo4j counts UTF-16 units;
// the two agree except for characters outside the Basic Multilingual Plane).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "query/expression/value_ops.h"
#include "query/function/functions.h"

namespace trendgraph::query::internal {

// The function families; each is defined in its own .cc file.
std::span<const ScalarFunctionDef> StringFunctions();      // string_functions.cc
std::span<const ScalarFunctionDef> MathFunctions();        // math_functions.cc
std::span<const ScalarFunctionDef> ListFunctions();        // list_functions.cc
std::span<const ScalarFunctionDef> ConversionFunctions();  // conversion_functions.cc
std::span<const ScalarFunctionDef> GraphFunctions();       // graph_functions.cc
std::span<const ScalarFunctionDef> TemporalFunctions();    // temporal_functions.cc
std::span<const AggregateFunctionDef> AggregateFunctions();  // aggregates.cc

// kTypeError "fn(): argument i expects <expected>, got <Type>".
[[noreturn]] void ThrowArgType(std::string_view fn, size_t index, std::string_view expected, const Value& got);
// kArgumentError "fn(): <message>".
[[noreturn]] void ThrowArgValue(std::string_view fn, std::string message);

// Integer argument (TypeError otherwise; the caller handles null first).
int64_t IntArg(std::string_view fn, const Value* args, size_t i);
// Number argument as double (TypeError otherwise).
double NumberArg(std::string_view fn, const Value* args, size_t i);
// String argument (TypeError otherwise).
const std::string& StringArg(std::string_view fn, const Value* args, size_t i);

// ---- UTF-8 ------------------------------------------------------------------
// Byte length of the sequence starting with lead byte c (1 for invalid bytes,
// so malformed input never loops or reads past the end).
inline size_t Utf8SeqLen(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xe) return 3;
  if ((c >> 3) == 0x1e) return 4;
  return 1;
}
// Number of code points.
int64_t Utf8Length(std::string_view s);
// Byte offset after skipping n code points from byte offset pos (clamped to
// s.size()).
size_t Utf8Advance(std::string_view s, size_t pos, int64_t n);
// Decodes one code point at s[*pos], advancing *pos.
char32_t Utf8Decode(std::string_view s, size_t* pos);
void Utf8Append(std::string* out, char32_t cp);

}  // namespace trendgraph::query::internal
