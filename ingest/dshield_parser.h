#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// DShield tab-separated submission lines (the format its client scripts
// convert firewall logs to), one packet per line:
//
//   date-time TAB userid TAB count TAB source-ip TAB source-port TAB target-ip TAB target-port TAB protocol [TAB flags]
//   2001-09-18 09:12:44 -04:00	12345	1	192.0.2.7	4321	198.51.100.1	23	6	S
//
// The stamp is "yyyy-mm-dd hh:mm:ss" with its offset (" -04:00" or
// "-0400"; ctx.utc_offset_minutes when absent). protocol is the IP number
// (6, 17, 1, 58) or the name (TCP, UDP, ICMP); ports are "???" or empty
// for ICMP (then 0). The count is not expanded: one event per line.
//
// Kind KIND_CONNECTION_ATTEMPT, signature empty, sensor ctx.sensor, else
// "dshield:<userid>". Lines starting with '#' are kNotProbe. Stateless:
// thread-safe.
class DShieldParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "dshield";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
