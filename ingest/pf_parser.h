#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// OpenBSD pf log packets as tcpdump prints them from pflog
// ("tcpdump -n -e -ttt -r /var/log/pflog", or "-i pflog0" piped to syslog):
//
//   Sep 18 09:12:44.123456 rule 2/(match) block in on em0: 192.0.2.7.4321 > 198.51.100.1.23: S 1:1(0) win 16384
//   Sep 18 09:12:44.123456 rule 3/0(match): block in on fxp0: 192.0.2.7.1025 > 198.51.100.1.137: udp 50
//   Sep 18 09:12:44.123456 rule 4/(match) [uid 0, pid 1] block in on em0: 192.0.2.7 > 198.51.100.1: icmp: echo request
//   Sep 18 09:12:44 fw pf: Sep 18 09:12:44.123456 rule 2/(match) block in on em0: 2001:db8::7.4321 > 2001:db8::1.22: S ...
//
// The stamp (month, day, time, optional fraction) has no year or offset:
// ctx.default_year and ctx.utc_offset_minutes; the one tcpdump printed is
// used when a syslog header wraps it. Addresses end in ".port" for TCP and
// UDP. proto: "udp" -> UDP, "icmp:" -> ICMP, "icmp6:" -> ICMPV6, otherwise
// TCP when both sides carry ports, else OTHER.
//
// "block in" packets are KIND_CONNECTION_ATTEMPT, signature "pf rule 2/(match)";
// pass, match and outbound packets are kNotProbe. sensor is ctx.sensor, or
// the syslog host. Stateless: thread-safe.
class PfParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "pf";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
