#include "query/expression/temporal_ops.h"

#include <cmath>

#include "query/expression/time_zones.h"
#include "query/expression/value_ops.h"

namespace trendgraph::query {

namespace {

constexpr double kDaysPerMonth = 30.436875;  // 146097 days / 4800 months

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

[[noreturn]] void ThrowRange(const char* what) {
  ThrowValueError(ErrorCode::kArgumentError, std::string("temporal arithmetic out of range: ") + what);
}

int64_t Checked(__int128 v) {
  if (v > INT64_MAX || v < INT64_MIN) ThrowRange("duration overflow");
  return static_cast<int64_t>(v);
}

// Days since the epoch after adding `months` to the civil date of `days`,
// clamping the day of month (Jan 31 + 1 month = Feb 28/29).
int64_t AddMonths(int64_t days, int64_t months) {
  if (months == 0) return days;
  int64_t y;
  unsigned m, d;
  CivilFromDate(Date{static_cast<int32_t>(days)}, &y, &m, &d);
  int64_t total = y * 12 + (m - 1) + months;
  int64_t ny = FloorDiv(total, 12);
  unsigned nm = static_cast<unsigned>(FloorMod(total, 12)) + 1;
  if (ny < -999999999 || ny > 999999999) ThrowRange("year");
  Date out;
  while (d > 28 && !DateFromCivil(ny, nm, d, &out)) --d;  // clamp to the month's end
  if (!DateFromCivil(ny, nm, d, &out)) ThrowRange("date");   // beyond the day range
  return out.days;
}

Date CheckedDate(int64_t days) {
  if (days < INT32_MIN || days > INT32_MAX) ThrowRange("date");
  return Date{static_cast<int32_t>(days)};
}

}  // namespace

Duration MakeDuration(int64_t months, int64_t days, int64_t seconds, int64_t nanos) {
  __int128 total = static_cast<__int128>(seconds) * kNanosPerSecond + nanos;
  __int128 secs = total / kNanosPerSecond;
  __int128 rem = total % kNanosPerSecond;
  if (rem < 0) {
    rem += kNanosPerSecond;
    secs -= 1;
  }
  return Duration{months, days, Checked(secs), static_cast<int32_t>(rem)};
}

Duration MakeDuration(double months, double days, double seconds, double nanos) {
  if (!std::isfinite(months) || !std::isfinite(days) || !std::isfinite(seconds) || !std::isfinite(nanos))
    ThrowRange("not a finite duration");
  double whole_months = std::trunc(months);
  days += (months - whole_months) * kDaysPerMonth;
  double whole_days = std::trunc(days);
  seconds += (days - whole_days) * kSecondsPerDay;
  double whole_seconds = std::trunc(seconds);
  nanos += (seconds - whole_seconds) * kNanosPerSecond;
  double limit = 9.2e18;
  if (std::fabs(whole_months) > limit || std::fabs(whole_days) > limit || std::fabs(whole_seconds) > limit ||
      std::fabs(nanos) > limit)
    ThrowRange("duration overflow");
  return MakeDuration(static_cast<int64_t>(whole_months), static_cast<int64_t>(whole_days),
                      static_cast<int64_t>(whole_seconds), static_cast<int64_t>(std::llround(nanos)));
}

Duration AddDurations(const Duration& a, const Duration& b) {
  return MakeDuration(Checked(static_cast<__int128>(a.months) + b.months),
                      Checked(static_cast<__int128>(a.days) + b.days),
                      Checked(static_cast<__int128>(a.seconds) + b.seconds), int64_t{a.nanos} + b.nanos);
}

Duration NegateDuration(const Duration& d) {
  return MakeDuration(Checked(-static_cast<__int128>(d.months)), Checked(-static_cast<__int128>(d.days)),
                      Checked(-static_cast<__int128>(d.seconds)), -int64_t{d.nanos});
}

Duration ScaleDuration(const Duration& d, double factor, bool divide) {
  auto scale = [&](double v) { return divide ? v / factor : v * factor; };
  // Seconds and nanos scaled together keep sub-second precision for small values.
  double secs = scale(static_cast<double>(d.seconds));
  double nanos = scale(static_cast<double>(d.nanos));
  return MakeDuration(scale(static_cast<double>(d.months)), scale(static_cast<double>(d.days)), secs, nanos);
}

DateTime MakeDateTime(int64_t days, int64_t nanos_of_day, int32_t offset_seconds) {
  __int128 local = static_cast<__int128>(days) * kSecondsPerDay + nanos_of_day / kNanosPerSecond;
  return DateTime{Checked(local - offset_seconds), static_cast<int32_t>(nanos_of_day % kNanosPerSecond),
                  offset_seconds};
}

DateTime MakeZonedDateTime(int64_t days, int64_t nanos_of_day, int32_t zone) {
  int64_t local = Checked(static_cast<__int128>(days) * kSecondsPerDay + nanos_of_day / kNanosPerSecond);
  DateTime out = MakeDateTime(days, nanos_of_day, ZoneOffsetForLocal(zone, local));
  out.offset_seconds = ZoneOffsetAt(zone, out.seconds);
  out.zone = zone;
  return out;
}

LocalDateTime MakeLocalDateTime(int64_t days, int64_t nanos_of_day) {
  __int128 local = static_cast<__int128>(days) * kSecondsPerDay + nanos_of_day / kNanosPerSecond;
  return LocalDateTime{Checked(local), static_cast<int32_t>(nanos_of_day % kNanosPerSecond)};
}

bool SplitTemporal(const Value& v, TemporalParts* out) {
  *out = TemporalParts{};
  switch (v.type()) {
    case Value::Type::kDate:
      out->has_date = true;
      out->days = v.as_date().days;
      return true;
    case Value::Type::kLocalTime:
      out->has_time = true;
      out->nanos = v.as_local_time().nanos;
      return true;
    case Value::Type::kTime:
      out->has_time = out->has_offset = true;
      out->nanos = v.as_time().nanos;
      out->offset_seconds = v.as_time().offset_seconds;
      return true;
    case Value::Type::kLocalDateTime: {
      LocalDateTime t = v.as_local_date_time();
      out->has_date = out->has_time = true;
      out->days = FloorDiv(t.seconds, kSecondsPerDay);
      out->nanos = FloorMod(t.seconds, kSecondsPerDay) * kNanosPerSecond + t.nanos;
      return true;
    }
    case Value::Type::kDateTime: {
      DateTime t = v.as_date_time();
      int64_t local = t.seconds + t.offset_seconds;
      out->has_date = out->has_time = out->has_offset = true;
      out->days = FloorDiv(local, kSecondsPerDay);
      out->nanos = FloorMod(local, kSecondsPerDay) * kNanosPerSecond + t.nanos;
      out->offset_seconds = t.offset_seconds;
      out->zone = t.zone;
      return true;
    }
    default: return false;
  }
}

Value AddDurationTo(const Value& temporal, const Duration& d) {
  TemporalParts p;
  if (!SplitTemporal(temporal, &p)) ThrowTypeMismatch("a duration can only be added to a temporal value", temporal);
  if (!p.has_date) {
    // Times ignore months and days and wrap around midnight.
    int64_t delta = FloorMod(FloorMod(d.seconds, kSecondsPerDay) * kNanosPerSecond + d.nanos, kNanosPerDay);
    int64_t nanos = FloorMod(p.nanos + delta, kNanosPerDay);
    if (temporal.is_local_time()) return Value(LocalTime{nanos});
    return Value(Time{nanos, p.offset_seconds});
  }
  int64_t days = AddMonths(p.days, d.months);
  days = Checked(static_cast<__int128>(days) + d.days);
  if (!p.has_time) {
    // A date takes whole days of the seconds part only (toward zero, as Neo4j).
    days = Checked(static_cast<__int128>(days) + d.seconds / kSecondsPerDay);
    return Value(CheckedDate(days));
  }
  __int128 total = static_cast<__int128>(p.nanos) + static_cast<__int128>(d.seconds) * kNanosPerSecond + d.nanos;
  __int128 day_shift = total / kNanosPerDay;
  __int128 nanos = total % kNanosPerDay;
  if (nanos < 0) {
    nanos += kNanosPerDay;
    day_shift -= 1;
  }
  days = Checked(days + day_shift);
  CheckedDate(days);
  if (temporal.is_local_date_time()) return Value(MakeLocalDateTime(days, static_cast<int64_t>(nanos)));
  if (p.zone != 0) {
    // Months and days move the local date (the offset follows the zone);
    // seconds move the instant.
    DateTime base = MakeZonedDateTime(AddMonths(p.days, d.months) + d.days, p.nanos, p.zone);
    __int128 n = static_cast<__int128>(base.nanos) + d.nanos;
    __int128 secs = static_cast<__int128>(base.seconds) + d.seconds + n / kNanosPerSecond;
    DateTime out{Checked(secs), static_cast<int32_t>(n % kNanosPerSecond), 0, p.zone};
    out.offset_seconds = ZoneOffsetAt(p.zone, out.seconds);
    CheckedDate(FloorDiv(out.seconds + out.offset_seconds, kSecondsPerDay));
    return Value(out);
  }
  return Value(MakeDateTime(days, static_cast<int64_t>(nanos), p.offset_seconds));
}

}  // namespace trendgraph::query
