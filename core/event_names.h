#pragma once

#include <string_view>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::core {

// Short names used in JSON output, logs and notices: "worm", "port-scan", ...
std::string_view KindName(v1::Kind kind);
// "tcp", "udp", "icmp", "icmpv6", "other", or "" when unspecified.
std::string_view ProtocolName(v1::Protocol proto);

}  // namespace abuseflow::core
