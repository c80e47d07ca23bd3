#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// OpenSSH sshd's failed logins (and the PAM failures it logs) in a syslog
// file, as password guessers leave them:
//
//   sshd[4242]: Failed password for root from 192.0.2.7 port 40022 ssh2
//   sshd[4242]: Failed publickey for invalid user admin from 192.0.2.7 port 40022 ssh2
//   sshd[4242]: Invalid user admin from 192.0.2.7 port 40022   (OpenSSH >= 7.5)
//   sshd[4242]: Invalid user admin from 192.0.2.7               (older)
//   sshd[4242]: Illegal user admin from 192.0.2.7               (OpenSSH 3.x)
//   sshd[4242]: Connection closed by authenticating user root 192.0.2.7 port 40022 [preauth]
//   sshd[4242]: Disconnected from invalid user admin 192.0.2.7 port 40022 [preauth]
//   sshd[4242]: error: maximum authentication attempts exceeded for root from 192.0.2.7 port 40022 ssh2 [preauth]
//   sshd[4242]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=192.0.2.7  user=root
//   sshd[4242]: Did not receive identification string from 192.0.2.7 port 40022
//
// rsyslog's "message repeated N times: [ ...]" is unwrapped. The address is
// taken from the end of the message, where sshd writes it, so a user name
// that contains " from 1.2.3.4" cannot plant another address.
//
// Kind KIND_BRUTE_FORCE, signature "failed-login", "invalid-user",
// "closed-preauth" (authenticating user), "max-auth-attempts" or
// "pam-auth-failure"; "Did not receive identification string" is
// KIND_CONNECTION_ATTEMPT, "no-identification". proto TCP, src_port from
// "port N" (0 when absent), dst_port 0 (sshd does not log its own port), no
// dst. Only lines tagged "sshd" (or "sshd-session" and "sshd-auth", the
// per-connection programs of OpenSSH 9.8 and later) are read; other sshd
// messages are kNotProbe.
// A host name (UseDNS) is kept in src_host. Stateless: thread-safe.
class SshdParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "sshd";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
