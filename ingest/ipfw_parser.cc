#include "ingest/ipfw_parser.h"

#include <string>

#include "ingest/parser_support.h"
#include "ingest/syslog_line.h"

namespace abuseflow::ingest {
namespace {

bool IsDeny(std::string_view action) {
  return action == "Deny" || action == "Reset" || action == "Reject" || action == "Unreach" ||
         action == "Unreach6";
}

v1::Protocol ProtoFromWord(std::string_view word) {
  if (word == "TCP") return v1::PROTOCOL_TCP;
  if (word == "UDP") return v1::PROTOCOL_UDP;
  if (word.substr(0, 7) == "ICMPv6:" || word == "ICMPv6") return v1::PROTOCOL_ICMPV6;
  if (word.substr(0, 5) == "ICMP:" || word == "ICMP") return v1::PROTOCOL_ICMP;
  if (word.substr(0, 2) == "P:") return v1::PROTOCOL_OTHER;
  return v1::PROTOCOL_UNSPECIFIED;
}

// "PROTO SRC DST in via IF ..." after the action; returns the outcome.
ParseResult ParsePacket(std::string_view rest, EventFields* fields) {
  fields->proto = ProtoFromWord(NextWord(&rest));
  if (fields->proto == v1::PROTOCOL_UNSPECIFIED) return Rejected(kReasonMalformed);
  const std::string_view src = NextWord(&rest);
  const std::string_view dst = NextWord(&rest);
  const std::string_view direction = NextWord(&rest);
  if (direction != "in" && direction != "out") return Rejected(kReasonMalformed);
  core::IpAddress dst_address;
  std::string_view reason = ParseEndpoint(src, ':', true, &fields->src, &fields->src_port);
  if (reason.empty()) reason = ParseEndpoint(dst, ':', true, &dst_address, &fields->dst_port);
  if (!reason.empty()) return Rejected(reason);
  if (direction != "in") return NotProbe();
  fields->dst = dst_address;
  return Parsed();
}

}  // namespace

ParseResult IpfwParser::Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const {
  constexpr std::string_view kIpfw = "ipfw: ";
  SyslogLine syslog;
  ParseResult result;
  if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
  const size_t at = syslog.text.find(kIpfw);
  if (at == std::string_view::npos) return NotProbe();
  std::string_view rest = syslog.text.substr(at + kIpfw.size());
  const std::string_view rule = NextWord(&rest);
  uint32_t rule_number;
  if (rule.empty() || rule.size() > 5 || !ParsePortNumber(rule, &rule_number)) return NotProbe();
  const std::string_view action = NextWord(&rest);
  if (!IsDeny(action)) return NotProbe();
  if (action == "Unreach" || action == "Unreach6") NextWord(&rest);  // the ICMP code
  EventFields fields;
  result = ParsePacket(rest, &fields);
  if (result.outcome != ParseOutcome::kEvent) return result;
  if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor); !r.empty()) return Rejected(r);
  const std::string signature = "ipfw rule " + std::string(rule);
  fields.observed_us = syslog.header.stamp.unix_us;
  fields.utc_offset_minutes = syslog.header.stamp.utc_offset_minutes;
  fields.kind = v1::KIND_CONNECTION_ATTEMPT;
  fields.signature = signature;
  FillEvent(fields, kName, syslog.check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
