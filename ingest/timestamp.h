#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace abuseflow::ingest {

// Calendar arithmetic and the time stamp forms sensor logs use. Pure
// functions: no locale, no strptime, no time zone database; the offset of a
// stamp is either written in it or supplied by the caller (local_time.h
// resolves zones and missing years per input). Thread-safe.

inline constexpr int64_t kMicrosPerSecond = 1000000;

constexpr bool IsLeapYear(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

// Days in `month` (1-12) of `year` in the proleptic Gregorian calendar.
constexpr int DaysInMonth(int64_t year, int month) {
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to year-month-day (proleptic Gregorian; negative
// before 1970). Howard Hinnant's days_from_civil. month 1-12, day 1-31.
constexpr int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t yoe = year - era * 400;
  const int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

// 1-12 for "Jan".."Dec" as syslog and Apache write them (exact case), else 0.
int MonthFromName(std::string_view name);

// A wall-clock time as a log writes it, before its UTC offset is applied.
struct CivilTime {
  int64_t year = 1970;
  int month = 1;   // 1-12
  int day = 1;     // 1-31
  int hour = 0;    // 0-23
  int minute = 0;  // 0-59
  int second = 0;  // 0-60 (60: a leap second, counted as the next minute's :00)
  int micros = 0;  // 0-999999
};

// True if every field is in range and the day exists in that month and year.
bool IsValid(const CivilTime& t);

// Microseconds since the epoch (UTC) of `t`, a local time `utc_offset_minutes`
// ahead of UTC (-300 for EST). `t` must be valid.
int64_t ToUnixMicros(const CivilTime& t, int utc_offset_minutes);

enum class StampStatus {
  kOk,
  kMalformed,  // not the expected shape (or cut short)
  kBadTime,    // the right shape, but an impossible date, time or offset
};

// A parsed stamp. On kOk `unix_us` is UTC and `utc_offset_minutes` the offset
// the stamp was written in; `length` is always the number of characters the
// stamp occupies (valid on kOk and kBadTime).
struct Stamp {
  StampStatus status = StampStatus::kMalformed;
  int64_t unix_us = 0;
  int utc_offset_minutes = 0;
  size_t length = 0;
};

// Apache/NCSA "%t" without its brackets, at the start of `text`:
// "10/Oct/2000:13:55:36 -0700".
Stamp ParseApacheStamp(std::string_view text);

// A BSD syslog (RFC 3164) stamp at the start of `text`: "Nov 25 07:17:01" or
// "Nov  5 07:17:01". It carries neither year nor offset: both are supplied.
// (local_time.h has the variant that infers the year and applies a zone.)
Stamp ParseSyslogStamp(std::string_view text, int year, int utc_offset_minutes);

// The fields of a BSD syslog stamp without a year: sets t's month, day and
// clock (not its year). kOk (length 15) if that day exists in some year,
// kBadTime for Feb 30 and the like, kMalformed. unix_us is not set.
Stamp ParseSyslogCivil(std::string_view text, CivilTime* t);

// An RFC 3339 stamp at the start of `text`, as rsyslog and journald write it:
// "2001-08-04T07:17:01.123456-05:00", the fraction optional (digits past
// microseconds are dropped), the offset "Z", "+hh:mm" or "+hhmm".
Stamp ParseRfc3339Stamp(std::string_view text);

// "2001-09-18 09:12:44" (W3C extended logs, DShield), an optional fraction,
// then optionally an offset (" -04:00", "-0400", " +0000", "Z"); without
// one the stamp is in `utc_offset_minutes`. W3C logs are UTC: pass 0.
// *has_offset (if given) tells whether the stamp had its own offset; *civil
// (if given) receives the fields as written.
Stamp ParseDateTimeStamp(std::string_view text, int utc_offset_minutes, bool* has_offset = nullptr,
                         CivilTime* civil = nullptr);

// Seconds since the epoch with an optional fraction, as Zeek writes "ts":
// "1000818764.123456" (UTC). At most 12 integer digits; kMalformed otherwise.
Stamp ParseEpochStamp(std::string_view text);

// The offset as a label for notices: -300 -> "GMT-0500", 330 -> "GMT+0530".
std::string GmtOffsetLabel(int utc_offset_minutes);

}  // namespace abuseflow::ingest
