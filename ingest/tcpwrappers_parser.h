#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// tcp_wrappers (tcpd, libwrap) refusals in a syslog file:
//
//   Sep 18 09:12:44 gw in.telnetd[4567]: refused connect from 192.0.2.7
//   Sep 18 09:12:44 gw sshd[4567]: refused connect from ::ffff:192.0.2.7 (::ffff:192.0.2.7)
//   Sep 18 09:12:44 gw in.fingerd[4567]: refused connect from root@192.0.2.7
//
// tcpd writes the client as eval_client() gives it: "user@host" when an
// ident answer came, the host name when one resolved (then src_host), else
// the address; a trailing "(address)" is what newer libwrap users add, and
// is preferred. Kind KIND_CONNECTION_ATTEMPT, proto TCP, no dst, ports 0,
// signature the daemon that refused ("in.telnetd"). Accepted connections
// ("connect from") and warnings are kNotProbe. Stateless: thread-safe.
class TcpWrappersParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "tcpwrappers";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
