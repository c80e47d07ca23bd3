#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Suricata EVE JSON, one object per line; alerts become events:
//
//   {"timestamp":"2001-09-18T09:12:44.123456-0400","flow_id":1,"in_iface":"eth0",
//    "event_type":"alert","src_ip":"192.0.2.7","src_port":1046,
//    "dest_ip":"198.51.100.10","dest_port":1434,"proto":"UDP",
//    "alert":{"action":"allowed","gid":1,"signature_id":2003,"rev":8,
//    "signature":"MS-SQL Worm propagation attempt","severity":2},"host":"ids1"}
//
// Kind KIND_IDS_ALERT, signature "gid:signature_id:rev signature", proto
// from "proto" (TCP, UDP, ICMP, IPv6-ICMP, else OTHER), ports 0 when absent.
// The stamp's own offset gives the UTC time. sensor is ctx.sensor, else the
// "host" member (Suricata's sensor-name), else empty. Every other
// event_type (flow, dns, http, stats, ...) is kNotProbe. Invalid JSON, a
// non-object, nesting deeper than 16, or an alert missing one of those
// members is "malformed". Stateless: thread-safe.
class EveParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "suricata-eve";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
