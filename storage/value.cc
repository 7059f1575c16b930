#include "storage/value.h"

#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>

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
    case Type::kLocalTime: return as_local_time() == other.as_local_time();
    case Type::kTime: return as_time() == other.as_time();
    case Type::kLocalDateTime: return as_local_date_time() == other.as_local_date_time();
    case Type::kDateTime: return as_date_time() == other.as_date_time();
    case Type::kDuration: return as_duration() == other.as_duration();
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
    case Type::kLocalTime: return "LocalTime";
    case Type::kTime: return "Time";
    case Type::kLocalDateTime: return "LocalDateTime";
    case Type::kDateTime: return "DateTime";
    case Type::kDuration: return "Duration";
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
    case Type::kLocalTime: return "localtime('" + FormatLocalTime(as_local_time()) + "')";
    case Type::kTime: return "time('" + FormatTime(as_time()) + "')";
    case Type::kLocalDateTime: return "localdatetime('" + FormatLocalDateTime(as_local_date_time()) + "')";
    case Type::kDateTime: return "datetime('" + FormatDateTime(as_date_time()) + "')";
    case Type::kDuration: return "duration('" + FormatDuration(as_duration()) + "')";
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
  const int64_t days = era * 146097 + static_cast<int64_t>(doe) - 719468;
  if (days < INT32_MIN || days > INT32_MAX) return false;  // beyond +-5.8 million years
  out->days = static_cast<int32_t>(days);
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

namespace {

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// "HH:MM[:SS[.fff|.ffffff|.fffffffff]]" of nanoseconds since midnight.
void AppendClock(std::string* out, int64_t nanos_of_day) {
  int64_t secs = nanos_of_day / kNanosPerSecond;
  int64_t frac = nanos_of_day % kNanosPerSecond;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60));
  out->append(buf);
  if (secs % 60 == 0 && frac == 0) return;
  std::snprintf(buf, sizeof buf, ":%02lld", static_cast<long long>(secs % 60));
  out->append(buf);
  if (frac == 0) return;
  if (frac % 1000000 == 0)
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(frac / 1000000));
  else if (frac % 1000 == 0)
    std::snprintf(buf, sizeof buf, ".%06lld", static_cast<long long>(frac / 1000));
  else
    std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(frac));
  out->append(buf);
}

void AppendDateTime(std::string* out, int64_t seconds, int32_t nanos) {
  int64_t days = FloorDiv(seconds, kSecondsPerDay);
  *out += FormatDate(Date{static_cast<int32_t>(days)});
  out->push_back('T');
  AppendClock(out, FloorMod(seconds, kSecondsPerDay) * kNanosPerSecond + nanos);
}

}  // namespace

std::string FormatOffset(int32_t offset_seconds) {
  if (offset_seconds == 0) return "Z";
  char buf[16];
  int32_t a = offset_seconds < 0 ? -offset_seconds : offset_seconds;
  char sign = offset_seconds < 0 ? '-' : '+';
  if (a % 60 == 0)
    std::snprintf(buf, sizeof buf, "%c%02d:%02d", sign, a / 3600, a / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%c%02d:%02d:%02d", sign, a / 3600, a / 60 % 60, a % 60);
  return buf;
}

std::string FormatLocalTime(LocalTime t) {
  std::string out;
  AppendClock(&out, t.nanos);
  return out;
}

std::string FormatTime(Time t) {
  std::string out;
  AppendClock(&out, t.nanos);
  return out + FormatOffset(t.offset_seconds);
}

std::string FormatLocalDateTime(LocalDateTime t) {
  std::string out;
  AppendDateTime(&out, t.seconds, t.nanos);
  return out;
}

std::string FormatDateTime(DateTime t) {
  std::string out;
  AppendDateTime(&out, t.seconds + t.offset_seconds, t.nanos);
  out += FormatOffset(t.offset_seconds);
  if (t.zone != 0) {
    out.push_back('[');
    out += ZoneName(t.zone);
    out.push_back(']');
  }
  return out;
}

namespace {

struct ZoneRegistry {
  std::mutex mu;
  std::deque<std::string> names;  // id - 1; a deque keeps references stable
  std::map<std::string, int32_t, std::less<>> ids;
};

ZoneRegistry& Zones() {
  static ZoneRegistry* registry = new ZoneRegistry();  // never destroyed: used during exit
  return *registry;
}

}  // namespace

int32_t InternZoneName(std::string_view name) {
  ZoneRegistry& z = Zones();
  std::lock_guard<std::mutex> lock(z.mu);
  if (auto it = z.ids.find(name); it != z.ids.end()) return it->second;
  z.names.emplace_back(name);
  int32_t id = static_cast<int32_t>(z.names.size());
  z.ids.emplace(std::string(name), id);
  return id;
}

const std::string& ZoneName(int32_t zone) {
  static const std::string kEmpty;
  ZoneRegistry& z = Zones();
  std::lock_guard<std::mutex> lock(z.mu);
  if (zone <= 0 || static_cast<size_t>(zone) > z.names.size()) return kEmpty;
  return z.names[static_cast<size_t>(zone - 1)];
}

std::string FormatDuration(Duration d) {
  std::string out = "P";
  int64_t years = d.months / 12, months = d.months % 12;
  auto component = [&](int64_t n, char unit) {
    if (n == 0) return;
    out.append(std::to_string(n));
    out.push_back(unit);
  };
  component(years, 'Y');
  component(months, 'M');
  component(d.days, 'D');
  // Seconds and nanos as one signed quantity: -1 s + 0.5e9 ns is -0.5 s.
  int64_t secs = d.seconds;
  int64_t nanos = d.nanos;
  if (secs < 0 && nanos > 0) {
    secs += 1;
    nanos = kNanosPerSecond - nanos;
  }
  bool negative = secs < 0 || (secs == 0 && d.seconds < 0);
  int64_t abs_secs = secs < 0 ? -secs : secs;
  int64_t hours = abs_secs / 3600, minutes = abs_secs / 60 % 60, seconds = abs_secs % 60;
  if (hours != 0 || minutes != 0 || seconds != 0 || nanos != 0) {
    out.push_back('T');
    auto append = [&](int64_t n) {
      if (negative) out.push_back('-');
      out.append(std::to_string(n));
    };
    if (hours != 0) {
      append(hours);
      out.push_back('H');
    }
    if (minutes != 0) {
      append(minutes);
      out.push_back('M');
    }
    if (seconds != 0 || nanos != 0) {
      append(seconds);
      if (nanos != 0) {
        char buf[16];
        std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(nanos));
        size_t len = std::strlen(buf);
        while (buf[len - 1] == '0') --len;
        out.append(buf, len);
      }
      out.push_back('S');
    }
  }
  if (out == "P") out = "PT0S";
  return out;
}

std::string FormatTemporal(const Value& v) {
  switch (v.type()) {
    case Value::Type::kDate: return FormatDate(v.as_date());
    case Value::Type::kLocalTime: return FormatLocalTime(v.as_local_time());
    case Value::Type::kTime: return FormatTime(v.as_time());
    case Value::Type::kLocalDateTime: return FormatLocalDateTime(v.as_local_date_time());
    case Value::Type::kDateTime: return FormatDateTime(v.as_date_time());
    case Value::Type::kDuration: return FormatDuration(v.as_duration());
    default: return "";
  }
}

}  // namespace trendgraph
