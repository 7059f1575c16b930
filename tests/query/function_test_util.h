// Helpers shared by the function and value tests: calling a scalar function
// by name, building maps, and the error code an expression throws.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "query/function/functions.h"
#include "query/query_exception.h"

namespace trendgraph::query::testing {

inline Value M(std::initializer_list<std::pair<const std::string, Value>> kv) { return Value(Value::Map(kv)); }

// Calls scalar function `name`, checking the argument count against its
// definition.
inline Value Call(std::string_view name, std::vector<Value> args) {
  const ScalarFunctionDef* def = FindScalarFunction(name);
  if (def == nullptr) {
    ADD_FAILURE() << "no function " << name;
    return Value();
  }
  int n = static_cast<int>(args.size());
  EXPECT_GE(n, def->min_args) << name;
  if (def->max_args >= 0) {
    EXPECT_LE(n, def->max_args) << name;
  }
  FunctionContext ctx;
  return def->fn(args.data(), args.size(), ctx);
}

// Runs f and returns the error code it threw, or nullopt.
inline std::optional<ErrorCode> ErrorOf(const std::function<void()>& f) {
  try {
    f();
  } catch (const ExecutorException& e) {
    return e.error().code;
  }
  return std::nullopt;
}

}  // namespace trendgraph::query::testing

#define EXPECT_ERROR(code, expr)                                                                          \
  EXPECT_EQ(::trendgraph::query::testing::ErrorOf([&] { (void)(expr); }), std::optional<ErrorCode>(code)) \
      << #expr
