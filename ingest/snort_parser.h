#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Snort and Suricata one-line alerts: Snort's "alert fast" file, Snort's
// syslog alerts, and Suricata's fast.log, which is the same line with a
// four-digit year (and, inline, a "[Drop]" or "[wDrop]" mark):
//
//   09/18-09:12:44.123456  [**] [1:2003:8] MS-SQL Worm propagation attempt [**]
//     [Classification: Misc Attack] [Priority: 2] {UDP} 192.0.2.7:1046 -> 198.51.100.10:1434
//   09/18/01-09:12:44.123456  [**] ...                      (snort -y)
//   09/18/2001-09:12:44.123456  [Drop] [**] ...             (Suricata)
//   Sep 18 09:12:44 ids snort[1234]: [1:2003:8] MS-SQL Worm propagation attempt
//     [Classification: Misc Attack] [Priority: 2]: {UDP} 192.0.2.7:1046 -> 198.51.100.10:1434
//
// Stamps without offset are in ctx.utc_offset_minutes; without year in
// ctx.default_year (a two-digit year yy is 20yy, or 19yy for yy >= 70).
// Addresses: "a.b.c.d:port", IPv6 with the port after the last ':' or in
// "[v6]:port". TCP and UDP always carry ports; Snort writes none for ICMP
// and other protocols, while Suricata ("suricata-fast") always writes them
// (ICMP type and code), which is what makes its IPv6 lines unambiguous.
//
// Every alert is KIND_IDS_ALERT, signature "gid:sid:rev message", proto from
// "{TCP}" etc. (IPV6-ICMP is ICMPV6, others OTHER), src, dst and ports from
// the packet. sensor is ctx.sensor (syslog form: or the host). "Snort alert
// full" (multi-line) is not read. Stateless: thread-safe.
class SnortParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "snort";
  static constexpr std::string_view kSuricataFastName = "suricata-fast";

  // `name` is kName or kSuricataFastName: only what events call the format.
  explicit SnortParser(std::string_view name = kName) : name_(name) {}

  std::string_view name() const override { return name_; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;

 private:
  std::string_view name_;
};

}  // namespace abuseflow::ingest
