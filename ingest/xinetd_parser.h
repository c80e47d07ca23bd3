#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// xinetd's connection log, through syslog (log_type SYSLOG) or in its own
// file (log_type FILE, stamp "yy/m/d@hh:mm:ss" in the sensor's zone):
//
//   Sep 18 09:12:44 gw xinetd[310]: START: telnet pid=4567 from=192.0.2.7
//   Sep 18 09:12:44 gw xinetd[310]: START: ftp from=::ffff:192.0.2.7
//   Sep 18 09:12:44 gw xinetd[310]: FAIL: telnet libwrap from=192.0.2.7
//   Sep 18 09:12:44 gw xinetd[310]: FAIL: ftp connections per second from=192.0.2.7
//   Sep 18 09:12:44 gw xinetd[310]: libwrap refused connection to telnet (libwrap=in.telnetd) from 192.0.2.7
//   01/9/18@09:12:44: START: telnet pid=4567 from=192.0.2.7
//
// Each is KIND_CONNECTION_ATTEMPT, proto TCP, no dst, ports 0, signature
// the service and what happened: "telnet start", "telnet fail libwrap",
// "ftp fail connections per second", "telnet libwrap". EXIT, USERID and
// the daemon's own messages are kNotProbe. A two-digit year yy is 19yy for
// yy >= 70, else 20yy. Stateless: thread-safe.
class XinetdParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "xinetd";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
