#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "abuseflow/v1/events.pb.h"
#include "core/charset.h"
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

// core::IsValidUtf8 (core/charset.h): lines that reach it have no NUL byte
// (CheckLine rejects them), so it is the plain well-formedness check.
using core::IsValidUtf8;

// Replaces *out with `text`, every byte that is not part of a well-formed
// UTF-8 sequence replaced by U+FFFD. `ascii` (from CheckLine) skips the check.
// Reuses the capacity of *out.
void AssignUtf8(std::string_view text, bool ascii, std::string* out);

// A textual IPv4 or IPv6 address; an IPv4-mapped IPv6 address ("::ffff:192.0.2.7",
// as dual-stack servers log IPv4 clients) becomes the IPv4 address.
std::optional<core::IpAddress> ParseAddress(std::string_view text);

// Replaces *out with the 4 or 16 network-order bytes of `address`.
void AssignAddress(const core::IpAddress& address, std::string* out);

// Sets utc_offset_minutes and tz_name from event->observed_us (set it
// first): with ctx.time_zone its abbreviation at that instant ("EDT") when
// the stamp is in the zone's offset then, else ctx.tz_name when the stamp is
// in ctx's fixed offset, else a "GMT-0500" style label. Observes the time in
// ctx.clock (year inference).
void SetZone(const ParseContext& ctx, int utc_offset_minutes, v1::ProbeEvent* event);

// Outcome shorthands for the parsers.
inline ParseResult Rejected(std::string_view reason) { return {ParseOutcome::kRejected, reason}; }
inline ParseResult NotProbe(std::string_view reason = kReasonNoProbe) {
  return {ParseOutcome::kNotProbe, reason};
}
inline ParseResult Parsed() { return {ParseOutcome::kEvent, {}}; }

// A decimal port number, 1 to 5 digits, at most 65535. False otherwise.
bool ParsePortNumber(std::string_view text, uint32_t* port);

// The source address in a field that may hold a host name instead; returns
// "" (and sets *address), kReasonHostname or kReasonBadAddress.
std::string_view ParseSourceHost(std::string_view text, core::IpAddress* address);

// As ParseSourceHost, but a host name is kept: *host is set to it (and
// *address left alone) and "" returned; kReasonBadAddress otherwise.
std::string_view ParseSourceOrName(std::string_view text, core::IpAddress* address, std::string_view* host);

// True for a word made only of letters, digits, '.', '-' and '_' with at
// least one letter: what a resolver would give instead of an address.
bool IsHostName(std::string_view text);

// Splits "192.0.2.7:80", "[2001:db8::7]:80" or "2001:db8::7:80" (the port
// after the last ':') at `sep` into address and port text. Returns false if
// there is no separator. With '.' ("192.0.2.7.80", tcpdump) the last '.'.
bool SplitHostPort(std::string_view text, char sep, std::string_view* address, std::string_view* port);

// Parses an address-and-port pair as SplitHostPort splits it; a missing port
// (`text` is a bare address) gives port 0 when `port_optional`. Returns "" or
// the reason (kReasonBadAddress, kReasonMalformed).
std::string_view ParseEndpoint(std::string_view text, char sep, bool port_optional,
                               core::IpAddress* address, uint32_t* port);

// Everything an event is filled from, apart from the line.
struct EventFields {
  std::string_view sensor;
  int64_t observed_us = 0;          // UTC
  int utc_offset_minutes = 0;       // of the line's stamp
  core::IpAddress src;
  std::string_view src_host;           // a host name logged instead of src (then src is not used)
  std::optional<core::IpAddress> dst;  // none: dst left empty
  uint32_t src_port = 0;
  uint32_t dst_port = 0;
  v1::Protocol proto = v1::PROTOCOL_UNSPECIFIED;
  v1::Kind kind = v1::KIND_UNSPECIFIED;
  std::string_view signature;
};

// Sets src and src_host of *event from fields.src / fields.src_host as
// FillEvent describes (resolving with ctx.resolver).
void SetSource(const EventFields& fields, const ParseContext& ctx, v1::ProbeEvent* event);

// Sets every field of *event but id: the fields, format, raw (check.line,
// UTF-8 repaired) and the zone (SetZone). With src_host, the event keeps
// the name in src_host and src is empty, or, with ctx.resolver, the
// resolved address (the name kept too); a name that does not resolve
// stays a name. A connection attempt that the
// port table names (ApplyPortWormTable: UDP/1434 and the like) becomes a
// worm event with the worm's signature.
void FillEvent(const EventFields& fields, std::string_view format, const LineCheck& check,
               const ParseContext& ctx, v1::ProbeEvent* event);

// Case-insensitive (ASCII) comparisons.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);
bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix);

}  // namespace abuseflow::ingest
