#include "enrich/delegated_stats.h"

#include <algorithm>
#include <charconv>


namespace abuseflow::enrich {
namespace {

// Longer lines are malformed: real records are under 200 bytes.
constexpr size_t kMaxLine = 4096;
// Fields looked at; extensions after the opaque-id are not split further.
constexpr size_t kMaxFields = 9;

using Kind = DelegatedLine::Kind;

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  while (fields.size() + 1 < kMaxFields) {
    size_t bar = line.find('|');
    if (bar == std::string_view::npos) break;
    fields.push_back(line.substr(0, bar));
    line.remove_prefix(bar + 1);
  }
  fields.push_back(line);
  return fields;
}

bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

bool AllOf(std::string_view s, std::string_view allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

std::optional<uint64_t> Decimal(std::string_view s) {
  uint64_t v = 0;
  if (!AllOf(s, "0123456789") || s.size() > 19) return std::nullopt;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

core::Status Bad(std::string why) { return core::Status::InvalidArgument(std::move(why)); }

core::Status Ipv4Range(std::string_view start, std::string_view value, DelegatedLine* out) {
  auto first = core::IpAddress::Parse(start);
  if (!first || !first->is_v4()) return Bad("ipv4 start '" + std::string(start) + "' is not an IPv4 address");
  auto count = Decimal(value);
  uint64_t room = uint64_t{0xFFFFFFFF} - first->v4() + 1;
  if (!count || *count == 0 || *count > room) {
    return Bad("ipv4 count '" + std::string(value) + "' is not 1 to " + std::to_string(room));
  }
  auto last = core::IpAddress::V4(static_cast<uint32_t>(first->v4() + (*count - 1)));
  out->prefixes = core::IpPrefix::FromRange(*first, last);
  return core::Status::Ok();
}

core::Status Ipv6Range(std::string_view start, std::string_view value, DelegatedLine* out) {
  auto first = core::IpAddress::Parse(start);
  if (!first || first->is_v4()) return Bad("ipv6 start '" + std::string(start) + "' is not an IPv6 address");
  auto length = Decimal(value);
  if (!length || *length > 128) return Bad("ipv6 prefix length '" + std::string(value) + "' is not 0 to 128");
  int len = static_cast<int>(*length);
  if (first->Masked(len) != *first) {
    return Bad("ipv6 start " + std::string(start) + " has host bits set for /" + std::to_string(len));
  }
  out->prefixes = {core::IpPrefix(*first, len)};
  return core::Status::Ok();
}

// A data record: registry|cc|type|start|value|date|status[|opaque-id[|extensions]].
core::Result<DelegatedLine> ParseRecord(const std::vector<std::string_view>& f) {
  DelegatedLine out;
  if (f.size() < 7) return Bad("a record needs 7 fields, this has " + std::to_string(f.size()));
  if (!AllOf(f[0], "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-")) {
    return Bad("registry '" + std::string(f[0]) + "' is not a name");
  }
  std::string_view type = f[2];
  if (type == "asn") return DelegatedLine{Kind::kAsn, {}, {}, {}};
  if (type != "ipv4" && type != "ipv6") return Bad("unknown type '" + std::string(type) + "'");
  core::Status s = type == "ipv4" ? Ipv4Range(f[3], f[4], &out) : Ipv6Range(f[3], f[4], &out);
  if (!s.ok()) return s;
  std::string_view cc = f[1];
  if (cc.empty() || cc == "ZZ" || cc == "zz") return DelegatedLine{Kind::kNoCountry, {}, {}, {}};
  if (cc.size() != 2 || !AllOf(cc, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")) {
    return Bad("country '" + std::string(cc) + "' is not two letters");
  }
  out.kind = Kind::kRange;
  out.registry = std::string(f[0]);
  for (char c : cc) out.country.push_back(static_cast<char>(c & ~0x20));
  return out;
}

}  // namespace

core::Result<DelegatedLine> ParseDelegatedLine(std::string_view line) {
  if (IsBlank(line)) return DelegatedLine{Kind::kBlank, {}, {}, {}};
  if (line[0] == '#') return DelegatedLine{Kind::kComment, {}, {}, {}};
  std::vector<std::string_view> f = SplitFields(line);
  if (AllOf(f[0], "0123456789.")) return DelegatedLine{Kind::kHeader, {}, {}, {}};
  if (f.size() >= 6 && f[1] == "*" && f[3] == "*" && f[5] == "summary") {
    return DelegatedLine{Kind::kSummary, {}, {}, {}};
  }
  return ParseRecord(f);
}

LineTable DelegatedStats::Table() {
  return {"delegated file", "delegated", kMaxLine,
          [this](std::string_view line) { return AddLine(line); }, &stats_.files,
          &stats_.malformed};
}

core::Status DelegatedStats::Load(const std::string& path) {
  return LoadLineTable(path, Table(), [this] { return index_.size(); });
}

core::Status DelegatedStats::Add(std::istream* in, std::string_view name) {
  return AddLineTable(in, name, Table());
}

std::optional<std::string> DelegatedStats::AddLine(std::string_view line) {
  auto parsed = ParseDelegatedLine(line);
  if (!parsed.ok()) return parsed.status().message();
  switch (parsed->kind) {
    case Kind::kAsn: ++stats_.asn_lines; break;
    case Kind::kNoCountry: ++stats_.no_country; break;
    case Kind::kRange: {
      ++stats_.ranges;
      Entry entry{{parsed->country[0], parsed->country[1]}, RegistryIndex(parsed->registry)};
      for (const core::IpPrefix& p : parsed->prefixes) index_.Insert(p, entry);
      stats_.prefixes = index_.size();
      break;
    }
    default: break;
  }
  return std::nullopt;
}

uint32_t DelegatedStats::RegistryIndex(const std::string& registry) {
  auto [it, added] = registry_index_.try_emplace(registry, static_cast<uint32_t>(registries_.size()));
  if (added) registries_.push_back(registry);
  return it->second;
}

std::optional<DelegatedMatch> DelegatedStats::Lookup(const core::IpAddress& address) const {
  core::IpPrefix matched;
  const Entry* entry = index_.Lookup(address, &matched);
  if (entry == nullptr) return std::nullopt;
  return DelegatedMatch{std::string_view(entry->country, 2), registries_[entry->registry], matched};
}

}  // namespace abuseflow::enrich
