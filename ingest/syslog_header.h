#pragma once

#include <string_view>

#include "ingest/line_parser.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {

// The header a syslog daemon writes in front of each message in a log file:
//
//   "Nov 25 07:17:01 fw kernel: ..."                       BSD (RFC 3164) stamp
//   "2001-08-04T07:17:01.123456-05:00 fw kernel: ..."      RFC 3339 stamp (rsyslog)
//
// optionally preceded by a "<pri>" and, before an RFC 3339 stamp, the RFC 5424
// version "1 " (as a raw syslog message carries them).
struct SyslogHeader {
  // kMalformed if no header was recognised; kBadTime if the stamp has the
  // right shape but names an impossible time (host and message are still set).
  Stamp stamp;
  std::string_view host;     // the field after the stamp
  std::string_view message;  // everything after the host; the whole line if no header
};

// Parses the header at the start of `line`. A BSD stamp has neither year nor
// offset: `default_year` and `utc_offset_minutes` supply them. Pure, thread-safe.
SyslogHeader ParseSyslogHeader(std::string_view line, int default_year, int utc_offset_minutes);

// The same for the input of `ctx`: a BSD stamp's year is inferred
// (ctx.clock) or ctx.default_year, its offset that of ctx.time_zone at that
// time or ctx.utc_offset_minutes (local_time.h). Not thread-safe when ctx
// has a clock (it observes the stamp); the parsers call this one.
SyslogHeader ParseSyslogHeader(std::string_view line, const ParseContext& ctx);

}  // namespace abuseflow::ingest
