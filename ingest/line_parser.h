#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::ingest {

// Per-input settings a parser needs.
struct ParseContext {
  std::string sensor;          // sensor name from config; if empty, a parser with a syslog header uses its host field
  int default_year = 1970;     // for stamps without a year (syslog); set by the reader
  int utc_offset_minutes = 0;  // offset of stamps that carry none (syslog); e.g. -300 for EST
  std::string tz_name = "UTC"; // label quoted in notices, e.g. "EST"
};

enum class ParseOutcome { kEvent, kNotProbe, kRejected };

struct ParseResult {
  ParseOutcome outcome = ParseOutcome::kRejected;
  std::string_view reason;     // for kRejected (and kNotProbe): a short stable key, e.g. "bad-address", "bad-time", "malformed", "too-long", "binary"
};

// The reason keys parsers return. Stable: they name counters and log fields.
inline constexpr std::string_view kReasonTooLong = "too-long";        // over kMaxLineLength
inline constexpr std::string_view kReasonBinary = "binary";           // NUL or other control bytes
inline constexpr std::string_view kReasonMalformed = "malformed";     // not the format, or cut short
inline constexpr std::string_view kReasonBadAddress = "bad-address";  // 999.1.1.1 and the like
inline constexpr std::string_view kReasonBadTime = "bad-time";        // Feb 30, hour 25, offset +9900
inline constexpr std::string_view kReasonBadUtf8 = "bad-utf8";        // invalid UTF-8 in a field we keep apart from raw
inline constexpr std::string_view kReasonHostname = "hostname";       // a host name where an address belongs
inline constexpr std::string_view kReasonNoProbe = "no-probe";        // kNotProbe: well formed, records no probe
inline constexpr std::string_view kReasonEmpty = "empty";             // kNotProbe: an empty line

// Lines longer than this are rejected as too long (the reader's limit).
inline constexpr size_t kMaxLineLength = 64 * 1024;

// Turns one log line of a sensor format into a ProbeEvent.
//
// Every parser first rejects lines over kMaxLineLength ("too-long") and lines
// with NUL or other control bytes except TAB ("binary"); one trailing '\r' is
// ignored. Invalid UTF-8 elsewhere in a line is kept: in `raw` every byte that
// is not part of a well-formed UTF-8 sequence becomes U+FFFD, so the event
// stays a valid protobuf. Fields that are copied out on their own (addresses,
// the syslog host) are checked strictly instead: a bad address is
// "bad-address", a host name that is not UTF-8 is "bad-utf8".
class LineParser {
 public:
  virtual ~LineParser() = default;
  virtual std::string_view name() const = 0;
  // Parses one line (without its newline). On kEvent fills *event: sensor, observed_us (UTC), src, dst (bytes, may be empty),
  // src_port, dst_port, proto, kind, signature, format (= name()), raw (the line), utc_offset_minutes and tz_name of the
  // line's stamps. Does not set event->id. Thread-safe for concurrent calls (const, no shared mutable state).
  // On any other outcome *event is left untouched.
  virtual ParseResult Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const = 0;
};

// "apache" (aliases "ncsa", "common", "combined", "nginx") or "netfilter"
// (alias "iptables"); nullptr if unknown.
std::unique_ptr<LineParser> MakeParser(std::string_view format);

// The canonical names MakeParser accepts, for help texts.
std::vector<std::string> ParserNames();

}  // namespace abuseflow::ingest
