#include "ingest/parser_support.h"

#include <cstdint>
#include <cstring>

#include "ingest/host_resolver.h"
#include "ingest/local_time.h"
#include "ingest/port_worms.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {
namespace {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;
constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

bool IsControl(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

bool HasControl(std::string_view text) {
  for (char c : text) {
    if (IsControl(static_cast<unsigned char>(c))) return true;
  }
  return false;
}

// Nonzero if some byte of `w` may be below 0x20 or equal to 0x7f; exact about
// whether there is one, which is all the caller needs before looking closer.
uint64_t MaybeControl(uint64_t w) {
  const uint64_t below_space = (w - 0x20 * kOnes) & ~w;
  const uint64_t del = w ^ (0x7f * kOnes);
  const uint64_t is_del = (del - kOnes) & ~del;
  return (below_space | is_del) & kHighBits;
}


// The length of the well-formed UTF-8 sequence starting at text[i] (a byte
// >= 0x80), or 0 if there is none.
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c; }

}  // namespace

LineCheck CheckLine(std::string_view line) {
  LineCheck check;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  check.line = line;
  if (line.size() > kMaxLineLength) {
    check.reject = kReasonTooLong;
    return check;
  }
  uint64_t any_bits = 0;
  size_t i = 0;
  for (; i + 8 <= line.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, line.data() + i, 8);
    any_bits |= w;
    if (MaybeControl(w) != 0 && HasControl(line.substr(i, 8))) {
      check.reject = kReasonBinary;
      return check;
    }
  }
  for (; i < line.size(); ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    any_bits |= c;
    if (IsControl(c)) {
      check.reject = kReasonBinary;
      return check;
    }
  }
  check.ascii = (any_bits & kHighBits) == 0;
  return check;
}

void AssignUtf8(std::string_view text, bool ascii, std::string* out) {
  if (ascii || IsValidUtf8(text)) {
    out->assign(text);
    return;
  }
  out->clear();
  out->reserve(text.size() + 16);
  size_t run = 0;  // start of the pending run of good bytes
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = core::Utf8SequenceLength(text, i);
    if (n > 0) {
      i += n;
      continue;
    }
    out->append(text.substr(run, i - run));
    out->append(kReplacementChar);
    run = ++i;
  }
  out->append(text.substr(run));
}

std::optional<core::IpAddress> ParseAddress(std::string_view text) {
  std::optional<core::IpAddress> address = core::IpAddress::Parse(text);
  if (!address || address->is_v4()) return address;
  const auto& b = address->bytes();
  for (int i = 0; i < 10; ++i) {
    if (b[i] != 0) return address;
  }
  if (b[10] != 0xff || b[11] != 0xff) return address;
  return core::IpAddress::V4(static_cast<uint32_t>(b[12]) << 24 | static_cast<uint32_t>(b[13]) << 16 |
                             static_cast<uint32_t>(b[14]) << 8 | b[15]);
}

void AssignAddress(const core::IpAddress& address, std::string* out) {
  out->assign(reinterpret_cast<const char*>(address.bytes().data()), address.is_v4() ? 4 : 16);
}

void SetZone(const ParseContext& ctx, int utc_offset_minutes, v1::ProbeEvent* event) {
  event->set_utc_offset_minutes(utc_offset_minutes);
  if (ctx.clock) ctx.clock->Observe(event->observed_us());
  if (ctx.time_zone) {
    ZoneOffset zone = ctx.time_zone->AtUtc(event->observed_us());
    if (zone.minutes == utc_offset_minutes) {
      event->mutable_tz_name()->assign(zone.abbrev);
      return;
    }
  } else if (utc_offset_minutes == ctx.utc_offset_minutes) {
    event->mutable_tz_name()->assign(ctx.tz_name);
    return;
  }
  event->mutable_tz_name()->assign(GmtOffsetLabel(utc_offset_minutes));
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() && EqualsIgnoreCase(text.substr(0, prefix.size()), prefix);
}

bool EndsWithIgnoreCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsIgnoreCase(text.substr(text.size() - suffix.size()), suffix);
}

}  // namespace abuseflow::ingest

namespace abuseflow::ingest {

bool ParsePortNumber(std::string_view text, uint32_t* port) {
  if (text.empty() || text.size() > 5) return false;
  uint32_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint32_t>(c - '0');
  }
  *port = value;
  return value <= 65535;
}

bool IsHostName(std::string_view text) {
  bool letter = false;
  for (char c : text) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alpha && !(c >= '0' && c <= '9') && c != '.' && c != '-' && c != '_') return false;
    letter |= alpha;
  }
  return letter;
}

std::string_view ParseSourceHost(std::string_view text, core::IpAddress* address) {
  if (std::optional<core::IpAddress> parsed = ParseAddress(text)) {
    *address = *parsed;
    return {};
  }
  return IsHostName(text) ? kReasonHostname : kReasonBadAddress;
}

std::string_view ParseSourceOrName(std::string_view text, core::IpAddress* address, std::string_view* host) {
  const std::string_view reason = ParseSourceHost(text, address);
  if (reason != kReasonHostname) return reason;
  *host = text;
  return {};
}

bool SplitHostPort(std::string_view text, char sep, std::string_view* address, std::string_view* port) {
  if (sep == ':' && !text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos || text.substr(close + 1, 1) != ":") return false;
    *address = text.substr(1, close - 1);
    *port = text.substr(close + 2);
    return true;
  }
  const size_t at = text.rfind(sep);
  if (at == std::string_view::npos) return false;
  *address = text.substr(0, at);
  *port = text.substr(at + 1);
  return true;
}

std::string_view ParseEndpoint(std::string_view text, char sep, bool port_optional,
                               core::IpAddress* address, uint32_t* port) {
  if (port_optional) {
    std::string_view bare = text;
    if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']') bare = bare.substr(1, bare.size() - 2);
    if (std::optional<core::IpAddress> parsed = ParseAddress(bare)) {
      *address = *parsed;
      *port = 0;
      return {};
    }
  }
  std::string_view address_text, port_text;
  if (!SplitHostPort(text, sep, &address_text, &port_text)) return kReasonMalformed;
  std::optional<core::IpAddress> parsed = ParseAddress(address_text);
  if (!parsed) return kReasonBadAddress;
  if (!ParsePortNumber(port_text, port)) return kReasonMalformed;
  *address = *parsed;
  return {};
}

void SetSource(const EventFields& fields, const ParseContext& ctx, v1::ProbeEvent* event) {
  if (fields.src_host.empty()) {
    AssignAddress(fields.src, event->mutable_src());
    event->clear_src_host();
    return;
  }
  event->mutable_src_host()->assign(fields.src_host);
  std::optional<core::IpAddress> resolved;
  if (ctx.resolver) resolved = ctx.resolver->Resolve(fields.src_host);
  if (resolved) {
    AssignAddress(*resolved, event->mutable_src());
  } else {
    event->clear_src();
  }
}

void FillEvent(const EventFields& fields, std::string_view format, const LineCheck& check,
               const ParseContext& ctx, v1::ProbeEvent* event) {
  event->mutable_sensor()->assign(fields.sensor);
  event->set_observed_us(fields.observed_us);
  SetSource(fields, ctx, event);
  if (fields.dst) {
    AssignAddress(*fields.dst, event->mutable_dst());
  } else {
    event->clear_dst();
  }
  event->set_src_port(fields.src_port);
  event->set_dst_port(fields.dst_port);
  event->set_proto(fields.proto);
  event->set_kind(fields.kind);
  event->mutable_signature()->assign(fields.signature);
  event->mutable_format()->assign(format);
  AssignUtf8(check.line, check.ascii, event->mutable_raw());
  SetZone(ctx, fields.utc_offset_minutes, event);
  ApplyPortWormTable(event);
}

}  // namespace abuseflow::ingest
