// The name -> definition tables. Built once (first lookup) into vectors
// sorted by lower-cased name; a lookup is a binary search done at bind time,
// never per row.
#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "query/function/function_util.h"

namespace trendgraph::query {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <typename Def>
struct Table {
  std::vector<std::pair<std::string, const Def*>> entries;  // sorted by lower-cased name

  void Add(std::span<const Def> defs) {
    for (const Def& d : defs) entries.emplace_back(Lower(d.name), &d);
  }
  void Seal() {
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
  }
  const Def* Find(std::string_view name) const {
    std::string key = Lower(name);
    auto it = std::lower_bound(entries.begin(), entries.end(), key,
                               [](const auto& e, const std::string& k) { return e.first < k; });
    if (it == entries.end() || it->first != key) return nullptr;
    return it->second;
  }
};

const Table<ScalarFunctionDef>& ScalarTable() {
  static const Table<ScalarFunctionDef> table = [] {
    Table<ScalarFunctionDef> t;
    t.Add(internal::StringFunctions());
    t.Add(internal::MathFunctions());
    t.Add(internal::ListFunctions());
    t.Add(internal::ConversionFunctions());
    t.Add(internal::GraphFunctions());
    t.Add(internal::TemporalFunctions());
    t.Seal();
    return t;
  }();
  return table;
}

const Table<AggregateFunctionDef>& AggregateTable() {
  static const Table<AggregateFunctionDef> table = [] {
    Table<AggregateFunctionDef> t;
    t.Add(internal::AggregateFunctions());
    t.Seal();
    return t;
  }();
  return table;
}

}  // namespace

const ScalarFunctionDef* FindScalarFunction(std::string_view name) { return ScalarTable().Find(name); }

const AggregateFunctionDef* FindAggregateFunction(std::string_view name) { return AggregateTable().Find(name); }

bool RejectsArgumentKind(const ScalarFunctionDef& def, Value::Type kind) {
  if (def.max_args != 1 || def.min_args != 1) return false;
  Value sample;
  switch (kind) {
    case Value::Type::kNull: return false;
    case Value::Type::kBool: sample = Value(true); break;
    case Value::Type::kInt: sample = Value(1); break;
    case Value::Type::kDouble: sample = Value(1.5); break;
    case Value::Type::kString: sample = Value("a"); break;
    case Value::Type::kList: sample = Value(Value::List{}); break;
    case Value::Type::kMap: sample = Value(Value::Map{}); break;
    case Value::Type::kDate: sample = Value(Date{0}); break;
    case Value::Type::kNode: sample = Value(NodeRef{0}); break;
    case Value::Type::kRel: sample = Value(RelRef{}); break;
    case Value::Type::kPath: sample = Value(PathValue{{NodeRef{0}}, {}}); break;
    case Value::Type::kLocalTime: sample = Value(LocalTime{0}); break;
    case Value::Type::kTime: sample = Value(Time{0, 0}); break;
    case Value::Type::kLocalDateTime: sample = Value(LocalDateTime{0, 0}); break;
    case Value::Type::kDateTime: sample = Value(DateTime{0, 0, 0}); break;
    case Value::Type::kDuration: sample = Value(Duration{}); break;
  }
  // Every function checks the argument's kind before touching the store, so
  // a probe with no store tells kinds apart: a TypeError means "never".
  FunctionContext no_store;
  try {
    (void)def.fn(&sample, 1, no_store);
  } catch (const ExecutorException& e) {
    return e.error().code == ErrorCode::kTypeError;
  }
  return false;
}

namespace internal {

void ThrowArgType(std::string_view fn, size_t index, std::string_view expected, const Value& got) {
  std::string msg(fn);
  msg += "(): argument ";
  msg += std::to_string(index + 1);
  msg += " expects ";
  msg += expected;
  msg += ", got ";
  msg += Value::TypeName(got.type());
  throw ExecutorException(MakeError(ErrorCode::kTypeError, std::move(msg), {}, "InvalidArgumentValue"));
}

void ThrowArgValue(std::string_view fn, std::string message) {
  std::string msg(fn);
  msg += "(): ";
  msg += message;
  throw ExecutorException(MakeError(ErrorCode::kArgumentError, std::move(msg), {}, "NumberOutOfRange"));
}

int64_t IntArg(std::string_view fn, const Value* args, size_t i) {
  if (!args[i].is_int()) ThrowArgType(fn, i, "an Integer", args[i]);
  return args[i].as_int();
}

double NumberArg(std::string_view fn, const Value* args, size_t i) {
  if (!args[i].is_number()) ThrowArgType(fn, i, "a number", args[i]);
  return args[i].as_number();
}

const std::string& StringArg(std::string_view fn, const Value* args, size_t i) {
  if (!args[i].is_string()) ThrowArgType(fn, i, "a String", args[i]);
  return args[i].as_string();
}

int64_t Utf8Length(std::string_view s) {
  int64_t n = 0;
  for (size_t i = 0; i < s.size(); i += Utf8SeqLen(static_cast<unsigned char>(s[i]))) ++n;
  return n;
}

size_t Utf8Advance(std::string_view s, size_t pos, int64_t n) {
  while (n > 0 && pos < s.size()) {
    pos += Utf8SeqLen(static_cast<unsigned char>(s[pos]));
    --n;
  }
  return std::min(pos, s.size());
}

char32_t Utf8Decode(std::string_view s, size_t* pos) {
  unsigned char c = static_cast<unsigned char>(s[*pos]);
  size_t len = Utf8SeqLen(c);
  if (*pos + len > s.size()) len = 1;
  char32_t cp;
  switch (len) {
    case 2: cp = c & 0x1f; break;
    case 3: cp = c & 0x0f; break;
    case 4: cp = c & 0x07; break;
    default: cp = c; break;
  }
  for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (static_cast<unsigned char>(s[*pos + i]) & 0x3f);
  *pos += len;
  return cp;
}

void Utf8Append(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xc0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xe0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  } else {
    out->push_back(static_cast<char>(0xf0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3f)));
  }
}

}  // namespace internal

}  // namespace trendgraph::query
