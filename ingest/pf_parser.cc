#include "ingest/pf_parser.h"

#include <string>

#include "ingest/local_time.h"
#include "ingest/parser_support.h"
#include "ingest/syslog_line.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {
namespace {

// "Sep 18 09:12:44[.123456] " at the start of `text`; length includes the fraction.
Stamp ParseTcpdumpStamp(std::string_view text, const ParseContext& ctx) {
  Stamp stamp = ParseSyslogStamp(text, ctx);
  if (stamp.status == StampStatus::kMalformed || text.substr(stamp.length, 1) != ".") return stamp;
  size_t i = stamp.length + 1;
  int64_t micros = 0;
  int digits = 0;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++digits) {
    if (digits < 6) micros = micros * 10 + (text[i] - '0');
  }
  if (digits == 0) return Stamp{};
  for (int d = digits; d < 6; ++d) micros *= 10;
  stamp.length = i;
  if (stamp.status == StampStatus::kOk) stamp.unix_us += micros;
  return stamp;
}

v1::Protocol ProtoOf(std::string_view payload, bool ports) {
  if (payload.substr(0, 3) == "udp") return v1::PROTOCOL_UDP;
  if (payload.substr(0, 6) == "icmp6:") return v1::PROTOCOL_ICMPV6;
  if (payload.substr(0, 5) == "icmp:") return v1::PROTOCOL_ICMP;
  return ports ? v1::PROTOCOL_TCP : v1::PROTOCOL_OTHER;
}

// "SRC > DST: payload"; returns "" or the reason.
std::string_view ParsePacket(std::string_view text, EventFields* fields) {
  const size_t gt = text.find(" > ");
  const size_t colon = text.find(": ", gt == std::string_view::npos ? 0 : gt);
  if (gt == std::string_view::npos || colon == std::string_view::npos) return kReasonMalformed;
  const std::string_view src = text.substr(0, gt);
  const std::string_view dst = text.substr(gt + 3, colon - gt - 3);
  core::IpAddress dst_address;
  std::string_view reason = ParseEndpoint(src, '.', true, &fields->src, &fields->src_port);
  if (reason.empty()) reason = ParseEndpoint(dst, '.', true, &dst_address, &fields->dst_port);
  if (!reason.empty()) return reason;
  fields->dst = dst_address;
  const bool ports = !ParseAddress(src).has_value();
  fields->proto = ProtoOf(text.substr(colon + 2), ports);
  if (fields->proto == v1::PROTOCOL_ICMP || fields->proto == v1::PROTOCOL_ICMPV6) {
    fields->src_port = fields->dst_port = 0;
  }
  return {};
}

// "rule N/...: block in on IF: PACKET" after the stamp. Sets *rule.
ParseResult ParseRecord(std::string_view text, std::string_view* rule, EventFields* fields) {
  if (text.substr(0, 6) != " rule ") return NotProbe();
  std::string_view rest = text.substr(6);
  *rule = NextWord(&rest);
  if (!rule->empty() && rule->back() == ':') rule->remove_suffix(1);
  if (rest.substr(0, 2) == " [") {
    const size_t close = rest.find("] ");
    if (close == std::string_view::npos) return Rejected(kReasonMalformed);
    rest = rest.substr(close + 1);
  }
  const std::string_view action = NextWord(&rest);
  const std::string_view direction = NextWord(&rest);
  if (NextWord(&rest) != "on" || NextWord(&rest).empty() || rest.substr(0, 1) != " ") {
    return Rejected(kReasonMalformed);
  }
  if (action != "block" || direction != "in") return NotProbe();
  const std::string_view reason = ParsePacket(rest.substr(1), fields);
  return reason.empty() ? Parsed() : Rejected(reason);
}

}  // namespace

ParseResult PfParser::Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const {
  SyslogLine syslog;
  ParseResult result;
  if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
  EventFields fields;
  std::string_view body = syslog.check.line;
  Stamp stamp = ParseTcpdumpStamp(body, ctx);
  if (stamp.status != StampStatus::kMalformed && body.substr(stamp.length, 6) != " rule ") {
    body = syslog.text;  // a syslog header, then tcpdump's line
    stamp = ParseTcpdumpStamp(body, ctx);
    if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor);
        !r.empty() && body.find(" rule ") != std::string_view::npos) {
      return Rejected(r);
    }
  } else {
    fields.sensor = ctx.sensor;
  }
  if (stamp.status == StampStatus::kMalformed) {
    return body.find(" block in on ") == std::string_view::npos ? NotProbe() : Rejected(kReasonMalformed);
  }
  std::string_view rule;
  result = ParseRecord(body.substr(stamp.length), &rule, &fields);
  if (result.outcome != ParseOutcome::kEvent) return result;
  if (stamp.status == StampStatus::kBadTime) return Rejected(kReasonBadTime);
  if (!syslog.check.ascii && !IsValidUtf8(rule)) return Rejected(kReasonBadUtf8);
  const std::string signature = "pf rule " + std::string(rule);
  fields.observed_us = stamp.unix_us;
  fields.utc_offset_minutes = stamp.utc_offset_minutes;
  fields.kind = v1::KIND_CONNECTION_ATTEMPT;
  fields.signature = signature;
  FillEvent(fields, kName, syslog.check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
