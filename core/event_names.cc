#include "core/event_names.h"

namespace abuseflow::core {

std::string_view KindName(v1::Kind kind) {
  switch (kind) {
    case v1::KIND_CONNECTION_ATTEMPT: return "connection-attempt";
    case v1::KIND_PORT_SCAN: return "port-scan";
    case v1::KIND_WORM: return "worm";
    case v1::KIND_EXPLOIT: return "exploit";
    case v1::KIND_BRUTE_FORCE: return "brute-force";
    case v1::KIND_IDS_ALERT: return "ids-alert";
    default: return "unspecified";
  }
}

std::string_view ProtocolName(v1::Protocol proto) {
  switch (proto) {
    case v1::PROTOCOL_TCP: return "tcp";
    case v1::PROTOCOL_UDP: return "udp";
    case v1::PROTOCOL_ICMP: return "icmp";
    case v1::PROTOCOL_ICMPV6: return "icmpv6";
    case v1::PROTOCOL_OTHER: return "other";
    default: return "";
  }
}

}  // namespace abuseflow::core
