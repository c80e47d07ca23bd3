#include "ingest/time_spec.h"

#include "ingest/local_time.h"
#include "ingest/parser_support.h"

namespace abuseflow::ingest {
namespace {

constexpr std::string_view kDirectives = "YymdebhBHMSfzs%";
constexpr std::string_view kMonthNames[12] = {"january",   "february", "march",    "april",
                                              "may",       "june",     "july",     "august",
                                              "september", "october",  "november", "december"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// 1 to `max` digits at text[*pos].
bool Number(std::string_view text, size_t* pos, size_t max, int64_t* value) {
  const size_t begin = *pos;
  *value = 0;
  while (*pos < text.size() && *pos - begin < max && IsDigit(text[*pos]))
    *value = *value * 10 + (text[(*pos)++] - '0');
  return *pos > begin;
}

// A month name at text[*pos]: the 3-letter abbreviation, or with `full` the
// whole name (the abbreviation accepted too, as strptime does).
bool MonthName(std::string_view text, size_t* pos, bool full, int* month) {
  for (int i = 0; i < 12; ++i) {
    const std::string_view name = kMonthNames[i];
    if (full && StartsWithIgnoreCase(text.substr(*pos), name)) {
      *pos += name.size();
      *month = i + 1;
      return true;
    }
    if (StartsWithIgnoreCase(text.substr(*pos), name.substr(0, 3))) {
      *pos += 3;
      *month = i + 1;
      return true;
    }
  }
  return false;
}

// "Z", "+hh:mm" or "+hhmm" at text[*pos].
bool Offset(std::string_view text, size_t* pos, int* minutes, bool* in_range) {
  if (*pos < text.size() && (text[*pos] == 'Z' || text[*pos] == 'z')) {
    ++*pos;
    *minutes = 0;
    return true;
  }
  if (*pos >= text.size() || (text[*pos] != '+' && text[*pos] != '-')) return false;
  const int sign = text[*pos] == '-' ? -1 : 1;
  size_t p = *pos + 1;
  int64_t hours, mins;
  if (p + 2 > text.size() || !Number(text, &p, 2, &hours) || p != *pos + 3) return false;
  if (p < text.size() && text[p] == ':') ++p;
  const size_t m = p;
  if (!Number(text, &p, 2, &mins) || p != m + 2) return false;
  *minutes = sign * static_cast<int>(hours * 60 + mins);
  *in_range = hours <= 18 && mins < 60;
  *pos = p;
  return true;
}

struct Fields {
  CivilTime t;
  int offset = 0;
  bool offset_ok = true;
  int64_t epoch = 0;
};

// One directive at text[*pos].
bool Directive(char d, std::string_view text, size_t* pos, Fields* f) {
  int64_t v = 0;
  switch (d) {
    case 'Y':
      if (!Number(text, pos, 4, &v)) return false;
      f->t.year = v;
      return true;
    case 'y':
      if (!Number(text, pos, 2, &v)) return false;
      f->t.year = v >= 69 ? 1900 + v : 2000 + v;
      return true;
    case 'm':
      if (!Number(text, pos, 2, &v)) return false;
      f->t.month = static_cast<int>(v);
      return true;
    case 'e':
      if (*pos < text.size() && text[*pos] == ' ') ++*pos;
      [[fallthrough]];
    case 'd':
      if (!Number(text, pos, 2, &v)) return false;
      f->t.day = static_cast<int>(v);
      return true;
    case 'b':
    case 'h':
      return MonthName(text, pos, false, &f->t.month);
    case 'B':
      return MonthName(text, pos, true, &f->t.month);
    case 'H':
      if (!Number(text, pos, 2, &v)) return false;
      f->t.hour = static_cast<int>(v);
      return true;
    case 'M':
      if (!Number(text, pos, 2, &v)) return false;
      f->t.minute = static_cast<int>(v);
      return true;
    case 'S':
      if (!Number(text, pos, 2, &v)) return false;
      f->t.second = static_cast<int>(v);
      return true;
    case 'z':
      return Offset(text, pos, &f->offset, &f->offset_ok);
    case 's':
      return Number(text, pos, 12, &f->epoch);
    case '%':
      return *pos < text.size() && text[(*pos)++] == '%';
    case 'f': {
      const size_t begin = *pos;
      int micros = 0, digits = 0;
      for (; *pos < text.size() && IsDigit(text[*pos]); ++*pos) {
        if (digits < 6) micros = micros * 10 + (text[*pos] - '0'), ++digits;
      }
      for (; digits < 6; ++digits) micros *= 10;
      f->t.micros = micros;
      return *pos > begin;
    }
    default:
      return false;
  }
}

}  // namespace

core::Result<TimeSpec> TimeSpec::Compile(std::string_view spec) {
  TimeSpec out;
  if (spec == "syslog")
    out.kind_ = Kind::kSyslog;
  else if (spec == "apache")
    out.kind_ = Kind::kApache;
  else if (spec == "iso8601")
    out.kind_ = Kind::kIso8601;
  else if (spec == "epoch")
    out.kind_ = Kind::kEpoch;
  if (out.kind_ != Kind::kSpec) return out;
  bool any = false;
  for (size_t i = 0; i < spec.size(); ++i) {
    if (spec[i] != '%') {
      out.spec_ += spec[i];
      continue;
    }
    const char d = i + 1 < spec.size() ? spec[i + 1] : '\0';
    ++i;
    if (d == 'T')
      out.spec_ += "%H:%M:%S";
    else if (d == 'F')
      out.spec_ += "%Y-%m-%d";
    else if (d != '\0' && kDirectives.find(d) != std::string_view::npos)
      out.spec_ += std::string{'%', d};
    else
      return core::Status::InvalidArgument("time_format: unsupported directive '%" +
                                           std::string(1, d) + "'");
    any |= d != '%';
  }
  if (!any) return core::Status::InvalidArgument("time_format: no % directive");
  out.has_year_ =
      out.spec_.find("%Y") != std::string::npos || out.spec_.find("%y") != std::string::npos;
  out.has_offset_ = out.spec_.find("%z") != std::string::npos;
  out.epoch_ = out.spec_.find("%s") != std::string::npos;
  return out;
}

Stamp TimeSpec::Parse(std::string_view text, const ParseContext& ctx) const {
  Stamp stamp;
  switch (kind_) {
    case Kind::kSyslog:
      stamp = ParseSyslogStamp(text, ctx);
      break;
    case Kind::kApache:
      stamp = ParseApacheStamp(text);
      break;
    case Kind::kEpoch:
      stamp = ParseEpochStamp(text);
      break;
    case Kind::kIso8601:
      stamp = text.size() > 10 && (text[10] == 'T' || text[10] == 't')
                  ? ParseRfc3339Stamp(text)
                  : ParseDateTimeStamp(text, ctx);
      break;
    case Kind::kSpec:
      return ParseSpec(text, ctx);
  }
  if (stamp.status != StampStatus::kMalformed && stamp.length != text.size()) return Stamp{};
  return stamp;
}

Stamp TimeSpec::ParseSpec(std::string_view text, const ParseContext& ctx) const {
  Fields f;
  size_t pos = 0;
  for (size_t i = 0; i < spec_.size(); ++i) {
    const char c = spec_[i];
    if (c == '%') {
      if (!Directive(spec_[++i], text, &pos, &f)) return Stamp{};
    } else if (c == ' ') {
      if (pos >= text.size() || text[pos] != ' ') return Stamp{};
      while (pos < text.size() && text[pos] == ' ') ++pos;
    } else if (pos >= text.size() || text[pos++] != c) {
      return Stamp{};
    }
  }
  if (pos != text.size()) return Stamp{};
  Stamp stamp;
  stamp.length = pos;
  if (epoch_) {
    stamp.status = StampStatus::kOk;
    stamp.unix_us = f.epoch * kMicrosPerSecond + f.t.micros;
    return stamp;
  }
  if (!f.offset_ok) {
    stamp.status = StampStatus::kBadTime;
    return stamp;
  }
  if (!has_year_ && has_offset_) {  // the year inferred, the offset as written
    ParseContext written = ctx;
    written.time_zone = nullptr;
    written.utc_offset_minutes = f.offset;
    return ResolveLocalWithoutYear(f.t, pos, written);
  }
  if (!has_year_) return ResolveLocalWithoutYear(f.t, pos, ctx);
  if (!IsValid(f.t)) {
    stamp.status = StampStatus::kBadTime;
    return stamp;
  }
  if (!has_offset_) return ResolveLocal(f.t, pos, ctx);
  stamp.status = StampStatus::kOk;
  stamp.unix_us = ToUnixMicros(f.t, f.offset);
  stamp.utc_offset_minutes = f.offset;
  return stamp;
}

}  // namespace abuseflow::ingest
