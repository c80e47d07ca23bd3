#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// FreeBSD ipfw "log" rule lines in a syslog file:
//
//   Sep 18 09:12:44 fw kernel: ipfw: 100 Deny TCP 192.0.2.7:4321 198.51.100.1:23 in via fxp0
//   Sep 18 09:12:44 fw kernel: ipfw: 200 Unreach 3 UDP 192.0.2.7:1025 198.51.100.1:137 in via fxp0
//   Sep 18 09:12:44 fw kernel: ipfw: 300 Deny ICMP:8.0 192.0.2.7 198.51.100.1 in via fxp0
//   Sep 18 09:12:44 fw kernel: ipfw: 400 Reset TCP [2001:db8::7]:4321 [2001:db8::1]:22 in via em0
//   Sep 18 09:12:44 fw kernel: ipfw: 100 Deny TCP 192.0.2.7 198.51.100.1 in via fxp0 Fragment = 4711
//
// Inbound packets a rule denied (Deny, Reset, Reject, Unreach, Unreach6)
// are KIND_CONNECTION_ATTEMPT, signature "ipfw rule 100", proto TCP, UDP,
// ICMP ("ICMP:type.code"), ICMPV6 ("ICMPv6:...") or OTHER ("P:47"), ports
// from the addresses (0 when absent: fragments, ICMP). Accepted, counted,
// diverted and outbound packets are kNotProbe. sensor is ctx.sensor or the
// syslog host. Stateless: thread-safe.
class IpfwParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "ipfw";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
