#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Apache/NCSA common and combined access logs, and nginx's default
// "combined", which is the same:
//
//   host ident authuser [10/Oct/2000:13:55:36 -0700] "request" status bytes
//   host ident authuser [...] "request" status bytes "referer" "user-agent"
//
// Fields after the size are ignored. The host is the source address (IPv4 or
// IPv6; an IPv4-mapped IPv6 address counts as IPv4); a host name instead of
// an address (HostnameLookups On) is kept in src_host, src empty (FillEvent
// explains resolve_hosts). The stamp's own offset gives the UTC
// time; tz_name is ctx.tz_name when ctx has the same offset, else "GMT-0700".
//
// Only worm requests are probes (ClassifyWebRequest: Code Red I and II,
// Nimda): an event of kind KIND_WORM, proto TCP, no dst, ports 0, sensor
// ctx.sensor. Any other well-formed line is kNotProbe ("no-probe").
//
// A line cut short inside or after the request (no closing quote followed by
// status and size) is still an event if what is left of the request is a
// worm's, since that is the evidence that matters; otherwise it is
// "malformed". Apache 2 escapes '"' inside the request as \" and that is
// understood. Stateless: thread-safe.
class ApacheParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "apache";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
