// Temporal values beyond date: localtime, time, localdatetime, datetime and
// duration — construction (maps, ISO strings, other temporals), rendering,
// comparison and ORDER BY, equivalence, arithmetic, field access, truncate
// and the property encoding round trip. Expected values follow Neo4j and the
// openCypher TCK (expressions/temporal, clauses/with-orderBy).
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "query/expression/value_ops.h"
#include "query/function/functions.h"
#include "query/function_test_util.h"
#include "storage/key_codec.h"

namespace trendgraph::query {
namespace {

using testing::Call;
using testing::M;



// The ISO text the HTTP layer sends for a temporal value.
std::string Iso(const Value& v) { return FormatTemporal(v); }
std::string C(std::string_view name, std::vector<Value> args) { return Iso(Call(name, std::move(args))); }


TEST(TemporalConstruct, LocalTimeAndTimeFromMaps) {
  EXPECT_EQ(C("localtime", {M({{"hour", 10}, {"minute", 35}})}), "10:35");
  EXPECT_EQ(C("localtime", {M({{"hour", 12}, {"minute", 31}, {"second", 14}, {"nanosecond", 645876123}})}),
            "12:31:14.645876123");
  EXPECT_EQ(C("localtime", {M({{"hour", 12}, {"minute", 31}, {"second", 14}, {"millisecond", 645}})}),
            "12:31:14.645");
  EXPECT_EQ(C("localtime", {M({{"hour", 12}, {"minute", 31}, {"second", 14}, {"microsecond", 645876}})}),
            "12:31:14.645876");
  EXPECT_EQ(C("localtime", {M({{"hour", 12}, {"minute", 31}, {"second", 14}})}), "12:31:14");
  EXPECT_EQ(C("time", {M({{"hour", 10}, {"minute", 35}, {"timezone", "-08:00"}})}), "10:35-08:00");
  EXPECT_EQ(C("time", {M({{"hour", 12}, {"minute", 30}, {"second", 14}, {"nanosecond", 645876123},
                          {"timezone", "+01:01"}})}),
            "12:30:14.645876123+01:01");
  EXPECT_EQ(C("time", {M({{"hour", 12}})}), "12:00Z");  // the default zone is UTC
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("localtime", {M({{"hour", 24}})}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("localtime", {M({{"hour", 1}, {"lightyear", 1}})}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("localtime", {M({{"hour", 1}, {"timezone", "+01:00"}})}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("time", {M({{"hour", 1}, {"timezone", "+19:00"}})}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("localtime", {M({{"hour", "ten"}})}));
  EXPECT_TRUE(Call("localtime", {Value()}).is_null());
}

TEST(TemporalConstruct, DateTimesFromMaps) {
  EXPECT_EQ(C("localdatetime", {M({{"year", 1984}, {"month", 10}, {"day", 11}, {"hour", 12}, {"minute", 30},
                                   {"second", 14}, {"nanosecond", 12}})}),
            "1984-10-11T12:30:14.000000012");
  EXPECT_EQ(C("localdatetime", {M({{"year", 1}, {"month", 1}, {"day", 1}, {"hour", 1}, {"minute", 1},
                                   {"second", 1}, {"nanosecond", 1}})}),
            "0001-01-01T01:01:01.000000001");
  EXPECT_EQ(C("datetime", {M({{"year", 9999}, {"month", 9}, {"day", 9}, {"hour", 9}, {"minute", 59}, {"second", 59},
                              {"nanosecond", 999999999}, {"timezone", "+11:59"}})}),
            "9999-09-09T09:59:59.999999999+11:59");
  EXPECT_EQ(C("datetime", {M({{"year", 1984}, {"week", 10}, {"dayOfWeek", 3}, {"hour", 12}})}),
            "1984-03-07T12:00Z");
  // Epoch fields are UTC.
  EXPECT_EQ(C("datetime", {M({{"epochSeconds", 0}, {"timezone", "+01:00"}})}), "1970-01-01T01:00+01:00");
  // From other temporals: a base plus overrides.
  Value dt = Call("datetime", {"2015-07-21T21:40:32.142+01:00"});
  EXPECT_EQ(C("localdatetime", {M({{"datetime", dt}, {"day", 28}})}), "2015-07-28T21:40:32.142");
  EXPECT_EQ(C("date", {dt}), "2015-07-21");
  EXPECT_EQ(C("localtime", {dt}), "21:40:32.142");
  EXPECT_EQ(C("time", {M({{"time", dt}, {"timezone", "+02:00"}})}), "22:40:32.142+02:00");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("datetime", {M({{"year", 2024}, {"timezone", "Mars/Olympus"}})}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("datetime", {M({{"year", 2024}, {"timezone", "../etc/passwd"}})}));
}

TEST(TemporalConstruct, FromIsoStrings) {
  EXPECT_EQ(C("time", {"12:31:14.645876123+01:00"}), "12:31:14.645876123+01:00");
  EXPECT_EQ(C("time", {"2140-0100"}), "21:40-01:00");
  EXPECT_EQ(C("localtime", {"21:40:32.142"}), "21:40:32.142");
  EXPECT_EQ(C("localtime", {"214032"}), "21:40:32");
  EXPECT_EQ(C("localdatetime", {"2015-07-21T21:40:32.142"}), "2015-07-21T21:40:32.142");
  EXPECT_EQ(C("datetime", {"2015-07-21T21:40:32.142Z"}), "2015-07-21T21:40:32.142Z");
  EXPECT_EQ(C("datetime", {"2015-W30-2T214032.142+0100"}), "2015-07-21T21:40:32.142+01:00");
  EXPECT_EQ(C("datetime", {"2015-07-21"}), "2015-07-21T00:00Z");
  EXPECT_EQ(C("date", {"201507"}), "2015-07-01");
  EXPECT_EQ(C("date", {M({{"date", Call("date", {"1984-11-11"})}, {"quarter", 3}})}), "1984-08-11");
  EXPECT_EQ(C("datetime", {"2015-07-21T21:40Z[UTC]"}), "2015-07-21T21:40Z");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("datetime", {"2015-07-21T21:40[Mars/Olympus]"}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("localtime", {"25:00"}));
  // Beyond the 32-bit day range: an error, not a wrapped date.
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("date", {"-999999999-01-01"}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("localdatetime", {"+999999999-12-31T23:59:59"}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("time", {"12:00+1"}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("localdatetime", {"2015-13-01T00:00"}));
}

TEST(TemporalConstruct, Durations) {
  EXPECT_EQ(C("duration", {M({{"months", 1}, {"days", 2}, {"minutes", 6}})}), "P1M2DT6M");
  EXPECT_EQ(C("duration", {M({{"years", 1}, {"months", 14}, {"weeks", 2}, {"hours", 25}})}), "P2Y2M14DT25H");
  EXPECT_EQ(C("duration", {M({})}), "PT0S");
  EXPECT_EQ(C("duration", {M({{"seconds", 1}, {"milliseconds", 500}})}), "PT1.5S");
  EXPECT_EQ(C("duration", {M({{"seconds", -90}})}), "PT-1M-30S");
  EXPECT_EQ(C("duration", {M({{"nanoseconds", -500000000}})}), "PT-0.5S");
  EXPECT_EQ(C("duration", {M({{"days", 1.5}})}), "P1DT12H");
  EXPECT_EQ(C("duration", {M({{"months", 0.5}})}), "P15DT5H14M33S");
  EXPECT_EQ(C("duration", {"P1M2DT6M"}), "P1M2DT6M");
  EXPECT_EQ(C("duration", {"P14DT16H12M"}), "P14DT16H12M");
  EXPECT_EQ(C("duration", {"PT0.75S"}), "PT0.75S");
  EXPECT_EQ(C("duration", {"P5M1.5D"}), "P5M1DT12H");
  EXPECT_EQ(C("duration", {"P2012-02-02T14:37:21.545"}), "P2012Y2M2DT14H37M21.545S");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("duration", {"P"}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("duration", {"1D"}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("duration", {M({{"fortnights", 1}})}));
  EXPECT_ERROR(ErrorCode::kTypeError, Call("duration", {M({{"days", "1"}})}));
}

TEST(TemporalCompare, TimesCompareByInstant) {
  Value a = Call("time", {"12:35:15+05:00"});  // 07:35:15Z
  Value b = Call("time", {"12:30:14.645876123+01:01"});  // 11:29:14Z
  Value c = Call("time", {"10:35-08:00"});  // 18:35Z
  EXPECT_EQ(CypherCompare(a, b), -1);
  EXPECT_EQ(CypherCompare(c, b), 1);
  EXPECT_TRUE(CypherEquals(a, Call("time", {"12:35:15+05:00"})).as_bool());
  // The same instant at another offset is a different value.
  EXPECT_FALSE(CypherEquals(Call("time", {"12:00+01:00"}), Call("time", {"11:00Z"})).as_bool());
  Value early = Call("datetime", {"1984-10-11T12:31:14.645876123+00:17"});
  Value later = Call("datetime", {"1984-10-11T12:30:14.000000012+00:15"});
  EXPECT_EQ(CypherCompare(early, later), -1);
  EXPECT_EQ(CypherCompare(Call("localtime", {"10:35"}), Call("localtime", {"12:30"})), -1);
  // Different kinds are incomparable; durations have no < order.
  EXPECT_FALSE(CypherCompare(Call("localtime", {"10:35"}), Call("time", {"10:35Z"})).has_value());
  EXPECT_FALSE(CypherCompare(Call("duration", {"P1D"}), Call("duration", {"PT1H"})).has_value());
  EXPECT_TRUE(CypherCompareOp(CompareKind::kLt, Call("duration", {"P1D"}), Call("duration", {"PT1H"})).is_null());
  EXPECT_TRUE(CypherEquals(Call("duration", {"P1D"}), Call("duration", {"P1D"})).as_bool());
  EXPECT_FALSE(CypherEquals(Call("duration", {"P1D"}), Call("duration", {"PT24H"})).as_bool());
}

TEST(TemporalCompare, OrderByAcrossKinds) {
  // openCypher: ... path < datetime < localdatetime < date < time < localtime
  // < duration < string ...
  std::vector<Value> vs = {Value("s"),
                           Call("duration", {"P1D"}),
                           Call("localtime", {"10:00"}),
                           Call("time", {"10:00Z"}),
                           Value(Date{0}),
                           Call("localdatetime", {"2020-01-01T00:00"}),
                           Call("datetime", {"2020-01-01T00:00Z"})};
  std::vector<Value> sorted = vs;
  std::sort(sorted.begin(), sorted.end(), [](const Value& a, const Value& b) { return OrderCompare(a, b) < 0; });
  ASSERT_EQ(sorted.size(), vs.size());
  for (size_t i = 0; i < vs.size(); ++i) EXPECT_TRUE(sorted[i].Identical(vs[vs.size() - 1 - i])) << i;
  // Durations order by their length (a month ~ 30.44 days).
  EXPECT_LT(OrderCompare(Call("duration", {"P30D"}), Call("duration", {"P1M"})), 0);
  EXPECT_GT(OrderCompare(Call("duration", {"P31D"}), Call("duration", {"P1M"})), 0);
  EXPECT_LT(OrderCompare(Call("duration", {"PT23H"}), Call("duration", {"P1D"})), 0);
}

TEST(TemporalCompare, EquivalenceAndHash) {
  Value a = Call("datetime", {"2020-01-01T10:00+01:00"});
  Value b = Call("datetime", {M({{"year", 2020}, {"month", 1}, {"day", 1}, {"hour", 10}, {"timezone", "+01:00"}})});
  EXPECT_TRUE(Equivalent(a, b));
  EXPECT_EQ(EquivalenceHash(a), EquivalenceHash(b));
  EXPECT_FALSE(Equivalent(a, Call("datetime", {"2020-01-01T09:00Z"})));
  Value d1 = Call("duration", {"P1M2DT6M"});
  Value d2 = Call("duration", {M({{"months", 1}, {"days", 2}, {"minutes", 6}})});
  EXPECT_TRUE(Equivalent(d1, d2));
  EXPECT_EQ(EquivalenceHash(d1), EquivalenceHash(d2));
}

TEST(TemporalArithmetic, AddAndSubtractDurations) {
  Value d = Call("duration", {M({{"months", 1}, {"days", 2}})});
  EXPECT_EQ(Iso(Add(Value(Call("date", {"1910-05-06"})), d)), "1910-06-08");
  EXPECT_EQ(Iso(Add(d, Call("date", {"2024-01-31"}))), "2024-03-02");  // Feb 29, then 2 days
  EXPECT_EQ(Iso(Add(Call("date", {"2023-01-31"}), Call("duration", {"P1M"}))), "2023-02-28");
  EXPECT_EQ(Iso(Add(Call("localtime", {"23:58"}), Call("duration", {"PT6M"}))), "00:04");
  EXPECT_EQ(Iso(Subtract(Call("time", {"00:01+01:00"}), Call("duration", {"PT2M"}))), "23:59+01:00");
  EXPECT_EQ(Iso(Add(Call("localdatetime", {"1984-10-11T23:59"}), Call("duration", {"P4DT6M"}))),
            "1984-10-16T00:05");
  EXPECT_EQ(Iso(Add(Call("datetime", {"1984-10-11T12:00-11:59"}), Call("duration", {"PT1S"}))),
            "1984-10-11T12:00:01-11:59");
  EXPECT_EQ(Iso(Add(Call("duration", {"P1M"}), Call("duration", {"P1DT1H"}))), "P1M1DT1H");
  EXPECT_EQ(Iso(Subtract(Call("duration", {"PT1S"}), Call("duration", {"PT1.5S"}))), "PT-0.5S");
  EXPECT_EQ(Iso(Multiply(Call("duration", {"P1DT1H"}), Value(2))), "P2DT2H");
  EXPECT_EQ(Iso(Divide(Call("duration", {"P1D"}), Value(2))), "PT12H");
  EXPECT_EQ(Iso(Negate(Call("duration", {"P1M2D"}))), "P-1M-2D");
  EXPECT_TRUE(Add(Call("duration", {"P1D"}), Value()).is_null());
  EXPECT_ERROR(ErrorCode::kTypeError, Add(Call("localtime", {"10:00"}), Call("localtime", {"10:00"})));
  EXPECT_ERROR(ErrorCode::kTypeError, Subtract(Call("duration", {"P1D"}), Call("date", {"2020-01-01"})));
  EXPECT_ERROR(ErrorCode::kArgumentError, Divide(Call("duration", {"P1D"}), Value(0)));
  // Leaving the supported range is an error, not a wrapped or endless result.
  EXPECT_ERROR(ErrorCode::kArgumentError, Add(Call("date", {"2020-01-31"}), Call("duration", {"P9999999Y"})));
  EXPECT_ERROR(ErrorCode::kArgumentError,
               Add(Call("localdatetime", {"2020-01-31T00:00"}), Call("duration", {M({{"days", int64_t{1} << 40}})})));
  // A temporal concatenates with a string as its ISO text.
  EXPECT_EQ(Add(Value("at "), Call("localtime", {"10:35"})).as_string(), "at 10:35");
}

TEST(TemporalFields, Access) {
  Value dt = Call("datetime", {"1984-10-11T12:31:14.645876123+01:00"});
  EXPECT_EQ(TemporalProperty(dt, "year").as_int(), 1984);
  EXPECT_EQ(TemporalProperty(dt, "hour").as_int(), 12);
  EXPECT_EQ(TemporalProperty(dt, "millisecond").as_int(), 645);
  EXPECT_EQ(TemporalProperty(dt, "microsecond").as_int(), 645876);
  EXPECT_EQ(TemporalProperty(dt, "nanosecond").as_int(), 645876123);
  EXPECT_EQ(TemporalProperty(dt, "timezone").as_string(), "+01:00");
  EXPECT_EQ(TemporalProperty(dt, "offsetSeconds").as_int(), 3600);
  EXPECT_EQ(TemporalProperty(dt, "epochSeconds").as_int(), 466342274);
  EXPECT_TRUE(TemporalProperty(Call("localtime", {"10:00"}), "year").is_null());
  Value d = Call("duration", {"P1Y5M3DT4H5M6.7S"});
  EXPECT_EQ(TemporalProperty(d, "years").as_int(), 1);
  EXPECT_EQ(TemporalProperty(d, "months").as_int(), 17);
  EXPECT_EQ(TemporalProperty(d, "monthsOfYear").as_int(), 5);
  EXPECT_EQ(TemporalProperty(d, "days").as_int(), 3);
  EXPECT_EQ(TemporalProperty(d, "minutes").as_int(), 245);
  EXPECT_EQ(TemporalProperty(d, "seconds").as_int(), 14706);
  EXPECT_EQ(TemporalProperty(d, "nanosecondsOfSecond").as_int(), 700000000);
}

TEST(TemporalTruncate, Units) {
  Value dt = Call("datetime", {"2017-10-11T12:31:14.645876123+01:00"});
  EXPECT_EQ(C("date.truncate", {"millennium", dt, M({{"day", 2}})}), "2000-01-02");
  EXPECT_EQ(C("date.truncate", {"weekYear", Call("date", {"1984-01-01"})}), "1983-01-03");
  EXPECT_EQ(C("date.truncate", {"week", Call("date", {"1984-10-11"}), M({{"dayOfWeek", 2}})}), "1984-10-09");
  EXPECT_EQ(C("datetime.truncate", {"quarter", dt}), "2017-10-01T00:00+01:00");
  EXPECT_EQ(C("localdatetime.truncate", {"millisecond", dt, M({{"nanosecond", 2}})}),
            "2017-10-11T12:31:14.645000002");
  EXPECT_EQ(C("time.truncate", {"hour", Call("localtime", {"12:31"}), M({{"timezone", "+01:00"}})}), "12:00+01:00");
  EXPECT_EQ(C("localtime.truncate", {"second", dt}), "12:31:14");
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("localtime.truncate", {"year", dt}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("date.truncate", {"hour", dt}));
  EXPECT_ERROR(ErrorCode::kArgumentError, Call("date.truncate", {"fortnight", dt}));
}

TEST(TemporalBetween, MonthsDaysSeconds) {
  EXPECT_EQ(C("duration.between", {Call("date", {"1984-10-11"}), Call("date", {"2015-06-24"})}), "P30Y8M13D");
  EXPECT_EQ(C("duration.between", {Call("date", {"1984-10-11"}), Call("localdatetime", {"2016-07-21T21:45:22.142"})}),
            "P31Y9M10DT21H45M22.142S");
  EXPECT_EQ(C("duration.between", {Call("localtime", {"14:30"}), Call("date", {"2015-06-24"})}), "PT-14H-30M");
  EXPECT_EQ(C("duration.between", {Call("time", {"14:30"}), Call("datetime", {"2015-07-21T21:40:32.142+0100"})}),
            "PT6H10M32.142S");
  Value back = Call("duration.between", {Call("localdatetime", {"2018-01-02T10:00:00.1"}),
                                         Call("localdatetime", {"2018-01-01T10:00:00.2"})});
  EXPECT_EQ(Iso(back), "PT-23H-59M-59.9S");
  EXPECT_EQ(TemporalProperty(back, "seconds").as_int(), -86400);
  EXPECT_EQ(TemporalProperty(back, "nanosecondsOfSecond").as_int(), 100000000);
  EXPECT_EQ(C("duration.inMonths", {Call("date", {"2018-03-11"}), Call("date", {"2016-06-24"})}), "P-1Y-8M");
  EXPECT_EQ(C("duration.inMonths", {Call("date", {"1984-10-11"}), Call("localtime", {"16:30"})}), "PT0S");
  EXPECT_EQ(C("duration.inDays", {Call("date", {"1984-10-11"}), Call("date", {"1984-10-21"})}), "P10D");
  EXPECT_EQ(C("duration.inSeconds", {Call("localtime", {"12:34:54.7"}), Call("localtime", {"12:34:54.3"})}),
            "PT-0.4S");
  // A local value is taken in the other's zone: 00:00+02:00 to 04:00+01:00 on
  // the night summer time ends is five hours.
  EXPECT_EQ(C("duration.inSeconds", {Call("datetime", {"2017-10-29T00:00[Europe/Stockholm]"}),
                                     Call("localdatetime", {"2017-10-29T04:00"})}),
            "PT5H");
  EXPECT_EQ(C("duration.inSeconds", {Call("localtime", {"00:00"}), Call("datetime", {"2017-10-29T04:00[Europe/Stockholm]"})}),
            "PT5H");
  EXPECT_TRUE(Call("duration.between", {Value(), Call("date", {"2015-06-24"})}).is_null());
  EXPECT_ERROR(ErrorCode::kTypeError, Call("duration.between", {Value(1), Call("date", {"2015-06-24"})}));
}

TEST(TemporalZones, NamedZonesFollowTheTzDatabase) {
  // Winter and summer offsets of one zone.
  EXPECT_EQ(C("datetime", {M({{"year", 2017}, {"month", 1}, {"day", 1}, {"timezone", "Europe/Stockholm"}})}),
            "2017-01-01T00:00+01:00[Europe/Stockholm]");
  EXPECT_EQ(C("datetime", {"2017-07-01T12:00[Europe/Stockholm]"}), "2017-07-01T12:00+02:00[Europe/Stockholm]");
  EXPECT_EQ(C("datetime", {"2017-07-01T12:00+02:00[Europe/Stockholm]"}), "2017-07-01T12:00+02:00[Europe/Stockholm]");
  // The spring gap moves later; the autumn overlap keeps the earlier offset.
  EXPECT_EQ(C("datetime", {"2017-03-26T02:30[Europe/Stockholm]"}), "2017-03-26T03:30+02:00[Europe/Stockholm]");
  EXPECT_EQ(C("datetime", {"2017-10-29T02:30[Europe/Stockholm]"}), "2017-10-29T02:30+02:00[Europe/Stockholm]");
  // Adding a day keeps the local time across the change; hours count real time.
  Value before = Call("datetime", {"2017-10-28T12:00[Europe/Stockholm]"});
  EXPECT_EQ(Iso(Add(before, Call("duration", {"P1D"}))), "2017-10-29T12:00+01:00[Europe/Stockholm]");
  EXPECT_EQ(Iso(Add(before, Call("duration", {"PT24H"}))), "2017-10-29T11:00+01:00[Europe/Stockholm]");
  EXPECT_EQ(TemporalProperty(before, "timezone").as_string(), "Europe/Stockholm");
  EXPECT_EQ(TemporalProperty(before, "offset").as_string(), "+02:00");
  // The same instant in a zone and at a bare offset are different values.
  EXPECT_FALSE(CypherEquals(before, Call("datetime", {"2017-10-28T12:00+02:00"})).as_bool());
  EXPECT_EQ(C("datetime", {M({{"datetime", before}, {"timezone", "Pacific/Honolulu"}})}),
            "2017-10-28T00:00-10:00[Pacific/Honolulu]");
  EXPECT_EQ(C("localdatetime", {before}), "2017-10-28T12:00");
}

TEST(TemporalZones, DateAndTimeIntoANewZoneReadTheTimeInItsOwnZoneFirst) {
  // java.time's order (TCK Temporal3 [10]): the final local date and time,
  // overrides included, in the time's zone (Stockholm is on summer time by
  // 1984-03-28, though not on 1984-03-07 nor 1984-10-11), then shown in the
  // new zone.
  Value other_date = Call("localdatetime", {M({{"year", 1984}, {"week", 10}, {"dayOfWeek", 3}, {"hour", 12}})});
  Value other_time =
      Call("datetime", {M({{"year", 1984}, {"month", 10}, {"day", 11}, {"hour", 12}, {"timezone", "Europe/Stockholm"}})});
  EXPECT_EQ(C("datetime", {M({{"date", other_date}, {"time", other_time}, {"day", 28}, {"second", 42},
                              {"timezone", "Pacific/Honolulu"}})}),
            "1984-03-28T00:00:42-10:00[Pacific/Honolulu]");
  EXPECT_EQ(C("datetime", {M({{"date", other_date}, {"time", other_time}, {"timezone", "Pacific/Honolulu"}})}),
            "1984-03-07T01:00-10:00[Pacific/Honolulu]");
  // The instant is kept, so the date moves when the new zone is past midnight.
  EXPECT_EQ(C("datetime", {M({{"date", Call("date", {"2024-03-05"})}, {"time", Call("time", {"22:00+01:00"})},
                              {"timezone", "+05:00"}})}),
            "2024-03-06T02:00+05:00");
  EXPECT_EQ(C("datetime", {M({{"datetime", Call("datetime", {"2024-03-05T22:00+01:00"})}, {"hour", 23},
                              {"timezone", "Asia/Shanghai"}})}),
            "2024-03-06T06:00+08:00[Asia/Shanghai]");
}

TEST(TemporalNow, OneInstantPerStatement) {
  FunctionContext ctx;
  ctx.statement_time_nanos = 1437514832142000000;  // 2015-07-21T21:40:32.142Z
  auto now = [&](std::string_view name) { return FindScalarFunction(name)->fn(nullptr, 0, ctx); };
  EXPECT_EQ(Iso(now("datetime")), "2015-07-21T21:40:32.142Z");
  EXPECT_EQ(Iso(now("localtime")), "21:40:32.142");
  EXPECT_EQ(Iso(now("date")), "2015-07-21");
  EXPECT_EQ(now("timestamp").as_int(), 1437514832142);
  EXPECT_TRUE(now("time").Identical(now("time")));
}

TEST(TemporalStorage, TaggedEncodingRoundTrips) {
  std::vector<Value> values = {Call("localtime", {"12:31:14.645876123"}),
                               Call("time", {"10:35-08:00"}),
                               Call("localdatetime", {"0001-01-01T01:01:01.000000001"}),
                               Call("datetime", {"9999-09-09T09:59:59.999999999+11:59"}),
                               Call("datetime", {"1969-12-31T23:59:59.5-11:59"}),
                               Call("datetime", {"2017-10-29T02:30[Europe/Stockholm]"}),
                               Call("duration", {"P-1Y2M-3DT-4H5M6.7S"}),
                               Value(Value::List{Call("duration", {"PT0S"}), Call("time", {"00:00Z"})})};
  for (const Value& v : values) {
    std::string bytes;
    ASSERT_TRUE(storage::keys::EncodeValue(v, &bytes).ok()) << v.DebugString();
    std::string_view in(bytes);
    Value back;
    ASSERT_TRUE(storage::keys::DecodeValue(&in, &back)) << v.DebugString();
    EXPECT_TRUE(in.empty());
    EXPECT_TRUE(back.Identical(v)) << v.DebugString() << " vs " << back.DebugString();
    EXPECT_TRUE(v.IsStorable());
  }
  // Corrupt nanos (>= 1e9) are refused, not wrapped.
  std::string bad;
  bad.push_back(static_cast<char>(Value::Type::kLocalDateTime));
  bad.push_back(0);
  bad.append("\x80\x94\xeb\xdc\x03", 5);  // varint 1e9
  std::string_view in(bad);
  Value out;
  EXPECT_FALSE(storage::keys::DecodeValue(&in, &out));
  // They are not indexable (no ordered encoding).
  std::string ord;
  EXPECT_FALSE(storage::keys::EncodeOrdered(Call("localtime", {"10:00"}), &ord).ok());
}

}  // namespace
}  // namespace trendgraph::query
