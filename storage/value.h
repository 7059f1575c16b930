// Value: the one dynamically typed value of trendgraph.
//
// Property kinds (null, bool, int64, double, string, list, map, date and the
// other temporal kinds: local time, time, local datetime, datetime, duration) are what
// the store persists; they round-trip exactly (an int stays an int, 1.0 stays a
// double, NaN and -0.0 survive). Runtime kinds (node, relationship, path) only
// exist while a query runs and are refused by the property encoder.
//
// Cypher semantics (comparison, ordering, equality with nulls, arithmetic)
// live in the query layer; this file only gives structure, access and an
// exact identity test for storage round trips.
//
// Thread-safety: a Value is a plain value; distinct objects may be used from
// distinct threads, and a const Value may be shared.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace trendgraph {

// A calendar date, as days since 1970-01-01 (proleptic Gregorian).
struct Date {
  int32_t days = 0;
  friend bool operator==(const Date&, const Date&) = default;
};

// A time of day without a zone: nanoseconds since midnight, [0, 86400e9).
struct LocalTime {
  int64_t nanos = 0;
  friend bool operator==(const LocalTime&, const LocalTime&) = default;
};

// A time of day with a UTC offset: the local time and the offset in seconds
// (east of UTC positive, within +-18:00).
struct Time {
  int64_t nanos = 0;
  int32_t offset_seconds = 0;
  friend bool operator==(const Time&, const Time&) = default;
};

// A date and time without a zone: seconds since 1970-01-01T00:00 of the local
// clock and the nanoseconds within that second, [0, 1e9).
struct LocalDateTime {
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend bool operator==(const LocalDateTime&, const LocalDateTime&) = default;
};

// An instant with a UTC offset: `seconds` since the epoch in UTC, the
// nanoseconds within that second and the offset the value is shown in.
// `zone` is 0 for a fixed offset, else a named zone's id (ZoneName); the
// offset is then the zone's offset at that instant.
struct DateTime {
  int64_t seconds = 0;
  int32_t nanos = 0;
  int32_t offset_seconds = 0;
  int32_t zone = 0;
  friend bool operator==(const DateTime&, const DateTime&) = default;
};

// Named time zones ("Europe/Stockholm") as small ids, valid in this process
// only (stored values carry the name). Thread-safe; names are never freed.
int32_t InternZoneName(std::string_view name);  // > 0
const std::string& ZoneName(int32_t zone);       // "" for 0 or an unknown id

// A duration as Neo4j keeps it: months, days and seconds are independent
// (a month has no fixed number of days, a day no fixed number of seconds
// across a DST change); nanos in [0, 1e9) add to seconds.
struct Duration {
  int64_t months = 0;
  int64_t days = 0;
  int64_t seconds = 0;
  int32_t nanos = 0;
  friend bool operator==(const Duration&, const Duration&) = default;
};

// A node of the graph being queried, by id. Labels and properties are looked
// up through the snapshot that produced it.
struct NodeRef {
  uint64_t id = 0;
  friend bool operator==(const NodeRef&, const NodeRef&) = default;
};

// A relationship, by id, with its endpoints and type id (the graph's
// dictionary gives the type name).
struct RelRef {
  uint64_t id = 0;
  uint64_t start = 0;
  uint64_t end = 0;
  uint32_t type = 0;
  friend bool operator==(const RelRef&, const RelRef&) = default;
};

// A path: nodes.size() == rels.size() + 1, in traversal order.
struct PathValue {
  std::vector<NodeRef> nodes;
  std::vector<RelRef> rels;
  friend bool operator==(const PathValue&, const PathValue&) = default;
};

class Value {
 public:
  // Append only, never renumber: on-disk format (the property encoder writes
  // these as type tags).
  enum class Type : uint8_t {
    kNull = 0,
    kBool = 1,
    kInt = 2,
    kDouble = 3,
    kString = 4,
    kList = 5,
    kMap = 6,
    kDate = 7,
    // Runtime only, never stored:
    kNode = 8,
    kRel = 9,
    kPath = 10,
    // Temporal kinds other than date (stored like any property kind):
    kLocalTime = 11,
    kTime = 12,
    kLocalDateTime = 13,
    kDateTime = 14,
    kDuration = 15,
  };

  using List = std::vector<Value>;
  using Map = std::map<std::string, Value, std::less<>>;

  Value() = default;
  Value(std::nullptr_t) {}                                   // NOLINT
  Value(bool b) : v_(b) {}                                   // NOLINT
  Value(int v) : v_(static_cast<int64_t>(v)) {}              // NOLINT
  Value(int64_t v) : v_(v) {}                                // NOLINT
  Value(uint32_t v) : v_(static_cast<int64_t>(v)) {}         // NOLINT
  Value(double v) : v_(v) {}                                 // NOLINT
  Value(const char* s) : v_(std::string(s)) {}               // NOLINT
  Value(std::string s) : v_(std::move(s)) {}                 // NOLINT
  Value(std::string_view s) : v_(std::string(s)) {}          // NOLINT
  Value(List l) : v_(std::move(l)) {}                        // NOLINT
  Value(Map m) : v_(std::move(m)) {}                         // NOLINT
  Value(Date d) : v_(d) {}                                   // NOLINT
  Value(NodeRef n) : v_(n) {}                                // NOLINT
  Value(RelRef r) : v_(r) {}                                 // NOLINT
  Value(PathValue p) : v_(std::move(p)) {}                   // NOLINT
  Value(LocalTime t) : v_(t) {}                              // NOLINT
  Value(Time t) : v_(t) {}                                   // NOLINT
  Value(LocalDateTime t) : v_(t) {}                          // NOLINT
  Value(DateTime t) : v_(t) {}                               // NOLINT
  Value(Duration d) : v_(d) {}                               // NOLINT

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_bool() const { return type() == Type::kBool; }
  bool is_int() const { return type() == Type::kInt; }
  bool is_double() const { return type() == Type::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return type() == Type::kString; }
  bool is_list() const { return type() == Type::kList; }
  bool is_map() const { return type() == Type::kMap; }
  bool is_date() const { return type() == Type::kDate; }
  bool is_node() const { return type() == Type::kNode; }
  bool is_rel() const { return type() == Type::kRel; }
  bool is_path() const { return type() == Type::kPath; }
  bool is_local_time() const { return type() == Type::kLocalTime; }
  bool is_time() const { return type() == Type::kTime; }
  bool is_local_date_time() const { return type() == Type::kLocalDateTime; }
  bool is_date_time() const { return type() == Type::kDateTime; }
  bool is_duration() const { return type() == Type::kDuration; }
  // Date, LocalTime, Time, LocalDateTime, DateTime or Duration.
  bool is_temporal() const { return is_date() || type() >= Type::kLocalTime; }
  // True for the kinds the store can persist (recursively for lists/maps).
  bool IsStorable() const;

  // Accessors: the caller checks the type first (asserts in debug builds).
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  // An int or a double as double.
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_double(); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  std::string& as_string() { return std::get<std::string>(v_); }
  const List& as_list() const { return std::get<List>(v_); }
  List& as_list() { return std::get<List>(v_); }
  const Map& as_map() const { return std::get<Map>(v_); }
  Map& as_map() { return std::get<Map>(v_); }
  Date as_date() const { return std::get<Date>(v_); }
  NodeRef as_node() const { return std::get<NodeRef>(v_); }
  RelRef as_rel() const { return std::get<RelRef>(v_); }
  const PathValue& as_path() const { return std::get<PathValue>(v_); }
  LocalTime as_local_time() const { return std::get<LocalTime>(v_); }
  Time as_time() const { return std::get<Time>(v_); }
  LocalDateTime as_local_date_time() const { return std::get<LocalDateTime>(v_); }
  DateTime as_date_time() const { return std::get<DateTime>(v_); }
  Duration as_duration() const { return std::get<Duration>(v_); }

  // Exact identity: same type and same bits (NaN is identical to the same NaN,
  // 0.0 is not identical to -0.0, 1 is not identical to 1.0). For round-trip
  // tests and caches, not for Cypher equality.
  bool Identical(const Value& other) const;

  // A debugging rendering, Cypher-literal-like: null, true, 1, 1.0, 'text',
  // [1, 2], {a: 1}, date('2024-03-05'), (#12), [#7 3->4], <path>.
  std::string DebugString() const;

  static const char* TypeName(Type t);

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map, Date, NodeRef, RelRef,
               PathValue, LocalTime, Time, LocalDateTime, DateTime, Duration>
      v_;
};

// Dates: civil <-> days since epoch. Returns false if y/m/d is not a valid date
// or lies beyond the 32-bit day range (about +-5.8 million years).
bool DateFromCivil(int64_t year, unsigned month, unsigned day, Date* out);
void CivilFromDate(Date d, int64_t* year, unsigned* month, unsigned* day);
// "YYYY-MM-DD" (years outside 0..9999 with a sign and more digits).
std::string FormatDate(Date d);
// Parses exactly "YYYY-MM-DD"; false on anything else.
bool ParseIsoDate(std::string_view text, Date* out);

inline constexpr int64_t kNanosPerSecond = 1000000000;
inline constexpr int64_t kSecondsPerDay = 86400;
inline constexpr int64_t kNanosPerDay = kSecondsPerDay * kNanosPerSecond;

// ISO 8601 renderings as Neo4j prints them (java.time's ISO formats): seconds
// are left out when they and the fraction are zero; a fraction has 3, 6 or 9
// digits, as many as it needs (durations drop trailing zeros instead).
// Offsets are "Z" for UTC, else "+HH:MM" (or "+HH:MM:SS").
//   localtime "12:31:14.645876123", "10:35"
//   time "12:31:14.645876123+01:00", "10:35Z"
//   localdatetime "1984-10-11T12:30:14.000000012"
//   datetime "1984-10-11T12:31:14.645876123+00:17",
//     "2000-01-01T00:00+01:00[Europe/Stockholm]" (named zone)
//   duration "P1Y2M3DT4H5M6.5S", "PT0S" (each component keeps its own sign)
std::string FormatLocalTime(LocalTime t);
std::string FormatTime(Time t);
std::string FormatLocalDateTime(LocalDateTime t);
std::string FormatDateTime(DateTime t);
std::string FormatDuration(Duration d);
std::string FormatOffset(int32_t offset_seconds);
// The rendering of any temporal value (date included); "" for other kinds.
std::string FormatTemporal(const Value& v);

}  // namespace trendgraph
