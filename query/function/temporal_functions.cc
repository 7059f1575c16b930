// Temporal functions: date() and timestamp(). Only calendar dates are a
// value kind (trendgraph::Date); times, datetimes and durations are not
// supported.
#include <chrono>
#include <string>

#include "query/function/function_util.h"

namespace trendgraph::query::internal {

namespace {

[[noreturn]] void ThrowBadDate(std::string message) {
  throw ExecutorException(MakeError(ErrorCode::kArgumentError, "date(): " + std::move(message), {}, "InvalidArgumentValue"));
}

int IsoWeekday(int64_t days) {
  int64_t w = (days + 3) % 7;  // 1970-01-01 was a Thursday; 0 = Monday
  if (w < 0) w += 7;
  return static_cast<int>(w) + 1;
}

Date FromCivilOrThrow(int64_t y, int64_t m, int64_t d) {
  Date out;
  if (y < -999999999 || y > 999999999 || m < 1 || m > 12 || d < 1 || d > 31 ||
      !DateFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d), &out))
    ThrowBadDate("invalid date " + std::to_string(y) + "-" + std::to_string(m) + "-" + std::to_string(d));
  // Dates are stored as 32-bit day numbers.
  return out;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

Date FromOrdinal(int64_t y, int64_t ordinal) {
  if (ordinal < 1 || ordinal > (IsLeap(y) ? 366 : 365))
    ThrowBadDate("invalid ordinal day " + std::to_string(ordinal) + " of year " + std::to_string(y));
  Date jan1 = FromCivilOrThrow(y, 1, 1);
  return Date{static_cast<int32_t>(jan1.days + ordinal - 1)};
}

Date FromWeek(int64_t week_year, int64_t week, int64_t dow) {
  if (dow < 1 || dow > 7) ThrowBadDate("invalid day of week " + std::to_string(dow));
  Date jan4 = FromCivilOrThrow(week_year, 1, 4);
  int64_t monday1 = jan4.days - (IsoWeekday(jan4.days) - 1);
  // A year has 53 ISO weeks when its 28 December falls in week 53.
  Date dec28 = FromCivilOrThrow(week_year, 12, 28);
  int64_t weeks = (dec28.days - IsoWeekday(dec28.days) + 1 - monday1) / 7 + 1;
  if (week < 1 || week > weeks) ThrowBadDate("invalid week " + std::to_string(week) + " of year " + std::to_string(week_year));
  return Date{static_cast<int32_t>(monday1 + (week - 1) * 7 + (dow - 1))};
}

Date FromQuarter(int64_t y, int64_t quarter, int64_t day_of_quarter) {
  if (quarter < 1 || quarter > 4) ThrowBadDate("invalid quarter " + std::to_string(quarter));
  Date first = FromCivilOrThrow(y, (quarter - 1) * 3 + 1, 1);
  Date next = quarter == 4 ? FromCivilOrThrow(y + 1, 1, 1) : FromCivilOrThrow(y, quarter * 3 + 1, 1);
  if (day_of_quarter < 1 || day_of_quarter > next.days - first.days)
    ThrowBadDate("invalid day of quarter " + std::to_string(day_of_quarter));
  return Date{static_cast<int32_t>(first.days + day_of_quarter - 1)};
}

// Parses a run of exactly n digits at s[*pos].
bool Digits(std::string_view s, size_t* pos, size_t n, int64_t* out) {
  if (*pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

// ISO 8601 calendar, week and ordinal dates, extended or basic format:
// 2024-03-05, 20240305, 2024-03, 2024, 2024-W10-2, 2024W102, 2024-W10,
// 2024-065, 2024065. Years outside 0000..9999 carry a sign.
Date ParseDateString(std::string_view text) {
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  auto fail = [&]() -> Date { ThrowBadDate("cannot parse '" + std::string(text) + "' as a date"); };
  size_t pos = 0;
  int64_t year = 0;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    bool neg = s[0] == '-';
    pos = 1;
    size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9' && pos - start < 9) year = year * 10 + (s[pos++] - '0');
    if (pos - start < 4) return fail();
    if (neg) year = -year;
  } else if (!Digits(s, &pos, 4, &year)) {
    return fail();
  }
  if (pos == s.size()) return FromCivilOrThrow(year, 1, 1);
  bool extended = s[pos] == '-';
  if (extended) ++pos;
  int64_t a = 0, b = 0;
  if (pos < s.size() && s[pos] == 'W') {
    ++pos;
    if (!Digits(s, &pos, 2, &a)) return fail();
    int64_t dow = 1;
    if (pos < s.size()) {
      if (extended) {
        if (s[pos] != '-') return fail();
        ++pos;
      }
      if (!Digits(s, &pos, 1, &dow)) return fail();
    }
    if (pos != s.size()) return fail();
    return FromWeek(year, a, dow);
  }
  size_t rest = s.size() - pos;
  if (rest == 3) {  // ordinal date
    if (!Digits(s, &pos, 3, &a)) return fail();
    return FromOrdinal(year, a);
  }
  if (!Digits(s, &pos, 2, &a)) return fail();
  if (pos == s.size()) {
    if (!extended) return fail();  // "202403" is ambiguous; ISO requires the hyphen
    return FromCivilOrThrow(year, a, 1);
  }
  if (extended) {
    if (s[pos] != '-') return fail();
    ++pos;
  }
  if (!Digits(s, &pos, 2, &b) || pos != s.size()) return fail();
  return FromCivilOrThrow(year, a, b);
}

int64_t MapInt(const Value::Map& m, const char* key, int64_t dflt, bool* present = nullptr) {
  auto it = m.find(std::string_view(key));
  if (present) *present = it != m.end() && !it->second.is_null();
  if (it == m.end() || it->second.is_null()) return dflt;
  if (!it->second.is_int()) {
    throw ExecutorException(MakeError(ErrorCode::kTypeError,
                                      std::string("date(): '") + key + "' must be an Integer, got " +
                                          Value::TypeName(it->second.type()),
                                      {}, "InvalidArgumentType"));
  }
  return it->second.as_int();
}

Date DateFromMap(const Value::Map& m) {
  static const char* kKnown[] = {"year", "month", "day", "week", "dayOfWeek", "ordinalDay", "quarter",
                                 "dayOfQuarter", "date", "timezone"};
  for (const auto& [k, v] : m) {
    bool known = false;
    for (const char* name : kKnown) known = known || k == name;
    if (!known) ThrowBadDate("unknown field '" + k + "'");
  }
  // {date: d, ...overrides}
  int64_t base_y = 0, base_m = 1, base_d = 1;
  bool has_base = false;
  if (auto it = m.find(std::string_view("date")); it != m.end() && !it->second.is_null()) {
    if (!it->second.is_date()) ThrowArgType("date", 0, "a Date in field 'date'", it->second);
    unsigned mm, dd;
    CivilFromDate(it->second.as_date(), &base_y, &mm, &dd);
    base_m = mm;
    base_d = dd;
    has_base = true;
  }
  bool has_year = false, has_week = false, has_ordinal = false, has_quarter = false;
  int64_t year = MapInt(m, "year", base_y, &has_year);
  if (!has_year && !has_base) ThrowBadDate("a map needs at least 'year'");
  int64_t week = MapInt(m, "week", 1, &has_week);
  int64_t ordinal = MapInt(m, "ordinalDay", 1, &has_ordinal);
  int64_t quarter = MapInt(m, "quarter", 1, &has_quarter);
  if (has_week) return FromWeek(year, week, MapInt(m, "dayOfWeek", 1));
  if (has_ordinal) return FromOrdinal(year, ordinal);
  if (has_quarter) return FromQuarter(year, quarter, MapInt(m, "dayOfQuarter", 1));
  bool has_month = false;
  int64_t month = MapInt(m, "month", base_m, &has_month);
  // A given month without a day means its first day.
  int64_t day = MapInt(m, "day", has_month && !has_base ? 1 : base_d);
  return FromCivilOrThrow(year, month, day);
}

Value FnDate(const Value* a, size_t n, FunctionContext&) {
  if (n == 0) {
    auto now = std::chrono::system_clock::now();
    auto days = std::chrono::floor<std::chrono::days>(now).time_since_epoch().count();
    return Value(Date{static_cast<int32_t>(days)});
  }
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_date()) return v;
  if (v.is_string()) return Value(ParseDateString(v.as_string()));
  if (v.is_map()) return Value(DateFromMap(v.as_map()));
  ThrowArgType("date", 0, "a String or a Map", v);
}

Value FnTimestamp(const Value*, size_t, FunctionContext&) {
  auto now = std::chrono::system_clock::now();
  return Value(static_cast<int64_t>(
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()));
}

constexpr ScalarFunctionDef kDefs[] = {
    {"date", 0, 1, FnDate, false},  // date() is today
    {"timestamp", 0, 0, FnTimestamp, false},
};

}  // namespace

std::span<const ScalarFunctionDef> TemporalFunctions() { return kDefs; }

}  // namespace trendgraph::query::internal
