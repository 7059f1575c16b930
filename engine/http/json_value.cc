#include "engine/http/json_value.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cstdlib>
#include <cmath>
#include <limits>
#include <vector>

namespace trendgraph::engine::http {

namespace {

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid (overlong
// forms, surrogates and code points above U+10FFFF are invalid).
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n = s.size() - i;
  auto cont = [&](size_t k) { return (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
    if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

void WriteDouble(JsonWriter& w, double d) {
  if (std::isnan(d)) {
    w.StartObject();
    w.Key("$float", 6);
    w.String("NaN", 3);
    w.EndObject();
  } else if (std::isinf(d)) {
    w.StartObject();
    w.Key("$float", 6);
    if (d > 0) {
      w.String("Infinity", 8);
    } else {
      w.String("-Infinity", 9);
    }
    w.EndObject();
  } else {
    // RapidJSON's Grisu output always has a '.' or an exponent ("1.0",
    // "1e-305", "-0.0"), which is what keeps floats apart from integers.
    w.Double(d);
  }
}

void WriteId(JsonWriter& w, uint64_t id) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), id);
  w.String(buf, static_cast<rapidjson::SizeType>(r.ptr - buf));
}

void WriteProperties(JsonWriter& w, const Value::Map& props, query::EntityView* view) {
  w.StartObject();
  for (const auto& [k, v] : props) {
    WriteJsonString(w, k);
    WriteJsonValue(w, v, view);
  }
  w.EndObject();
}

void WriteNode(JsonWriter& w, NodeRef n, query::EntityView* view) {
  std::vector<std::string> labels;
  Value::Map props;
  if (view) {
    // A node deleted by the query itself still prints with its id.
    (void)view->GetNode(n.id, &labels, &props);
  }
  w.StartObject();
  w.Key("$node", 5);
  w.StartObject();
  w.Key("id", 2);
  WriteId(w, n.id);
  w.Key("labels", 6);
  w.StartArray();
  for (const auto& l : labels) WriteJsonString(w, l);
  w.EndArray();
  w.Key("properties", 10);
  WriteProperties(w, props, view);
  w.EndObject();
  w.EndObject();
}

void WriteRel(JsonWriter& w, const RelRef& r, query::EntityView* view) {
  std::string type;
  Value::Map props;
  if (view) (void)view->GetRel(r.id, &type, &props);
  w.StartObject();
  w.Key("$rel", 4);
  w.StartObject();
  w.Key("id", 2);
  WriteId(w, r.id);
  w.Key("type", 4);
  WriteJsonString(w, type);
  w.Key("start", 5);
  WriteId(w, r.start);
  w.Key("end", 3);
  WriteId(w, r.end);
  w.Key("properties", 10);
  WriteProperties(w, props, view);
  w.EndObject();
  w.EndObject();
}

// The typed forms of temporal parameters, {"$<kind>": "<ISO 8601 text>"}:
// explicit, so a plain string is never taken for a temporal value.
struct TemporalTag {
  std::string_view key;
  Value::Type kind;
  const char* example;
};
constexpr TemporalTag kTemporalTags[] = {
    {"$date", Value::Type::kDate, "2024-03-05"},
    {"$localtime", Value::Type::kLocalTime, "12:31:14.645"},
    {"$time", Value::Type::kTime, "12:31:14+01:00"},
    {"$localdatetime", Value::Type::kLocalDateTime, "2024-03-05T12:31:14"},
    {"$datetime", Value::Type::kDateTime, "2024-03-05T12:31:14+08:00[Asia/Shanghai]"},
    {"$duration", Value::Type::kDuration, "P1Y2M3DT4H"},
};

const TemporalTag* FindTemporalTag(std::string_view key) {
  for (const TemporalTag& t : kTemporalTags) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

// Builds a Value tree from RapidJSON SAX events. Numbers arrive as raw text
// (kParseNumbersAsStringsFlag) so that integers and floats stay apart and
// an out-of-range integer is an error instead of a rounded double.
class ValueBuilder {
 public:
  static constexpr size_t kMaxDepth = 256;

  bool Null() { return Add(Value()); }
  bool Bool(bool b) { return Add(Value(b)); }
  bool Int(int i) { return Add(Value(i)); }
  bool Uint(unsigned u) { return Add(Value(static_cast<int64_t>(u))); }
  bool Int64(int64_t i) { return Add(Value(i)); }
  bool Uint64(uint64_t u) {
    if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Fail("integer out of range");
    return Add(Value(static_cast<int64_t>(u)));
  }
  bool Double(double d) { return Add(Value(d)); }
  bool RawNumber(const char* str, rapidjson::SizeType len, bool /*copy*/) {
    std::string_view t(str, len);
    bool is_float = t.find_first_of(".eE") != std::string_view::npos;
    if (!is_float) {
      int64_t v = 0;
      auto r = std::from_chars(t.data(), t.data() + t.size(), v);
      if (r.ec != std::errc() || r.ptr != t.data() + t.size()) {
        return Fail("integer " + std::string(t) + " is out of the 64-bit range (write it with a '.' for a float)");
      }
      return Add(Value(v));
    }
    double d = 0;
    auto r = std::from_chars(t.data(), t.data() + t.size(), d);
    if (r.ec == std::errc::result_out_of_range) {
      // Overflow to infinity or underflow to zero, as strtod does.
      d = std::strtod(std::string(t).c_str(), nullptr);
    } else if (r.ec != std::errc() || r.ptr != t.data() + t.size()) {
      return Fail("bad number " + std::string(t));
    }
    return Add(Value(d));
  }
  bool String(const char* str, rapidjson::SizeType len, bool /*copy*/) {
    return Add(Value(std::string(str, len)));
  }
  bool StartObject() { return Push(Value(Value::Map{})); }
  bool Key(const char* str, rapidjson::SizeType len, bool /*copy*/) {
    stack_.back().key.assign(str, len);
    return true;
  }
  bool EndObject(rapidjson::SizeType /*count*/) {
    Value v = std::move(stack_.back().container);
    stack_.pop_back();
    const Value::Map& m = v.as_map();
    if (m.size() == 1) {
      const auto& [k, inner] = *m.begin();
      if (k == "$float") {
        if (!inner.is_string()) return FailValue("\"$float\" takes \"NaN\", \"Infinity\" or \"-Infinity\"");
        const std::string& s = inner.as_string();
        if (s == "NaN") return Add(Value(std::numeric_limits<double>::quiet_NaN()));
        if (s == "Infinity") return Add(Value(std::numeric_limits<double>::infinity()));
        if (s == "-Infinity") return Add(Value(-std::numeric_limits<double>::infinity()));
        return FailValue("\"$float\" takes \"NaN\", \"Infinity\" or \"-Infinity\", not \"" + s + "\"");
      }
      if (const TemporalTag* tag = FindTemporalTag(k)) {
        if (!inner.is_string()) {
          return FailValue("\"" + k + "\" takes a string such as \"" + tag->example + "\"");
        }
        Result<Value> t = query::ParseTemporal(tag->kind, inner.as_string());
        if (!t.ok()) return FailValue("\"" + k + "\": " + t.status().message());
        return Add(std::move(t).value());
      }
    }
    return Add(std::move(v));
  }
  bool StartArray() { return Push(Value(Value::List{})); }
  bool EndArray(rapidjson::SizeType /*count*/) {
    Value v = std::move(stack_.back().container);
    stack_.pop_back();
    return Add(std::move(v));
  }

  Value TakeRoot() { return std::move(root_); }
  const std::string& error() const { return error_; }
  // The document is well-formed JSON but a tagged value in it is not.
  bool bad_value() const { return bad_value_; }

 private:
  struct Frame {
    Value container;
    std::string key;
  };

  bool Fail(std::string msg) {
    error_ = std::move(msg);
    return false;
  }
  bool FailValue(std::string msg) {
    bad_value_ = true;
    return Fail(std::move(msg));
  }
  bool Push(Value container) {
    if (stack_.size() >= kMaxDepth) return Fail("nesting deeper than 256 levels");
    stack_.push_back(Frame{std::move(container), {}});
    return true;
  }
  bool Add(Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    Frame& f = stack_.back();
    if (f.container.is_list()) {
      f.container.as_list().push_back(std::move(v));
    } else {
      f.container.as_map().insert_or_assign(std::move(f.key), std::move(v));
      f.key.clear();
    }
    return true;
  }

  std::vector<Frame> stack_;
  Value root_;
  std::string error_;
  bool bad_value_ = false;
};

}  // namespace

void WriteJsonString(JsonWriter& w, std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) {
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
    return;
  }
  std::string fixed;
  fixed.reserve(s.size() + 8);
  fixed.append(s.data(), i);
  while (i < s.size()) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) {
      fixed.append("\xEF\xBF\xBD");
      ++i;
    } else {
      fixed.append(s.data() + i, n);
      i += n;
    }
  }
  w.String(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()));
}

void WriteJsonValue(JsonWriter& w, const Value& v, query::EntityView* view) {
  switch (v.type()) {
    case Value::Type::kNull: w.Null(); return;
    case Value::Type::kBool: w.Bool(v.as_bool()); return;
    case Value::Type::kInt: w.Int64(v.as_int()); return;
    case Value::Type::kDouble: WriteDouble(w, v.as_double()); return;
    case Value::Type::kString: WriteJsonString(w, v.as_string()); return;
    case Value::Type::kList:
      w.StartArray();
      for (const Value& e : v.as_list()) WriteJsonValue(w, e, view);
      w.EndArray();
      return;
    case Value::Type::kMap: WriteProperties(w, v.as_map(), view); return;
    case Value::Type::kDate:
    case Value::Type::kLocalTime:
    case Value::Type::kTime:
    case Value::Type::kLocalDateTime:
    case Value::Type::kDateTime:
    case Value::Type::kDuration: {
      // Temporals as their ISO 8601 text, like the TCK writes them.
      std::string s = FormatTemporal(v);
      w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
      return;
    }
    case Value::Type::kNode: WriteNode(w, v.as_node(), view); return;
    case Value::Type::kRel: WriteRel(w, v.as_rel(), view); return;
    case Value::Type::kPath: {
      const PathValue& p = v.as_path();
      w.StartObject();
      w.Key("$path", 5);
      w.StartArray();
      for (size_t i = 0; i < p.nodes.size(); ++i) {
        WriteNode(w, p.nodes[i], view);
        if (i < p.rels.size()) WriteRel(w, p.rels[i], view);
      }
      w.EndArray();
      w.EndObject();
      return;
    }
  }
  w.Null();
}

Result<Value> ParseJson(std::string_view text) {
  rapidjson::Reader reader;
  rapidjson::MemoryStream is(text.data(), text.size());
  ValueBuilder builder;
  constexpr unsigned kFlags =
      rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  rapidjson::ParseResult r = reader.Parse<kFlags>(is, builder);
  if (r.IsError()) {
    std::string reason = r.Code() == rapidjson::kParseErrorTermination && !builder.error().empty()
                             ? builder.error()
                             : std::string(rapidjson::GetParseError_En(r.Code()));
    if (text.empty()) reason = "the body is empty";
    return Status::InvalidArgument(std::string(builder.bad_value() ? "bad value" : "malformed JSON") + " at offset " +
                                   std::to_string(r.Offset()) + ": " + reason);
  }
  return builder.TakeRoot();
}

}  // namespace trendgraph::engine::http
