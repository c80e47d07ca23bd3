#include "ingest/portsentry_parser.h"

#include "ingest/parser_support.h"
#include "ingest/syslog_line.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {
namespace {

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

std::string_view ScanSignature(std::string_view type) {
  if (Contains(type, "Connect")) return "connect";
  if (Contains(type, "Unknown")) return "unknown-scan";
  if (Contains(type, "SYN")) return "syn-scan";
  if (Contains(type, "FIN")) return "fin-scan";
  if (Contains(type, "XMAS")) return "xmas-scan";
  if (Contains(type, "NULL")) return "null-scan";
  if (Contains(type, "UDP")) return "udp-scan";
  return "unknown-scan";
}

v1::Protocol ProtoFromName(std::string_view name) {
  if (name == "TCP") return v1::PROTOCOL_TCP;
  if (name == "UDP") return v1::PROTOCOL_UDP;
  return v1::PROTOCOL_UNSPECIFIED;
}

// "name/192.0.2.7", "192.0.2.7/name", "192.0.2.7/192.0.2.7" or a bare address.
// An address wins over a name; with names only, the first is kept in *name.
std::string_view ParseHostPair(std::string_view host, core::IpAddress* src, std::string_view* name) {
  const size_t slash = host.rfind('/');
  if (slash == std::string_view::npos) return ParseSourceOrName(host, src, name);
  if (ParseSourceHost(host.substr(slash + 1), src).empty()) return {};
  std::string_view reason = ParseSourceHost(host.substr(0, slash), src);
  if (reason.empty()) return {};
  const std::string_view second = ParseSourceHost(host.substr(slash + 1), src);
  if (reason == kReasonBadAddress || second == kReasonBadAddress) return kReasonBadAddress;
  *name = host.substr(0, slash);
  return {};
}

// "<type> from host: H to TCP port: N"; returns "" or the reason.
std::string_view ParseAlert(std::string_view alert, EventFields* fields) {
  constexpr std::string_view kFrom = " from host: ";
  const size_t from = alert.find(kFrom);
  const std::string_view type = alert.substr(0, from);
  std::string_view rest = alert.substr(from + kFrom.size());
  const std::string_view host = NextWord(&rest);
  if (NextWord(&rest) != "to") return kReasonMalformed;
  fields->proto = ProtoFromName(NextWord(&rest));
  if (fields->proto == v1::PROTOCOL_UNSPECIFIED || NextWord(&rest) != "port:") return kReasonMalformed;
  if (!ParsePortNumber(NextWord(&rest), &fields->dst_port) || !rest.empty()) return kReasonMalformed;
  fields->signature = ScanSignature(type);
  fields->kind = fields->signature == "connect" ? v1::KIND_CONNECTION_ATTEMPT : v1::KIND_PORT_SCAN;
  return ParseHostPair(host, &fields->src, &fields->src_host);
}

// "Host 192.0.2.7 has been blocked ..." or "Host: name/192.0.2.7 is already blocked ...".
std::string_view ParseBlocked(std::string_view alert, EventFields* fields) {
  std::string_view rest = alert.substr(alert.find(' '));
  const std::string_view host = NextWord(&rest);
  fields->kind = v1::KIND_PORT_SCAN;
  fields->signature = rest.substr(0, 9) == " is alrea" ? "already-blocked" : "blocked";
  return ParseHostPair(host, &fields->src, &fields->src_host);
}

// The value of "key: [value]" in a 2.0 scan line, or "" with *found false.
std::string_view Bracketed(std::string_view text, std::string_view key, bool* found) {
  const size_t at = text.find(key);
  *found = false;
  if (at == std::string_view::npos || text.substr(at + key.size(), 1) != "[") return {};
  const size_t begin = at + key.size() + 1;
  const size_t end = text.find(']', begin);
  if (end == std::string_view::npos) return {};
  *found = true;
  return text.substr(begin, end - begin);
}

// "Scan from: [192.0.2.7] (name) protocol: [TCP] port: [23] type: [Connect] ... ignored: [false]".
ParseResult ParseScanFrom(std::string_view text, EventFields* fields) {
  bool ok_src, ok_proto, ok_port, ok_type, ok_ignored;
  const std::string_view src = Bracketed(text, "Scan from: ", &ok_src);
  const std::string_view proto = Bracketed(text, " protocol: ", &ok_proto);
  const std::string_view port = Bracketed(text, " port: ", &ok_port);
  const std::string_view type = Bracketed(text, " type: ", &ok_type);
  const std::string_view ignored = Bracketed(text, " ignored: ", &ok_ignored);
  if (!ok_src || !ok_proto || !ok_port || !ok_type) return Rejected(kReasonMalformed);
  if (ok_ignored && ignored == "true") return NotProbe();
  fields->proto = ProtoFromName(proto);
  if (fields->proto == v1::PROTOCOL_UNSPECIFIED || !ParsePortNumber(port, &fields->dst_port)) {
    return Rejected(kReasonMalformed);
  }
  fields->signature = ScanSignature(type);
  fields->kind = fields->signature == "connect" ? v1::KIND_CONNECTION_ATTEMPT : v1::KIND_PORT_SCAN;
  if (std::string_view reason = ParseSourceOrName(src, &fields->src, &fields->src_host); !reason.empty()) {
    return Rejected(reason);
  }
  return Parsed();
}

// The message of a portsentry line, whatever wraps it.
ParseResult ParseMessage(std::string_view text, EventFields* fields) {
  constexpr std::string_view kAttack = "attackalert: ";
  if (text.substr(0, 11) == "Scan from: ") return ParseScanFrom(text, fields);
  if (text.substr(0, kAttack.size()) != kAttack) return NotProbe();
  const std::string_view alert = text.substr(kAttack.size());
  std::string_view reason;
  if (alert.find(" from host: ") != std::string_view::npos) {
    reason = ParseAlert(alert, fields);
  } else if ((alert.substr(0, 5) == "Host " && Contains(alert, " has been blocked")) ||
             (alert.substr(0, 6) == "Host: " && Contains(alert, " is already blocked"))) {
    reason = ParseBlocked(alert, fields);
  } else {
    return NotProbe();
  }
  return reason.empty() ? Parsed() : Rejected(reason);
}

// A 2.0 log file line: "<RFC 3339 stamp> Scan from: ...".
bool IsOwnLogLine(std::string_view line, Stamp* stamp) {
  if (line.empty() || line[0] < '0' || line[0] > '9') return false;
  *stamp = ParseRfc3339Stamp(line);
  return stamp->status != StampStatus::kMalformed && line.substr(stamp->length, 12) == " Scan from: ";
}

}  // namespace

ParseResult PortsentryParser::Parse(std::string_view line, const ParseContext& ctx,
                                    v1::ProbeEvent* event) const {
  SyslogLine syslog;
  ParseResult result;
  if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
  EventFields fields;
  Stamp stamp;
  if (IsOwnLogLine(syslog.check.line, &stamp)) {
    if (stamp.status == StampStatus::kBadTime) return Rejected(kReasonBadTime);
    result = ParseScanFrom(syslog.check.line.substr(stamp.length + 1), &fields);
    fields.sensor = ctx.sensor;
  } else {
    result = ParseMessage(syslog.text, &fields);
    if (result.outcome != ParseOutcome::kEvent) return result;
    if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor); !r.empty()) return Rejected(r);
    stamp = syslog.header.stamp;
  }
  if (result.outcome != ParseOutcome::kEvent) return result;
  fields.observed_us = stamp.unix_us;
  fields.utc_offset_minutes = stamp.utc_offset_minutes;
  FillEvent(fields, kName, syslog.check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
