#include "query/expression/time_zones.h"

#include <date/tz.h>

#include <array>
#include <atomic>
#include <chrono>
#include <exception>
#include <string>

#include "storage/value.h"

namespace trendgraph::query {

namespace {

// Zone id -> the library's zone, filled on first use. Ids are dense and
// small (one per distinct name the process has seen), so an array of
// atomics keeps the per-row path free of locks and string compares; ids
// beyond it are resolved by name each time.
constexpr size_t kCachedZones = 1024;
std::array<std::atomic<const date::time_zone*>, kCachedZones> g_zones{};

// The library reports a missing zone or an unreadable database by throwing
// std::runtime_error; nothing of it escapes this file.
const date::time_zone* Locate(std::string_view name, Status* error) {
  try {
    return date::locate_zone(name);
  } catch (const std::exception& e) {
    if (error != nullptr) {
      bool have_db = false;
      try {
        have_db = !date::get_tzdb().zones.empty();
      } catch (const std::exception&) {
      }
      *error = have_db ? Status::NotFound("unknown time zone '" + std::string(name) + "'")
                       : Status::IOError("cannot read the tz database in /usr/share/zoneinfo (install tzdata): " +
                                         std::string(e.what()));
    }
    return nullptr;
  }
}

const date::time_zone* ZoneById(int32_t zone) {
  if (zone <= 0) return nullptr;
  auto slot = static_cast<size_t>(zone);
  if (slot < kCachedZones) {
    if (const date::time_zone* z = g_zones[slot].load(std::memory_order_acquire)) return z;
  }
  const std::string& name = ZoneName(zone);
  if (name.empty()) return nullptr;
  const date::time_zone* z = Locate(name, nullptr);
  if (z != nullptr && slot < kCachedZones) g_zones[slot].store(z, std::memory_order_release);
  return z;
}

int32_t Seconds(std::chrono::seconds s) { return static_cast<int32_t>(s.count()); }

}  // namespace

Result<int32_t> LookupTimeZone(std::string_view name) {
  // A query names the same zone row after row: each thread's last hit skips
  // the database's search and the intern table's lock (ids live as long as
  // the process, so the pair never goes stale).
  thread_local std::string last_name;
  thread_local int32_t last_id = 0;
  if (last_id != 0 && name == last_name) return last_id;
  Status error;
  const date::time_zone* z = Locate(name, &error);
  if (z == nullptr) return error;
  int32_t id = InternZoneName(name);
  if (static_cast<size_t>(id) < kCachedZones) g_zones[static_cast<size_t>(id)].store(z, std::memory_order_release);
  last_name.assign(name);
  last_id = id;
  return id;
}

int32_t ZoneOffsetAt(int32_t zone, int64_t utc_seconds) {
  const date::time_zone* z = ZoneById(zone);
  if (z == nullptr) return 0;
  try {
    return Seconds(z->get_info(date::sys_seconds{std::chrono::seconds{utc_seconds}}).offset);
  } catch (const std::exception&) {
    return 0;  // the zone's file became unreadable after the lookup
  }
}

int32_t ZoneOffsetForLocal(int32_t zone, int64_t local_seconds) {
  const date::time_zone* z = ZoneById(zone);
  if (z == nullptr) return 0;
  try {
    // `first` is the earlier offset of an overlap and the offset before a
    // gap: java.time's choice in both cases.
    return Seconds(z->get_info(date::local_seconds{std::chrono::seconds{local_seconds}}).first.offset);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace trendgraph::query
