#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "ingest/line_parser.h"
#include "ingest/timestamp.h"

namespace date {
class time_zone;
}

namespace abuseflow::ingest {

// Local stamps: the wall-clock times sensors write without an offset (BSD
// syslog, Snort, xinetd, tcpdump, DShield without offset, user formats
// without %z), and often without a year. How they become UTC for one input:
//
//   - the offset is the input's IANA zone at that instant (TimeZone, DST
//     looked up per stamp), else its fixed `utc_offset`;
//   - a missing year is the configured `year`, else inferred by the input's
//     InputClock from the newest line seen and the clock.

// The offset and abbreviation of a zone at one instant.
struct ZoneOffset {
  int minutes = 0;     // ahead of UTC; -300 for EST
  std::string abbrev;  // "EST", "EDT", "CET"; the tzdata abbreviation
};

// A time zone of the system tzdata (date/tz.h with USE_OS_TZDB, reading
// /usr/share/zoneinfo). Immutable after Find; thread-safe.
class TimeZone {
 public:
  // The zone named `name` ("America/New_York", "Europe/Berlin", "UTC");
  // NotFound if tzdata has no such zone. The database is read once per
  // process, on the first call.
  static core::Result<std::shared_ptr<const TimeZone>> Find(std::string_view name);

  explicit TimeZone(const date::time_zone* zone) : zone_(zone) {}
  std::string_view name() const;

  // The zone's offset at the UTC instant `unix_us`.
  ZoneOffset AtUtc(int64_t unix_us) const;

  // The offsets a wall-clock time `local_us` (the civil time read as if it
  // were UTC) may have: one, two when the clocks fell back (ambiguous: the
  // earlier occurrence first), or, for a time skipped when the clocks sprang
  // forward, the offset before the switch (earlier == later, skipped true).
  struct LocalOffsets {
    int earlier_minutes = 0;
    int later_minutes = 0;
    bool ambiguous = false;
    bool skipped = false;
  };
  LocalOffsets AtLocal(int64_t local_us) const;

 private:
  const date::time_zone* zone_;  // owned by the process-wide tzdb
};

// Microseconds since the epoch, UTC, of the system clock.
int64_t WallClockMicros();

// Per-input time memory: the newest UTC time of the lines read so far. Used
// to pick the year of stamps without one and the occurrence of an ambiguous
// local time. One instance per input, used from one thread at a time (as
// the input's parser is); not thread-safe.
class InputClock {
 public:
  // `now_us` gives the wall clock (injected by tests); it is read only when
  // a stamp would otherwise lie more than a day in its future.
  explicit InputClock(std::function<int64_t()> now_us = WallClockMicros);

  // The year of a stamp written without one, `t.year` ignored, in local
  // wall-clock time `utc_offset_minutes` ahead of UTC (approximately: the
  // rule has a day of slack). The year nearest to the newest line seen
  // (within half a year either side), but never one that puts the stamp
  // more than a day in the future of the clock; before any line, the latest
  // year that is not more than a day in the future of the clock. 0 if the
  // month and day exist in none of the years looked at (Feb 30).
  int64_t InferYear(const CivilTime& t, int utc_offset_minutes);

  // Remembers a line's UTC time (the newest one is kept).
  void Observe(int64_t unix_us);

  bool seen_any() const { return seen_any_; }
  int64_t newest_us() const { return newest_us_; }

 private:
  int64_t CapLocal(int utc_offset_minutes, bool refresh);

  std::function<int64_t()> now_us_;
  int64_t newest_us_ = 0;
  bool seen_any_ = false;
  int64_t cached_now_us_ = 0;
  bool have_now_ = false;
};

// Resolves the local wall-clock time `t` (valid, with its year) of the
// input of `ctx`: the zone (ctx.time_zone) or fixed offset, then, for an
// ambiguous time, the later occurrence once the input's newest line is past
// the earlier one. Observes the result in ctx.clock. `length` is copied.
Stamp ResolveLocal(const CivilTime& t, size_t length, const ParseContext& ctx);

// As ResolveLocal for a stamp without a year (`t.year` ignored): the year is
// ctx.clock's inference, or ctx.default_year without a clock. kBadTime if the
// day exists in no candidate year (Feb 30).
Stamp ResolveLocalWithoutYear(CivilTime t, size_t length, const ParseContext& ctx);

// A BSD syslog stamp ("Nov  5 07:17:01") resolved for the input of `ctx`.
Stamp ParseSyslogStamp(std::string_view text, const ParseContext& ctx);

// "2001-09-18 09:12:44[.f][ offset]" (as the fixed-offset ParseDateTimeStamp)
// resolved for the input of `ctx` when it carries no offset.
Stamp ParseDateTimeStamp(std::string_view text, const ParseContext& ctx);

}  // namespace abuseflow::ingest
