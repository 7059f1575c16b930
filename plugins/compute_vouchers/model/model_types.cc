#include "model_types.h"

#include <cctype>
#include <cstdio>

namespace compute_vouchers {

const char* ParamValue::TypeName(Type t) {
  switch (t) {
    case Type::kNull: return "NULL";
    case Type::kBool: return "BOOLEAN";
    case Type::kInt: return "INTEGER";
    case Type::kDouble: return "FLOAT";
    case Type::kString: return "STRING";
    case Type::kDate: return "DATE";
    case Type::kList: return "LIST";
    case Type::kMap: return "MAP";
  }
  return "?";
}

// Howard Hinnant's days_from_civil / civil_from_days.
Day DayFromCivil(int year, unsigned month, unsigned day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return Day{era * 146097 + static_cast<int>(doe) - 719468};
}

void CivilFromDay(Day d, int* year, unsigned* month, unsigned* day) {
  const int z = d.days + 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2 ? 1 : 0);
}

bool ParseDay(std::string_view t, Day* out) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return false;
  auto digits = [&](size_t from, size_t n, int* v) {
    *v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(t[i]))) return false;
      *v = *v * 10 + (t[i] - '0');
    }
    return true;
  };
  int y, m, d;
  if (!digits(0, 4, &y) || !digits(5, 2, &m) || !digits(8, 2, &d)) return false;
  if (m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int max_day = kDays[m - 1] + (m == 2 && leap ? 1 : 0);
  if (d > max_day) return false;
  *out = DayFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

std::string FormatDay(Day d) {
  int y;
  unsigned m, day;
  CivilFromDay(d, &y, &m, &day);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02u", y, m, day);
  return buf;
}

int YearOf(Day d) {
  int y;
  unsigned m, day;
  CivilFromDay(d, &y, &m, &day);
  return y;
}

int DaysInYear(int year) { return ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0) ? 366 : 365; }

std::string Quarter::label() const { return std::to_string(year()) + "Q" + std::to_string(q()); }

Quarter Quarter::Of(Day d) {
  int y;
  unsigned m, day;
  CivilFromDay(d, &y, &m, &day);
  return Quarter{y * 4 + static_cast<int>((m - 1) / 3)};
}

std::string NormaliseName(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

}  // namespace compute_vouchers
