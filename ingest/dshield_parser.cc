#include "ingest/dshield_parser.h"

#include <array>
#include <string>

#include "ingest/local_time.h"
#include "ingest/parser_support.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {
namespace {

enum Field { kStamp, kUser, kCount, kSrc, kSrcPort, kDst, kDstPort, kProto, kFieldCount };

v1::Protocol ProtoFrom(std::string_view text) {
  if (text == "6" || EqualsIgnoreCase(text, "TCP")) return v1::PROTOCOL_TCP;
  if (text == "17" || EqualsIgnoreCase(text, "UDP")) return v1::PROTOCOL_UDP;
  if (text == "1" || EqualsIgnoreCase(text, "ICMP")) return v1::PROTOCOL_ICMP;
  if (text == "58" || EqualsIgnoreCase(text, "ICMPv6")) return v1::PROTOCOL_ICMPV6;
  return v1::PROTOCOL_OTHER;
}

// A port field: digits, or empty / "???" (none) as 0.
bool PortField(std::string_view text, uint32_t* port) {
  *port = 0;
  return text.empty() || text == "???" || ParsePortNumber(text, port);
}

// Splits at tabs; false unless there are at least kFieldCount fields.
bool SplitFields(std::string_view line, std::array<std::string_view, kFieldCount>* fields) {
  for (int i = 0; i < kFieldCount; ++i) {
    const size_t tab = line.find('\t');
    (*fields)[i] = line.substr(0, tab);
    if (tab == std::string_view::npos) return i == kFieldCount - 1;
    line = line.substr(tab + 1);
  }
  return true;
}

}  // namespace

ParseResult DShieldParser::Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const {
  const LineCheck check = CheckLine(line);
  if (!check.reject.empty()) return Rejected(check.reject);
  if (check.line.empty()) return NotProbe(kReasonEmpty);
  if (check.line[0] == '#') return NotProbe();
  std::array<std::string_view, kFieldCount> f;
  if (!SplitFields(check.line, &f)) return Rejected(kReasonMalformed);
  const Stamp stamp = ParseDateTimeStamp(f[kStamp], ctx);
  if (stamp.status == StampStatus::kMalformed || stamp.length != f[kStamp].size()) return Rejected(kReasonMalformed);
  if (stamp.status == StampStatus::kBadTime) return Rejected(kReasonBadTime);
  EventFields fields;
  const std::optional<core::IpAddress> src = ParseAddress(f[kSrc]);
  const std::optional<core::IpAddress> dst = ParseAddress(f[kDst]);
  if (!src || !dst) return Rejected(kReasonBadAddress);
  if (!PortField(f[kSrcPort], &fields.src_port) || !PortField(f[kDstPort], &fields.dst_port)) {
    return Rejected(kReasonMalformed);
  }
  fields.proto = ProtoFrom(f[kProto]);
  if (fields.proto == v1::PROTOCOL_ICMP || fields.proto == v1::PROTOCOL_ICMPV6) fields.src_port = fields.dst_port = 0;
  if (!check.ascii && !IsValidUtf8(f[kUser])) return Rejected(kReasonBadUtf8);
  const std::string sensor = ctx.sensor.empty() ? "dshield:" + std::string(f[kUser]) : ctx.sensor;
  fields.sensor = sensor;
  fields.src = *src;
  fields.dst = *dst;
  fields.observed_us = stamp.unix_us;
  fields.utc_offset_minutes = stamp.utc_offset_minutes;
  fields.kind = v1::KIND_CONNECTION_ATTEMPT;
  FillEvent(fields, kName, check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
