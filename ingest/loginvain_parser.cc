#include "ingest/loginvain_parser.h"

#include "ingest/parser_support.h"
#include "ingest/syslog_line.h"

namespace abuseflow::ingest {
namespace {

constexpr std::string_view kAttempt = "Connection attempt ";

// "TCP 198.51.100.1:23" -> proto and endpoint; returns "" or the reason.
std::string_view ParseProtoEndpoint(std::string_view* rest, EventFields* fields, core::IpAddress* dst) {
  const std::string_view proto = NextWord(rest);
  if (proto == "TCP") {
    fields->proto = v1::PROTOCOL_TCP;
  } else if (proto == "UDP") {
    fields->proto = v1::PROTOCOL_UDP;
  } else {
    return kReasonMalformed;
  }
  return ParseEndpoint(NextWord(rest), ':', false, dst, &fields->dst_port);
}

// "to PROTO DST from SRC ..." or "from SRC to PROTO DST ...".
std::string_view ParseAttempt(std::string_view rest, EventFields* fields) {
  core::IpAddress dst;
  std::string_view reason;
  const std::string_view first = NextWord(&rest);
  if (first == "to") {
    reason = ParseProtoEndpoint(&rest, fields, &dst);
    if (reason.empty() && NextWord(&rest) != "from") reason = kReasonMalformed;
    if (reason.empty()) reason = ParseEndpoint(NextWord(&rest), ':', false, &fields->src, &fields->src_port);
  } else if (first == "from") {
    reason = ParseEndpoint(NextWord(&rest), ':', false, &fields->src, &fields->src_port);
    if (reason.empty() && NextWord(&rest) != "to") reason = kReasonMalformed;
    if (reason.empty()) reason = ParseProtoEndpoint(&rest, fields, &dst);
  } else {
    reason = kReasonMalformed;
  }
  if (reason.empty()) fields->dst = dst;
  return reason;
}

}  // namespace

ParseResult LogInVainParser::Parse(std::string_view line, const ParseContext& ctx,
                                   v1::ProbeEvent* event) const {
  SyslogLine syslog;
  ParseResult result;
  if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
  if (syslog.text.substr(0, kAttempt.size()) != kAttempt) return NotProbe();
  EventFields fields;
  if (std::string_view r = ParseAttempt(syslog.text.substr(kAttempt.size()), &fields); !r.empty()) {
    return Rejected(r);
  }
  if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor); !r.empty()) return Rejected(r);
  fields.observed_us = syslog.header.stamp.unix_us;
  fields.utc_offset_minutes = syslog.header.stamp.utc_offset_minutes;
  fields.kind = v1::KIND_CONNECTION_ATTEMPT;
  FillEvent(fields, kName, syslog.check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
