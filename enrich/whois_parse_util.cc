#include "enrich/whois_parse_util.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "core/ascii.h"
#include "core/ip_prefix.h"
#include "core/mailbox.h"

namespace abuseflow::enrich::whois_internal {
namespace {

__extension__ using Uint128 = unsigned __int128;

Uint128 Value(const core::IpAddress& a) {
  Uint128 v = 0;
  int n = a.is_v4() ? 4 : 16;
  for (int i = 0; i < n; ++i) v = (v << 8) | a.bytes()[i];
  return v;
}

// LACNIC's "200.3.12/22": the dotted part padded with ".0" to four octets.
std::string PadShortV4(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos || text.find(':') != std::string_view::npos) return "";
  std::string head(text.substr(0, slash));
  int dots = static_cast<int>(std::count(head.begin(), head.end(), '.'));
  if (dots >= 3 || head.empty()) return "";
  for (int i = dots; i < 3; ++i) head += ".0";
  return head + std::string(text.substr(slash));
}

}  // namespace

std::vector<std::string_view> Lines(std::string_view text) {
  text = text.substr(0, std::min(text.size(), kMaxWhoisParseBytes));
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::vector<Object> SplitObjects(const std::vector<std::string_view>& lines) {
  std::vector<Object> objects;
  Object current;
  auto flush = [&] {
    if (!current.empty() && objects.size() < kMaxObjects) objects.push_back(std::move(current));
    current.clear();
  };
  for (std::string_view line : lines) {
    if (line.size() > kMaxLine) continue;
    if (Trim(line).empty()) {
      flush();
      continue;
    }
    if (line[0] == '%' || line[0] == '#') continue;
    if (line[0] == ' ' || line[0] == '\t' || line[0] == '+') {
      if (!current.empty()) {
        std::string more = Trim(line.substr(1));
        if (!more.empty() && current.back().value.size() < kMaxLine)
          current.back().value += " " + more;
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 || current.size() >= kMaxAttrs) continue;
    std::string key = core::AsciiLower(Trim(line.substr(0, colon)));
    if (key.find(' ') != std::string::npos) continue;
    current.push_back({std::move(key), Trim(line.substr(colon + 1))});
  }
  flush();
  return objects;
}

std::string_view Get(const Object& object, std::string_view key) {
  for (const Attr& a : object) {
    if (a.key == key) return a.value;
  }
  return {};
}

std::vector<std::string_view> GetAll(const Object& object, std::string_view key) {
  std::vector<std::string_view> out;
  for (const Attr& a : object) {
    if (a.key == key) out.push_back(a.value);
  }
  return out;
}

std::string Trim(std::string_view text) {
  const char* space = " \t\r\n\v\f";
  size_t b = text.find_first_not_of(space);
  if (b == std::string_view::npos) return "";
  size_t e = text.find_last_not_of(space);
  return std::string(text.substr(b, e - b + 1));
}

bool ContainsNoCase(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                        [](char a, char b) {
                          return std::tolower(static_cast<unsigned char>(a)) ==
                                 std::tolower(static_cast<unsigned char>(b));
                        });
  return it != haystack.end();
}

std::optional<AddressRange> ParseAnyRange(std::string_view text) {
  std::string cleaned = Trim(text.substr(0, text.find('(')));
  if (cleaned.empty() || cleaned.size() > 100) return std::nullopt;
  if (auto range = ParseAddressRange(cleaned); range.ok()) return *range;
  std::string padded = PadShortV4(cleaned);
  if (padded.empty()) return std::nullopt;
  auto range = ParseAddressRange(padded);
  if (!range.ok()) return std::nullopt;
  return *range;
}

bool Contains(const AddressRange& range, const core::IpAddress& address) {
  return range.first.family() == address.family() && range.first <= address &&
         address <= range.last;
}

bool Narrower(const AddressRange& a, const AddressRange& b) {
  return Value(a.last) - Value(a.first) < Value(b.last) - Value(b.first);
}

v1::OwnerRecord RecordFor(const AddressRange& range) {
  v1::OwnerRecord record;
  record.set_first(range.first.ToBytes());
  record.set_last(range.last.ToBytes());
  for (const core::IpPrefix& p : core::IpPrefix::FromRange(range.first, range.last)) {
    record.add_cidrs(p.ToString());
  }
  return record;
}

void AddAbuse(std::string_view field, v1::OwnerRecord* record) {
  for (std::string& mailbox : core::ExtractMailboxes(field, kMaxMailboxes)) {
    if (record->abuse_size() >= static_cast<int>(kMaxMailboxes)) return;
    bool seen = std::any_of(record->abuse().begin(), record->abuse().end(),
                            [&](const std::string& m) { return core::AsciiLower(m) == core::AsciiLower(mailbox); });
    if (!seen) record->add_abuse(std::move(mailbox));
  }
}

std::optional<WhoisReferral> ParseReferral(std::string_view text) {
  std::string value = core::AsciiLower(Trim(text));
  WhoisReferral referral;
  if (size_t scheme = value.find("://"); scheme != std::string::npos) {
    referral.scheme = value.substr(0, scheme);
    value = value.substr(scheme + 3);
  }
  value = value.substr(0, value.find('/'));
  if (size_t colon = value.rfind(':'); colon != std::string::npos) {
    std::string port = value.substr(colon + 1);
    value = value.substr(0, colon);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit))
      return std::nullopt;
    referral.port = std::stoi(port);
    if (referral.port < 1 || referral.port > 65535) return std::nullopt;
  }
  if (value.empty() || value.size() > 253) return std::nullopt;
  bool name_ok = std::all_of(value.begin(), value.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '-';
  });
  if (!name_ok || (referral.scheme != "whois" && referral.scheme != "rwhois")) return std::nullopt;
  referral.host = value;
  return referral;
}

}  // namespace abuseflow::enrich::whois_internal
