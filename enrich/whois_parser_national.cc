// National registries' answers: JPNIC (English, "/e"), KRNIC (its English
// section) and TWNIC. None gives an abuse mailbox as reliably as the RIRs;
// the resolver falls back to the covering RIR block's contact.
#include <cctype>

#include "core/ascii.h"
#include "enrich/whois_parse_util.h"

namespace abuseflow::enrich::whois_internal {
namespace {

// One network of a KRNIC or TWNIC answer, with its contacts.
struct Network {
  AddressRange range;
  std::string owner, netname;
  std::vector<std::string> abuse, other;  // contact fields, abuse ones first
};

v1::OwnerRecord Build(const Network& n, std::string_view country) {
  v1::OwnerRecord record = RecordFor(n.range);
  record.set_owner(n.owner);
  record.set_netname(n.netname);
  record.set_country(std::string(country));
  for (const std::string& field : n.abuse) AddAbuse(field, &record);
  if (record.abuse_size() == 0) {
    for (const std::string& field : n.other) AddAbuse(field, &record);
  }
  return record;
}

WhoisAnswer MostSpecific(const std::vector<Network>& networks, const core::IpAddress& address,
                         std::string_view country) {
  const Network* best = nullptr;
  for (const Network& n : networks) {
    if (Contains(n.range, address) && (!best || Narrower(n.range, best->range))) best = &n;
  }
  WhoisAnswer answer;
  if (best) answer.record = Build(*best, country);
  return answer;
}

// "a. [Network Number]   192.41.192.0/24" -> key "network number", value.
bool JpnicField(std::string_view line, std::string* key, std::string* value) {
  if (line.size() > 3 && std::isalpha(static_cast<unsigned char>(line[0])) && line[1] == '.') {
    line.remove_prefix(2);
  }
  std::string trimmed = Trim(line);
  if (trimmed.empty() || trimmed[0] != '[') return false;
  size_t close = trimmed.find(']');
  if (close == std::string::npos) return false;
  *key = core::AsciiLower(Trim(std::string_view(trimmed).substr(1, close - 1)));
  *value = Trim(std::string_view(trimmed).substr(close + 1));
  return true;
}

}  // namespace

WhoisAnswer ParseJpnic(const std::vector<std::string_view>& lines, const core::IpAddress& address) {
  Network n;
  bool have_range = false;
  for (std::string_view line : lines) {
    if (line.size() > kMaxLine) continue;
    // The lists of covering and covered blocks that follow are not this block.
    if (ContainsNoCase(line, "Less Specific Info") || ContainsNoCase(line, "More Specific Info"))
      break;
    std::string key, value;
    if (!JpnicField(line, &key, &value)) continue;
    if (key == "network number" && !have_range) {
      if (auto r = ParseAnyRange(value)) {
        n.range = *r;
        have_range = true;
      }
    } else if (key == "network name") {
      n.netname = value;
    } else if (key == "organization" && n.owner.empty()) {
      n.owner = value;
    } else if (key.find("abuse") != std::string::npos) {
      n.abuse.push_back(value);
    } else if (key.find("mail") != std::string::npos) {
      n.other.push_back(value);
    }
  }
  if (!have_range) return {};
  return MostSpecific({n}, address, "JP");
}

WhoisAnswer ParseKrnic(const std::vector<std::string_view>& lines, const core::IpAddress& address) {
  size_t start = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].substr(0, 9) == "# ENGLISH") start = i + 1;
  }
  std::vector<Network> networks;
  std::string section;
  for (size_t i = start; i < lines.size() && networks.size() < kMaxObjects; ++i) {
    std::string line = Trim(lines[i].size() > kMaxLine ? std::string_view() : lines[i]);
    if (line.size() > 2 && line.front() == '[' && line.back() == ']') {
      section = core::AsciiLower(line);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = core::AsciiLower(Trim(std::string_view(line).substr(0, colon)));
    std::string value = Trim(std::string_view(line).substr(colon + 1));
    if (key == "ipv4 address" || key == "ipv6 address") {
      auto r = ParseAnyRange(value);
      if (!r) continue;
      networks.push_back({*r, "", "", {}, {}});
    } else if (networks.empty()) {
      continue;
    } else if (key == "organization name" && networks.back().owner.empty()) {
      networks.back().owner = value;
    } else if (key == "service name" || key == "network name") {
      networks.back().netname = value;
    } else if (key == "e-mail" || key == "email") {
      bool abuse = section.find("abuse") != std::string::npos;
      (abuse ? networks.back().abuse : networks.back().other).push_back(value);
    }
  }
  return MostSpecific(networks, address, "KR");
}

WhoisAnswer ParseTwnic(const std::vector<std::string_view>& lines, const core::IpAddress& address) {
  std::vector<Network> networks;
  std::string section, netname;
  for (std::string_view raw : lines) {
    if (raw.size() > kMaxLine || networks.size() >= kMaxObjects) continue;
    std::string line = Trim(raw);
    size_t colon = line.find(':');
    std::string key =
        colon == std::string::npos ? "" : core::AsciiLower(Trim(std::string_view(line).substr(0, colon)));
    std::string value =
        colon == std::string::npos ? line : Trim(std::string_view(line).substr(colon + 1));
    if (key == "netblock") {
      if (auto r = ParseAnyRange(value)) networks.push_back({*r, "", netname, {}, {}});
      section.clear();
    } else if (key == "netname") {
      netname = value;  // comes before or after its Netblock line
      if (!networks.empty() && networks.back().netname.empty()) networks.back().netname = value;
    } else if (!key.empty() && value.empty() && key.find(' ') == key.rfind(' ')) {
      section = key;  // "registrant:", "administrator contact:", ...
    } else if (!networks.empty() && !line.empty()) {
      Network& n = networks.back();
      if (section == "registrant" && n.owner.empty()) n.owner = line;
      bool abuse = section.find("abuse") != std::string::npos;
      if (section.find("contact") != std::string::npos) (abuse ? n.abuse : n.other).push_back(line);
    }
  }
  return MostSpecific(networks, address, "TW");
}

}  // namespace abuseflow::enrich::whois_internal
