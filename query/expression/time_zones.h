// Named time zones ("Europe/Stockholm") from the system's tz database
// (/usr/share/zoneinfo) through Howard Hinnant's date/tz library (the design
// that became C++20's <chrono> time zones), built on Debian with
// USE_OS_TZDB=1: it reads the compiled zone files and never downloads
// anything. Offsets beyond a zone's last transition (2037 in Debian's tzdata)
// stay at the last transition's offset; instants before the first transition
// take the zone's earliest offset (its local mean time).
//
// Zone ids are InternZoneName ids (storage/value.h), so a zone read back
// from a stored datetime works without a new lookup.
//
// Thread-safety: all functions may be called concurrently. The database is
// loaded once per process (on the first lookup), each zone's file on its
// first use; both are kept until exit.
#pragma once

#include <cstdint>
#include <string_view>

#include "storage/status.h"

namespace trendgraph::query {

// The zone id (InternZoneName) of a tz database name or link ("US/Pacific").
// Names are case-sensitive, as in java.time. Errors: NotFound "unknown time
// zone '<name>'" when the database has no such zone; IOError naming the
// folder when the tz database itself cannot be read.
[[nodiscard]] Result<int32_t> LookupTimeZone(std::string_view name);

// The zone's UTC offset in seconds at a UTC instant; 0 for an id that names
// no zone of the database.
int32_t ZoneOffsetAt(int32_t zone, int64_t utc_seconds);

// The offset a local date-time (seconds since 1970-01-01T00:00, local) has
// in the zone, java.time's ZonedDateTime.of rule that Neo4j and the openCypher
// TCK follow: in an overlap (clocks set back) the earlier offset, i.e. the one
// in force before the transition; in a gap (clocks set forward) the offset
// before the gap, so local - offset is an instant after the gap and the local
// time reads later by the gap's length once shown in the offset then in
// force. 0 for an id that names no zone.
int32_t ZoneOffsetForLocal(int32_t zone, int64_t local_seconds);

}  // namespace trendgraph::query
