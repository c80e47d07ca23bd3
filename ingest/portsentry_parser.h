#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// portsentry's attack alerts, 1.x and 2.0, as they reach a syslog file:
//
//   ... portsentry[412]: attackalert: Connect from host: name/192.0.2.7 to TCP port: 143
//   ... portsentry[412]: attackalert: SYN/Normal scan from host: name/192.0.2.7 to TCP port: 23
//   ... portsentry[412]: attackalert: TCP SYN/Normal scan from host: ...      (2.0 beta)
//   ... attackalert: FIN stealth scan | XMAS stealth scan | NULL stealth scan |
//       UDP scan | Unknown Type: TCP Packet Flags: ... from host: ... to UDP port: 137
//   ... attackalert: Host 192.0.2.7 has been blocked via wrappers with string: "ALL: 192.0.2.7"
//   ... attackalert: Host 192.0.2.7 has been blocked via dropped route using command: "..."
//   ... attackalert: Host: name/192.0.2.7 is already blocked. Ignoring
//
// and the 2.0 release's scan line, in syslog or in its own log file with an
// RFC 3339 stamp in front:
//
//   2024-03-01T10:00:00.123+0000 Scan from: [192.0.2.7] (name) protocol: [TCP]
//     port: [23] type: [Connect] IP opts: [unknown] ignored: [false] triggered: [true] ...
//
// The host is "name/address" (either part may be the address; 1.x writes the
// resolved name first); a host with no address in it is kept in src_host.
// "Connect" lines are KIND_CONNECTION_ATTEMPT with signature "connect"; scans
// KIND_PORT_SCAN with signature "syn-scan", "fin-scan", "xmas-scan",
// "null-scan", "udp-scan" or "unknown-scan"; proto TCP or UDP, dst_port the
// port, no dst, src_port 0. Blocked lines are KIND_PORT_SCAN, signature
// "blocked" or "already-blocked", proto unspecified, ports 0. A 2.0 line with
// "ignored: [true]" and every other portsentry message (adminalert, ...) is
// kNotProbe. Stateless: thread-safe.
class PortsentryParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "portsentry";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
