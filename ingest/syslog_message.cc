#include "ingest/syslog_message.h"

#include <algorithm>

#include "core/time_format.h"

namespace abuseflow::ingest {
namespace {

// The next space-separated field of *rest, consumed with its space.
std::string_view Field(std::string_view* rest) {
  size_t sp = rest->find(' ');
  std::string_view f = rest->substr(0, sp);
  rest->remove_prefix(sp == std::string_view::npos ? rest->size() : sp + 1);
  return f;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Strips "<PRI>" (1 to 3 digits); a message without one is taken as it is.
std::string_view StripPri(std::string_view m) {
  if (m.size() < 3 || m[0] != '<') return m;
  size_t close = m.find('>');
  if (close == std::string_view::npos || close < 2 || close > 4) return m;
  for (size_t i = 1; i < close; ++i) {
    if (!IsDigit(m[i])) return m;
  }
  return m.substr(close + 1);
}

bool IsBsdStamp(std::string_view m) {
  // "Mmm dd hh:mm:ss " — day is space-padded ("Dec  1") or two digits.
  return m.size() >= 16 && m[3] == ' ' && m[6] == ' ' && m[9] == ':' && m[12] == ':' && m[15] == ' ';
}

bool IsIsoStamp(std::string_view m) {
  return m.size() >= 20 && IsDigit(m[0]) && IsDigit(m[3]) && m[4] == '-' && m[7] == '-' && m[10] == 'T';
}

// Skips RFC 5424 STRUCTURED-DATA: "-" or "[id k="v\]"]..." with escapes.
std::string_view SkipStructuredData(std::string_view rest) {
  if (rest.substr(0, 1) == "-") return rest.substr(rest.size() > 1 ? 2 : 1);
  size_t i = 0;
  while (i < rest.size() && rest[i] == '[') {
    bool quoted = false;
    for (++i; i < rest.size(); ++i) {
      if (quoted && rest[i] == '\\') {
        ++i;
      } else if (rest[i] == '"') {
        quoted = !quoted;
      } else if (!quoted && rest[i] == ']') {
        ++i;
        break;
      }
    }
  }
  i = std::min(i, rest.size());  // an escape at the very end steps past it
  if (i < rest.size() && rest[i] == ' ') ++i;
  return rest.substr(i);
}

ReceivedLine From5424(std::string_view rest, std::string_view peer, int64_t now_us) {
  std::string_view stamp = Field(&rest), host = Field(&rest), app = Field(&rest),
                   procid = Field(&rest);
  Field(&rest);  // MSGID
  std::string_view msg = SkipStructuredData(rest);
  if (msg.substr(0, 3) == "\xEF\xBB\xBF") msg.remove_prefix(3);
  ReceivedLine out;
  out.host = std::string(host == "-" || host.empty() ? peer : host);
  out.line = stamp == "-" || stamp.empty() ? core::FormatUtc(now_us) : std::string(stamp);
  out.line += ' ';
  out.line += out.host;
  out.line += ' ';
  if (app != "-" && !app.empty()) {
    out.line += app;
    if (procid != "-" && !procid.empty()) out.line.append("[").append(procid).append("]");
    out.line += ": ";
  }
  out.line += msg;
  return out;
}

// "STAMP rest": rest starts with HOSTNAME unless it starts with a tag.
ReceivedLine FromBsd(std::string_view stamp, std::string_view rest, std::string_view peer) {
  std::string_view probe = rest;
  std::string_view first = Field(&probe);
  bool is_tag = first.empty() || first.back() == ':' || first.find('[') != std::string_view::npos;
  ReceivedLine out;
  out.host = std::string(is_tag ? peer : first);
  out.line = std::string(stamp);
  out.line += ' ';
  if (is_tag) out.line.append(peer).append(" ");
  out.line += rest;
  return out;
}

}  // namespace

ReceivedLine ToLogLine(std::string_view message, std::string_view peer, int64_t now_us) {
  std::string_view m = StripPri(message);
  if (m.size() > 2 && m[0] == '1' && m[1] == ' ') return From5424(m.substr(2), peer, now_us);
  if (IsBsdStamp(m)) return FromBsd(m.substr(0, 15), m.substr(16), peer);
  if (IsIsoStamp(m)) {
    std::string_view rest = m;
    std::string_view stamp = Field(&rest);
    return FromBsd(stamp, rest, peer);
  }
  ReceivedLine out;
  out.host = std::string(peer);
  out.line = core::FormatUtc(now_us) + " " + out.host + " " + std::string(m);
  return out;
}

}  // namespace abuseflow::ingest
