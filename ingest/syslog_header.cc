#include "ingest/syslog_header.h"

#include "ingest/local_time.h"

namespace abuseflow::ingest {
namespace {

constexpr size_t kMaxPriorityLength = 5;  // "<191>"

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The length of a leading "<pri>", or 0.
size_t PriorityLength(std::string_view line) {
  if (line.empty() || line[0] != '<') return 0;
  size_t i = 1;
  while (i < line.size() && i < kMaxPriorityLength && IsDigit(line[i])) ++i;
  return i > 1 && i < line.size() && line[i] == '>' ? i + 1 : 0;
}

// The header with the BSD stamp read by `bsd_stamp(text)`.
template <typename BsdStamp>
SyslogHeader ParseHeader(std::string_view line, BsdStamp bsd_stamp) {
  SyslogHeader header;
  header.message = line;
  const size_t priority = PriorityLength(line);
  std::string_view rest = line.substr(priority);
  if (priority > 0 && rest.size() > 2 && rest[0] == '1' && rest[1] == ' ' && IsDigit(rest[2])) {
    rest.remove_prefix(2);  // RFC 5424 version
  }
  Stamp stamp = !rest.empty() && IsDigit(rest[0])
                    ? ParseRfc3339Stamp(rest)
                    : bsd_stamp(rest);
  if (stamp.status == StampStatus::kMalformed) return header;
  rest.remove_prefix(stamp.length);
  if (rest.size() < 2 || rest[0] != ' ' || rest[1] == ' ') return header;
  rest.remove_prefix(1);
  const size_t host_end = rest.find(' ');
  if (host_end == std::string_view::npos) return header;
  header.stamp = stamp;
  header.host = rest.substr(0, host_end);
  header.message = rest.substr(host_end + 1);
  return header;
}

}  // namespace

SyslogHeader ParseSyslogHeader(std::string_view line, int default_year, int utc_offset_minutes) {
  return ParseHeader(line, [&](std::string_view text) {
    return ParseSyslogStamp(text, default_year, utc_offset_minutes);
  });
}

SyslogHeader ParseSyslogHeader(std::string_view line, const ParseContext& ctx) {
  return ParseHeader(line, [&](std::string_view text) { return ParseSyslogStamp(text, ctx); });
}

}  // namespace abuseflow::ingest
