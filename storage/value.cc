#include "storage/value.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace trendgraph {

bool Value::IsStorable() const {
  switch (type()) {
    case Type::kNode:
    case Type::kRel:
    case Type::kPath:
      return false;
    case Type::kList:
      for (const Value& v : as_list())
        if (!v.IsStorable()) return false;
      return true;
    case Type::kMap:
      for (const auto& [k, v] : as_map())
        if (!v.IsStorable()) return false;
      return true;
    default:
      return true;
  }
}

bool Value::Identical(const Value& other) const {
  if (type() != other.type()) return false;
  switch (type()) {
    case Type::kDouble: {
      double a = as_double(), b = other.as_double();
      return std::memcmp(&a, &b, sizeof a) == 0;
    }
    case Type::kList: {
      const List& a = as_list();
      const List& b = other.as_list();
      if (a.size() != b.size()) return false;
      for (size_t i = 0; i < a.size(); ++i)
        if (!a[i].Identical(b[i])) return false;
      return true;
    }
    case Type::kMap: {
      const Map& a = as_map();
      const Map& b = other.as_map();
      if (a.size() != b.size()) return false;
      for (auto ia = a.begin(), ib = b.begin(); ia != a.end(); ++ia, ++ib)
        if (ia->first != ib->first || !ia->second.Identical(ib->second)) return false;
      return true;
    }
    case Type::kNull: return true;
    case Type::kBool: return as_bool() == other.as_bool();
    case Type::kInt: return as_int() == other.as_int();
    case Type::kString: return as_string() == other.as_string();
    case Type::kDate: return as_date() == other.as_date();
    case Type::kNode: return as_node() == other.as_node();
    case Type::kRel: return as_rel() == other.as_rel();
    case Type::kPath: return as_path() == other.as_path();
  }
  return false;
}

const char* Value::TypeName(Type t) {
  switch (t) {
    case Type::kNull: return "Null";
    case Type::kBool: return "Boolean";
    case Type::kInt: return "Integer";
    case Type::kDouble: return "Float";
    case Type::kString: return "String";
    case Type::kList: return "List";
    case Type::kMap: return "Map";
    case Type::kDate: return "Date";
    case Type::kNode: return "Node";
    case Type::kRel: return "Relationship";
    case Type::kPath: return "Path";
  }
  return "Unknown";
}

static void AppendQuoted(std::string* out, const std::string& s) {
  out->push_back('\'');
  for (char c : s) {
    if (c == '\'' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('\'');
}

std::string Value::DebugString() const {
  std::string out;
  char buf[64];
  switch (type()) {
    case Type::kNull: return "null";
    case Type::kBool: return as_bool() ? "true" : "false";
    case Type::kInt: return std::to_string(as_int());
    case Type::kDouble: {
      double d = as_double();
      if (std::isnan(d)) return "NaN";
      if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
      std::snprintf(buf, sizeof buf, "%.17g", d);
      out = buf;
      if (out.find_first_of(".eE") == std::string::npos) out += ".0";
      return out;
    }
    case Type::kString:
      AppendQuoted(&out, as_string());
      return out;
    case Type::kList: {
      out = "[";
      bool first = true;
      for (const Value& v : as_list()) {
        if (!first) out += ", ";
        first = false;
        out += v.DebugString();
      }
      return out + "]";
    }
    case Type::kMap: {
      out = "{";
      bool first = true;
      for (const auto& [k, v] : as_map()) {
        if (!first) out += ", ";
        first = false;
        out += k + ": " + v.DebugString();
      }
      return out + "}";
    }
    case Type::kDate: return "date('" + FormatDate(as_date()) + "')";
    case Type::kNode: return "(#" + std::to_string(as_node().id) + ")";
    case Type::kRel: {
      RelRef r = as_rel();
      return "[#" + std::to_string(r.id) + " " + std::to_string(r.start) + "->" + std::to_string(r.end) + "]";
    }
    case Type::kPath: return "<path of " + std::to_string(as_path().rels.size()) + " relationships>";
  }
  return "?";
}

// Howard Hinnant's days_from_civil / civil_from_days.
bool DateFromCivil(int64_t y, unsigned m, unsigned d, Date* out) {
  if (m < 1 || m > 12 || d < 1) return false;
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  unsigned dim = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > dim) return false;
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  out->days = static_cast<int32_t>(era * 146097 + static_cast<int64_t>(doe) - 719468);
  return true;
}

void CivilFromDate(Date date, int64_t* year, unsigned* month, unsigned* day) {
  int64_t z = static_cast<int64_t>(date.days) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (m <= 2);
  *month = m;
  *day = d;
}

std::string FormatDate(Date d) {
  int64_t y;
  unsigned m, day;
  CivilFromDate(d, &y, &m, &day);
  char buf[40];
  if (y >= 0 && y <= 9999)
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, day);
  else
    std::snprintf(buf, sizeof buf, "%+05lld-%02u-%02u", static_cast<long long>(y), m, day);
  return buf;
}

bool ParseIsoDate(std::string_view t, Date* out) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  auto digits = [&](size_t pos, size_t n, unsigned* v) {
    *v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return false;
      *v = *v * 10 + static_cast<unsigned>(t[i] - '0');
    }
    return true;
  };
  unsigned y, m, d;
  if (!digits(0, 4, &y) || !digits(5, 2, &m) || !digits(8, 2, &d)) return false;
  return DateFromCivil(y, m, d, out);
}

}  // namespace trendgraph
