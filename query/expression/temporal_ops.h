// Temporal arithmetic and decomposition shared by the operators (+, -, *, /
// on durations) and the temporal constructor functions.
//
// Semantics follow Neo4j: a duration keeps months, days and seconds apart.
// Adding one to a temporal adds the months first (the day is clamped to the
// month's last day), then the days, then the seconds; a kind without a date
// (localtime, time) ignores months and days and wraps around midnight, a
// date ignores the part below a whole day.
//
// Errors: kArgumentError (via ThrowValueError) when a result leaves the
// supported range. Thread-safety: pure functions.
#pragma once

#include <cstdint>

#include "storage/value.h"

namespace trendgraph::query {

Duration AddDurations(const Duration& a, const Duration& b);
Duration NegateDuration(const Duration& d);
// d * factor, or d / factor when `divide`; fractions of a month cascade into
// days (30.436875 per month), fractions of a day into seconds.
Duration ScaleDuration(const Duration& d, double factor, bool divide);
// `temporal` (any temporal kind but a duration) + d, of the same kind.
Value AddDurationTo(const Value& temporal, const Duration& d);

// Builds a duration from (possibly fractional) component totals, cascading
// fractions down like ScaleDuration; nanos are normalised into [0, 1e9).
Duration MakeDuration(double months, double days, double seconds, double nanos);
// Exact integer form: normalises seconds + nanos.
Duration MakeDuration(int64_t months, int64_t days, int64_t seconds, int64_t nanos);

// A temporal value split into its parts: which parts it has and their values.
struct TemporalParts {
  bool has_date = false;
  bool has_time = false;
  bool has_offset = false;
  int64_t days = 0;        // since 1970-01-01, local
  int64_t nanos = 0;       // of the local day
  int32_t offset_seconds = 0;
  int32_t zone = 0;        // a named zone's id (datetime only), else 0
};
// False for non-temporal kinds and durations.
bool SplitTemporal(const Value& v, TemporalParts* out);
// Local date + local time + offset -> the UTC instant's seconds/nanos.
DateTime MakeDateTime(int64_t days, int64_t nanos_of_day, int32_t offset_seconds);
LocalDateTime MakeLocalDateTime(int64_t days, int64_t nanos_of_day);
// A local date-time in a named zone: the offset follows the zone's rules
// (ZoneOffsetForLocal: overlaps take the earlier offset, gaps move later).
DateTime MakeZonedDateTime(int64_t days, int64_t nanos_of_day, int32_t zone);

}  // namespace trendgraph::query
