#include "ingest/auto_parser.h"

#include "ingest/syslog_line.h"

namespace abuseflow::ingest {
namespace {

bool Has(std::string_view text, std::string_view part) { return text.find(part) != std::string_view::npos; }
bool Starts(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool DigitsAt(std::string_view text, size_t pos, size_t n) {
  if (pos + n > text.size()) return false;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(text[i])) return false;
  }
  return true;
}

// "yyyy-mm-dd" at the start.
bool StartsWithDate(std::string_view line) {
  return DigitsAt(line, 0, 4) && line.substr(4, 1) == "-" && DigitsAt(line, 5, 2) && line.substr(7, 1) == "-" &&
         DigitsAt(line, 8, 2);
}

std::string_view DetectJson(std::string_view line) {
  if (Has(line, "\"event_type\"")) return "suricata-eve";
  if (Has(line, "\"conn_state\"") || Has(line, "\"id.orig_h\"")) return "zeek-json";
  return {};
}

std::string_view DetectHeader(std::string_view line) {
  for (std::string_view zeek : {"#fields\t", "#separator", "#set_separator", "#empty_field", "#unset_field",
                                "#path", "#open", "#close", "#types"}) {
    if (Starts(line, zeek)) return "zeek";
  }
  return "iis";
}

// A line with a syslog header (or none recognised): by tag and message.
std::string_view DetectSyslog(std::string_view line) {
  SyslogLine syslog;
  ParseResult unused;
  if (!SplitSyslogLine(line, ParseContext{}, &syslog, &unused)) return {};
  const std::string_view tag = syslog.tag;
  const std::string_view text = syslog.text;
  if (Has(text, "IN=") && Has(text, " OUT=")) return "netfilter";
  if (tag == "portsentry" || Starts(text, "attackalert: ") || Starts(text, "Scan from: [")) return "portsentry";
  if (Starts(text, "refused connect from ")) return "tcpwrappers";
  if (tag == "sshd" || tag == "sshd-session" || tag == "sshd-auth") return "sshd";
  if (tag == "xinetd") return "xinetd";
  if (Starts(text, "Connection attempt ")) return "log_in_vain";
  if (Has(text, "ipfw: ")) return "ipfw";
  if (Starts(text, "[") && Has(text, " -> ")) return "snort";
  if (Has(text, " rule ") && Has(text, " on ")) return "pf";
  return {};
}

}  // namespace

AutoParser::AutoParser() {
  for (const std::string& name : ParserNames()) {
    if (name != kName) parsers_.push_back(MakeParser(name));
  }
}

std::string_view AutoParser::DetectFormat(std::string_view line) {
  if (line.empty()) return {};
  if (line[0] == '{') return DetectJson(line);
  if (line[0] == '#') return DetectHeader(line);
  if (IsDigit(line[0]) && Has(line, "\t")) {
    if (StartsWithDate(line) && line.substr(10, 1) == " ") return "dshield";
    const std::string_view first = line.substr(0, line.find('\t'));
    if (first.find_first_not_of("0123456789.") == std::string_view::npos) return "zeek";
  }
  if (DigitsAt(line, 0, 2) && line.substr(2, 1) == "/" && Has(line.substr(0, 64), "[**] [")) {
    return DigitsAt(line, 6, 4) && line.substr(10, 1) == "-" ? "suricata-fast" : "snort";
  }
  if (IsDigit(line[0]) && Has(line.substr(0, 20), "@") && (Has(line, ": START: ") || Has(line, ": FAIL: "))) {
    return "xinetd";
  }
  if (StartsWithDate(line) && line.substr(10, 1) == " ") return "iis";
  if (StartsWithDate(line) && Has(line.substr(0, 48), " Scan from: [")) return "portsentry";
  if (line.size() > 16 && line[15] == '.' && Has(line.substr(0, 40), " rule ")) return "pf";
  const size_t bracket = line.find(" [");
  if (bracket != std::string_view::npos && bracket < 64 && line.find(' ') < bracket &&
      Has(line.substr(bracket, 48), "] \"")) {
    return "apache";
  }
  return DetectSyslog(line);
}

ParseResult AutoParser::Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const {
  const std::string_view format = DetectFormat(line);
  if (format.empty()) {
    const LineCheck check = CheckLine(line);
    if (!check.reject.empty()) return Rejected(check.reject);
    return NotProbe(check.line.empty() ? kReasonEmpty : kReasonNoProbe);
  }
  for (const auto& parser : parsers_) {
    if (parser->name() == format) return parser->Parse(line, ctx, event);
  }
  return NotProbe();
}

}  // namespace abuseflow::ingest
