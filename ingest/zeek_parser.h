#pragma once

#include <array>
#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Zeek (Bro) conn.log in its default tab-separated form:
//
//   #separator \x09
//   #path	conn
//   #fields	ts	uid	id.orig_h	id.orig_p	id.resp_h	id.resp_p	proto	service	duration ... conn_state ...
//   1000818764.123456	CHhAvVGS1DHFjwGM9	192.0.2.7	4321	198.51.100.1	23	tcp	-	-	-	-	S0	...
//
// The "#fields" header names the columns; the parser learns it (see
// LineParser: one instance per input, one thread at a time). Until a header
// is seen the default conn.log layout is used. Header and comment lines are
// kNotProbe; so is every line after a "#fields" header that lacks one of
// ts, id.orig_h, id.orig_p, id.resp_h, id.resp_p, proto, conn_state (not a
// conn.log).
//
// Connections never established (IsAttemptState: S0, REJ, RSTOS0, RSTRH,
// SH, SHR) are KIND_CONNECTION_ATTEMPT, signature "conn_state S0", proto
// TCP, UDP, ICMP (ICMPV6 for IPv6), ports 0 for ICMP, ts in UTC; others are
// kNotProbe. sensor is ctx.sensor.
class ZeekParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "zeek";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
  bool learns_header() const override { return true; }

 private:
  static constexpr size_t kColumns = 7;  // the order of ZeekConnFields
  static constexpr int kMissing = -1;

  // Learns the columns from a "#fields" line.
  void LearnHeader(std::string_view line) const;

  // Column index of each ZeekConnFields member; the default conn.log layout.
  mutable std::array<int, kColumns> columns_ = {0, 2, 3, 4, 5, 6, 11};
};

}  // namespace abuseflow::ingest
