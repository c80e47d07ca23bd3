#include "notify/dshield_export.h"

#include <fmt/format.h>

#include <cstdlib>
#include <ctime>

namespace abuseflow::notify {
namespace {

std::string_view ProtocolName(v1::Protocol proto) {
  switch (proto) {
    case v1::PROTOCOL_TCP:
      return "TCP";
    case v1::PROTOCOL_UDP:
      return "UDP";
    case v1::PROTOCOL_ICMP:
      return "ICMP";
    case v1::PROTOCOL_ICMPV6:
      return "ICMPV6";
    default:
      return "";
  }
}

std::string Port(uint32_t port, v1::Protocol proto) {
  const bool icmp = proto == v1::PROTOCOL_ICMP || proto == v1::PROTOCOL_ICMPV6;
  return port == 0 || icmp ? "???" : std::to_string(port);
}

// Floor division, so that times before 1970 still split into day and second.
int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

}  // namespace

std::string DShieldTime(int64_t unix_us, int utc_offset_minutes) {
  const std::time_t local =
      static_cast<std::time_t>(FloorDiv(unix_us, 1000000) + int64_t{utc_offset_minutes} * 60);
  std::tm tm{};
  gmtime_r(&local, &tm);
  const int offset = std::abs(utc_offset_minutes);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02} {}{:02}:{:02}", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                     utc_offset_minutes < 0 ? '-' : '+', offset / 60, offset % 60);
}

std::optional<std::string> DShieldLine(const v1::ProbeEvent& event, const DShieldOptions& options,
                                       std::string_view* skip) {
  const std::optional<core::IpAddress> src = core::IpAddress::FromBytes(event.src());
  if (!src) {
    *skip = kDShieldNoSource;
    return std::nullopt;
  }
  std::optional<core::IpAddress> dst = core::IpAddress::FromBytes(event.dst());
  if (!dst) dst = options.target;
  if (!dst) {
    *skip = kDShieldNoTarget;
    return std::nullopt;
  }
  const std::string_view proto = ProtocolName(event.proto());
  if (proto.empty()) {
    *skip = kDShieldNoProtocol;
    return std::nullopt;
  }
  return fmt::format("{}\t{}\t1\t{}\t{}\t{}\t{}\t{}\t",
                     DShieldTime(event.observed_us(), event.utc_offset_minutes()), options.userid,
                     src->ToString(), Port(event.src_port(), event.proto()), dst->ToString(),
                     Port(event.dst_port(), event.proto()), proto);
}

}  // namespace abuseflow::notify
