#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/ip_address.h"
#include "core/result.h"
#include "enrich/whois_parser.h"

namespace abuseflow::enrich {

// A registry WHOIS server abuseflow knows: how to ask it and read its answer.
struct WhoisServerInfo {
  std::string_view name;  // canonical name, e.g. "whois.ripe.net"
  WhoisFormat format;
  std::string_view prefix;   // put before the address: ARIN's "n + "
  std::string_view suffix;   // put after it: JPNIC's "/e" (English)
  std::string_view charset;  // of its answers when not UTF-8 (iconv name)
};

constexpr std::string_view kIanaWhois = "whois.iana.org";

// The built-in server of `name` (lower case; aliases such as whois.nic.or.kr
// for whois.kisa.or.kr are accepted), or null for a server abuseflow does not know.
const WhoisServerInfo* FindWhoisServer(std::string_view name);

// The registry to ask first about `address`, from a built-in table of the
// ranges IANA gave each RIR (like the Debian whois client's), so the IANA step
// is skipped where it can be; kIanaWhois for everything else.
std::string_view FirstWhoisServer(const core::IpAddress& address);

// The query line (without CR LF) to send `server` about `address`.
std::string WhoisQueryFor(const WhoisServerInfo& server, const core::IpAddress& address);

// Where to connect for a server.
struct WhoisEndpoint {
  std::string name;  // the server name, canonical when known ("whois.ripe.net")
  std::string host;  // what to connect to ("127.0.0.1" in tests)
  int port = 43;
  std::string ToString() const { return host + ":" + std::to_string(port); }
};

// Decides which servers may be asked and where they are, from
// [enrich.whois] servers and only_listed. A server is allowed if its name is
// listed in `servers` (mapped to that host:port), or, unless only_listed, if
// it is a built-in registry on port 43. A referral naming another port is
// allowed only if "name:port" itself is listed; unknown names are refused, so
// an answer cannot send the client to an arbitrary host or port.
// Immutable after construction; thread-safe.
class WhoisDirectory {
 public:
  explicit WhoisDirectory(const core::WhoisConfig& config);

  // The endpoint for `host`:`port`, or InvalidArgument saying why it is refused.
  core::Result<WhoisEndpoint> Resolve(std::string_view host, int port = 43) const;

 private:
  std::map<std::string, std::string> servers_;  // lower-case name (or name:port) -> host:port
  bool only_listed_;
};

}  // namespace abuseflow::enrich
