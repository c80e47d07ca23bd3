#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::core {
struct FormatConfig;
struct InputConfig;
}  // namespace abuseflow::core

namespace abuseflow::ingest {

class TimeZone;      // local_time.h
class InputClock;    // local_time.h
class HostResolver;  // host_resolver.h

// Per-input settings a parser needs (input_context.h builds one from an
// input's config). The pointers are shared by the copies of one input's
// context; InputClock and HostResolver keep per-input state, so a context
// with them belongs to one input, used from one thread at a time.
struct ParseContext {
  std::string sensor;          // sensor name from config; if empty, a parser with a syslog header uses its host field
  int default_year = 1970;     // for stamps without a year (syslog) when there is no `clock`; set by the reader
  int utc_offset_minutes = 0;  // offset of stamps that carry none (syslog); e.g. -300 for EST
  std::string tz_name = "UTC"; // label quoted in notices, e.g. "EST"
  // The input's IANA zone: stamps without an offset take its offset at that
  // instant (DST), and tz_name becomes its abbreviation then ("EST", "EDT").
  // Null: the fixed utc_offset_minutes and tz_name.
  std::shared_ptr<const TimeZone> time_zone;
  // Year inference for stamps without a year (no `year` configured): the
  // newest line seen so far. Null: default_year.
  std::shared_ptr<InputClock> clock;
  // Resolves host names logged instead of addresses (`resolve_hosts`).
  // Null: such events keep the name in src_host and an empty src.
  std::shared_ptr<HostResolver> resolver;
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
inline constexpr std::string_view kReasonHostname = "hostname";       // a host name where an address belongs (ParseSourceHost; the parsers keep it in src_host)
inline constexpr std::string_view kReasonNoProbe = "no-probe";        // kNotProbe: well formed, records no probe
inline constexpr std::string_view kReasonEmpty = "empty";             // kNotProbe: an empty line

// Lines longer than this are rejected as too long (the reader's limit).
inline constexpr size_t kMaxLineLength = 64 * 1024;

// Turns one log line of a sensor format into a ProbeEvent.
//
// Threading and state: most parsers are stateless, and Parse is safe to call
// from many threads at once. The formats whose lines only make sense with a
// header ("iis" W3C extended, "zeek" TSV: their "#Fields:" / "#fields" lines
// name the columns), or with the lines before them ("snort-full" records),
// are the exception: such a parser learns the layout (the record) from the
// earlier lines of its input and keeps it in the instance (learns_header()
// is true; "auto" too, since it holds one of each). One instance then
// belongs to one input and is called from one thread at a time, in line order; MakeParser returns a fresh instance per
// call, and the ingest stage already makes one per input. Until a header is
// seen (an input resumed after its header, in follow mode) such a parser uses
// the format's default layout.
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
  // Parses one line (without its newline). On kEvent fills *event: sensor, observed_us (UTC), src, src_host (a
  // host name logged instead of the address: then src is empty unless ctx.resolver resolved it), dst (bytes, may be empty),
  // src_port, dst_port, proto, kind, signature, format (= name(); for "auto" the format that read the line), raw (the line), utc_offset_minutes and tz_name of the
  // line's stamps. Does not set event->id.
  // On any other outcome *event is left untouched. Thread-safety: see above (learns_header()).
  virtual ParseResult Parse(std::string_view line, const ParseContext& ctx, v1::ProbeEvent* event) const = 0;
  // True for a parser that keeps state from earlier lines of its input (a
  // header's column layout, a record being read): one instance per input,
  // one thread at a time.
  virtual bool learns_header() const { return false; }
};

// A new parser for a format name or alias (docs/formats.md lists them all:
// "apache", "netfilter", "portsentry", "sshd", "snort", "auto", ...);
// nullptr if unknown. Each call returns a new instance.
std::unique_ptr<LineParser> MakeParser(std::string_view format);

// The canonical names MakeParser accepts, for help texts.
std::vector<std::string> ParserNames();

// A built-in format or one of the user-defined `formats` ([[ingest.format]],
// user_format_parser.h; a built-in name wins); nullptr if neither.
std::unique_ptr<LineParser> MakeParser(std::string_view format, const std::vector<core::FormatConfig>& formats);

// Adds an input's time and name settings to *ctx (input_context.cc): its
// IANA `time_zone`, year inference (an InputClock) unless `year` is set,
// and a HostResolver with `resolve_hosts`. Sets neither sensor nor
// default_year nor the fixed offset. Call once per input: the clock and
// the resolver belong to that input.
void ConfigureContext(const core::InputConfig& input, ParseContext* ctx);

}  // namespace abuseflow::ingest
