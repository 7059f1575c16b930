#include "engine/http/json_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "test_util.h"

namespace trendgraph::engine::http {
namespace {

std::string Encode(const Value& v, query::EntityView* view = nullptr) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  WriteJsonValue(w, v, view);
  return std::string(buf.GetString(), buf.GetSize());
}

Value Decode(const std::string& text) {
  Result<Value> r = ParseJson(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? r.value() : Value();
}

// Resolves node 1 and relationship 9 like a snapshot would.
class FakeView : public query::EntityView {
 public:
  Status GetNode(storage::NodeId id, std::vector<std::string>* labels, Value::Map* props) override {
    if (id != 1) return Status::NotFound("node");
    labels->push_back("Policy");
    (*props)["name"] = Value("computing vouchers");
    (*props)["year"] = Value(2023);
    return Status::OK();
  }
  Status GetRel(storage::RelId id, std::string* type, Value::Map* props) override {
    if (id != 9) return Status::NotFound("rel");
    *type = "SUPPORTS";
    (*props)["weight"] = Value(0.5);
    return Status::OK();
  }
};

TEST(JsonValueTest, ScalarsKeepTheirType) {
  EXPECT_EQ(Encode(Value()), "null");
  EXPECT_EQ(Encode(Value(true)), "true");
  EXPECT_EQ(Encode(Value(int64_t{-42})), "-42");
  EXPECT_EQ(Encode(Value(std::numeric_limits<int64_t>::min())), "-9223372036854775808");
  EXPECT_EQ(Encode(Value("a\"b\n")), "\"a\\\"b\\n\"");
}

TEST(JsonValueTest, FloatsAlwaysHaveADotOrAnExponent) {
  EXPECT_EQ(Encode(Value(1.0)), "1.0");
  EXPECT_EQ(Encode(Value(-0.0)), "-0.0");
  EXPECT_EQ(Encode(Value(0.1)), "0.1");
  EXPECT_EQ(Encode(Value(1e-305)), "1e-305");
  EXPECT_EQ(Encode(Value(1e300)), "1e300");
  std::string big = Encode(Value(123456789012345678.0));
  EXPECT_NE(big.find_first_of(".e"), std::string::npos) << big;
}

TEST(JsonValueTest, NonFiniteFloatsAreTagged) {
  EXPECT_EQ(Encode(Value(std::numeric_limits<double>::quiet_NaN())), "{\"$float\":\"NaN\"}");
  EXPECT_EQ(Encode(Value(std::numeric_limits<double>::infinity())), "{\"$float\":\"Infinity\"}");
  EXPECT_EQ(Encode(Value(-std::numeric_limits<double>::infinity())), "{\"$float\":\"-Infinity\"}");
}

TEST(JsonValueTest, DatesAreIsoStrings) {
  Date d;
  ASSERT_TRUE(ParseIsoDate("2024-03-05", &d));
  EXPECT_EQ(Encode(Value(d)), "\"2024-03-05\"");
}

TEST(JsonValueTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(Encode(Value(std::string("a\xff" "b"))), "\"a\xEF\xBF\xBD" "b\"");
  EXPECT_EQ(Encode(Value(std::string("\xC3\xA9"))), "\"\xC3\xA9\"");               // é stays
  EXPECT_EQ(Encode(Value(std::string("\xED\xA0\x80"))), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

TEST(JsonValueTest, NodesRelsAndPathsUseTheTaggedForm) {
  FakeView view;
  EXPECT_EQ(Encode(Value(NodeRef{1}), &view),
            "{\"$node\":{\"id\":\"1\",\"labels\":[\"Policy\"],\"properties\":{\"name\":\"computing vouchers\","
            "\"year\":2023}}}");
  EXPECT_EQ(Encode(Value(RelRef{9, 1, 2, 0}), &view),
            "{\"$rel\":{\"id\":\"9\",\"type\":\"SUPPORTS\",\"start\":\"1\",\"end\":\"2\",\"properties\":{\"weight\":"
            "0.5}}}");
  PathValue p{{NodeRef{1}, NodeRef{2}}, {RelRef{9, 1, 2, 0}}};
  std::string path = Encode(Value(p), &view);
  EXPECT_EQ(path.rfind("{\"$path\":[{\"$node\":{\"id\":\"1\"", 0), 0u) << path;
  EXPECT_NE(path.find("{\"$rel\":{\"id\":\"9\""), std::string::npos) << path;
  EXPECT_NE(path.find("{\"$node\":{\"id\":\"2\",\"labels\":[],\"properties\":{}}}]}"), std::string::npos) << path;
}

TEST(JsonValueTest, DecodeKeepsIntegersAndFloatsApart) {
  Value v = Decode("[1, 1.0, 1e2, -0.0, 9223372036854775807, -9223372036854775808]");
  ASSERT_TRUE(v.is_list());
  const auto& l = v.as_list();
  ASSERT_EQ(l.size(), 6u);
  EXPECT_TRUE(l[0].is_int());
  EXPECT_EQ(l[0].as_int(), 1);
  EXPECT_TRUE(l[1].is_double());
  EXPECT_TRUE(l[2].is_double());
  EXPECT_EQ(l[2].as_double(), 100.0);
  EXPECT_TRUE(l[3].is_double());
  EXPECT_TRUE(std::signbit(l[3].as_double()));
  EXPECT_EQ(l[4].as_int(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(l[5].as_int(), std::numeric_limits<int64_t>::min());
}

TEST(JsonValueTest, DecodeTaggedFloatsAndDates) {
  Value v = Decode("{\"a\": {\"$float\": \"NaN\"}, \"b\": {\"$float\": \"-Infinity\"}, \"c\": {\"$date\": \"2023-10-17\"},"
                   " \"d\": {\"$float\": \"NaN\", \"x\": 1}}");
  const auto& m = v.as_map();
  EXPECT_TRUE(std::isnan(m.at("a").as_double()));
  EXPECT_EQ(m.at("b").as_double(), -std::numeric_limits<double>::infinity());
  ASSERT_TRUE(m.at("c").is_date());
  EXPECT_EQ(FormatDate(m.at("c").as_date()), "2023-10-17");
  EXPECT_TRUE(m.at("d").is_map());  // two members: an ordinary map
}

TEST(JsonValueTest, DecodeTaggedTemporals) {
  Value v = Decode(R"({"lt": {"$localtime": "12:31:14.645876123"}, "t": {"$time": "12:31:14+01:00"},
      "ldt": {"$localdatetime": "2024-03-05T12:31:14"}, "dt": {"$datetime": "2024-03-05T12:31:14[Asia/Shanghai]"},
      "off": {"$datetime": "2024-03-05T12:31:14-05:00"}, "dur": {"$duration": "P1Y2M3DT4.5S"},
      "week": {"$date": "2015-W30-2"}, "plain": "2024-03-05T12:31:14"})");
  const auto& m = v.as_map();
  ASSERT_TRUE(m.at("lt").is_local_time());
  ASSERT_TRUE(m.at("t").is_time());
  ASSERT_TRUE(m.at("ldt").is_local_date_time());
  ASSERT_TRUE(m.at("dt").is_date_time());
  ASSERT_TRUE(m.at("dur").is_duration());
  ASSERT_TRUE(m.at("week").is_date());
  EXPECT_TRUE(m.at("plain").is_string());
  EXPECT_EQ(FormatTemporal(m.at("lt")), "12:31:14.645876123");
  EXPECT_EQ(FormatTemporal(m.at("t")), "12:31:14+01:00");
  EXPECT_EQ(FormatTemporal(m.at("ldt")), "2024-03-05T12:31:14");
  EXPECT_EQ(FormatTemporal(m.at("dt")), "2024-03-05T12:31:14+08:00[Asia/Shanghai]");
  EXPECT_EQ(m.at("dt").as_date_time().offset_seconds, 8 * 3600);
  EXPECT_EQ(FormatTemporal(m.at("off")), "2024-03-05T12:31:14-05:00");
  EXPECT_EQ(FormatTemporal(m.at("dur")), "P1Y2M3DT4.5S");
  EXPECT_EQ(FormatTemporal(m.at("week")), "2015-07-21");
}

TEST(JsonValueTest, BadTaggedTemporalsNameTheMemberAndTheProblem) {
  struct Case {
    const char* json;
    const char* message;
  };
  const Case cases[] = {
      {R"([{"$time": "24:00"}])", "bad value at offset 18: \"$time\": time(): invalid time '24:00'"},
      {R"({"a": {"$datetime": "2024-01-01T00:00[No/Where]"}})",
       "bad value at offset 48: \"$datetime\": datetime(): unknown time zone 'No/Where'"},
      {R"({"$duration": ["P1D"]})", "bad value at offset 21: \"$duration\" takes a string such as \"P1Y2M3DT4H\""},
      {R"({"$date": "2024-13-01"})", "bad value at offset 22: \"$date\": date(): invalid date 2024-13-1"},
  };
  for (const Case& c : cases) {
    Result<Value> r = ParseJson(c.json);
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_TRUE(r.status().IsInvalidArgument());
    EXPECT_EQ(r.status().message(), c.message);
  }
}

TEST(JsonValueTest, RoundTripOfPropertyKinds) {
  Value::Map m;
  m["i"] = Value(7);
  m["f"] = Value(2.5);
  m["s"] = Value("vouchers");
  m["l"] = Value(Value::List{Value(1), Value(nullptr), Value(false)});
  m["n"] = Value(std::numeric_limits<double>::infinity());
  Value v(m);
  Value back = Decode(Encode(v));
  EXPECT_TRUE(back.Identical(v)) << back.DebugString();
}

TEST(JsonValueTest, DecodeErrorsNameTheOffset) {
  Result<Value> r = ParseJson("{\"query\": 1,}");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsInvalidArgument());
  EXPECT_NE(r.status().message().find("offset 12"), std::string::npos) << r.status().message();

  r = ParseJson("[99999999999999999999]");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("64-bit range"), std::string::npos) << r.status().message();

  r = ParseJson("{\"$float\": \"nan\"}");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("$float"), std::string::npos);

  r = ParseJson("\"\xff\"");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("encoding"), std::string::npos) << r.status().message();

  r = ParseJson("");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("empty"), std::string::npos);

  r = ParseJson("{} {}");
  ASSERT_FALSE(r.ok());
}

TEST(JsonValueTest, DeepNestingIsRefusedNotACrash) {
  std::string deep(100000, '[');
  Result<Value> r = ParseJson(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("nesting"), std::string::npos) << r.status().message();
}

}  // namespace
}  // namespace trendgraph::engine::http
