// Shared vocabulary of the compute-voucher model core: a small dynamic value
// for scenario arguments (the plugin wrapper converts the SDK's tg_value into
// it; tests build it directly), typed errors, and calendar arithmetic.
//
// The core is plain C++ with no dependency on the host: it is compiled into
// the plugin and into its tests. Everything here is a value type; distinct
// objects may be used from distinct threads.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace compute_vouchers {

// A calendar day, as days since 1970-01-01 (proleptic Gregorian); the same
// counting as trendgraph::Date and tg_value dates.
struct Day {
  int32_t days = 0;
  friend bool operator==(const Day&, const Day&) = default;
  friend auto operator<=>(const Day&, const Day&) = default;
};

// A scenario argument value.
class ParamValue {
 public:
  using List = std::vector<ParamValue>;
  using Map = std::map<std::string, ParamValue, std::less<>>;
  enum class Type { kNull, kBool, kInt, kDouble, kString, kDate, kList, kMap };

  ParamValue() = default;
  ParamValue(std::nullptr_t) {}                          // NOLINT
  ParamValue(bool b) : v_(b) {}                          // NOLINT
  ParamValue(int i) : v_(static_cast<int64_t>(i)) {}     // NOLINT
  ParamValue(int64_t i) : v_(i) {}                       // NOLINT
  ParamValue(double d) : v_(d) {}                        // NOLINT
  ParamValue(const char* s) : v_(std::string(s)) {}      // NOLINT
  ParamValue(std::string s) : v_(std::move(s)) {}        // NOLINT
  ParamValue(Day d) : v_(d) {}                           // NOLINT
  ParamValue(List l) : v_(std::move(l)) {}               // NOLINT
  ParamValue(Map m) : v_(std::move(m)) {}                // NOLINT

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_null() const { return type() == Type::kNull; }
  bool is_number() const { return type() == Type::kInt || type() == Type::kDouble; }
  bool is_string() const { return type() == Type::kString; }
  bool is_date() const { return type() == Type::kDate; }
  bool is_list() const { return type() == Type::kList; }
  bool is_map() const { return type() == Type::kMap; }
  bool as_bool() const { return std::get<bool>(v_); }
  double as_number() const {
    return type() == Type::kInt ? static_cast<double>(std::get<int64_t>(v_)) : std::get<double>(v_);
  }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  Day as_date() const { return std::get<Day>(v_); }
  const List& as_list() const { return std::get<List>(v_); }
  const Map& as_map() const { return std::get<Map>(v_); }

  // "NULL", "BOOLEAN", "INTEGER", "FLOAT", "STRING", "DATE", "LIST", "MAP".
  static const char* TypeName(Type t);

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Day, List, Map> v_;
};

// What went wrong. kArgument: the caller's input (param names the argument,
// e.g. "budgets.V10"); kData: the model data file; kInternal: a model check
// failed (a bug, never the user's fault).
struct ModelError {
  enum class Kind { kArgument, kData, kInternal };
  Kind kind = Kind::kArgument;
  std::string param;
  std::string message;  // complete sentence, already names param

  static ModelError Argument(std::string param, std::string message) {
    return {Kind::kArgument, std::move(param), std::move(message)};
  }
  static ModelError Data(std::string message) { return {Kind::kData, "", std::move(message)}; }
  static ModelError Internal(std::string message) { return {Kind::kInternal, "", std::move(message)}; }
};

// A value or a ModelError. Access value() only when ok().
template <typename T>
class [[nodiscard]] ModelResult {
 public:
  ModelResult(T value) : v_(std::move(value)) {}       // NOLINT
  ModelResult(ModelError error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const ModelError& error() const { return std::get<ModelError>(v_); }

 private:
  std::variant<T, ModelError> v_;
};

// ---------------------------------------------------------------------------
// Calendar

Day DayFromCivil(int year, unsigned month, unsigned day);
void CivilFromDay(Day d, int* year, unsigned* month, unsigned* day);
// Parses exactly "YYYY-MM-DD" (a valid date); false otherwise.
bool ParseDay(std::string_view text, Day* out);
std::string FormatDay(Day d);
int YearOf(Day d);
int DaysInYear(int year);

// A calendar quarter: index = year * 4 + (q - 1).
struct Quarter {
  int index = 0;
  int year() const { return index >= 0 ? index / 4 : -((-index + 3) / 4); }
  int q() const { return index - year() * 4 + 1; }
  Day first_day() const { return DayFromCivil(year(), static_cast<unsigned>(3 * (q() - 1) + 1), 1); }
  Day last_day() const { return Day{Quarter{index + 1}.first_day().days - 1}; }
  int days() const { return last_day().days - first_day().days + 1; }
  std::string label() const;  // "2024Q1"
  static Quarter Of(Day d);
};

// Normalised key of PolicyActor, ChipModel, ComputeProvider: trimmed,
// whitespace collapsed to one space, ASCII lower-cased.
std::string NormaliseName(std::string_view text);

}  // namespace compute_vouchers
