#include "ingest/snort_parser.h"

#include <algorithm>
#include <string>

#include "ingest/parser_support.h"
#include "ingest/snort_alert.h"
#include "ingest/syslog_line.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {
namespace {

// "{PROTO} SRC -> DST" at the end of the alert. TCP and UDP always have
// ports; so does everything in Suricata's log (`ports_always`), which
// settles "2001:db8::7:200" (an address, or an address and port?).
std::string_view ParsePacket(std::string_view text, bool ports_always, EventFields* fields) {
  const size_t open = text.rfind('{');
  const size_t close = text.find("} ", open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return kReasonMalformed;
  fields->proto = SnortProtocol(text.substr(open + 1, close - open - 1));
  std::string_view rest = text.substr(close + 2);
  const size_t arrow = rest.find(" -> ");
  if (arrow == std::string_view::npos) return kReasonMalformed;
  const bool optional =
      !ports_always && fields->proto != v1::PROTOCOL_TCP && fields->proto != v1::PROTOCOL_UDP;
  core::IpAddress dst;
  std::string_view reason = ParseEndpoint(rest.substr(0, arrow), ':', optional, &fields->src, &fields->src_port);
  if (reason.empty()) reason = ParseEndpoint(rest.substr(arrow + 4), ':', optional, &dst, &fields->dst_port);
  if (!reason.empty()) return reason;
  fields->dst = dst;
  return {};
}

// "[gid:sid:rev] message [**] ... {PROTO} ..." (fast) or
// "[gid:sid:rev] message [Classification: ...] ... {PROTO} ..." (syslog).
std::string_view ParseAlert(std::string_view text, bool ports_always, std::string* signature,
                            EventFields* fields) {
  if (text.empty() || text[0] != '[') return kReasonMalformed;
  const size_t id_end = text.find("] ");
  if (id_end == std::string_view::npos || !IsRuleId(text.substr(1, id_end - 1))) return kReasonMalformed;
  const std::string_view rest = text.substr(id_end + 2);
  size_t msg_end = rest.find(" [**]");
  for (std::string_view end : {" [Classification: ", " [Priority: ", " {"}) {
    msg_end = std::min(msg_end, rest.find(end));
  }
  if (msg_end == std::string_view::npos) return kReasonMalformed;
  signature->assign(text.substr(1, id_end - 1)).append(" ").append(rest.substr(0, msg_end));
  return ParsePacket(rest.substr(msg_end), ports_always, fields);
}

// A fast-alert line after its stamp: "  [Drop] [**] [..."; the alert starts at "[**] [".
std::string_view FastAlertBody(std::string_view text) {
  const size_t at = text.find("[**] [");
  return at == std::string_view::npos || at > 16 ? std::string_view() : text.substr(at + 5);
}

}  // namespace

ParseResult SnortParser::Parse(std::string_view line, const ParseContext& ctx,
                               v1::ProbeEvent* event) const {
  SyslogLine syslog;
  ParseResult result;
  if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
  EventFields fields;
  std::string signature;
  const bool ports_always = name_ == kSuricataFastName;
  Stamp stamp = ParseSnortStamp(syslog.check.line, ctx);
  if (stamp.status != StampStatus::kMalformed) {
    const std::string_view body = FastAlertBody(syslog.check.line.substr(stamp.length));
    if (body.empty()) return NotProbe();
    if (stamp.status == StampStatus::kBadTime) return Rejected(kReasonBadTime);
    if (std::string_view r = ParseAlert(body, ports_always, &signature, &fields); !r.empty()) return Rejected(r);
    fields.sensor = ctx.sensor;
  } else {
    if (syslog.text.empty() || syslog.text[0] != '[' || syslog.text.find(" -> ") == std::string_view::npos) {
      return NotProbe();
    }
    if (std::string_view r = ParseAlert(syslog.text, ports_always, &signature, &fields); !r.empty()) return Rejected(r);
    if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor); !r.empty()) return Rejected(r);
    stamp = syslog.header.stamp;
  }
  if (!syslog.check.ascii && !IsValidUtf8(signature)) return Rejected(kReasonBadUtf8);
  fields.observed_us = stamp.unix_us;
  fields.utc_offset_minutes = stamp.utc_offset_minutes;
  fields.kind = v1::KIND_IDS_ALERT;
  fields.signature = signature;
  FillEvent(fields, name_, syslog.check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
