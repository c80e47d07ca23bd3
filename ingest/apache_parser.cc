#include "ingest/apache_parser.h"

#include "core/ip_address.h"
#include "ingest/parser_support.h"
#include "ingest/timestamp.h"
#include "ingest/worm_classifier.h"

namespace abuseflow::ingest {
namespace {

// The fields of one access log line that matter here.
struct AccessLine {
  std::string_view host;
  std::string_view stamp;    // between the brackets
  std::string_view request;  // between the quotes, or to the end if cut short
  bool complete = false;     // the closing quote, status and size are there
};

ParseResult Reject(std::string_view reason) { return {ParseOutcome::kRejected, reason}; }

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// " 404 1234" or " 404 -", then the end of the line or a space.
bool IsStatusAndSize(std::string_view rest) {
  if (rest.size() < 6 || rest[0] != ' ' || !IsDigit(rest[1]) || !IsDigit(rest[2]) ||
      !IsDigit(rest[3]) || rest[4] != ' ') {
    return false;
  }
  size_t i = 5;
  if (rest[i] == '-') {
    ++i;
  } else {
    while (i < rest.size() && IsDigit(rest[i])) ++i;
    if (i == 5) return false;
  }
  return i == rest.size() || rest[i] == ' ';
}

// Whether the quote at line[quote] is escaped: an odd number of backslashes
// (Apache 2 writes '"' as \" and '\' as \\) between `begin` and it.
bool IsEscaped(std::string_view line, size_t begin, size_t quote) {
  size_t backslashes = 0;
  while (quote > begin + backslashes && line[quote - 1 - backslashes] == '\\') ++backslashes;
  return backslashes % 2 == 1;
}

// Splits a line into its fields; returns "" or the reason to reject it.
std::string_view Split(std::string_view line, AccessLine* out) {
  const size_t host_end = line.find(' ');
  if (host_end == 0 || host_end == std::string_view::npos) return kReasonMalformed;
  out->host = line.substr(0, host_end);
  const size_t open = line.find('[', host_end);
  if (open == std::string_view::npos) return kReasonMalformed;
  const size_t close = line.find(']', open);
  if (close == std::string_view::npos) return kReasonMalformed;
  out->stamp = line.substr(open + 1, close - open - 1);
  if (line.substr(close + 1, 2) != " \"") return kReasonMalformed;
  const size_t begin = close + 3;
  out->request = line.substr(begin);
  out->complete = false;
  for (size_t q = line.find('"', begin); q != std::string_view::npos; q = line.find('"', q + 1)) {
    if (!IsEscaped(line, begin, q) && IsStatusAndSize(line.substr(q + 1))) {
      out->request = line.substr(begin, q - begin);
      out->complete = true;
      break;
    }
  }
  return {};
}

bool LooksLikeHostName(std::string_view host) {
  bool letter = false;
  for (char c : host) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alpha && !IsDigit(c) && c != '.' && c != '-' && c != '_') return false;
    letter |= alpha;
  }
  return letter;
}

// The source address in the host field; returns "" or the reason it is none.
std::string_view ParseHost(std::string_view host, core::IpAddress* address) {
  if (std::optional<core::IpAddress> parsed = ParseAddress(host)) {
    *address = *parsed;
    return {};
  }
  return LooksLikeHostName(host) ? kReasonHostname : kReasonBadAddress;
}

// The second word of a request line: "GET /x HTTP/1.0" -> "/x"; "" if none.
std::string_view RequestTarget(std::string_view request) {
  const size_t space = request.find(' ');
  if (space == std::string_view::npos) return {};
  const std::string_view rest = request.substr(space + 1);
  return rest.substr(0, rest.find(' '));
}

void Fill(const LineCheck& check, const EventFields& source, const Stamp& stamp,
          std::string_view signature, const ParseContext& ctx, v1::ProbeEvent* event) {
  event->mutable_sensor()->assign(ctx.sensor);
  event->set_observed_us(stamp.unix_us);
  SetSource(source, ctx, event);
  event->clear_dst();
  event->set_src_port(0);
  event->set_dst_port(0);
  event->set_proto(v1::PROTOCOL_TCP);
  event->set_kind(v1::KIND_WORM);
  event->mutable_signature()->assign(signature);
  event->mutable_format()->assign(ApacheParser::kName);
  AssignUtf8(check.line, check.ascii, event->mutable_raw());
  SetZone(ctx, stamp.utc_offset_minutes, event);
}

}  // namespace

ParseResult ApacheParser::Parse(std::string_view line, const ParseContext& ctx,
                                v1::ProbeEvent* event) const {
  const LineCheck check = CheckLine(line);
  if (!check.reject.empty()) return Reject(check.reject);
  if (check.line.empty()) return {ParseOutcome::kNotProbe, kReasonEmpty};
  AccessLine fields;
  if (std::string_view reason = Split(check.line, &fields); !reason.empty()) return Reject(reason);
  EventFields source;
  const std::string_view host_reason = ParseHost(fields.host, &source.src);
  if (host_reason == kReasonHostname) {
    source.src_host = fields.host;
  } else if (!host_reason.empty()) {
    return Reject(host_reason);
  }
  const Stamp stamp = ParseApacheStamp(fields.stamp);
  if (stamp.status == StampStatus::kMalformed || stamp.length != fields.stamp.size()) {
    return Reject(kReasonMalformed);
  }
  if (stamp.status == StampStatus::kBadTime) return Reject(kReasonBadTime);
  const std::string_view signature = ClassifyWebRequest(RequestTarget(fields.request));
  if (signature.empty()) {
    return fields.complete ? ParseResult{ParseOutcome::kNotProbe, kReasonNoProbe}
                           : Reject(kReasonMalformed);
  }
  Fill(check, source, stamp, signature, ctx, event);
  return {ParseOutcome::kEvent, {}};
}

}  // namespace abuseflow::ingest
