#include "ingest/timestamp.h"

namespace abuseflow::ingest {
namespace {

// The largest offset accepted in a stamp: real zones stay within +-14:00.
constexpr int kMaxOffsetHours = 18;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` decimal digits at text[pos].
bool ReadDigits(std::string_view text, size_t pos, size_t n, int* value) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(text[i])) return false;
    v = v * 10 + (text[i] - '0');
  }
  *value = v;
  return true;
}

bool CharAt(std::string_view text, size_t pos, char c) { return pos < text.size() && text[pos] == c; }

// "hh:mm:ss" at text[pos].
bool ReadClock(std::string_view text, size_t pos, CivilTime* t) {
  return ReadDigits(text, pos, 2, &t->hour) && CharAt(text, pos + 2, ':') &&
         ReadDigits(text, pos + 3, 2, &t->minute) && CharAt(text, pos + 5, ':') &&
         ReadDigits(text, pos + 6, 2, &t->second);
}

// "+hhmm" or, with `colon`, "+hh:mm" at text[pos]; sets *length.
bool ReadOffset(std::string_view text, size_t pos, bool colon, int* minutes, bool* in_range,
                size_t* length) {
  if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-')) return false;
  int hours = 0;
  int mins = 0;
  const size_t min_pos = pos + (colon ? 4 : 3);
  if (!ReadDigits(text, pos + 1, 2, &hours) || (colon && !CharAt(text, pos + 3, ':')) ||
      !ReadDigits(text, min_pos, 2, &mins)) {
    return false;
  }
  *in_range = hours <= kMaxOffsetHours && mins < 60;
  *minutes = (text[pos] == '-' ? -1 : 1) * (hours * 60 + mins);
  *length = colon ? 6 : 5;
  return true;
}

// Finishes a stamp whose fields were read: checks them and converts.
Stamp Finish(const CivilTime& t, int offset, bool offset_in_range, size_t length) {
  Stamp stamp;
  stamp.length = length;
  if (!offset_in_range || !IsValid(t)) {
    stamp.status = StampStatus::kBadTime;
    return stamp;
  }
  stamp.status = StampStatus::kOk;
  stamp.unix_us = ToUnixMicros(t, offset);
  stamp.utc_offset_minutes = offset;
  return stamp;
}

// ".123456" at text[pos]: any number of digits, microseconds kept.
size_t ReadFraction(std::string_view text, size_t pos, int* micros) {
  if (!CharAt(text, pos, '.')) return 0;
  size_t i = pos + 1;
  int value = 0;
  int digits = 0;
  while (i < text.size() && IsDigit(text[i])) {
    if (digits < 6) {
      value = value * 10 + (text[i] - '0');
      ++digits;
    }
    ++i;
  }
  if (i == pos + 1) return 0;
  for (; digits < 6; ++digits) value *= 10;
  *micros = value;
  return i - pos;
}

}  // namespace

int MonthFromName(std::string_view name) {
  static constexpr std::string_view kNames[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (name.size() != 3) return 0;
  for (int i = 0; i < 12; ++i) {
    if (name == kNames[i]) return i + 1;
  }
  return 0;
}

bool IsValid(const CivilTime& t) {
  return t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= DaysInMonth(t.year, t.month) &&
         t.hour >= 0 && t.hour < 24 && t.minute >= 0 && t.minute < 60 && t.second >= 0 &&
         t.second <= 60 && t.micros >= 0 && t.micros < kMicrosPerSecond;
}

int64_t ToUnixMicros(const CivilTime& t, int utc_offset_minutes) {
  const int64_t days = DaysFromCivil(t.year, t.month, t.day);
  const int64_t seconds = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second -
                          static_cast<int64_t>(utc_offset_minutes) * 60;
  return seconds * kMicrosPerSecond + t.micros;
}

Stamp ParseApacheStamp(std::string_view text) {
  // 10/Oct/2000:13:55:36 -0700
  CivilTime t;
  int year = 0;
  if (!ReadDigits(text, 0, 2, &t.day) || !CharAt(text, 2, '/') || !CharAt(text, 6, '/') ||
      !ReadDigits(text, 7, 4, &year) || !CharAt(text, 11, ':') || !ReadClock(text, 12, &t) ||
      !CharAt(text, 20, ' ')) {
    return {};
  }
  t.year = year;
  t.month = MonthFromName(text.substr(3, 3));
  if (t.month == 0) return {};
  int offset = 0;
  bool in_range = false;
  size_t offset_length = 0;
  if (!ReadOffset(text, 21, /*colon=*/false, &offset, &in_range, &offset_length)) return {};
  return Finish(t, offset, in_range, 21 + offset_length);
}

Stamp ParseSyslogCivil(std::string_view text, CivilTime* t) {
  // Nov 25 07:17:01, or Nov  5 07:17:01
  Stamp stamp;
  if (text.size() < 15) return stamp;
  t->month = MonthFromName(text.substr(0, 3));
  if (t->month == 0 || text[3] != ' ' || text[6] != ' ' || !ReadClock(text, 7, t)) return stamp;
  if (text[4] == ' ' && IsDigit(text[5])) {
    t->day = text[5] - '0';
  } else if (!ReadDigits(text, 4, 2, &t->day)) {
    return stamp;
  }
  stamp.length = 15;
  CivilTime leap = *t;
  leap.year = 2000;  // the day must exist in some year: Feb 29 does, Feb 30 not
  stamp.status = IsValid(leap) ? StampStatus::kOk : StampStatus::kBadTime;
  return stamp;
}

Stamp ParseSyslogStamp(std::string_view text, int year, int utc_offset_minutes) {
  CivilTime t;
  Stamp stamp = ParseSyslogCivil(text, &t);
  if (stamp.status == StampStatus::kMalformed) return stamp;
  t.year = year;
  return Finish(t, utc_offset_minutes, /*offset_in_range=*/true, 15);
}

Stamp ParseRfc3339Stamp(std::string_view text) {
  // 2001-08-04T07:17:01.123456-05:00
  CivilTime t;
  int year = 0;
  if (!ReadDigits(text, 0, 4, &year) || !CharAt(text, 4, '-') || !ReadDigits(text, 5, 2, &t.month) ||
      !CharAt(text, 7, '-') || !ReadDigits(text, 8, 2, &t.day) ||
      !(CharAt(text, 10, 'T') || CharAt(text, 10, 't')) || !ReadClock(text, 11, &t)) {
    return {};
  }
  t.year = year;
  size_t pos = 19 + ReadFraction(text, 19, &t.micros);
  if (CharAt(text, pos, 'Z') || CharAt(text, pos, 'z')) return Finish(t, 0, true, pos + 1);
  int offset = 0;
  bool in_range = false;
  size_t offset_length = 0;
  const bool colon = CharAt(text, pos + 3, ':');
  if (!ReadOffset(text, pos, colon, &offset, &in_range, &offset_length)) return {};
  return Finish(t, offset, in_range, pos + offset_length);
}

Stamp ParseDateTimeStamp(std::string_view text, int utc_offset_minutes, bool* has_offset,
                         CivilTime* civil) {
  // 2001-09-18 09:12:44[.123][ -04:00]
  CivilTime scratch;
  CivilTime& t = civil != nullptr ? *civil : scratch;
  if (has_offset != nullptr) *has_offset = true;
  int year = 0;
  if (!ReadDigits(text, 0, 4, &year) || !CharAt(text, 4, '-') || !ReadDigits(text, 5, 2, &t.month) ||
      !CharAt(text, 7, '-') || !ReadDigits(text, 8, 2, &t.day) || !CharAt(text, 10, ' ') ||
      !ReadClock(text, 11, &t)) {
    return {};
  }
  t.year = year;
  const size_t pos = 19 + ReadFraction(text, 19, &t.micros);
  if (CharAt(text, pos, 'Z')) return Finish(t, 0, true, pos + 1);
  const size_t sign = CharAt(text, pos, ' ') ? pos + 1 : pos;
  int offset = 0;
  bool in_range = false;
  size_t offset_length = 0;
  if (ReadOffset(text, sign, CharAt(text, sign + 3, ':'), &offset, &in_range, &offset_length)) {
    return Finish(t, offset, in_range, sign + offset_length);
  }
  if (has_offset != nullptr) *has_offset = false;
  return Finish(t, utc_offset_minutes, true, pos);
}

Stamp ParseEpochStamp(std::string_view text) {
  constexpr size_t kMaxDigits = 12;
  int64_t seconds = 0;
  size_t i = 0;
  while (i < text.size() && IsDigit(text[i])) {
    if (i == kMaxDigits) return {};
    seconds = seconds * 10 + (text[i++] - '0');
  }
  if (i == 0) return {};
  int micros = 0;
  const size_t fraction = ReadFraction(text, i, &micros);
  if (fraction == 0 && CharAt(text, i, '.')) return {};
  Stamp stamp;
  stamp.status = StampStatus::kOk;
  stamp.unix_us = seconds * kMicrosPerSecond + micros;
  stamp.length = i + fraction;
  return stamp;
}

std::string GmtOffsetLabel(int utc_offset_minutes) {
  const int magnitude = utc_offset_minutes < 0 ? -utc_offset_minutes : utc_offset_minutes;
  const int hours = magnitude / 60 % 100;
  const int minutes = magnitude % 60;
  std::string label = "GMT+0000";
  label[3] = utc_offset_minutes < 0 ? '-' : '+';
  label[4] = static_cast<char>('0' + hours / 10);
  label[5] = static_cast<char>('0' + hours % 10);
  label[6] = static_cast<char>('0' + minutes / 10);
  label[7] = static_cast<char>('0' + minutes % 10);
  return label;
}

}  // namespace abuseflow::ingest
