#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// FreeBSD, NetBSD and macOS kernel messages for packets to closed ports when
// the net.inet.tcp.log_in_vain / net.inet.udp.log_in_vain sysctls are set,
// in either order of destination and source that releases have written:
//
//   Sep 18 09:12:44 bsd kernel: Connection attempt to TCP 198.51.100.1:23 from 192.0.2.7:4321 flags:0x02
//   Sep 18 09:12:44 bsd kernel: Connection attempt to UDP 198.51.100.1:137 from 192.0.2.7:1025
//   Sep 18 09:12:44 bsd kernel: Connection attempt from 192.0.2.7:4321 to TCP 198.51.100.1:23
//   Sep 18 09:12:44 bsd kernel: Connection attempt to TCP [2001:db8::1]:22 from [2001:db8::7]:4321 flags:0x02
//
// Kind KIND_CONNECTION_ATTEMPT, signature empty, proto TCP or UDP, src, dst
// and both ports from the message; whatever follows (flags, macOS's process
// note) is ignored. sensor is ctx.sensor or the syslog host. Other kernel
// messages are kNotProbe. Stateless: thread-safe.
class LogInVainParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "log_in_vain";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
