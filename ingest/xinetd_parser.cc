#include "ingest/xinetd_parser.h"

#include <string>

#include "ingest/local_time.h"
#include "ingest/parser_support.h"
#include "ingest/syslog_line.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {
namespace {

// Reads 1 to `max` digits at text[*pos]; false if there are none.
bool ReadNumber(std::string_view text, size_t* pos, size_t max, int* value) {
  const size_t begin = *pos;
  *value = 0;
  while (*pos < text.size() && *pos - begin < max && text[*pos] >= '0' && text[*pos] <= '9') {
    *value = *value * 10 + (text[(*pos)++] - '0');
  }
  return *pos > begin;
}

bool Expect(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

// xinetd's own "yy/m/d@hh:mm:ss: " stamp; kMalformed if the line has none.
Stamp ParseXinetdStamp(std::string_view text, const ParseContext& ctx) {
  Stamp stamp;
  size_t pos = 0;
  int yy, month, day, hour, minute, second;
  if (!ReadNumber(text, &pos, 2, &yy) || !Expect(text, &pos, '/') || !ReadNumber(text, &pos, 2, &month) ||
      !Expect(text, &pos, '/') || !ReadNumber(text, &pos, 2, &day) || !Expect(text, &pos, '@') ||
      !ReadNumber(text, &pos, 2, &hour) || !Expect(text, &pos, ':') || !ReadNumber(text, &pos, 2, &minute) ||
      !Expect(text, &pos, ':') || !ReadNumber(text, &pos, 2, &second) || text.substr(pos, 2) != ": ") {
    return stamp;
  }
  stamp.length = pos + 2;
  CivilTime t;
  t.year = yy >= 70 ? 1900 + yy : 2000 + yy;
  t.month = month;
  t.day = day;
  t.hour = hour;
  t.minute = minute;
  t.second = second;
  if (!IsValid(t)) {
    stamp.status = StampStatus::kBadTime;
    return stamp;
  }
  return ResolveLocal(t, stamp.length, ctx);
}

// "START: svc [pid=N ]from=ADDR", "FAIL: svc reason words from=ADDR" or
// "libwrap refused connection to svc (libwrap=x) from ADDR".
ParseResult ParseMessage(std::string_view text, std::string* signature, core::IpAddress* src,
                         std::string_view* name) {
  constexpr std::string_view kLibwrap = "libwrap refused connection to ";
  std::string_view host;
  if (text.substr(0, 7) == "START: " || text.substr(0, 6) == "FAIL: ") {
    const bool start = text[0] == 'S';
    std::string_view rest = text.substr(start ? 7 : 6);
    const size_t from = rest.rfind(" from=");
    if (from == std::string_view::npos) return Rejected(kReasonMalformed);
    host = rest.substr(from + 6);
    std::string_view words = rest.substr(0, from);
    const std::string_view service = NextWord(&words);
    signature->assign(service).append(start ? " start" : " fail");
    if (!start) signature->append(words);
  } else if (text.substr(0, kLibwrap.size()) == kLibwrap) {
    std::string_view rest = text.substr(kLibwrap.size());
    const size_t from = rest.rfind(" from ");
    if (from == std::string_view::npos) return Rejected(kReasonMalformed);
    host = rest.substr(from + 6);
    signature->assign(NextWord(&rest)).append(" libwrap");
  } else {
    return NotProbe();
  }
  const std::string_view reason = ParseSourceOrName(host, src, name);
  return reason.empty() ? Parsed() : Rejected(reason);
}

}  // namespace

ParseResult XinetdParser::Parse(std::string_view line, const ParseContext& ctx,
                                v1::ProbeEvent* event) const {
  SyslogLine syslog;
  ParseResult result;
  if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
  EventFields fields;
  Stamp stamp = ParseXinetdStamp(syslog.check.line, ctx);
  std::string signature;
  if (stamp.status != StampStatus::kMalformed) {
    if (stamp.status == StampStatus::kBadTime) return Rejected(kReasonBadTime);
    result = ParseMessage(syslog.check.line.substr(stamp.length), &signature, &fields.src, &fields.src_host);
    if (result.outcome != ParseOutcome::kEvent) return result;
    fields.sensor = ctx.sensor;
  } else {
    if (syslog.tag != "xinetd" && syslog.header.stamp.status != StampStatus::kMalformed) return NotProbe();
    result = ParseMessage(syslog.text, &signature, &fields.src, &fields.src_host);
    if (result.outcome != ParseOutcome::kEvent) return result;
    if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor); !r.empty()) return Rejected(r);
    stamp = syslog.header.stamp;
  }
  if (!syslog.check.ascii && !IsValidUtf8(signature)) return Rejected(kReasonBadUtf8);
  fields.observed_us = stamp.unix_us;
  fields.utc_offset_minutes = stamp.utc_offset_minutes;
  fields.proto = v1::PROTOCOL_TCP;
  fields.kind = v1::KIND_CONNECTION_ATTEMPT;
  fields.signature = signature;
  FillEvent(fields, kName, syslog.check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
