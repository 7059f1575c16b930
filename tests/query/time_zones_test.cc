// Named time zones through the date/tz library over the system tz database:
// offsets at an instant (today's, historic, before the first transition),
// local time -> offset in gaps and overlaps (java.time's rule), lookups of
// links and unknown names, and zone ids interned without a lookup (as a
// stored datetime is read back).
#include "query/expression/time_zones.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "query/function/functions.h"
#include "query/function_test_util.h"
#include "storage/value.h"

namespace trendgraph::query {
namespace {

constexpr int64_t kHour = 3600;

// Seconds since the epoch of a UTC (or local) date-time.
int64_t Epoch(int64_t y, unsigned m, unsigned d, int64_t hh = 0, int64_t mm = 0) {
  Date date;
  EXPECT_TRUE(DateFromCivil(y, m, d, &date));
  return int64_t{date.days} * 86400 + hh * kHour + mm * 60;
}

int32_t Zone(std::string_view name) {
  Result<int32_t> id = LookupTimeZone(name);
  EXPECT_TRUE(id.ok()) << name << ": " << id.status().message();
  return id.ok() ? *id : 0;
}

TEST(TimeZones, OffsetsAtInstants) {
  int32_t stockholm = Zone("Europe/Stockholm");
  EXPECT_EQ(ZoneOffsetAt(stockholm, Epoch(2024, 1, 15)), 1 * kHour);
  EXPECT_EQ(ZoneOffsetAt(stockholm, Epoch(2024, 7, 15)), 2 * kHour);
  // The spring change at 01:00 UTC, to the second.
  EXPECT_EQ(ZoneOffsetAt(stockholm, Epoch(2024, 3, 31, 1) - 1), 1 * kHour);
  EXPECT_EQ(ZoneOffsetAt(stockholm, Epoch(2024, 3, 31, 1)), 2 * kHour);
  // The southern hemisphere has summer time in January.
  int32_t sydney = Zone("Australia/Sydney");
  EXPECT_EQ(ZoneOffsetAt(sydney, Epoch(2024, 1, 15)), 11 * kHour);
  EXPECT_EQ(ZoneOffsetAt(sydney, Epoch(2024, 7, 15)), 10 * kHour);
  // Beyond the files' last transition (2037) the last offset stays.
  EXPECT_EQ(ZoneOffsetAt(Zone("Asia/Shanghai"), Epoch(3000, 6, 1)), 8 * kHour);
}

TEST(TimeZones, HistoricOffsets) {
  // New York kept local mean time (-4:56:02) until noon of 1883-11-18.
  int32_t new_york = Zone("America/New_York");
  EXPECT_EQ(ZoneOffsetAt(new_york, Epoch(1800, 1, 1)), -(4 * kHour + 56 * 60 + 2));
  EXPECT_EQ(ZoneOffsetAt(new_york, Epoch(1900, 1, 1)), -5 * kHour);
  // India's war time: +06:30 from September 1942 to October 1945.
  int32_t kolkata = Zone("Asia/Kolkata");
  EXPECT_EQ(ZoneOffsetAt(kolkata, Epoch(1943, 6, 1)), 6 * kHour + 30 * 60);
  EXPECT_EQ(ZoneOffsetAt(kolkata, Epoch(1950, 6, 1)), 5 * kHour + 30 * 60);
  // Far before any transition: the earliest offset, no crash.
  EXPECT_EQ(ZoneOffsetAt(new_york, Epoch(-5000000, 1, 1)), -(4 * kHour + 56 * 60 + 2));
  EXPECT_EQ(ZoneOffsetForLocal(new_york, Epoch(-5000000, 1, 1)), -(4 * kHour + 56 * 60 + 2));
}

TEST(TimeZones, LocalTimesInGapsAndOverlaps) {
  int32_t stockholm = Zone("Europe/Stockholm");
  EXPECT_EQ(ZoneOffsetForLocal(stockholm, Epoch(2017, 1, 1, 12)), 1 * kHour);
  EXPECT_EQ(ZoneOffsetForLocal(stockholm, Epoch(2017, 7, 1, 12)), 2 * kHour);
  // 2017-03-26 02:00..03:00 does not exist: the offset before the gap, so
  // 02:30 becomes the instant 01:30 UTC, shown as 03:30+02:00.
  EXPECT_EQ(ZoneOffsetForLocal(stockholm, Epoch(2017, 3, 26, 2, 30)), 1 * kHour);
  EXPECT_EQ(ZoneOffsetAt(stockholm, Epoch(2017, 3, 26, 2, 30) - 1 * kHour), 2 * kHour);
  // 2017-10-29 02:00..03:00 happens twice: the earlier offset.
  EXPECT_EQ(ZoneOffsetForLocal(stockholm, Epoch(2017, 10, 29, 2, 30)), 2 * kHour);
  EXPECT_EQ(ZoneOffsetForLocal(stockholm, Epoch(2017, 10, 29, 3, 0)), 1 * kHour);
  // Lord Howe Island moves its clocks by half an hour.
  int32_t lord_howe = Zone("Australia/Lord_Howe");
  EXPECT_EQ(ZoneOffsetForLocal(lord_howe, Epoch(2024, 10, 6, 2, 15)), 10 * kHour + 30 * 60);  // gap
  EXPECT_EQ(ZoneOffsetForLocal(lord_howe, Epoch(2024, 4, 7, 1, 45)), 11 * kHour);             // overlap

  // The same rule through the query language.
  auto iso = [](std::string_view text) { return FormatTemporal(testing::Call("datetime", {Value(std::string(text))})); };
  EXPECT_EQ(iso("2017-03-26T02:30[Europe/Stockholm]"), "2017-03-26T03:30+02:00[Europe/Stockholm]");
  EXPECT_EQ(iso("2017-10-29T02:30[Europe/Stockholm]"), "2017-10-29T02:30+02:00[Europe/Stockholm]");
  EXPECT_EQ(iso("1800-01-01T12:00[America/New_York]"), "1800-01-01T12:00-04:56:02[America/New_York]");
}

TEST(TimeZones, LookupsAndErrors) {
  // A link is a zone of its own name with its target's rules.
  int32_t pacific = Zone("US/Pacific");
  EXPECT_EQ(ZoneName(pacific), "US/Pacific");
  EXPECT_EQ(ZoneOffsetAt(pacific, Epoch(2024, 1, 15)), -8 * kHour);
  EXPECT_EQ(Zone("Europe/Berlin"), Zone("Europe/Berlin"));

  for (std::string_view bad : {"Mars/Olympus", "europe/stockholm", "../../etc/passwd", "", "posix/Europe/Berlin"}) {
    Result<int32_t> id = LookupTimeZone(bad);
    ASSERT_FALSE(id.ok()) << bad;
    EXPECT_TRUE(id.status().IsNotFound()) << bad;
    std::string want = "unknown time zone '";  // appended, not "a" + b: GCC 12's false -Wrestrict
    want.append(bad).push_back('\'');
    EXPECT_EQ(id.status().message(), want);
  }
  // The query language reports it as an ArgumentError naming the zone.
  EXPECT_ERROR(ErrorCode::kArgumentError, testing::Call("datetime", {Value("2024-01-01T00:00[Mars/Olympus]")}));
  try {
    (void)testing::Call("datetime", {testing::M({{"year", 2024}, {"timezone", "Mars/Olympus"}})});
    ADD_FAILURE() << "no error";
  } catch (const ExecutorException& e) {
    EXPECT_NE(e.error().message.find("unknown time zone 'Mars/Olympus'"), std::string::npos) << e.error().message;
  }
}

TEST(TimeZones, IdsInternedWithoutALookupResolveByName) {
  // A datetime read back from storage carries the name and gets an id
  // from InternZoneName only.
  int32_t id = InternZoneName("America/Sao_Paulo");
  EXPECT_EQ(ZoneOffsetAt(id, Epoch(2024, 1, 15)), -3 * kHour);
  EXPECT_EQ(ZoneOffsetAt(InternZoneName("No/Such_Zone"), Epoch(2024, 1, 15)), 0);
  EXPECT_EQ(ZoneOffsetForLocal(InternZoneName("No/Such_Zone"), Epoch(2024, 1, 15)), 0);
  EXPECT_EQ(ZoneOffsetAt(0, Epoch(2024, 1, 15)), 0);
}

TEST(TimeZones, ConcurrentFirstUse) {
  const std::vector<std::string> names = {"Asia/Tokyo", "Africa/Cairo", "America/Chicago", "Europe/Madrid"};
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        Result<int32_t> id = LookupTimeZone(names[static_cast<size_t>(t + i) % names.size()]);
        if (!id.ok() || ZoneOffsetAt(*id, Epoch(2024, 1, 15)) == 12345) wrong.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(ZoneOffsetAt(Zone("Asia/Tokyo"), Epoch(2024, 1, 15)), 9 * kHour);
}

}  // namespace
}  // namespace trendgraph::query
