#include "ingest/sshd_parser.h"

#include "ingest/parser_support.h"
#include "ingest/syslog_line.h"

namespace abuseflow::ingest {
namespace {

struct Pattern {
  std::string_view prefix;
  std::string_view signature;
  v1::Kind kind;
};

constexpr Pattern kPatterns[] = {
    {"Failed ", "failed-login", v1::KIND_BRUTE_FORCE},
    {"Invalid user ", "invalid-user", v1::KIND_BRUTE_FORCE},
    {"Illegal user ", "invalid-user", v1::KIND_BRUTE_FORCE},
    {"Connection closed by invalid user ", "invalid-user", v1::KIND_BRUTE_FORCE},
    {"Disconnected from invalid user ", "invalid-user", v1::KIND_BRUTE_FORCE},
    {"Connection closed by authenticating user ", "closed-preauth", v1::KIND_BRUTE_FORCE},
    {"Disconnected from authenticating user ", "closed-preauth", v1::KIND_BRUTE_FORCE},
    {"error: maximum authentication attempts exceeded for ", "max-auth-attempts", v1::KIND_BRUTE_FORCE},
    {"Did not receive identification string from ", "no-identification", v1::KIND_CONNECTION_ATTEMPT},
};

bool StripSuffix(std::string_view* text, std::string_view suffix) {
  if (text->size() < suffix.size() || text->substr(text->size() - suffix.size()) != suffix) return false;
  text->remove_suffix(suffix.size());
  return true;
}

// "... <address>[ port N][ ssh2][ [preauth]]" at the end of the message.
std::string_view ParseTail(std::string_view text, EventFields* fields) {
  StripSuffix(&text, " [preauth]");
  if (!StripSuffix(&text, " ssh2")) StripSuffix(&text, " ssh1");
  const size_t port_at = text.rfind(" port ");
  if (port_at != std::string_view::npos &&
      ParsePortNumber(text.substr(port_at + 6), &fields->src_port)) {
    text = text.substr(0, port_at);
  } else if (port_at != std::string_view::npos && text.find(' ', port_at + 6) == std::string_view::npos) {
    return kReasonMalformed;  // "port 70000"
  }
  const size_t space = text.rfind(' ');
  if (space == std::string_view::npos) return kReasonMalformed;
  return ParseSourceOrName(text.substr(space + 1), &fields->src, &fields->src_host);
}

// pam_unix's "... rhost=<host>  user=root" (rhost may be empty: a local login).
ParseResult ParsePam(std::string_view text, EventFields* fields) {
  bool found;
  std::string_view rest = After(text, " rhost=", &found);
  if (!found || rest.empty() || rest[0] == ' ') return NotProbe();
  const std::string_view host = NextWord(&rest);
  fields->signature = "pam-auth-failure";
  fields->kind = v1::KIND_BRUTE_FORCE;
  std::string_view reason = ParseSourceOrName(host, &fields->src, &fields->src_host);
  return reason.empty() ? Parsed() : Rejected(reason);
}

ParseResult ParseMessage(std::string_view text, EventFields* fields) {
  if (text.substr(0, 9) == "pam_unix(" && text.find("authentication failure;") != std::string_view::npos) {
    return ParsePam(text, fields);
  }
  for (const Pattern& p : kPatterns) {
    if (text.substr(0, p.prefix.size()) != p.prefix) continue;
    if (p.prefix == "Failed " && text.find(" for ") == std::string_view::npos) return NotProbe();
    fields->signature = p.signature;
    fields->kind = p.kind;
    if (p.prefix == "Failed " && text.find(" for invalid user ") != std::string_view::npos) {
      fields->signature = "invalid-user";
    }
    std::string_view reason = ParseTail(text.substr(p.prefix.size() - 1), fields);
    return reason.empty() ? Parsed() : Rejected(reason);
  }
  return NotProbe();
}

}  // namespace

ParseResult SshdParser::Parse(std::string_view line, const ParseContext& ctx,
                              v1::ProbeEvent* event) const {
  SyslogLine syslog;
  ParseResult result;
  if (!SplitSyslogLine(line, ctx, &syslog, &result)) return result;
  const bool sshd = syslog.tag == "sshd" || syslog.tag == "sshd-session" || syslog.tag == "sshd-auth";
  if (!sshd && syslog.header.stamp.status != StampStatus::kMalformed) return NotProbe();
  EventFields fields;
  fields.proto = v1::PROTOCOL_TCP;
  result = ParseMessage(syslog.text, &fields);
  if (result.outcome != ParseOutcome::kEvent) return result;
  if (std::string_view r = CheckSyslogHeader(syslog, ctx, &fields.sensor); !r.empty()) return Rejected(r);
  fields.observed_us = syslog.header.stamp.unix_us;
  fields.utc_offset_minutes = syslog.header.stamp.utc_offset_minutes;
  FillEvent(fields, kName, syslog.check, ctx, event);
  return Parsed();
}

}  // namespace abuseflow::ingest
