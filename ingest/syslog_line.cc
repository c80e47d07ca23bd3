#include "ingest/syslog_line.h"

namespace abuseflow::ingest {
namespace {

// "message repeated 3 times: [ TEXT]" -> TEXT; anything else unchanged.
std::string_view UnwrapRepeated(std::string_view text) {
  constexpr std::string_view kRepeated = "message repeated ";
  if (text.substr(0, kRepeated.size()) != kRepeated) return text;
  const size_t open = text.find(": [ ");
  if (open == std::string_view::npos || text.back() != ']') return text;
  return text.substr(open + 4, text.size() - open - 5);
}

// Splits "tag[pid]: text" or "tag: text"; a tag has no spaces. Spaces before
// the text are dropped: rsyslog's RFC 5424 forwarding keeps the space of a
// traditional message, so "tag:  text" arrives.
void SplitTag(std::string_view message, SyslogLine* out) {
  out->tag = {};
  out->text = message;
  const size_t colon = message.find(": ");
  if (colon == std::string_view::npos || colon == 0) return;
  std::string_view tag = message.substr(0, colon);
  if (tag.find(' ') != std::string_view::npos) return;
  if (tag.back() == ']') {
    const size_t open = tag.find('[');
    if (open == std::string_view::npos || open == 0) return;
    tag = tag.substr(0, open);
  }
  out->tag = tag;
  out->text = message.substr(colon + 2);
  while (!out->text.empty() && out->text.front() == ' ') out->text.remove_prefix(1);
}

}  // namespace

bool SplitSyslogLine(std::string_view line, const ParseContext& ctx, SyslogLine* out,
                     ParseResult* result) {
  out->check = CheckLine(line);
  if (!out->check.reject.empty()) {
    *result = Rejected(out->check.reject);
    return false;
  }
  if (out->check.line.empty()) {
    *result = NotProbe(kReasonEmpty);
    return false;
  }
  out->header = ParseSyslogHeader(out->check.line, ctx);
  if (out->header.stamp.status == StampStatus::kMalformed) {
    out->tag = {};
    out->text = out->header.message;  // no header: no tag either
  } else {
    SplitTag(out->header.message, out);
  }
  out->text = UnwrapRepeated(out->text);
  return true;
}

std::string_view CheckSyslogHeader(const SyslogLine& line, const ParseContext& ctx,
                                   std::string_view* sensor) {
  if (line.header.stamp.status == StampStatus::kMalformed) return kReasonMalformed;
  if (line.header.stamp.status == StampStatus::kBadTime) return kReasonBadTime;
  *sensor = ctx.sensor.empty() ? line.header.host : std::string_view(ctx.sensor);
  if (!line.check.ascii && !IsValidUtf8(*sensor)) return kReasonBadUtf8;
  return {};
}

std::string_view After(std::string_view text, std::string_view marker, bool* found) {
  const size_t at = text.find(marker);
  *found = at != std::string_view::npos;
  return *found ? text.substr(at + marker.size()) : std::string_view();
}

std::string_view NextWord(std::string_view* rest) {
  size_t begin = 0;
  while (begin < rest->size() && (*rest)[begin] == ' ') ++begin;
  size_t end = rest->find(' ', begin);
  if (end == std::string_view::npos) end = rest->size();
  const std::string_view word = rest->substr(begin, end - begin);
  rest->remove_prefix(end);
  return word;
}

}  // namespace abuseflow::ingest
