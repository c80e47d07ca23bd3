#include "ingest/tcpwrappers_parser.h"

#include "ingest/parser_support.h"
#include "ingest/syslog_line.h"

namespace abuseflow::ingest {
namespace {

// "host", "user@host", "host (address)"; returns "" or the reason.
std::string_view ParseClient(std::string_view client, core::IpAddress* src, std::string_view* name) {
  const size_t open = client.find(" (");
  if (open != std::string_view::npos && client.back() == ')') {
    if (ParseSourceHost(client.substr(open + 2, client.size() - open - 3), src).empty()) return {};
    client = client.substr(0, open);
  }
  const size_t at = client.rfind('@');
  if (at != std::string_view::npos) client = client.substr(at + 1);
  if (client.empty()) return kReasonMalformed;
  return ParseSourceOrName(client, src, name);
}

}  // namespace

ParseResult TcpWrappersParser::Parse(std::string_view line, const ParseContext& ctx,
                                     v1::ProbeEvent* event) const {
  constexpr std::string_view kRefused = "refused connect from ";
  SyslogLine syslog;
  ParseResult result;
  if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
  if (syslog.text.substr(0, kRefused.size()) != kRefused) return NotProbe();
  EventFields fields;
  if (std::string_view r = ParseClient(syslog.text.substr(kRefused.size()), &fields.src, &fields.src_host); !r.empty()) {
    return Rejected(r);
  }
  if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor); !r.empty()) return Rejected(r);
  if (syslog.tag.empty()) return Rejected(kReasonMalformed);
  fields.observed_us = syslog.header.stamp.unix_us;
  fields.utc_offset_minutes = syslog.header.stamp.utc_offset_minutes;
  fields.proto = v1::PROTOCOL_TCP;
  fields.kind = v1::KIND_CONNECTION_ATTEMPT;
  fields.signature = syslog.tag;
  if (!syslog.check.ascii && !IsValidUtf8(fields.signature)) return Rejected(kReasonBadUtf8);
  FillEvent(fields, kName, syslog.check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
