#include "ingest/parser_support.h"

#include <cstdint>
#include <cstring>

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

bool IsContinuation(unsigned char c) { return (c & 0xc0) == 0x80; }

// The length of the well-formed UTF-8 sequence starting at text[i] (a byte
// >= 0x80), or 0 if there is none.
size_t SequenceLength(std::string_view text, size_t i) {
  const auto at = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const size_t avail = text.size() - i;
  const unsigned char c = at(0);
  if (c >= 0xc2 && c <= 0xdf) return avail >= 2 && IsContinuation(at(1)) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (avail < 3 || !IsContinuation(at(1)) || !IsContinuation(at(2))) return 0;
    if (c == 0xe0 && at(1) < 0xa0) return 0;  // overlong
    if (c == 0xed && at(1) > 0x9f) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (avail < 4 || !IsContinuation(at(1)) || !IsContinuation(at(2)) || !IsContinuation(at(3))) {
      return 0;
    }
    if (c == 0xf0 && at(1) < 0x90) return 0;  // overlong
    if (c == 0xf4 && at(1) > 0x8f) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}

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

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = SequenceLength(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
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
    const size_t n = SequenceLength(text, i);
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
  if (utc_offset_minutes == ctx.utc_offset_minutes) {
    event->mutable_tz_name()->assign(ctx.tz_name);
  } else {
    event->mutable_tz_name()->assign(GmtOffsetLabel(utc_offset_minutes));
  }
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
