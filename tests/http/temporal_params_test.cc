// Temporal values as query parameters over HTTP: the real `trendgraph serve`
// binary on an ephemeral port, a temp database, real sockets. Every kind is
// passed in its explicit form ({"$date": ...}, {"$localtime": ...},
// {"$time": ...}, {"$localdatetime": ...}, {"$datetime": ...},
// {"$duration": ...}); plain strings stay strings; bad text is a 400 naming
// the member and what is wrong, and writes nothing.
#include <gtest/gtest.h>

#include <string>

#include "http_test_support.h"
#include "test_util.h"

namespace trendgraph::testing {
namespace {

class TemporalParamsTest : public ServerFixture {
 protected:
  void SetUp() override { StartServer(); }
};

constexpr const char* kAllKinds = R"({
  "d": {"$date": "2024-03-05"},
  "lt": {"$localtime": "12:31:14.645876123"},
  "t": {"$time": "12:31:14+01:00"},
  "ldt": {"$localdatetime": "2024-03-05T12:31:14"},
  "dt": {"$datetime": "2024-03-05T12:31:14+08:00[Asia/Shanghai]"},
  "dur": {"$duration": "P1Y2M3DT4H"}
})";

TEST_F(TemporalParamsTest, EveryKindArrivesTyped) {
  // Equal to the same text through the query's own constructors, and the
  // kind's fields are there (a string has no .year).
  EXPECT_EQ(Rows("RETURN $d = date('2024-03-05') AS d, $lt = localtime('12:31:14.645876123') AS lt, "
                 "$t = time('12:31:14+01:00') AS t, $ldt = localdatetime('2024-03-05T12:31:14') AS ldt, "
                 "$dt = datetime('2024-03-05T12:31:14+08:00[Asia/Shanghai]') AS dt, "
                 "$dur = duration('P1Y2M3DT4H') AS dur",
                 kAllKinds),
            "[[true,true,true,true,true,true]]");
  EXPECT_EQ(Rows("RETURN $d.year, $lt.nanosecond, $t.offset, $ldt.hour, $dt.timezone, $dt.offset, $dur.months",
                 kAllKinds),
            "[[2024,645876123,\"+01:00\",12,\"Asia/Shanghai\",\"+08:00\",14]]");
  // Rendered back as their ISO text.
  EXPECT_EQ(Rows("RETURN $d, $lt, $t, $ldt, $dt, $dur", kAllKinds),
            "[[\"2024-03-05\",\"12:31:14.645876123\",\"12:31:14+01:00\",\"2024-03-05T12:31:14\","
            "\"2024-03-05T12:31:14+08:00[Asia/Shanghai]\",\"P1Y2M3DT4H\"]]");
  // Arithmetic across parameters, and inside lists and maps.
  EXPECT_EQ(Rows("RETURN $ldt + $dur AS later, $m.when.month AS month, [x IN $l | x.day] AS days",
                 R"({"ldt": {"$localdatetime": "2024-03-05T12:31:14"}, "dur": {"$duration": "P1Y2M3DT4H"},
                     "m": {"when": {"$date": "2024-07-01"}},
                     "l": [{"$date": "2024-01-02"}, {"$datetime": "2024-01-03T00:00Z"}]})"),
            "[[\"2025-05-08T16:31:14\",7,[2,3]]]");
}

TEST_F(TemporalParamsTest, NamedZonesFollowTheTzDatabase) {
  // A local time in the spring gap moves later; one in the autumn overlap
  // keeps the earlier offset.
  EXPECT_EQ(Rows("RETURN $gap AS gap, $overlap AS overlap",
                 R"({"gap": {"$datetime": "2024-03-31T02:30[Europe/Stockholm]"},
                     "overlap": {"$datetime": "2024-10-27T02:30[Europe/Stockholm]"}})"),
            "[[\"2024-03-31T03:30+02:00[Europe/Stockholm]\",\"2024-10-27T02:30+02:00[Europe/Stockholm]\"]]");
}

TEST_F(TemporalParamsTest, PlainStringsStayStrings) {
  EXPECT_EQ(Rows("RETURN $s = date('2024-03-05') AS same, $s + 'Z' AS text, $m.x AS inner",
                 R"({"s": "2024-03-05", "m": {"x": "P1D"}})"),
            "[[false,\"2024-03-05Z\",\"P1D\"]]");
  // An object with a "$date" member among others is an ordinary map.
  EXPECT_EQ(Rows("RETURN $m.`$date` AS d, $m.other AS o", R"({"m": {"$date": "2024-03-05", "other": 1}})"),
            "[[\"2024-03-05\",1]]");
}

TEST_F(TemporalParamsTest, StoredFromParametersAndMatchedByThem) {
  ASSERT_EQ(Rows("CREATE (:Policy {name: 'computing vouchers', announced: $d, effective: $dt, review: $dur})",
                 R"({"d": {"$date": "2023-11-28"}, "dt": {"$datetime": "2024-01-01T00:00+08:00[Asia/Shanghai]"},
                     "dur": {"$duration": "P6M"}})"),
            "[]");
  EXPECT_EQ(Rows("MATCH (p:Policy) WHERE p.announced = $d AND p.effective = $dt "
                 "RETURN p.name, p.effective + p.review AS next_review",
                 R"({"d": {"$date": "2023-11-28"}, "dt": {"$datetime": "2023-12-31T16:00Z"}})"),
            "[]");  // the same instant at a bare offset is a different value than in the named zone
  EXPECT_EQ(Rows("MATCH (p:Policy) WHERE p.announced = $d AND p.effective = $dt "
                 "RETURN p.name, p.effective + p.review AS next_review",
                 R"({"d": {"$date": "2023-11-28"}, "dt": {"$datetime": "2024-01-01T00:00[Asia/Shanghai]"}})"),
            "[[\"computing vouchers\",\"2024-07-01T00:00+08:00[Asia/Shanghai]\"]]");
}

TEST_F(TemporalParamsTest, BadTemporalTextIsA400NamingWhatIsWrongAndWritesNothing) {
  struct Case {
    const char* param;
    const char* says;
  };
  const Case cases[] = {
      {R"({"$date": "2024-02-30"})", "\"$date\": date(): invalid date 2024-2-30"},
      {R"({"$localtime": "25:00"})", "\"$localtime\": localtime(): invalid time '25:00'"},
      {R"({"$time": "noon"})", "\"$time\": time(): cannot parse 'noon' as a time"},
      {R"({"$localdatetime": "2024-03-05X12:00"})", "\"$localdatetime\": date(): cannot parse '2024-03-05X12:00'"},
      {R"({"$datetime": "2024-01-01T00:00[Mars/Olympus]"})",
       "\"$datetime\": datetime(): unknown time zone 'Mars/Olympus'"},
      {R"({"$duration": "P1Q"})", "\"$duration\": duration():"},
      {R"({"$duration": 5})", "\"$duration\" takes a string such as \"P1Y2M3DT4H\""},
      {R"({"$datetime": null})", "\"$datetime\" takes a string"},
  };
  for (const Case& c : cases) {
    HttpReply r = Query("CREATE (:Event {at: $p})", std::string("{\"p\": ") + c.param + "}");
    EXPECT_EQ(r.status, 400) << c.param << " -> " << r.body;
    auto [code, message] = ErrorOf(r);
    EXPECT_EQ(code, "BadRequest") << r.body;
    EXPECT_EQ(message.rfind("bad value at offset ", 0), 0u) << message;  // the JSON itself is fine
    EXPECT_NE(message.find(c.says), std::string::npos) << c.param << " -> " << message;
  }
  EXPECT_EQ(Rows("MATCH (e:Event) RETURN count(e)"), "[[0]]");
  EXPECT_EQ(Rows("RETURN $d.day", R"({"d": {"$date": "2024-03-05"}})"), "[[5]]");  // still serving
}

}  // namespace
}  // namespace trendgraph::testing
