#pragma once

#include <string>
#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Snort's "alert full" file: one multi-line record per alert, records apart
// by a blank line:
//
//   [**] [1:2003:8] MS-SQL Worm propagation attempt [**]
//   [Classification: Misc Attack] [Priority: 2]
//   09/18-09:12:44.123456 192.0.2.7:1046 -> 198.51.100.10:1434
//   UDP TTL:117 TOS:0x0 ID:39355 IpLen:20 DgmLen:404
//   Len: 376
//   [Xref => http://www.microsoft.com/technet/security/bulletin/MS02-039.mspx]
//
// The record becomes one event on its protocol line ("UDP TTL:..."), the
// first line that completes it; every other line of the record is kNotProbe.
// Kind KIND_IDS_ALERT, signature "gid:sid:rev message", proto from the
// protocol line, src, dst and ports from the address line (no ports for
// ICMP), the stamp as in SnortParser (ctx year and offset), sensor
// ctx.sensor. raw is the record's header, address and protocol lines joined
// by " | ". A record cut short (a new "[**]" before its protocol line) is
// dropped with that line counted as "malformed". Records printed with -e
// (link-layer line first) are not read.
//
// Stateful (learns_header() true): the instance keeps the record being read,
// so it belongs to one input and one thread, called in line order.
class SnortFullParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "snort-full";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
  bool learns_header() const override { return true; }

 private:
  enum class State { kIdle, kHeader, kPacket };

  ParseResult ReadHeader(std::string_view line) const;
  ParseResult ReadPacket(std::string_view line, const ParseContext& ctx) const;
  ParseResult ReadProtocol(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const;

  mutable State state_ = State::kIdle;
  mutable std::string signature_;    // "1:2003:8 MS-SQL Worm propagation attempt"
  mutable std::string header_line_;  // the "[**] ..." line
  mutable std::string packet_line_;  // the stamp and addresses line
};

}  // namespace abuseflow::ingest
