// List (and list-or-string) functions: size, head, last, tail, range,
// reverse, coalesce, isEmpty, exists.
#include <algorithm>
#include <string>

#include "query/function/function_util.h"

namespace trendgraph::query::internal {

namespace {

// range() refuses to materialise more elements than this (ArgumentError):
// one careless range(0, 10^12) must not take the server's memory.
constexpr int64_t kMaxRangeElements = int64_t{1} << 27;

Value FnSize(const Value* a, size_t, FunctionContext&) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_list()) return Value(static_cast<int64_t>(v.as_list().size()));
  if (v.is_string()) return Value(Utf8Length(v.as_string()));
  ThrowArgType("size", 0, "a List or a String", v);
}

Value FnCharLength(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  return Value(Utf8Length(StringArg("char_length", a, 0)));
}

const Value::List& ListArg(std::string_view fn, const Value* a, size_t i) {
  if (!a[i].is_list()) ThrowArgType(fn, i, "a List", a[i]);
  return a[i].as_list();
}

Value FnHead(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  const Value::List& l = ListArg("head", a, 0);
  return l.empty() ? Value() : l.front();
}

Value FnLast(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  const Value::List& l = ListArg("last", a, 0);
  return l.empty() ? Value() : l.back();
}

Value FnTail(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  const Value::List& l = ListArg("tail", a, 0);
  if (l.empty()) return Value(Value::List{});
  return Value(Value::List(l.begin() + 1, l.end()));
}

Value FnReverse(const Value* a, size_t, FunctionContext&) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_list()) return Value(Value::List(v.as_list().rbegin(), v.as_list().rend()));
  if (v.is_string()) {
    // Reverse code points, not bytes.
    const std::string& s = v.as_string();
    std::string out(s.size(), '\0');
    size_t i = 0, w = s.size();
    while (i < s.size()) {
      size_t len = std::min(Utf8SeqLen(static_cast<unsigned char>(s[i])), s.size() - i);
      w -= len;
      std::copy(s.begin() + static_cast<std::ptrdiff_t>(i), s.begin() + static_cast<std::ptrdiff_t>(i + len),
                out.begin() + static_cast<std::ptrdiff_t>(w));
      i += len;
    }
    return Value(std::move(out));
  }
  ThrowArgType("reverse", 0, "a List or a String", v);
}

// range() arguments must be integers; the TCK classes a wrong kind as
// ArgumentError (InvalidArgumentType), not TypeError.
int64_t RangeArg(const Value* a, size_t i) {
  static const char* kNames[] = {"start", "end", "step"};
  if (!a[i].is_int()) {
    throw ExecutorException(MakeError(ErrorCode::kArgumentError,
                                      std::string("range(): ") + kNames[i] + " must be an Integer, got " +
                                          Value::TypeName(a[i].type()),
                                      {}, "InvalidArgumentType"));
  }
  return a[i].as_int();
}

Value FnRange(const Value* a, size_t n, FunctionContext&) {
  int64_t start = RangeArg(a, 0);
  int64_t end = RangeArg(a, 1);
  int64_t step = n > 2 ? RangeArg(a, 2) : 1;
  if (step == 0) ThrowArgValue("range", "step must not be zero");
  Value::List out;
  if ((step > 0 && start > end) || (step < 0 && start < end)) return Value(std::move(out));
  // Element count without overflow: |end - start| / |step| + 1 in unsigned.
  uint64_t span = step > 0 ? static_cast<uint64_t>(end) - static_cast<uint64_t>(start)
                           : static_cast<uint64_t>(start) - static_cast<uint64_t>(end);
  uint64_t abs_step = step > 0 ? static_cast<uint64_t>(step) : 0 - static_cast<uint64_t>(step);
  uint64_t count = span / abs_step + 1;
  if (count > static_cast<uint64_t>(kMaxRangeElements))
    ThrowArgValue("range", "would create " + std::to_string(count) + " elements (limit " +
                               std::to_string(kMaxRangeElements) + ")");
  out.reserve(count);
  int64_t v = start;
  for (uint64_t i = 0; i < count; ++i) {
    out.emplace_back(v);
    if (i + 1 < count) v += step;  // never steps past `end`, so no overflow
  }
  return Value(std::move(out));
}

Value FnCoalesce(const Value* a, size_t n, FunctionContext&) {
  for (size_t i = 0; i < n; ++i)
    if (!a[i].is_null()) return a[i];
  return Value();
}

Value FnIsEmpty(const Value* a, size_t, FunctionContext&) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_list()) return Value(v.as_list().empty());
  if (v.is_string()) return Value(v.as_string().empty());
  if (v.is_map()) return Value(v.as_map().empty());
  ThrowArgType("isEmpty", 0, "a List, a String or a Map", v);
}

// exists(n.prop): the evaluator passes the property's value.
Value FnExists(const Value* a, size_t, FunctionContext&) { return Value(!a[0].is_null()); }

constexpr ScalarFunctionDef kDefs[] = {
    {"size", 1, 1, FnSize, true},
    {"char_length", 1, 1, FnCharLength, true},
    {"character_length", 1, 1, FnCharLength, true},
    {"head", 1, 1, FnHead, true},
    {"last", 1, 1, FnLast, true},
    {"tail", 1, 1, FnTail, true},
    {"reverse", 1, 1, FnReverse, true},
    {"range", 2, 3, FnRange, true},
    {"coalesce", 1, -1, FnCoalesce, true},
    {"isEmpty", 1, 1, FnIsEmpty, true},
    {"exists", 1, 1, FnExists, true},
};

}  // namespace

std::span<const ScalarFunctionDef> ListFunctions() { return kDefs; }

}  // namespace trendgraph::query::internal
