// Temporal functions: the constructors date(), localtime(), time(),
// localdatetime(), datetime() and duration() (from nothing = now, from an
// ISO 8601 string, from a map of fields, or from another temporal value),
// and timestamp(). Time zones are UTC offsets ('+01:00', 'Z', 'UTC') or, for
// datetime values, tz database names ('Europe/Stockholm', time_zones.h); an
// unknown name is an ArgumentError naming it.
#include <chrono>
#include <cmath>
#include <string>

#include "query/expression/temporal_ops.h"
#include "query/expression/time_zones.h"
#include "query/function/function_util.h"

namespace trendgraph::query::internal {

namespace {

[[noreturn]] void ThrowBad(std::string_view fn, std::string message) {
  throw ExecutorException(
      MakeError(ErrorCode::kArgumentError, std::string(fn) + "(): " + std::move(message), {}, "InvalidArgumentValue"));
}

[[noreturn]] void ThrowBadDate(std::string message) { ThrowBad("date", std::move(message)); }

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
    return FromCivilOrThrow(year, a, 1);  // "2024-03" or basic "202403"

  }
  if (extended) {
    if (s[pos] != '-') return fail();
    ++pos;
  }
  if (!Digits(s, &pos, 2, &b) || pos != s.size()) return fail();
  return FromCivilOrThrow(year, a, b);
}

int64_t MapInt(const Value::Map& m, const char* key, int64_t dflt, bool* present = nullptr,
               std::string_view fn = "date") {
  auto it = m.find(std::string_view(key));
  if (present) *present = it != m.end() && !it->second.is_null();
  if (it == m.end() || it->second.is_null()) return dflt;
  if (!it->second.is_int()) {
    throw ExecutorException(MakeError(ErrorCode::kTypeError,
                                      std::string(fn) + "(): '" + key + "' must be an Integer, got " +
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
    TemporalParts parts;
    if (!SplitTemporal(it->second, &parts) || !parts.has_date)
      ThrowArgType("date", 0, "a value with a date in field 'date'", it->second);
    unsigned mm, dd;
    CivilFromDate(Date{static_cast<int32_t>(parts.days)}, &base_y, &mm, &dd);
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
  if (has_week) {
    // Over a base date, the week-year and weekday default to the base's.
    int64_t week_year = year, dow = 1;
    if (has_base) {
      Value base(FromCivilOrThrow(base_y, base_m, base_d));
      if (!has_year) week_year = TemporalProperty(base, "weekYear").as_int();
      dow = TemporalProperty(base, "dayOfWeek").as_int();
    }
    return FromWeek(week_year, week, MapInt(m, "dayOfWeek", dow));
  }
  if (has_ordinal) return FromOrdinal(year, ordinal);
  if (has_quarter) {
    // Over a base date, the day of the quarter defaults to the base's.
    int64_t doq = has_base ? TemporalProperty(Value(FromCivilOrThrow(base_y, base_m, base_d)), "dayOfQuarter").as_int() : 1;
    return FromQuarter(year, quarter, MapInt(m, "dayOfQuarter", doq));
  }
  bool has_month = false;
  int64_t month = MapInt(m, "month", base_m, &has_month);
  // A given month without a day means its first day.
  int64_t day = MapInt(m, "day", has_month && !has_base ? 1 : base_d);
  return FromCivilOrThrow(year, month, day);
}

// The statement's instant in UTC nanoseconds (the system clock without one).
int64_t StatementNanos(const FunctionContext* ctx) {
  if (ctx != nullptr && ctx->statement_time_nanos != 0) return ctx->statement_time_nanos;
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration_cast<std::chrono::nanoseconds>(now).count();
}

Value FnDate(const Value* a, size_t n, FunctionContext& ctx) {
  if (n == 0) {
    int64_t ns = StatementNanos(&ctx);
    return Value(Date{static_cast<int32_t>(ns / kNanosPerDay - (ns % kNanosPerDay < 0))});
  }
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_date()) return v;
  if (v.is_string()) return Value(ParseDateString(v.as_string()));
  if (v.is_map()) return Value(DateFromMap(v.as_map()));
  TemporalParts p;
  if (SplitTemporal(v, &p) && p.has_date) return Value(Date{static_cast<int32_t>(p.days)});
  ThrowArgType("date", 0, "a String, a Map or a value with a date", v);
}


// ---- times and offsets --------------------------------------------------

// "Z", "UTC", "+HH", "+HHMM", "+HH:MM", "+HH:MM:SS" -> seconds east of UTC.
// A tz database name ("Europe/Stockholm") sets *zone (when zone is given)
// and returns 0: its offset depends on the instant.
int32_t ParseOffset(std::string_view fn, std::string_view s, int32_t* zone = nullptr) {
  if (s == "Z" || s == "z" || s == "UTC" || s == "Etc/UTC" || s == "GMT") return 0;
  auto fail = [&]() -> int32_t {
    if (!s.empty() && s[0] != '+' && s[0] != '-') {
      if (zone == nullptr)
        ThrowBad(fn, "a named time zone ('" + std::string(s) + "') needs a datetime; use an offset such as '+01:00'");
      Result<int32_t> id = LookupTimeZone(s);
      if (!id.ok()) ThrowBad(fn, id.status().message());
      *zone = *id;
      return 0;
    }
    ThrowBad(fn, "cannot parse '" + std::string(s) + "' as a time zone offset");
  };
  if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return fail();
  size_t pos = 1;
  int64_t h = 0, m = 0, sec = 0;
  if (!Digits(s, &pos, 2, &h)) return fail();
  if (pos < s.size()) {
    if (s[pos] == ':') ++pos;
    if (!Digits(s, &pos, 2, &m)) return fail();
    if (pos < s.size()) {
      if (s[pos] == ':') ++pos;
      if (!Digits(s, &pos, 2, &sec)) return fail();
    }
  }
  if (pos != s.size() || m > 59 || sec > 59) return fail();
  int64_t total = h * 3600 + m * 60 + sec;
  if (total > 18 * 3600) ThrowBad(fn, "offset '" + std::string(s) + "' is outside -18:00..+18:00");
  return static_cast<int32_t>(s[0] == '-' ? -total : total);
}

int32_t OffsetFromValue(std::string_view fn, const Value& tz, int32_t* zone = nullptr) {
  if (!tz.is_string()) ThrowArgType(fn, 0, "a String in field 'timezone'", tz);
  return ParseOffset(fn, tz.as_string(), zone);
}

// "HH[:MM[:SS[.fffffffff]]]" or basic "HH[MM[SS[.f]]]", then an optional
// offset; *has_offset tells whether one was given.
int64_t ParseTimeString(std::string_view fn, std::string_view s, bool* has_offset, int32_t* offset,
                        int32_t* zone_out = nullptr) {
  auto fail = [&]() -> int64_t { ThrowBad(fn, "cannot parse '" + std::string(s) + "' as a time"); };
  size_t pos = 0;
  int64_t h = 0, m = 0, sec = 0, frac = 0;
  if (!Digits(s, &pos, 2, &h)) return fail();
  auto more = [&]() {
    return pos < s.size() && s[pos] != '+' && s[pos] != '-' && s[pos] != 'Z' && s[pos] != 'z' && s[pos] != '[';
  };
  bool extended = pos < s.size() && s[pos] == ':';
  if (more()) {
    if (extended) ++pos;
    if (!Digits(s, &pos, 2, &m)) return fail();
    if (more()) {
      if (extended) {
        if (s[pos] != ':') return fail();
        ++pos;
      }
      if (!Digits(s, &pos, 2, &sec)) return fail();
      if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
        ++pos;
        size_t start = pos;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (pos - start < 9) frac = frac * 10 + (s[pos] - '0');
          ++pos;
        }
        if (pos == start) return fail();
        for (size_t i = pos - start; i < 9; ++i) frac *= 10;
      }
    }
  }
  if (h > 23 || m > 59 || sec > 59) ThrowBad(fn, "invalid time '" + std::string(s) + "'");
  *has_offset = pos < s.size();
  if (*has_offset) {
    std::string_view zone = s.substr(pos);
    if (size_t br = zone.find('['); br != std::string_view::npos) {
      if (zone.back() != ']') return fail();
      std::string_view name = zone.substr(br + 1, zone.size() - br - 2);
      zone = zone.substr(0, br);
      // The zone decides (its offset at the instant); a given offset that
      // disagrees with it is not checked.
      int32_t named_zone = 0;
      int32_t named = ParseOffset(fn, name, zone_out != nullptr ? &named_zone : nullptr);
      if (named_zone != 0) {
        *zone_out = named_zone;
        *offset = 0;
        return ((h * 60 + m) * 60 + sec) * kNanosPerSecond + frac;
      }
      if (zone.empty()) zone = "Z";
      if (ParseOffset(fn, zone) != named) ThrowBad(fn, "offset and zone of '" + std::string(s) + "' disagree");
    }
    *offset = ParseOffset(fn, zone);
  }
  return ((h * 60 + m) * 60 + sec) * kNanosPerSecond + frac;
}

// Fields hour .. nanosecond over a base time of day. Neo4j's ranges: with a
// millisecond, microsecond is 0..999; with either, nanosecond is 0..999.
int64_t TimeFromFields(std::string_view fn, const Value::Map& m, int64_t base, bool has_base) {
  bool has_h, has_min, has_s, has_ms, has_us, has_ns;
  int64_t h = MapInt(m, "hour", base / (3600 * kNanosPerSecond), &has_h, fn);
  int64_t mi = MapInt(m, "minute", base / (60 * kNanosPerSecond) % 60, &has_min, fn);
  int64_t sec = MapInt(m, "second", base / kNanosPerSecond % 60, &has_s, fn);
  int64_t base_frac = base % kNanosPerSecond;
  int64_t ms = MapInt(m, "millisecond", 0, &has_ms, fn);
  int64_t us = MapInt(m, "microsecond", 0, &has_us, fn);
  int64_t ns = MapInt(m, "nanosecond", 0, &has_ns, fn);
  if (!has_base && !has_h && (has_min || has_s || has_ms || has_us || has_ns))
    ThrowBad(fn, "a time needs 'hour' when it gives smaller units");
  if (!has_base && !has_min && (has_s || has_ms || has_us || has_ns) && has_h)
    ThrowBad(fn, "a time needs 'minute' when it gives 'second' or smaller units");
  if (h < 0 || h > 23) ThrowBad(fn, "invalid hour " + std::to_string(h));
  if (mi < 0 || mi > 59) ThrowBad(fn, "invalid minute " + std::to_string(mi));
  if (sec < 0 || sec > 59) ThrowBad(fn, "invalid second " + std::to_string(sec));
  if (ms < 0 || ms > 999) ThrowBad(fn, "invalid millisecond " + std::to_string(ms));
  if (us < 0 || us > (has_ms ? 999 : 999999)) ThrowBad(fn, "invalid microsecond " + std::to_string(us));
  if (ns < 0 || ns > (has_ms || has_us ? 999 : 999999999)) ThrowBad(fn, "invalid nanosecond " + std::to_string(ns));
  int64_t frac = has_ms || has_us || has_ns ? ms * 1000000 + us * 1000 + ns : base_frac;
  return ((h * 60 + mi) * 60 + sec) * kNanosPerSecond + frac;
}

bool IsTimeKey(std::string_view k) {
  return k == "hour" || k == "minute" || k == "second" || k == "millisecond" || k == "microsecond" ||
         k == "nanosecond";
}

// What a constructor builds.
enum class TemporalKind { kLocalTime, kTime, kLocalDateTime, kDateTime };

// The current instant (the statement's, when the context has one) as days
// and nanos of the UTC day.
void Now(int64_t* days, int64_t* nanos, const FunctionContext* ctx = nullptr) {
  int64_t ns = StatementNanos(ctx);
  *days = ns / kNanosPerDay;
  *nanos = ns % kNanosPerDay;
}

// `zone` (a named zone) wins over `offset`; a time in a named zone takes the
// zone's offset now.
Value Assemble(TemporalKind kind, int64_t days, int64_t nanos, int32_t offset, int32_t zone = 0) {
  switch (kind) {
    case TemporalKind::kLocalTime: return Value(LocalTime{nanos});
    case TemporalKind::kTime:
      if (zone != 0) {
        int64_t d, n;
        Now(&d, &n);
        offset = ZoneOffsetAt(zone, d * kSecondsPerDay + n / kNanosPerSecond);
      }
      return Value(Time{nanos, offset});
    case TemporalKind::kLocalDateTime: return Value(MakeLocalDateTime(days, nanos));
    case TemporalKind::kDateTime:
      if (zone != 0) return Value(MakeZonedDateTime(days, nanos, zone));
      return Value(MakeDateTime(days, nanos, offset));
  }
  return Value();
}

// Moves local date/time parts from one offset to another, keeping the instant.
void ShiftOffset(int64_t* days, int64_t* nanos, int32_t from, int32_t to) {
  int64_t n = *nanos + (int64_t{to} - from) * kNanosPerSecond;
  int64_t shift = n / kNanosPerDay - (n % kNanosPerDay < 0);
  *nanos = n - shift * kNanosPerDay;
  *days += shift;
}

Value FromMap(std::string_view fn, TemporalKind kind, const Value::Map& m) {
  bool want_date = kind == TemporalKind::kLocalDateTime || kind == TemporalKind::kDateTime;
  bool want_offset = kind == TemporalKind::kTime || kind == TemporalKind::kDateTime;
  // Base values: {time: t}, {date: d}, {datetime: dt} with field overrides.
  TemporalParts time_base, date_base;
  bool has_time_base = false, has_date_base = false;
  Value::Map date_fields;
  bool has_epoch = false;
  for (const auto& [k, v] : m) {
    if (IsTimeKey(k) || k == "timezone") continue;
    if (k == "time" || k == "datetime" || (k == "date" && want_date)) {
      if (v.is_null()) continue;
      TemporalParts parts;
      if (!SplitTemporal(v, &parts)) ThrowArgType(fn, 0, "a temporal value in field '" + k + "'", v);
      if (k != "date" && parts.has_time) {
        time_base = parts;
        has_time_base = true;
      }
      if (k != "time" && parts.has_date) {
        date_base = parts;
        has_date_base = true;
        date_fields["date"] = Value(Date{static_cast<int32_t>(parts.days)});
      }
      continue;
    }
    if (want_date && (k == "epochSeconds" || k == "epochMillis")) {
      has_epoch = true;
      continue;
    }
    if (!want_date) ThrowBad(fn, "unknown field '" + k + "'");
    date_fields[k] = v;
  }
  int32_t offset = 0, zone = 0;
  bool has_tz = false;
  if (auto it = m.find(std::string_view("timezone")); it != m.end() && !it->second.is_null()) {
    if (!want_offset) ThrowBad(fn, "a " + std::string(fn) + " has no time zone; use " +
                                      (want_date ? "datetime" : "time") + "()");
    offset = OffsetFromValue(fn, it->second, &zone);
    has_tz = true;
  }
  int64_t days = 0;
  int64_t nanos_base = has_time_base ? time_base.nanos : 0;
  if (has_epoch) {
    bool has_s = false, has_ms = false;
    int64_t secs = MapInt(m, "epochSeconds", 0, &has_s, fn);
    int64_t millis = MapInt(m, "epochMillis", 0, &has_ms, fn);
    int64_t ns = MapInt(m, "nanosecond", 0, nullptr, fn);
    __int128 total = (static_cast<__int128>(secs) * 1000 + millis) * 1000000 + ns;
    __int128 d = total / kNanosPerDay, r = total % kNanosPerDay;
    if (r < 0) {
      r += kNanosPerDay;
      d -= 1;
    }
    if (d < INT32_MIN || d > INT32_MAX) ThrowBad(fn, "epoch value out of range");
    days = static_cast<int64_t>(d);
    int64_t nanos = static_cast<int64_t>(r);
    if (zone != 0) offset = ZoneOffsetAt(zone, static_cast<int64_t>(total / kNanosPerSecond));
    if (has_tz) ShiftOffset(&days, &nanos, 0, offset);
    return Assemble(kind, days, nanos, offset, zone);
  }
  // A datetime from a time with an offset (or zone) and a new timezone:
  // java.time's order, which Neo4j follows: the local date and time, field
  // overrides included, are read in the time's own zone, and that instant
  // is shown in the new zone. The time's zone thus gives the offset of the
  // final local date (a summer date gets the summer offset), not of the
  // date the time came with.
  if (kind == TemporalKind::kDateTime && has_tz && has_time_base && time_base.has_offset) {
    days = DateFromMap(date_fields).days;
    int64_t nanos = TimeFromFields(fn, m, time_base.nanos, true);
    DateTime at = time_base.zone != 0 ? MakeZonedDateTime(days, nanos, time_base.zone)
                                      : MakeDateTime(days, nanos, time_base.offset_seconds);
    at.zone = zone;
    at.offset_seconds = zone != 0 ? ZoneOffsetAt(zone, at.seconds) : offset;
    return Value(at);
  }
  // A base with an offset moved to a given timezone keeps its instant.
  if (has_tz && has_time_base && time_base.has_offset) {
    int64_t d = has_date_base ? date_base.days : 0;
    int64_t n = time_base.nanos;
    if (zone != 0) {
      int64_t utc;
      if (has_date_base) {
        utc = d * kSecondsPerDay + n / kNanosPerSecond - time_base.offset_seconds;
      } else {
        int64_t now_d, now_n;
        Now(&now_d, &now_n);
        utc = now_d * kSecondsPerDay + now_n / kNanosPerSecond;
      }
      offset = ZoneOffsetAt(zone, utc);
    }
    ShiftOffset(&d, &n, time_base.offset_seconds, offset);
    nanos_base = n;
    if (has_date_base && date_base.has_offset) date_fields["date"] = Value(Date{static_cast<int32_t>(d)});
  } else if (!has_tz && has_time_base && time_base.has_offset) {
    offset = time_base.offset_seconds;
    zone = time_base.zone;
  }
  if (want_date) days = DateFromMap(date_fields).days;
  int64_t nanos = TimeFromFields(fn, m, nanos_base, has_time_base);
  return Assemble(kind, days, nanos, offset, zone);
}

Value FromString(std::string_view fn, TemporalKind kind, std::string_view s) {
  bool want_date = kind == TemporalKind::kLocalDateTime || kind == TemporalKind::kDateTime;
  int64_t days = 0;
  std::string_view time_text = s;
  if (want_date) {
    size_t t = s.find_first_of("Tt");
    days = ParseDateString(s.substr(0, t)).days;
    time_text = t == std::string_view::npos ? std::string_view() : s.substr(t + 1);
  }
  bool has_offset = false;
  int32_t offset = 0, zone = 0;
  int64_t nanos =
      time_text.empty() && want_date ? 0 : ParseTimeString(fn, time_text, &has_offset, &offset, &zone);
  return Assemble(kind, days, nanos, offset, zone);
}

Value Construct(std::string_view fn, TemporalKind kind, const Value* a, size_t n, const FunctionContext& ctx) {
  if (n == 0) {
    int64_t days, nanos;
    Now(&days, &nanos, &ctx);
    return Assemble(kind, days, nanos, 0);
  }
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_string()) return FromString(fn, kind, v.as_string());
  if (v.is_map()) return FromMap(fn, kind, v.as_map());
  TemporalParts p;
  if (SplitTemporal(v, &p)) {
    bool want_date = kind == TemporalKind::kLocalDateTime || kind == TemporalKind::kDateTime;
    if (want_date && !p.has_date) ThrowBad(fn, std::string("cannot make a ") + std::string(fn) + " from a " +
                                                   Value::TypeName(v.type()) + ": it has no date");
    return Assemble(kind, p.days, p.nanos, p.offset_seconds, p.zone);
  }
  ThrowArgType(fn, 0, "a String, a Map or a temporal value", v);
}

Value FnLocalTime(const Value* a, size_t n, FunctionContext& ctx) {
  return Construct("localtime", TemporalKind::kLocalTime, a, n, ctx);
}
Value FnTime(const Value* a, size_t n, FunctionContext& ctx) { return Construct("time", TemporalKind::kTime, a, n, ctx); }
Value FnLocalDateTime(const Value* a, size_t n, FunctionContext& ctx) {
  return Construct("localdatetime", TemporalKind::kLocalDateTime, a, n, ctx);
}
Value FnDateTime(const Value* a, size_t n, FunctionContext& ctx) {
  return Construct("datetime", TemporalKind::kDateTime, a, n, ctx);
}

// ---- durations -----------------------------------------------------------

double DurationField(const Value::Map& m, const char* key) {
  auto it = m.find(std::string_view(key));
  if (it == m.end() || it->second.is_null()) return 0;
  if (!it->second.is_number())
    ThrowArgType("duration", 0, std::string("a number in field '") + key + "'", it->second);
  return it->second.as_number();
}

Duration DurationFromMap(const Value::Map& m) {
  static const char* kKnown[] = {"years", "quarters", "months", "weeks", "days", "hours", "minutes",
                                 "seconds", "milliseconds", "microseconds", "nanoseconds"};
  bool all_int = true;
  for (const auto& [k, v] : m) {
    bool known = false;
    for (const char* name : kKnown) known = known || k == name;
    if (!known) ThrowBad("duration", "unknown field '" + k + "'");
    all_int = all_int && (v.is_int() || v.is_null());
  }
  if (all_int) {
    auto i = [&](const char* k) {
      auto it = m.find(std::string_view(k));
      return it == m.end() || it->second.is_null() ? __int128{0} : __int128{it->second.as_int()};
    };
    __int128 months = i("years") * 12 + i("quarters") * 3 + i("months");
    __int128 days = i("weeks") * 7 + i("days");
    __int128 secs = i("hours") * 3600 + i("minutes") * 60 + i("seconds");
    __int128 nanos = i("milliseconds") * 1000000 + i("microseconds") * 1000 + i("nanoseconds");
    secs += nanos / kNanosPerSecond;
    nanos %= kNanosPerSecond;
    auto fits = [](__int128 v) { return v >= INT64_MIN && v <= INT64_MAX; };
    if (!fits(months) || !fits(days) || !fits(secs)) ThrowBad("duration", "value out of range");
    return MakeDuration(static_cast<int64_t>(months), static_cast<int64_t>(days), static_cast<int64_t>(secs),
                        static_cast<int64_t>(nanos));
  }
  double months = DurationField(m, "years") * 12 + DurationField(m, "quarters") * 3 + DurationField(m, "months");
  double days = DurationField(m, "weeks") * 7 + DurationField(m, "days");
  double secs = DurationField(m, "hours") * 3600 + DurationField(m, "minutes") * 60 + DurationField(m, "seconds");
  double nanos = DurationField(m, "milliseconds") * 1e6 + DurationField(m, "microseconds") * 1e3 +
                 DurationField(m, "nanoseconds");
  return MakeDuration(months, days, secs, nanos);
}

// ISO 8601 "PnYnMnWnDTnHnMn.nS" (each number may carry a sign and a
// fraction) or the alternative form "P<datetime>" ("P2012-02-02T14:37:21.545").
Duration ParseDurationString(std::string_view text) {
  auto fail = [&]() -> Duration { ThrowBad("duration", "cannot parse '" + std::string(text) + "' as a duration"); };
  std::string_view s = text;
  bool negate = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negate = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.size() < 2 || (s[0] != 'P' && s[0] != 'p')) return fail();
  s.remove_prefix(1);
  if (!s.empty() && s[0] >= '0' && s[0] <= '9' && s.find_first_of("YMWDHSymwdhs") == std::string_view::npos) {
    // Alternative format: a date and time as amounts.
    size_t t = s.find('T');
    std::string_view date_part = s.substr(0, t);
    int64_t y = 0, mo = 0, d = 0;
    size_t pos = 0;
    if (!Digits(date_part, &pos, 4, &y) || pos >= date_part.size() || date_part[pos++] != '-' ||
        !Digits(date_part, &pos, 2, &mo) || pos >= date_part.size() || date_part[pos++] != '-' ||
        !Digits(date_part, &pos, 2, &d) || pos != date_part.size())
      return fail();
    int64_t nanos = 0;
    if (t != std::string_view::npos) {
      bool has_offset = false;
      int32_t off = 0;
      nanos = ParseTimeString("duration", s.substr(t + 1), &has_offset, &off);
      if (has_offset) return fail();
    }
    Duration out = MakeDuration(y * 12 + mo, d, nanos / kNanosPerSecond, nanos % kNanosPerSecond);
    return negate ? NegateDuration(out) : out;
  }
  double months = 0, days = 0, secs = 0;
  bool in_time = false, any = false;
  while (!s.empty()) {
    if (s[0] == 'T' || s[0] == 't') {
      if (in_time) return fail();
      in_time = true;
      s.remove_prefix(1);
      continue;
    }
    size_t pos = 0;
    if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) ++pos;
    size_t digits_start = pos;
    while (pos < s.size() && ((s[pos] >= '0' && s[pos] <= '9') || s[pos] == '.' || s[pos] == ',')) ++pos;
    if (pos == digits_start || pos >= s.size()) return fail();
    std::string number(s.substr(0, pos));
    for (char& c : number)
      if (c == ',') c = '.';
    char* end = nullptr;
    double v = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return fail();
    char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(s[pos])));
    s.remove_prefix(pos + 1);
    any = true;
    if (!in_time) {
      if (unit == 'Y') months += v * 12;
      else if (unit == 'M') months += v;
      else if (unit == 'W') days += v * 7;
      else if (unit == 'D') days += v;
      else return fail();
    } else {
      if (unit == 'H') secs += v * 3600;
      else if (unit == 'M') secs += v * 60;
      else if (unit == 'S') secs += v;
      else return fail();
    }
  }
  if (!any) return fail();
  // Whole seconds and the fraction separately so nanoseconds stay exact.
  double whole = std::trunc(secs);
  Duration out = MakeDuration(months, days, whole, std::round((secs - whole) * 1e9));
  return negate ? NegateDuration(out) : out;
}

Value FnDuration(const Value* a, size_t, FunctionContext&) {
  const Value& v = a[0];
  if (v.is_null()) return Value();
  if (v.is_duration()) return v;
  if (v.is_string()) return Value(ParseDurationString(v.as_string()));
  if (v.is_map()) return Value(DurationFromMap(v.as_map()));
  ThrowArgType("duration", 0, "a String or a Map", v);
}

// ---- truncate ------------------------------------------------------------

// The units, coarsest first; date units end at kDay.
enum class TruncUnit { kMillennium, kCentury, kDecade, kYear, kWeekYear, kQuarter, kMonth, kWeek, kDay,
                       kHour, kMinute, kSecond, kMillisecond, kMicrosecond };

TruncUnit ParseTruncUnit(std::string_view fn, const Value& v) {
  if (!v.is_string()) ThrowArgType(fn, 0, "a String unit", v);
  static const std::pair<const char*, TruncUnit> kUnits[] = {
      {"millennium", TruncUnit::kMillennium}, {"century", TruncUnit::kCentury},
      {"decade", TruncUnit::kDecade},         {"year", TruncUnit::kYear},
      {"weekYear", TruncUnit::kWeekYear},     {"quarter", TruncUnit::kQuarter},
      {"month", TruncUnit::kMonth},           {"week", TruncUnit::kWeek},
      {"day", TruncUnit::kDay},               {"hour", TruncUnit::kHour},
      {"minute", TruncUnit::kMinute},         {"second", TruncUnit::kSecond},
      {"millisecond", TruncUnit::kMillisecond}, {"microsecond", TruncUnit::kMicrosecond}};
  for (const auto& [name, unit] : kUnits)
    if (v.as_string() == name) return unit;
  ThrowBad(fn, "unknown truncation unit '" + v.as_string() + "'");
}

int64_t FloorTo(int64_t v, int64_t step) { return v / step * step - (v % step < 0 ? step : 0); }

// truncate(unit, temporal [, overrides]): the temporal cut down to the unit,
// as the target kind, then the map's fields set (day, dayOfWeek, hour ..
// nanosecond below the truncated part, timezone keeping the local fields).
Value Truncate(std::string_view fn, TemporalKind kind, bool date_only, const Value* a, size_t n) {
  if (a[1].is_null()) return Value();
  TruncUnit unit = ParseTruncUnit(fn, a[0]);
  TemporalParts p;
  if (!SplitTemporal(a[1], &p)) ThrowArgType(fn, 1, "a temporal value", a[1]);
  bool want_date = date_only || kind == TemporalKind::kLocalDateTime || kind == TemporalKind::kDateTime;
  bool want_time = !date_only;
  if (want_date && !p.has_date) ThrowBad(fn, std::string("cannot truncate a ") + Value::TypeName(a[1].type()) +
                                                 " to a value with a date");
  if (!want_date && unit < TruncUnit::kDay) ThrowBad(fn, "cannot truncate a time to unit '" + a[0].as_string() + "'");
  if (date_only && unit > TruncUnit::kDay) ThrowBad(fn, "cannot truncate a date to unit '" + a[0].as_string() + "'");
  if (want_time && !p.has_time) p.nanos = 0;
  int64_t days = p.days;
  if (want_date && unit < TruncUnit::kDay) {
    int64_t y;
    unsigned m, d;
    CivilFromDate(Date{static_cast<int32_t>(days)}, &y, &m, &d);
    switch (unit) {
      case TruncUnit::kMillennium: days = FromCivilOrThrow(FloorTo(y, 1000), 1, 1).days; break;
      case TruncUnit::kCentury: days = FromCivilOrThrow(FloorTo(y, 100), 1, 1).days; break;
      case TruncUnit::kDecade: days = FromCivilOrThrow(FloorTo(y, 10), 1, 1).days; break;
      case TruncUnit::kYear: days = FromCivilOrThrow(y, 1, 1).days; break;
      case TruncUnit::kWeekYear:
        days = FromWeek(TemporalProperty(Value(Date{static_cast<int32_t>(days)}), "weekYear").as_int(), 1, 1).days;
        break;
      case TruncUnit::kQuarter: days = FromCivilOrThrow(y, (m - 1) / 3 * 3 + 1, 1).days; break;
      case TruncUnit::kMonth: days = FromCivilOrThrow(y, m, 1).days; break;
      case TruncUnit::kWeek: days -= IsoWeekday(days) - 1; break;
      default: break;
    }
  }
  int64_t nanos = p.nanos;
  switch (unit) {
    case TruncUnit::kHour: nanos = FloorTo(nanos, 3600 * kNanosPerSecond); break;
    case TruncUnit::kMinute: nanos = FloorTo(nanos, 60 * kNanosPerSecond); break;
    case TruncUnit::kSecond: nanos = FloorTo(nanos, kNanosPerSecond); break;
    case TruncUnit::kMillisecond: nanos = FloorTo(nanos, 1000000); break;
    case TruncUnit::kMicrosecond: nanos = FloorTo(nanos, 1000); break;
    default: nanos = 0; break;
  }
  int32_t offset = p.has_offset ? p.offset_seconds : 0;
  int32_t zone = p.zone;
  if (n == 3 && !a[2].is_null()) {
    if (!a[2].is_map()) ThrowArgType(fn, 2, "a Map", a[2]);
    const Value::Map& m = a[2].as_map();
    for (const auto& [k, v] : m) {
      if (v.is_null()) continue;
      if (k == "timezone" && (kind == TemporalKind::kTime || kind == TemporalKind::kDateTime) && !date_only) {
        zone = 0;
        offset = OffsetFromValue(fn, v, &zone);
        continue;
      }
      if (!v.is_int()) ThrowArgType(fn, 2, "an Integer in field '" + k + "'", v);
      int64_t x = v.as_int();
      int64_t frac = nanos % kNanosPerSecond, whole = nanos - frac;
      if (want_date && k == "day") {
        int64_t y;
        unsigned mo, d;
        CivilFromDate(Date{static_cast<int32_t>(days)}, &y, &mo, &d);
        days = FromCivilOrThrow(y, mo, x).days;
      } else if (want_date && k == "dayOfWeek") {
        if (x < 1 || x > 7) ThrowBad(fn, "invalid day of week " + std::to_string(x));
        days += x - IsoWeekday(days);
      } else if (want_time && k == "hour" && x >= 0 && x < 24) {
        nanos = nanos % (3600 * kNanosPerSecond) + x * 3600 * kNanosPerSecond;
      } else if (want_time && k == "minute" && x >= 0 && x < 60) {
        nanos += (x - nanos / (60 * kNanosPerSecond) % 60) * 60 * kNanosPerSecond;
      } else if (want_time && k == "second" && x >= 0 && x < 60) {
        nanos += (x - nanos / kNanosPerSecond % 60) * kNanosPerSecond;
      } else if (want_time && k == "millisecond" && x >= 0 && x < 1000) {
        nanos = whole + x * 1000000 + frac % 1000000;
      } else if (want_time && k == "microsecond" && x >= 0 && x < 1000) {
        nanos = whole + frac / 1000000 * 1000000 + x * 1000 + frac % 1000;
      } else if (want_time && k == "nanosecond" && x >= 0 && x < 1000) {
        nanos = whole + frac / 1000 * 1000 + x;
      } else {
        ThrowBad(fn, "cannot set field '" + k + "' to " + std::to_string(x) + " after truncating");
      }
    }
  }
  if (date_only) return Value(Date{static_cast<int32_t>(days)});
  return Assemble(kind, days, nanos, offset, zone);
}

Value FnDateTruncate(const Value* a, size_t n, FunctionContext&) {
  return Truncate("date.truncate", TemporalKind::kLocalDateTime, true, a, n);
}
Value FnLocalTimeTruncate(const Value* a, size_t n, FunctionContext&) {
  return Truncate("localtime.truncate", TemporalKind::kLocalTime, false, a, n);
}
Value FnTimeTruncate(const Value* a, size_t n, FunctionContext&) {
  return Truncate("time.truncate", TemporalKind::kTime, false, a, n);
}
Value FnLocalDateTimeTruncate(const Value* a, size_t n, FunctionContext&) {
  return Truncate("localdatetime.truncate", TemporalKind::kLocalDateTime, false, a, n);
}
Value FnDateTimeTruncate(const Value* a, size_t n, FunctionContext&) {
  return Truncate("datetime.truncate", TemporalKind::kDateTime, false, a, n);
}

// ---- duration.between and friends ------------------------------------------

enum class BetweenUnit { kAll, kMonths, kDays, kSeconds };

// Neo4j's duration.between(a, b): when both values have a date, whole months
// (the day of month and time of day decide whether the last one is complete),
// then whole days, then the rest in seconds; when either lacks a date, the
// difference of the times of day (a date counts as midnight). Offsets count
// only when both values have one: b is then seen at a's offset.
Value Between(std::string_view fn, BetweenUnit unit, const Value* a) {
  if (a[0].is_null() || a[1].is_null()) return Value();
  TemporalParts x, y;
  if (!SplitTemporal(a[0], &x)) ThrowArgType(fn, 0, "a temporal value", a[0]);
  if (!SplitTemporal(a[1], &y)) ThrowArgType(fn, 1, "a temporal value", a[1]);
  // A value without a date is taken on the other's date; a value without an
  // offset at the other's offset (in its zone, if named).
  bool both_dates = x.has_date && y.has_date;
  if (!x.has_date) x.days = y.days;
  if (!y.has_date) y.days = x.days;
  if (x.has_offset || y.has_offset) {
    auto offset_in = [](const TemporalParts& ref, const TemporalParts& p) {
      if (ref.zone == 0) return ref.offset_seconds;
      return ZoneOffsetForLocal(ref.zone, p.days * kSecondsPerDay + p.nanos / kNanosPerSecond);
    };
    int32_t xo = x.has_offset ? x.offset_seconds : offset_in(y, x);
    int32_t yo = y.has_offset ? y.offset_seconds : offset_in(x, y);
    if (xo != yo) ShiftOffset(&y.days, &y.nanos, yo, xo);
  }
  if (!both_dates) {
    if (unit == BetweenUnit::kMonths || unit == BetweenUnit::kDays) return Value(Duration{});
    return Value(MakeDuration(0, 0, 0, (y.days - x.days) * kNanosPerDay + y.nanos - x.nanos));
  }
  // Both have dates: compare as local date-times.
  int64_t end_days = y.days;
  if (end_days > x.days && y.nanos < x.nanos) --end_days;
  else if (end_days < x.days && y.nanos > x.nanos) ++end_days;
  int64_t months = 0;
  if (unit == BetweenUnit::kAll || unit == BetweenUnit::kMonths) {
    int64_t y1, y2;
    unsigned m1, d1, m2, d2;
    CivilFromDate(Date{static_cast<int32_t>(x.days)}, &y1, &m1, &d1);
    CivilFromDate(Date{static_cast<int32_t>(end_days)}, &y2, &m2, &d2);
    int64_t packed1 = (y1 * 12 + m1 - 1) * 32 + d1, packed2 = (y2 * 12 + m2 - 1) * 32 + d2;
    months = (packed2 - packed1) / 32;
    if (unit == BetweenUnit::kMonths) return Value(Duration{months, 0, 0, 0});
  }
  __int128 end_total = static_cast<__int128>(y.days) * kNanosPerDay + y.nanos;
  if (unit == BetweenUnit::kSeconds) {
    __int128 diff = end_total - (static_cast<__int128>(x.days) * kNanosPerDay + x.nanos);
    __int128 secs = diff / kNanosPerSecond;
    return Value(MakeDuration(0, 0, static_cast<int64_t>(secs), static_cast<int64_t>(diff % kNanosPerSecond)));
  }
  int64_t start_days = x.days;
  if (months != 0) {
    Value moved = AddDurationTo(Value(Date{static_cast<int32_t>(x.days)}), Duration{months, 0, 0, 0});
    start_days = moved.as_date().days;
  }
  int64_t days = end_days - start_days;
  if (unit == BetweenUnit::kDays) return Value(Duration{0, end_days - x.days, 0, 0});
  __int128 rest = end_total - (static_cast<__int128>(start_days + days) * kNanosPerDay + x.nanos);
  return Value(MakeDuration(months, days, static_cast<int64_t>(rest / kNanosPerSecond),
                            static_cast<int64_t>(rest % kNanosPerSecond)));
}

Value FnDurationBetween(const Value* a, size_t, FunctionContext&) {
  return Between("duration.between", BetweenUnit::kAll, a);
}
Value FnDurationInMonths(const Value* a, size_t, FunctionContext&) {
  return Between("duration.inMonths", BetweenUnit::kMonths, a);
}
Value FnDurationInDays(const Value* a, size_t, FunctionContext&) {
  return Between("duration.inDays", BetweenUnit::kDays, a);
}
Value FnDurationInSeconds(const Value* a, size_t, FunctionContext&) {
  return Between("duration.inSeconds", BetweenUnit::kSeconds, a);
}

// datetime.fromepoch(seconds, nanos), datetime.fromepochmillis(millis): UTC.
Value FnFromEpoch(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null() || a[1].is_null()) return Value();
  Value::Map m{{"epochSeconds", Value(IntArg("datetime.fromepoch", a, 0))},
               {"nanosecond", Value(IntArg("datetime.fromepoch", a, 1))}};
  return FromMap("datetime.fromepoch", TemporalKind::kDateTime, m);
}
Value FnFromEpochMillis(const Value* a, size_t, FunctionContext&) {
  if (a[0].is_null()) return Value();
  Value::Map m{{"epochMillis", Value(IntArg("datetime.fromepochmillis", a, 0))}};
  return FromMap("datetime.fromepochmillis", TemporalKind::kDateTime, m);
}

Value FnTimestamp(const Value*, size_t, FunctionContext& ctx) {
  int64_t ns = StatementNanos(&ctx);
  return Value(ns / 1000000 - (ns % 1000000 < 0));
}

// <kind>.statement([tz]), <kind>.transaction([tz]): the statement's clock
// (one statement is one transaction); <kind>.realtime([tz]): the system
// clock now. The optional argument is a time zone, as {timezone: tz}.
template <ScalarFn kMake, bool kRealtime>
Value FnClock(const Value* a, size_t n, FunctionContext& ctx) {
  FunctionContext clock = ctx;
  if (kRealtime) clock.statement_time_nanos = 0;
  if (n == 0) return kMake(nullptr, 0, clock);
  if (a[0].is_null()) return Value();
  // Now in the zone: the instant as a datetime there, then converted.
  int64_t nanos = clock.statement_time_nanos;
  if (nanos == 0)
    nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                .count();
  int64_t secs = nanos / 1000000000, sub = nanos % 1000000000;
  if (sub < 0) {
    sub += 1000000000;
    --secs;
  }
  Value::Map m{{"epochSeconds", Value(secs)}, {"nanosecond", Value(sub)}, {"timezone", a[0]}};
  Value arg(std::move(m));
  Value dt = FnDateTime(&arg, 1, clock);
  if (kMake == FnDateTime) return dt;
  return kMake(&dt, 1, clock);
}

constexpr ScalarFunctionDef kDefs[] = {
    {"date.statement", 0, 1, FnClock<FnDate, false>, false},
    {"date.transaction", 0, 1, FnClock<FnDate, false>, false},
    {"date.realtime", 0, 1, FnClock<FnDate, true>, false},
    {"localtime.statement", 0, 1, FnClock<FnLocalTime, false>, false},
    {"localtime.transaction", 0, 1, FnClock<FnLocalTime, false>, false},
    {"localtime.realtime", 0, 1, FnClock<FnLocalTime, true>, false},
    {"time.statement", 0, 1, FnClock<FnTime, false>, false},
    {"time.transaction", 0, 1, FnClock<FnTime, false>, false},
    {"time.realtime", 0, 1, FnClock<FnTime, true>, false},
    {"localdatetime.statement", 0, 1, FnClock<FnLocalDateTime, false>, false},
    {"localdatetime.transaction", 0, 1, FnClock<FnLocalDateTime, false>, false},
    {"localdatetime.realtime", 0, 1, FnClock<FnLocalDateTime, true>, false},
    {"datetime.statement", 0, 1, FnClock<FnDateTime, false>, false},
    {"datetime.transaction", 0, 1, FnClock<FnDateTime, false>, false},
    {"datetime.realtime", 0, 1, FnClock<FnDateTime, true>, false},
    {"date", 0, 1, FnDate, false},  // date() is today
    {"timestamp", 0, 0, FnTimestamp, false},
    {"localtime", 0, 1, FnLocalTime, false},  // no argument: now
    {"time", 0, 1, FnTime, false},
    {"localdatetime", 0, 1, FnLocalDateTime, false},
    {"datetime", 0, 1, FnDateTime, false},
    {"duration", 1, 1, FnDuration, true},
    {"date.truncate", 2, 3, FnDateTruncate, true},
    {"localtime.truncate", 2, 3, FnLocalTimeTruncate, true},
    {"time.truncate", 2, 3, FnTimeTruncate, true},
    {"localdatetime.truncate", 2, 3, FnLocalDateTimeTruncate, true},
    {"datetime.truncate", 2, 3, FnDateTimeTruncate, true},
    {"duration.between", 2, 2, FnDurationBetween, true},
    {"duration.inMonths", 2, 2, FnDurationInMonths, true},
    {"duration.inDays", 2, 2, FnDurationInDays, true},
    {"duration.inSeconds", 2, 2, FnDurationInSeconds, true},
    {"datetime.fromepoch", 2, 2, FnFromEpoch, true},
    {"datetime.fromepochmillis", 1, 1, FnFromEpochMillis, true},
};

}  // namespace

std::span<const ScalarFunctionDef> TemporalFunctions() { return kDefs; }

}  // namespace trendgraph::query::internal

namespace trendgraph::query {

Result<Value> ParseTemporal(Value::Type kind, std::string_view text) {
  using namespace internal;  // NOLINT: this file's parsers
  Value arg{std::string(text)};
  FunctionContext ctx;
  try {
    switch (kind) {
      case Value::Type::kDate: return FnDate(&arg, 1, ctx);
      case Value::Type::kLocalTime: return FnLocalTime(&arg, 1, ctx);
      case Value::Type::kTime: return FnTime(&arg, 1, ctx);
      case Value::Type::kLocalDateTime: return FnLocalDateTime(&arg, 1, ctx);
      case Value::Type::kDateTime: return FnDateTime(&arg, 1, ctx);
      case Value::Type::kDuration: return FnDuration(&arg, 1, ctx);
      default: break;
    }
  } catch (const QueryException& e) {
    return Status::InvalidArgument(e.error().message);
  }
  return Status::InvalidArgument(std::string("ParseTemporal: ") + Value::TypeName(kind) + " is not a temporal kind");
}

}  // namespace trendgraph::query
