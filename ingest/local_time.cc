#include "ingest/local_time.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <limits>

namespace abuseflow::ingest {
namespace {

constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;
// An ambiguous local time (clocks fell back) is taken as its later
// occurrence once the input's newest line is this far past the earlier one,
// so lines a few minutes out of order stay in the first hour.
constexpr int64_t kFallBackTolerance = 5 * kMicrosPerMinute;
// Years looked at below the reference year: far enough to reach a leap
// year for Feb 29.
constexpr int kYearsBack = 8;
// Closer than this to the newest line, a year is the nearest one (any other
// puts the stamp at least 183 days away).
constexpr int64_t kClearlyNearest = 150 * kMicrosPerDay;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0)); }

// The proleptic Gregorian year of a day count since 1970-01-01
// (Howard Hinnant's civil_from_days, year only).
int64_t YearOfDays(int64_t days) {
  days += 719468;
  const int64_t era = FloorDiv(days, 146097);
  const int64_t doe = days - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  return yoe + era * 400 + (mp >= 10 ? 1 : 0);
}

int64_t YearOfMicros(int64_t us) { return YearOfDays(FloorDiv(us, kMicrosPerDay)); }

using Seconds = std::chrono::seconds;

}  // namespace

core::Result<std::shared_ptr<const TimeZone>> TimeZone::Find(std::string_view name) {
  try {
    const date::time_zone* zone = date::locate_zone(name);
    return std::make_shared<const TimeZone>(zone);
  } catch (const std::exception& e) {
    return core::Status::NotFound("unknown time zone '" + std::string(name) + "' (" + e.what() +
                                  ")");
  }
}

std::string_view TimeZone::name() const { return zone_->name(); }

ZoneOffset TimeZone::AtUtc(int64_t unix_us) const {
  const date::sys_seconds at{Seconds{FloorDiv(unix_us, kMicrosPerSecond)}};
  const date::sys_info info = zone_->get_info(at);
  return {static_cast<int>(info.offset.count() / 60), info.abbrev};
}

TimeZone::LocalOffsets TimeZone::AtLocal(int64_t local_us) const {
  const date::local_seconds at{Seconds{FloorDiv(local_us, kMicrosPerSecond)}};
  const date::local_info info = zone_->get_info(at);
  LocalOffsets out;
  out.earlier_minutes = static_cast<int>(info.first.offset.count() / 60);
  out.later_minutes = out.earlier_minutes;
  if (info.result == date::local_info::ambiguous) {
    out.ambiguous = true;
    out.later_minutes = static_cast<int>(info.second.offset.count() / 60);
  } else if (info.result == date::local_info::nonexistent) {
    out.skipped = true;
  }
  return out;
}

int64_t WallClockMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

InputClock::InputClock(std::function<int64_t()> now_us) : now_us_(std::move(now_us)) {}

int64_t InputClock::CapLocal(int utc_offset_minutes, bool refresh) {
  if (refresh || !have_now_) {
    cached_now_us_ = now_us_();
    have_now_ = true;
  }
  return cached_now_us_ + utc_offset_minutes * kMicrosPerMinute + kMicrosPerDay;
}

int64_t InputClock::InferYear(const CivilTime& t, int utc_offset_minutes) {
  const int64_t reference = seen_any_ ? newest_us_ + utc_offset_minutes * kMicrosPerMinute
                                      : CapLocal(utc_offset_minutes, false);
  const int64_t base_year = YearOfMicros(reference);
  if (seen_any_) {  // fast path: the newest line's year, when that is clearly the nearest
    CivilTime same = t;
    same.year = base_year;
    if (IsValid(same)) {
      const int64_t local = ToUnixMicros(same, 0);
      if (std::llabs(local - reference) < kClearlyNearest && local <= CapLocal(utc_offset_minutes, false)) {
        return base_year;
      }
    }
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    // The clock only moves on: a cap read earlier is at most too strict,
    // so it is read again only when it excluded a better year.
    const int64_t cap = CapLocal(utc_offset_minutes, attempt == 1);
    int64_t best_year = 0;
    int64_t best_distance = std::numeric_limits<int64_t>::max();
    int64_t excluded_distance = std::numeric_limits<int64_t>::max();
    for (int64_t year = base_year + 1; year >= base_year - kYearsBack; --year) {
      CivilTime candidate = t;
      candidate.year = year;
      if (!IsValid(candidate)) continue;
      const int64_t local = ToUnixMicros(candidate, 0);
      const int64_t distance = std::llabs(local - reference);
      if (local > cap) {
        excluded_distance = std::min(excluded_distance, distance);
        continue;
      }
      if (!seen_any_) return year;  // the latest year not in the future
      if (distance < best_distance) {
        best_distance = distance;
        best_year = year;
      }
    }
    if ((best_year != 0 && excluded_distance >= best_distance) || attempt == 1) return best_year;
  }
  return 0;
}

void InputClock::Observe(int64_t unix_us) {
  if (seen_any_ && unix_us <= newest_us_) return;
  // A stamp far in the future (a sensor clock off by years) would drag the
  // years of the lines after it: only times up to a day ahead count.
  if (unix_us > CapLocal(0, false) && unix_us > CapLocal(0, true)) return;
  newest_us_ = unix_us;
  seen_any_ = true;
}

Stamp ResolveLocal(const CivilTime& t, size_t length, const ParseContext& ctx) {
  Stamp stamp;
  stamp.length = length;
  stamp.status = StampStatus::kOk;
  const int64_t local = ToUnixMicros(t, 0);
  int offset = ctx.utc_offset_minutes;
  if (ctx.time_zone) {
    const TimeZone::LocalOffsets o = ctx.time_zone->AtLocal(local);
    offset = o.earlier_minutes;
    if (o.ambiguous && ctx.clock && ctx.clock->seen_any()) {
      const int64_t earlier_us = local - o.earlier_minutes * kMicrosPerMinute;
      if (ctx.clock->newest_us() - earlier_us > kFallBackTolerance) offset = o.later_minutes;
    }
  }
  stamp.utc_offset_minutes = offset;
  stamp.unix_us = local - offset * kMicrosPerMinute;
  if (ctx.clock) ctx.clock->Observe(stamp.unix_us);
  return stamp;
}

Stamp ResolveLocalWithoutYear(CivilTime t, size_t length, const ParseContext& ctx) {
  t.year = ctx.clock ? ctx.clock->InferYear(t, ctx.utc_offset_minutes) : ctx.default_year;
  if (t.year == 0 || !IsValid(t)) {
    Stamp stamp;
    stamp.status = StampStatus::kBadTime;
    stamp.length = length;
    return stamp;
  }
  return ResolveLocal(t, length, ctx);
}

Stamp ParseSyslogStamp(std::string_view text, const ParseContext& ctx) {
  CivilTime t;
  Stamp stamp = ParseSyslogCivil(text, &t);
  if (stamp.status != StampStatus::kOk) return stamp;
  return ResolveLocalWithoutYear(t, stamp.length, ctx);
}

Stamp ParseDateTimeStamp(std::string_view text, const ParseContext& ctx) {
  bool has_offset = false;
  CivilTime t;
  Stamp stamp = ParseDateTimeStamp(text, ctx.utc_offset_minutes, &has_offset, &t);
  if (stamp.status != StampStatus::kOk || has_offset) return stamp;
  return ResolveLocal(t, stamp.length, ctx);
}

}  // namespace abuseflow::ingest
