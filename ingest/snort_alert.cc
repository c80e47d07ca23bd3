#include "ingest/snort_alert.h"

#include "ingest/local_time.h"

namespace abuseflow::ingest {
namespace {

// Reads exactly `n` digits at text[*pos].
bool Digits(std::string_view text, size_t* pos, size_t n, int* value) {
  if (*pos + n > text.size()) return false;
  *value = 0;
  for (size_t i = 0; i < n; ++i) {
    const char c = text[*pos + i];
    if (c < '0' || c > '9') return false;
    *value = *value * 10 + (c - '0');
  }
  *pos += n;
  return true;
}

bool Char(std::string_view text, size_t* pos, char c) {
  if (*pos >= text.size() || text[*pos] != c) return false;
  ++*pos;
  return true;
}

}  // namespace

// "MM/DD[/YY|/YYYY]-HH:MM:SS[.ffffff]" at the start of `text`.
Stamp ParseSnortStamp(std::string_view text, const ParseContext& ctx) {
  Stamp stamp;
  CivilTime t;
  size_t pos = 0;
  if (!Digits(text, &pos, 2, &t.month) || !Char(text, &pos, '/') || !Digits(text, &pos, 2, &t.day)) return stamp;
  bool has_year = false;
  if (Char(text, &pos, '/')) {
    int year;
    has_year = true;
    if (Digits(text, &pos, 4, &year)) {
      t.year = year;
    } else if (Digits(text, &pos, 2, &year)) {
      t.year = year >= 70 ? 1900 + year : 2000 + year;
    } else {
      return stamp;
    }
  }
  if (!Char(text, &pos, '-') || !Digits(text, &pos, 2, &t.hour) || !Char(text, &pos, ':') ||
      !Digits(text, &pos, 2, &t.minute) || !Char(text, &pos, ':') || !Digits(text, &pos, 2, &t.second)) {
    return stamp;
  }
  if (Char(text, &pos, '.') && !Digits(text, &pos, 6, &t.micros)) return stamp;
  stamp.length = pos;
  if (!has_year) return ResolveLocalWithoutYear(t, pos, ctx);
  if (!IsValid(t)) {
    stamp.status = StampStatus::kBadTime;
    return stamp;
  }
  return ResolveLocal(t, pos, ctx);
}

v1::Protocol SnortProtocol(std::string_view name) {
  if (name == "TCP") return v1::PROTOCOL_TCP;
  if (name == "UDP") return v1::PROTOCOL_UDP;
  if (name == "ICMP") return v1::PROTOCOL_ICMP;
  if (name == "IPV6-ICMP" || name == "ICMPV6") return v1::PROTOCOL_ICMPV6;
  return v1::PROTOCOL_OTHER;
}

bool IsRuleId(std::string_view id) {
  int colons = 0;
  for (char c : id) {
    if (c == ':') {
      ++colons;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return colons == 2 && id.front() != ':' && id.back() != ':' && id.find("::") == std::string_view::npos;
}

}  // namespace abuseflow::ingest
