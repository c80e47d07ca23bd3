// RPSL answers (RIPE, AFRINIC, APNIC, CNNIC) and LACNIC/registro.br answers.
#include <array>
#include <unordered_map>

#include "core/ascii.h"
#include "enrich/whois_parse_util.h"

namespace abuseflow::enrich::whois_internal {
namespace {

// National registries an APNIC block may hand off to, by the server name its
// remarks mention or the netname prefix it carries.
constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kNationalHints = {{
    {"whois.nic.ad.jp", "whois.nic.ad.jp"},
    {"JPNIC-NET", "whois.nic.ad.jp"},
    {"whois.kisa.or.kr", "whois.kisa.or.kr"},
    {"whois.nic.or.kr", "whois.kisa.or.kr"},
    {"KRNIC-KR", "whois.kisa.or.kr"},
    {"whois.twnic.net", "whois.twnic.net.tw"},
    {"TWNIC-TW", "whois.twnic.net.tw"},
    {"whois.cnnic.cn", "whois.cnnic.cn"},
}};

// Netnames and phrases of the placeholder blocks RIRs give for space they do
// not manage (RIPE's whole-space IANA-BLK, APNIC's IANA-NETBLOCK-*, ...).
constexpr std::array<std::string_view, 7> kNotManaged = {
    "IANA-BLK",           "IANA-NETBLOCK",          "NON-RIPE-NCC-MANAGED",   "NOT-MANAGED",
    "not managed by the", "not allocated to apnic", "transferred to another",
};

struct Comment {
  AddressRange range;
  std::string mailbox;
};

// "% Abuse contact for 'RANGE' is 'MAILBOX'" lines.
std::vector<Comment> AbuseComments(const std::vector<std::string_view>& lines) {
  std::vector<Comment> out;
  for (std::string_view line : lines) {
    constexpr std::string_view kHead = "% Abuse contact for '";
    if (line.size() > kMaxLine || line.substr(0, kHead.size()) != kHead) continue;
    line.remove_prefix(kHead.size());
    size_t end = line.find("' is '");
    if (end == std::string_view::npos || line.size() < end + 7 || line.back() != '\'') continue;
    auto range = ParseAnyRange(line.substr(0, end));
    if (range && out.size() < kMaxObjects) {
      out.push_back({*range, std::string(line.substr(end + 6, line.size() - end - 7))});
    }
  }
  return out;
}

bool IsBlock(const Object& o) { return o[0].key == "inetnum" || o[0].key == "inet6num"; }

bool LooksNotManaged(const Object& block, const AddressRange& range) {
  if (range.first == range.first.Masked(0) && range.last == range.first.Broadcast(0)) return true;
  for (const Attr& a : block) {
    if (a.key != "netname" && a.key != "descr" && a.key != "remarks" && a.key != "status") continue;
    for (std::string_view phrase : kNotManaged) {
      if (ContainsNoCase(a.value, phrase)) return true;
    }
  }
  return false;
}

std::optional<WhoisReferral> NationalReferral(const Object& block) {
  for (const Attr& a : block) {
    if (a.key != "netname" && a.key != "remarks" && a.key != "descr") continue;
    for (const auto& [hint, server] : kNationalHints) {
      if (ContainsNoCase(a.value, hint)) return WhoisReferral{std::string(server)};
    }
  }
  return std::nullopt;
}

// Picks the most specific block containing `address` (index into objects).
int MostSpecific(const std::vector<Object>& objects, const core::IpAddress& address, bool lacnic,
                 AddressRange* range) {
  int best = -1;
  for (size_t i = 0; i < objects.size(); ++i) {
    const Object& o = objects[i];
    if (!(IsBlock(o) || (lacnic && o[0].key == "inetnum"))) continue;
    auto r = ParseAnyRange(o[0].value);
    if (!r || !Contains(*r, address)) continue;
    if (best < 0 || Narrower(*r, *range)) {
      best = static_cast<int>(i);
      *range = *r;
    }
  }
  return best;
}

using Index = std::unordered_map<std::string, const Object*>;

// role, person, irt and organisation objects by their key (nic-hdl for
// role and person, also LACNIC's and registro.br's nic-hdl and nic-hdl-br).
Index IndexContacts(const std::vector<Object>& objects) {
  Index index;
  for (const Object& o : objects) {
    std::string key;
    for (std::string_view k : {"nic-hdl", "nic-hdl-br"}) {
      if (key.empty()) key = std::string(Get(o, k));
    }
    if (key.empty() && (o[0].key == "irt" || o[0].key == "organisation")) key = o[0].value;
    if (!key.empty()) index.emplace(core::AsciiLower(key), &o);
  }
  return index;
}

const Object* Find(const Index& index, std::string_view key) {
  auto it = index.find(core::AsciiLower(key));
  return it == index.end() ? nullptr : it->second;
}

// Adds attribute `attr` of every object that `block`'s `ref` names.
void FromRefs(const Index& index, const Object& block, std::string_view ref, std::string_view attr,
              v1::OwnerRecord* record) {
  for (std::string_view key : GetAll(block, ref)) {
    if (const Object* o = Find(index, key)) {
      for (std::string_view value : GetAll(*o, attr)) AddAbuse(value, record);
    }
  }
}

void RpslAbuse(const std::vector<Comment>& comments, const AddressRange& range, const Index& index,
               const Object& block, v1::OwnerRecord* record) {
  for (const Comment& c : comments) {
    if (c.range.first == range.first && c.range.last == range.last) AddAbuse(c.mailbox, record);
  }
  if (record->abuse_size() == 0 && comments.size() == 1) AddAbuse(comments[0].mailbox, record);
  FromRefs(index, block, "mnt-irt", "abuse-mailbox", record);
  FromRefs(index, block, "abuse-c", "abuse-mailbox", record);
  if (const Object* org = Find(index, Get(block, "org"))) {
    FromRefs(index, *org, "abuse-c", "abuse-mailbox", record);
    for (std::string_view v : GetAll(*org, "abuse-mailbox")) AddAbuse(v, record);
  }
  for (std::string_view v : GetAll(block, "abuse-mailbox")) AddAbuse(v, record);
  if (record->abuse_size() > 0) return;
  // Fallbacks a careful analyst would use: the e-mail of the abuse role or
  // irt, then of the technical and administrative contacts.
  for (std::string_view ref : {"abuse-c", "mnt-irt", "tech-c", "admin-c"}) {
    FromRefs(index, block, ref, "e-mail", record);
  }
}

}  // namespace

WhoisAnswer ParseRpsl(const std::vector<std::string_view>& lines, const core::IpAddress& address) {
  WhoisAnswer answer;
  std::vector<Object> objects = SplitObjects(lines);
  AddressRange range;
  int best = MostSpecific(objects, address, false, &range);
  if (best < 0) return answer;
  const Object& block = objects[best];
  if (LooksNotManaged(block, range)) {
    answer.not_managed = true;
    return answer;
  }
  answer.referral = NationalReferral(block);
  Index index = IndexContacts(objects);
  v1::OwnerRecord record = RecordFor(range);
  record.set_netname(std::string(Get(block, "netname")));
  record.set_country(core::AsciiLower(Get(block, "country")));
  for (char& c : *record.mutable_country()) c = static_cast<char>(std::toupper(c));
  const Object* org = Find(index, Get(block, "org"));
  std::string_view owner = org ? Get(*org, "org-name") : std::string_view();
  record.set_owner(std::string(owner.empty() ? Get(block, "descr") : owner));
  if (record.owner().empty()) record.set_owner(record.netname());
  RpslAbuse(AbuseComments(lines), range, index, block, &record);
  answer.record = std::move(record);
  return answer;
}

WhoisAnswer ParseLacnic(const std::vector<std::string_view>& lines,
                        const core::IpAddress& address) {
  WhoisAnswer answer;
  for (std::string_view line : lines) {
    if (ContainsNoCase(line, "not assigned to lacnic") ||
        ContainsNoCase(line, "not allocated to lacnic")) {
      answer.not_managed = true;
      return answer;
    }
  }
  std::vector<Object> objects = SplitObjects(lines);
  AddressRange range;
  int best = MostSpecific(objects, address, true, &range);
  if (best < 0) return answer;
  const Object& block = objects[best];
  Index index = IndexContacts(objects);
  v1::OwnerRecord record = RecordFor(range);
  record.set_owner(std::string(Get(block, "owner")));
  record.set_netname(std::string(Get(block, "ownerid")));
  std::string country = Trim(Get(block, "country"));
  for (char& c : country) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  record.set_country(country);
  FromRefs(index, block, "abuse-c", "e-mail", &record);
  for (std::string_view v : GetAll(block, "abuse-mailbox")) AddAbuse(v, &record);
  if (record.abuse_size() == 0) {
    FromRefs(index, block, "owner-c", "e-mail", &record);
    FromRefs(index, block, "tech-c", "e-mail", &record);
  }
  answer.record = std::move(record);
  return answer;
}

}  // namespace abuseflow::enrich::whois_internal
