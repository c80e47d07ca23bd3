#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"

namespace abuseflow::notify {

// How events become DShield submission lines (docs/reports.md, "DShield
// export").
struct DShieldOptions {
  std::string userid = "0";               // the DShield user id (digits); default 0, anonymous
  std::optional<core::IpAddress> target;  // our address for events that name none; default none
};

// Why an event has no DShield line.
inline constexpr std::string_view kDShieldNoSource =
    "no-source";  // no source address (a host name)
inline constexpr std::string_view kDShieldNoTarget =
    "no-target";  // no target and no DShieldOptions::target
inline constexpr std::string_view kDShieldNoProtocol =
    "no-protocol";  // protocol unknown or not TCP/UDP/ICMP

// The line's time: "2001-09-18 09:12:44 -04:00", the event time at the
// offset its log line was written in (`utc_offset_minutes`). Pure.
std::string DShieldTime(int64_t unix_us, int utc_offset_minutes);

// One event as one DShield line, the nine tab-separated fields of the
// DShield client framework, without the newline:
//
//   time TAB userid TAB count TAB source-ip TAB source-port TAB target-ip TAB target-port TAB
//   protocol TAB flags 2001-09-18 09:12:44 -04:00	0	1	192.0.2.7	4321
//   198.51.100.1	80	TCP
//
// count is 1 (one event is one log line); an unknown port (0) is "???"
// (ICMP's type and code are not kept, so both are "???"); protocol is TCP,
// UDP, ICMP or ICMPV6; flags are empty (events do not carry TCP flags). On
// nullopt `*skip` names the reason (kDShieldNo...). Pure.
std::optional<std::string> DShieldLine(const v1::ProbeEvent& event, const DShieldOptions& options,
                                       std::string_view* skip);

}  // namespace abuseflow::notify
