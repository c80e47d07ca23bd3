#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Linux netfilter LOG target lines (iptables and ip6tables "-j LOG", and
// ulogd's emulation of it) in a syslog file:
//
//   Nov 25 07:17:01 fw kernel: [12345.678901] DROP-IN: IN=eth0 OUT= MAC=...
//     SRC=192.0.2.7 DST=198.51.100.1 LEN=60 ... PROTO=TCP SPT=4321 DPT=23 ... SYN URGP=0
//
// The header is a BSD stamp (year ctx.default_year, offset
// ctx.utc_offset_minutes) or an RFC 3339 stamp with its own offset (see
// SyslogHeader). The kernel's [uptime] and the rule's log prefix, with or
// without a space before "IN=", are skipped: the packet fields start at the
// "IN=<interface> OUT=" pair. SRC, DST and PROTO are taken from the packet
// itself, never from the offending packet an ICMP error quotes in
// "[SRC=... ]". IPv4 and IPv6 addresses (compressed or the kernel's full form).
//
// Every packet is an event of kind KIND_CONNECTION_ATTEMPT (KIND_WORM with
// the worm's name as signature when port_worms.h's table matches), signature empty,
// proto TCP, UDP, ICMP, ICMPV6 or OTHER (numeric or other protocols), ports
// from SPT and DPT (0 when absent: ICMP, fragments). sensor is ctx.sensor, or
// the syslog host when ctx.sensor is empty.
//
// Lines without the "IN=... OUT=" pair are kNotProbe ("no-probe"); such a
// line missing its syslog header, SRC, DST or PROTO (cut short) is
// "malformed"; a port over 65535 too. Stateless: thread-safe.
class NetfilterParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "netfilter";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
