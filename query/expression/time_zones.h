// Named time zones from the system's tz database (/usr/share/zoneinfo, TZif
// version 2+ files). Offsets beyond the file's last transition (2037 in
// Debian's tzdata) stay at the last transition's offset.
//
// Thread-safety: all functions may be called concurrently; a zone's file is
// read once per process and kept.
#pragma once

#include <cstdint>
#include <string_view>

namespace trendgraph::query {

// The zone id (InternZoneName) of a tz database name, or 0 if there is no
// such zone (or it cannot be read).
int32_t LookupTimeZone(std::string_view name);
// The zone's UTC offset in seconds at a UTC instant.
int32_t ZoneOffsetAt(int32_t zone, int64_t utc_seconds);
// The offset a local date-time has in the zone, java.time's rule: in an
// overlap the earlier offset; in a gap the offset before the gap (the local
// time then reads later by the gap's length once shown).
int32_t ZoneOffsetForLocal(int32_t zone, int64_t local_seconds);

}  // namespace trendgraph::query
