#include "enrich/rwhois_parser.h"

#include <cctype>
#include <map>
#include <vector>

#include "core/ascii.h"
#include "core/mailbox.h"
#include "enrich/whois_parse_util.h"
#include "enrich/whois_parser.h"

namespace abuseflow::enrich {
namespace {

using whois_internal::kMaxAttrs;
using whois_internal::kMaxLine;
using whois_internal::kMaxObjects;
using whois_internal::Trim;

// One object: its class (lower case) and its attributes, names lower case
// without the ";I" type suffix.
struct RwObject {
  std::string cls;
  std::vector<whois_internal::Attr> attrs;
};

std::string_view Value(const RwObject& o, std::string_view key) {
  for (const auto& a : o.attrs) {
    if (a.key == key && !a.value.empty()) return a.value;
  }
  return {};
}

// "network:IP-Network;I:192.0.2.0/24" -> {"network", "ip-network", "192.0.2.0/24"}.
bool SplitLine(std::string_view line, std::string* cls, whois_internal::Attr* attr) {
  size_t c1 = line.find(':');
  if (c1 == std::string_view::npos || c1 == 0) return false;
  size_t c2 = line.find(':', c1 + 1);
  if (c2 == std::string_view::npos) return false;
  std::string_view name = line.substr(c1 + 1, c2 - c1 - 1);
  name = name.substr(0, name.find(';'));
  *cls = core::AsciiLower(Trim(line.substr(0, c1)));
  attr->key = core::AsciiLower(Trim(name));
  attr->value = Trim(line.substr(c2 + 1));
  return !attr->key.empty();
}

// The objects of the answer, and its first "%error" line (text after "%error").
std::vector<RwObject> SplitRwObjects(const std::vector<std::string_view>& lines,
                                     std::string* error) {
  std::vector<RwObject> objects;
  bool open = false;
  for (std::string_view line : lines) {
    if (line.size() > kMaxLine) continue;
    if (line.substr(0, 6) == "%error" && error->empty()) *error = Trim(line.substr(6));
    if (!line.empty() && line[0] == '%') continue;
    if (Trim(line).empty()) {
      open = false;
      continue;
    }
    std::string cls;
    whois_internal::Attr attr;
    if (!SplitLine(line, &cls, &attr)) continue;
    if (!open || objects.back().cls != cls) {
      if (objects.size() >= kMaxObjects) break;
      objects.push_back({cls, {}});
      open = true;
    }
    if (objects.back().attrs.size() < kMaxAttrs) objects.back().attrs.push_back(std::move(attr));
  }
  return objects;
}

std::optional<AddressRange> RangeOf(const RwObject& o) {
  if (auto r = whois_internal::ParseAnyRange(Value(o, "ip-network"))) return r;
  return whois_internal::ParseAnyRange(Value(o, "ip-network-block"));
}

// A contact field's mailboxes: the value itself, or the Email of the
// `contact` object whose ID it names.
void AddContact(std::string_view value, const std::map<std::string, std::string>& emails,
                v1::OwnerRecord* record) {
  if (auto it = emails.find(core::AsciiLower(value)); it != emails.end()) {
    whois_internal::AddAbuse(it->second, record);
  } else {
    whois_internal::AddAbuse(value, record);
  }
}

void FillRecord(const RwObject& o, const std::map<std::string, std::string>& emails,
                v1::OwnerRecord* record) {
  record->set_netname(std::string(Value(o, "network-name")));
  for (const char* key : {"org-name", "customer organization", "organization", "org-id"}) {
    if (std::string_view v = Value(o, key); !v.empty()) {
      record->set_owner(std::string(v));
      break;
    }
  }
  for (const char* key : {"country-code", "customer country code"}) {
    std::string country = Trim(Value(o, key));
    if (country.size() == 2 && std::isalpha(static_cast<unsigned char>(country[0])) &&
        std::isalpha(static_cast<unsigned char>(country[1]))) {
      for (char& c : country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      record->set_country(country);
      break;
    }
  }
  for (const char* key : {"abuse-contact", "abuse-email", "abuse-mailbox"}) {
    for (const auto& a : o.attrs) {
      if (a.key == key) AddContact(a.value, emails, record);
    }
  }
  for (const char* key : {"tech-contact", "admin-contact"}) {
    if (record->abuse_size() > 0) break;
    for (const auto& a : o.attrs) {
      if (a.key == key) AddContact(a.value, emails, record);
    }
  }
}

// RFC 2167 (section 3.3) and rwhoisd define no rate-limit code. 501
// "Service Not Available" is the server's "not now"; 330 "Exceeded Max
// Objects Limit" is about the size of one answer (asking again gives the
// same) and so is not one, nor are the other 3xx/4xx request errors unless
// their text says so in a registry's words.
bool IsRwhoisLimitError(std::string_view error) {
  if (error.substr(0, 3) == "501") return true;
  return !error.empty() && IsRateLimitAnswer("%error " + std::string(error));
}

}  // namespace

std::string RwhoisQueryFor(const core::IpAddress& address) { return address.ToString(); }

bool RwhoisAnswerComplete(std::string_view text) {
  if (text.substr(0, 7) != "%rwhois") return false;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  size_t start = text.rfind('\n');
  if (start == std::string_view::npos) return false;  // only the banner so far
  std::string_view last = text.substr(start + 1);
  return last == "%ok" || last.substr(0, 6) == "%error";
}

RwhoisAnswer ParseRwhoisAnswer(std::string_view text, const core::IpAddress& address) {
  RwhoisAnswer answer;
  std::vector<RwObject> objects = SplitRwObjects(whois_internal::Lines(text), &answer.error);
  if (answer.error.substr(0, 3) == "230") {
    answer.error.clear();
    answer.no_objects = true;
  }
  if (IsRwhoisLimitError(answer.error)) {
    answer.rate_limited = true;
    return answer;
  }
  std::map<std::string, std::string> emails;  // contact ID (lower case) -> Email
  for (const RwObject& o : objects) {
    std::string_view id = Value(o, "id"), email = Value(o, "email");
    if (o.cls == "contact" && !id.empty() && !email.empty()) emails[core::AsciiLower(id)] = email;
  }
  const RwObject* best = nullptr;
  std::optional<AddressRange> best_range;
  for (const RwObject& o : objects) {
    if (o.cls != "network") continue;
    auto range = RangeOf(o);
    if (!range || !whois_internal::Contains(*range, address)) continue;
    if (!best_range || whois_internal::Narrower(*range, *best_range)) best = &o, best_range = range;
  }
  if (!best) {
    answer.rate_limited = IsRateLimitAnswer(text);  // a WHOIS-style limit message
    answer.no_objects = answer.error.empty() && !answer.rate_limited;
    return answer;
  }
  answer.no_objects = false;
  v1::OwnerRecord record = whois_internal::RecordFor(*best_range);
  FillRecord(*best, emails, &record);
  answer.record = std::move(record);
  return answer;
}

}  // namespace abuseflow::enrich
