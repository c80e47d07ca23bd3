#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// What the parsers share: the checks every line gets first, UTF-8 repair for
// `raw`, and filling the event fields that every format sets the same way.
// Pure functions, thread-safe.

// The outcome of the first look at a line.
struct LineCheck {
  std::string_view line;    // the line without one trailing '\r'
  std::string_view reject;  // empty, kReasonTooLong or kReasonBinary
  bool ascii = true;        // no byte >= 0x80 (then no UTF-8 check is needed)
};

// Rejects lines over kMaxLineLength and lines with control bytes (0x00-0x1f
// except TAB, and 0x7f). Reads 8 bytes at a time.
LineCheck CheckLine(std::string_view line);

// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code
// points past U+10FFFF).
bool IsValidUtf8(std::string_view text);

// Replaces *out with `text`, every byte that is not part of a well-formed
// UTF-8 sequence replaced by U+FFFD. `ascii` (from CheckLine) skips the check.
// Reuses the capacity of *out.
void AssignUtf8(std::string_view text, bool ascii, std::string* out);

// A textual IPv4 or IPv6 address; an IPv4-mapped IPv6 address ("::ffff:192.0.2.7",
// as dual-stack servers log IPv4 clients) becomes the IPv4 address.
std::optional<core::IpAddress> ParseAddress(std::string_view text);

// Replaces *out with the 4 or 16 network-order bytes of `address`.
void AssignAddress(const core::IpAddress& address, std::string* out);

// Sets utc_offset_minutes and tz_name: ctx.tz_name when the stamp is in the
// context's offset, else a "GMT-0500" style label.
void SetZone(const ParseContext& ctx, int utc_offset_minutes, v1::ProbeEvent* event);

// Case-insensitive (ASCII) comparisons.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);
bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix);

}  // namespace abuseflow::ingest
