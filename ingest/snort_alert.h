#pragma once

#include <string_view>

#include "abuseflow/v1/events.pb.h"
#include "ingest/line_parser.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {

// Pieces of Snort's and Suricata's alert output that the fast, syslog and
// full forms share. Pure, thread-safe.

// "MM/DD[/YY|/YYYY]-HH:MM:SS[.ffffff]" at the start of `text`: without a
// year ctx.default_year, a two-digit year yy is 20yy (19yy for yy >= 70);
// always in ctx.utc_offset_minutes.
Stamp ParseSnortStamp(std::string_view text, const ParseContext& ctx);

// "TCP", "UDP", "ICMP", "IPV6-ICMP"/"ICMPV6"; anything else OTHER.
v1::Protocol SnortProtocol(std::string_view name);

// "1:2003:8": three decimal numbers separated by ':'.
bool IsRuleId(std::string_view id);

}  // namespace abuseflow::ingest
