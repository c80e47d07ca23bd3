#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "ingest/line_parser.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {

// The `time_format` of a user-defined format: one of the built-in stamp
// kinds ("syslog", "apache", "iso8601", "epoch") or a strptime-like spec,
// parsed here without the C library (no locale, no global state):
//
//   %Y 4-digit year   %y 2-digit year (69-99 -> 19yy, else 20yy)
//   %m month 1-12     %d / %e day 1-31 (%e may have a leading space)
//   %b / %h month name "Jan" (any case)    %B full month name "January"
//   %H hour 0-23      %M minute   %S second (0-60)
//   %f fraction digits (microseconds kept)  %z offset "Z", "+hh:mm", "+hhmm"
//   %T = %H:%M:%S     %F = %Y-%m-%d   %s seconds since the epoch   %% '%'
//
// A space matches one or more spaces; other characters match themselves.
// Without %z the stamp is local time of the input (zone or fixed offset,
// local_time.h); without %Y/%y its year is inferred. Immutable after
// Compile; Parse is thread-safe when ctx has no clock (else as the input).
class TimeSpec {
 public:
  // InvalidArgument for an unknown directive or a spec without any.
  static core::Result<TimeSpec> Compile(std::string_view spec);

  // The stamp that is the whole of `text`: kMalformed if it does not match
  // (or leaves characters over), kBadTime for an impossible date.
  Stamp Parse(std::string_view text, const ParseContext& ctx) const;

 private:
  enum class Kind { kSpec, kSyslog, kApache, kIso8601, kEpoch };
  Stamp ParseSpec(std::string_view text, const ParseContext& ctx) const;

  Kind kind_ = Kind::kSpec;
  std::string spec_;  // %T and %F expanded
  bool has_year_ = false;
  bool has_offset_ = false;
  bool epoch_ = false;
};

}  // namespace abuseflow::ingest
