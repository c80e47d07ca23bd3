#include "enrich/rdap_parser.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <nlohmann/json.hpp>

#include "core/mailbox.h"

namespace abuseflow::enrich {
namespace {

using nlohmann::json;

constexpr size_t kMaxAbuse = 8;
constexpr size_t kMaxEntities = 256;  // visited per answer, nested ones included

std::optional<json> ParseJson(std::string_view text) {
  if (JsonTooDeep(text, kMaxRdapJsonDepth)) return std::nullopt;
  json parsed = json::parse(text.begin(), text.end(), nullptr, false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

std::string StringAt(const json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// The text values of the vCard properties named `name` ("fn", "email").
std::vector<std::string> VcardValues(const json& entity, const char* name) {
  std::vector<std::string> out;
  auto card = entity.find("vcardArray");
  if (card == entity.end() || !card->is_array() || card->size() < 2 || !(*card)[1].is_array()) {
    return out;
  }
  for (const json& property : (*card)[1]) {
    if (!property.is_array() || property.size() < 4 || !property[0].is_string()) continue;
    std::string key = property[0].get<std::string>();
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    if (key == name && property[3].is_string()) out.push_back(property[3].get<std::string>());
  }
  return out;
}

bool HasRole(const json& entity, const char* role) {
  auto roles = entity.find("roles");
  if (roles == entity.end() || !roles->is_array()) return false;
  return std::any_of(roles->begin(), roles->end(),
                     [&](const json& r) { return r.is_string() && r.get<std::string>() == role; });
}

// Every entity of the network, nested ones too, breadth first, bounded.
std::vector<const json*> Entities(const json& network) {
  std::vector<const json*> out;
  std::deque<const json*> todo{&network};
  while (!todo.empty() && out.size() < kMaxEntities) {
    const json* node = todo.front();
    todo.pop_front();
    auto list = node->find("entities");
    if (list == node->end() || !list->is_array()) continue;
    for (const json& entity : *list) {
      if (!entity.is_object() || out.size() >= kMaxEntities) continue;
      out.push_back(&entity);
      todo.push_back(&entity);
    }
  }
  return out;
}

void AddMailboxes(const json& entity, v1::OwnerRecord* record) {
  for (const std::string& field : VcardValues(entity, "email")) {
    for (const std::string& mailbox : core::ExtractMailboxes(field)) {
      if (static_cast<size_t>(record->abuse_size()) >= kMaxAbuse) return;
      bool known = std::any_of(record->abuse().begin(), record->abuse().end(),
                               [&](const std::string& m) {
                                 return std::equal(m.begin(), m.end(), mailbox.begin(), mailbox.end(),
                                                   [](char a, char b) {
                                                     return std::tolower(a) == std::tolower(b);
                                                   });
                               });
      if (!known) record->add_abuse(mailbox);
    }
  }
}

void ReadContacts(const json& network, v1::OwnerRecord* record) {
  std::vector<const json*> entities = Entities(network);
  for (const char* role : {"abuse", "technical", "administrative", "registrant"}) {
    for (const json* entity : entities) {
      if (HasRole(*entity, role)) AddMailboxes(*entity, record);
    }
    if (record->abuse_size() > 0) break;
  }
  for (const char* role : {"registrant", ""}) {
    for (const json* entity : entities) {
      if (*role != '\0' && !HasRole(*entity, role)) continue;
      std::vector<std::string> fn = VcardValues(*entity, "fn");
      if (!fn.empty() && !fn[0].empty()) {
        record->set_owner(fn[0]);
        return;
      }
    }
  }
}

// cidr0_cidrs (draft-ietf-regext-rdap-cidr0): [{"v4prefix": "...", "length": N}].
std::vector<core::IpPrefix> Cidr0(const json& network) {
  std::vector<core::IpPrefix> out;
  auto list = network.find("cidr0_cidrs");
  if (list == network.end() || !list->is_array()) return out;
  for (const json& item : *list) {
    std::string prefix = StringAt(item, "v4prefix");
    if (prefix.empty()) prefix = StringAt(item, "v6prefix");
    auto length = item.is_object() ? item.find("length") : item.end();
    if (prefix.empty() || length == item.end() || !length->is_number_unsigned()) continue;
    if (auto p = core::IpPrefix::Parse(prefix + "/" + std::to_string(length->get<unsigned>()))) {
      out.push_back(*p);
    }
  }
  return out;
}

}  // namespace

bool JsonTooDeep(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

core::Result<v1::OwnerRecord> ParseRdapNetwork(std::string_view text) {
  std::optional<json> parsed = ParseJson(text);
  if (!parsed || !parsed->is_object()) {
    return core::Status::InvalidArgument("RDAP answer is not a JSON object (or nests too deep)");
  }
  const json& network = *parsed;
  if (network.contains("errorCode")) {
    return core::Status::InvalidArgument("RDAP error object: " + StringAt(network, "title"));
  }
  if (StringAt(network, "objectClassName") != "ip network") {
    return core::Status::InvalidArgument("RDAP answer is not an ip network object");
  }
  auto first = core::IpAddress::Parse(StringAt(network, "startAddress"));
  auto last = core::IpAddress::Parse(StringAt(network, "endAddress"));
  if (!first || !last || first->family() != last->family() || *last < *first) {
    return core::Status::InvalidArgument("RDAP ip network without a valid startAddress/endAddress");
  }
  v1::OwnerRecord record;
  record.set_first(first->ToBytes());
  record.set_last(last->ToBytes());
  std::vector<core::IpPrefix> cidrs = Cidr0(network);
  if (cidrs.empty()) cidrs = core::IpPrefix::FromRange(*first, *last);
  for (const core::IpPrefix& p : cidrs) record.add_cidrs(p.ToString());
  record.set_netname(StringAt(network, "name"));
  std::string country = StringAt(network, "country");
  std::transform(country.begin(), country.end(), country.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  record.set_country(country);
  ReadContacts(network, &record);
  if (record.owner().empty()) record.set_owner(record.netname());
  return record;
}

// Defined in the generated rdap_bootstrap_data.cc.
extern const char* const kBundledRdapIpv4;
extern const char* const kBundledRdapIpv6;

RdapBootstrap RdapBootstrap::Bundled() {
  RdapBootstrap bootstrap;
  (void)bootstrap.Add(kBundledRdapIpv4);
  (void)bootstrap.Add(kBundledRdapIpv6);
  return bootstrap;
}

core::Status RdapBootstrap::Add(std::string_view text) {
  std::optional<json> parsed = ParseJson(text);
  if (!parsed || !parsed->is_object()) return core::Status::InvalidArgument("bootstrap file is not JSON");
  auto services = parsed->find("services");
  if (services == parsed->end() || !services->is_array()) {
    return core::Status::InvalidArgument("bootstrap file has no \"services\" array");
  }
  for (const json& service : *services) {
    if (!service.is_array() || service.size() < 2 || !service[0].is_array() || !service[1].is_array()) {
      return core::Status::InvalidArgument("bootstrap service is not [[prefixes], [urls]]");
    }
    std::string url;
    for (const json& u : service[1]) {
      if (!u.is_string()) continue;
      std::string s = u.get<std::string>();
      if (url.empty() || (s.rfind("https://", 0) == 0 && url.rfind("https://", 0) != 0)) url = s;
    }
    if (url.empty()) continue;
    if (url.back() != '/') url += '/';
    for (const json& p : service[0]) {
      if (!p.is_string()) continue;
      if (auto prefix = core::IpPrefix::Parse(p.get<std::string>())) entries_.emplace_back(*prefix, url);
    }
  }
  return core::Status::Ok();
}

namespace {

// Counts one service's URLs and prefixes into *info; false if it has no
// http(s) URL.
bool CountService(const json& service, RdapBootstrapInfo* info) {
  bool url = std::any_of(service[1].begin(), service[1].end(), [](const json& u) {
    if (!u.is_string()) return false;
    const std::string& s = u.get_ref<const std::string&>();
    return s.rfind("https://", 0) == 0 || s.rfind("http://", 0) == 0;
  });
  if (!url) return false;
  ++info->services;
  for (const json& p : service[0]) {
    if (!p.is_string()) continue;
    auto prefix = core::IpPrefix::Parse(p.get<std::string>());
    if (prefix) ++(prefix->first().is_v4() ? info->v4_prefixes : info->v6_prefixes);
  }
  return true;
}

}  // namespace

core::Result<RdapBootstrapInfo> InspectRdapBootstrap(std::string_view text) {
  RdapBootstrap check;
  if (core::Status s = check.Add(text); !s.ok()) return s;
  json parsed = *ParseJson(text);  // Add has parsed it already
  RdapBootstrapInfo info;
  info.version = StringAt(parsed, "version");
  info.publication = StringAt(parsed, "publication");
  info.description = StringAt(parsed, "description");
  if (info.version.empty()) return core::Status::InvalidArgument("bootstrap file has no \"version\"");
  if (info.publication.empty()) {
    return core::Status::InvalidArgument("bootstrap file has no \"publication\" date");
  }
  for (const json& service : parsed["services"]) {
    if (!CountService(service, &info)) {
      return core::Status::InvalidArgument("bootstrap service without an http(s) URL");
    }
  }
  if (info.v4_prefixes + info.v6_prefixes == 0) {
    return core::Status::InvalidArgument("bootstrap file lists no valid prefix");
  }
  return info;
}

std::optional<std::string> RdapBootstrap::BaseUrlFor(const core::IpAddress& address) const {
  const std::pair<core::IpPrefix, std::string>* best = nullptr;
  for (const auto& entry : entries_) {
    if (entry.first.Contains(address) && (!best || entry.first.length() > best->first.length())) {
      best = &entry;
    }
  }
  if (best == nullptr) return std::nullopt;
  return best->second;
}

}  // namespace abuseflow::enrich
