#include "enrich/http_date.h"

#include <array>
#include <charconv>
#include <cstdint>

namespace abuseflow::enrich {
namespace {

constexpr std::array<std::string_view, 7> kShortDays = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kLongDays = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Reads from the front of *s; each returns false (leaving *s somewhere
// inside) when the text does not match.
bool Literal(std::string_view* s, std::string_view lit) {
  if (s->substr(0, lit.size()) != lit) return false;
  s->remove_prefix(lit.size());
  return true;
}

bool Digits(std::string_view* s, size_t n, int* out) {
  if (s->size() < n) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = (*s)[i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  s->remove_prefix(n);
  *out = v;
  return true;
}

template <size_t N>
bool Name(std::string_view* s, const std::array<std::string_view, N>& names, int* index) {
  for (size_t i = 0; i < N; ++i) {
    if (Literal(s, names[i])) {
      *index = static_cast<int>(i);
      return true;
    }
  }
  return false;
}

// "HH:MM:SS" (second 60 allowed: a leap second, as the grammar permits).
bool TimeOfDay(std::string_view* s, int* h, int* m, int* sec) {
  return Digits(s, 2, h) && Literal(s, ":") && Digits(s, 2, m) && Literal(s, ":") &&
         Digits(s, 2, sec) && *h <= 23 && *m <= 59 && *sec <= 60;
}

bool Leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// `month` 0-11.
std::optional<int64_t> Seconds(int year, int month, int day, int h, int m, int s) {
  constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int days_in_month = kDays[month] + (month == 1 && Leap(year) ? 1 : 0);
  if (year < 1970 || day < 1 || day > days_in_month) return std::nullopt;
  return DaysFromCivil(year, month + 1, day) * 86400 + h * 3600 + m * 60 + s;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<int64_t> ImfFixdate(std::string_view s) {
  int wd, day, mon, year, h, m, sec;
  if (Name(&s, kShortDays, &wd) && Literal(&s, ", ") && Digits(&s, 2, &day) && Literal(&s, " ") &&
      Name(&s, kMonths, &mon) && Literal(&s, " ") && Digits(&s, 4, &year) && Literal(&s, " ") &&
      TimeOfDay(&s, &h, &m, &sec) && Literal(&s, " GMT") && s.empty()) {
    return Seconds(year, mon, day, h, m, sec);
  }
  return std::nullopt;
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<int64_t> Rfc850Date(std::string_view s) {
  int wd, day, mon, yy, h, m, sec;
  if (Name(&s, kLongDays, &wd) && Literal(&s, ", ") && Digits(&s, 2, &day) && Literal(&s, "-") &&
      Name(&s, kMonths, &mon) && Literal(&s, "-") && Digits(&s, 2, &yy) && Literal(&s, " ") &&
      TimeOfDay(&s, &h, &m, &sec) && Literal(&s, " GMT") && s.empty()) {
    return Seconds(yy < 70 ? 2000 + yy : 1900 + yy, mon, day, h, m, sec);
  }
  return std::nullopt;
}

// "Sun Nov  6 08:49:37 1994" (a one-digit day after two spaces)
std::optional<int64_t> AsctimeDate(std::string_view s) {
  int wd, day, mon, year, h, m, sec;
  if (!Name(&s, kShortDays, &wd) || !Literal(&s, " ") || !Name(&s, kMonths, &mon) ||
      !Literal(&s, " ")) {
    return std::nullopt;
  }
  if (!(Literal(&s, " ") ? Digits(&s, 1, &day) : Digits(&s, 2, &day))) return std::nullopt;
  if (Literal(&s, " ") && TimeOfDay(&s, &h, &m, &sec) && Literal(&s, " ") &&
      Digits(&s, 4, &year) && s.empty()) {
    return Seconds(year, mon, day, h, m, sec);
  }
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> ParseHttpDate(std::string_view text) {
  if (auto t = ImfFixdate(text)) return t;
  if (auto t = Rfc850Date(text)) return t;
  return AsctimeDate(text);
}

bool ParseRetryAfter(std::string_view value, int64_t* delta_s, int64_t* date_s) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t' || value.back() == '\r' ||
                            value.back() == '\n')) {
    value.remove_suffix(1);
  }
  if (value.empty()) return false;
  if (value.front() >= '0' && value.front() <= '9') {
    int64_t seconds = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ptr != value.data() + value.size()) return false;  // "12abc", "1.5"
    // More digits than int64_t holds: "a very long time", capped by the caller.
    *delta_s = ec == std::errc::result_out_of_range ? INT64_MAX : seconds;
    return ec == std::errc() || ec == std::errc::result_out_of_range;
  }
  std::optional<int64_t> date = ParseHttpDate(value);
  if (!date) return false;
  *date_s = *date;
  return true;
}

}  // namespace abuseflow::enrich
