// ARIN answers ("n + ADDRESS"): one section per network, between "# start"
// and "# end" when several networks match.
#include <array>
#include <map>

#include "core/ascii.h"
#include "enrich/whois_parse_util.h"

namespace abuseflow::enrich::whois_internal {
namespace {

// The RIRs ARIN hands space to, by OrgId, for answers without ReferralServer.
constexpr std::array<std::pair<std::string_view, std::string_view>, 4> kRirOrgs = {{
    {"RIPE", "whois.ripe.net"},
    {"APNIC", "whois.apnic.net"},
    {"LACNIC", "whois.lacnic.net"},
    {"AFRINIC", "whois.afrinic.net"},
}};

// One network section with its organisation and contacts, first value of
// each key (keys lower case).
using Section = std::map<std::string, std::string>;

std::vector<Section> Sections(const std::vector<std::string_view>& lines) {
  std::vector<Section> sections(1);
  std::vector<std::string_view> chunk;
  auto flush = [&] {
    for (const Object& o : SplitObjects(chunk)) {
      for (const Attr& a : o) sections.back().emplace(a.key, a.value);
    }
    chunk.clear();
  };
  for (std::string_view line : lines) {
    if (line.substr(0, 7) == "# start" && sections.size() < kMaxObjects) {
      flush();
      if (!sections.back().empty()) sections.emplace_back();
      continue;
    }
    chunk.push_back(line);
  }
  flush();
  return sections;
}

std::string_view Value(const Section& s, const std::string& key) {
  auto it = s.find(key);
  return it == s.end() ? std::string_view() : std::string_view(it->second);
}

// The RIR a "NetType: Allocated to ..." or "Transferred to ..." block belongs to.
std::optional<WhoisReferral> OtherRir(const Section& s) {
  std::string nettype = core::AsciiLower(Value(s, "nettype"));
  if (nettype.find("allocated to") == std::string::npos &&
      nettype.find("transferred to") == std::string::npos) {
    return std::nullopt;
  }
  for (const auto& [org, server] : kRirOrgs) {
    if (Value(s, "orgid") == org) return WhoisReferral{std::string(server)};
  }
  return std::nullopt;
}

// "Google LLC (GOGL)" without the handle.
std::string WithoutHandle(std::string_view text) {
  std::string out = Trim(text);
  if (!out.empty() && out.back() == ')') {
    if (size_t open = out.rfind(" ("); open != std::string::npos) out = out.substr(0, open);
  }
  return out;
}

}  // namespace

WhoisAnswer ParseArin(const std::vector<std::string_view>& lines, const core::IpAddress& address) {
  WhoisAnswer answer;
  const Section* best = nullptr;
  AddressRange range;
  std::vector<Section> sections = Sections(lines);
  for (const Section& s : sections) {
    auto r = ParseAnyRange(Value(s, "netrange"));
    if (!r) r = ParseAnyRange(Value(s, "inet6num"));
    if (!r || !Contains(*r, address)) continue;
    if (!best || Narrower(*r, range)) {
      best = &s;
      range = *r;
    }
  }
  if (!best) return answer;
  const Section& s = *best;
  std::optional<WhoisReferral> rir = OtherRir(s);
  answer.referral = ParseReferral(Value(s, "referralserver"));
  if (!answer.referral) answer.referral = rir;
  if (rir) {
    answer.not_managed = true;  // another RIR's allocation: its record is not the owner
    return answer;
  }
  v1::OwnerRecord record = RecordFor(range);
  record.set_netname(std::string(Value(s, "netname")));
  std::string owner = WithoutHandle(Value(s, "custname"));
  if (owner.empty()) owner = WithoutHandle(Value(s, "orgname"));
  if (owner.empty()) owner = WithoutHandle(Value(s, "organization"));
  record.set_owner(owner);
  std::string country = Trim(Value(s, "country"));
  for (char& c : country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  record.set_country(country);
  for (const char* key : {"rabuseemail", "orgabuseemail"}) AddAbuse(Value(s, key), &record);
  if (record.abuse_size() == 0) {
    for (const char* key : {"rnocemail", "orgnocemail", "rtechemail", "orgtechemail"}) {
      AddAbuse(Value(s, key), &record);
    }
  }
  answer.record = std::move(record);
  return answer;
}

}  // namespace abuseflow::enrich::whois_internal
