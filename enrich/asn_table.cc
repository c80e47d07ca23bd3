#include "enrich/asn_table.h"

#include <algorithm>
#include <charconv>


namespace abuseflow::enrich {
namespace {

constexpr size_t kMaxLine = 4096;
constexpr size_t kMaxOrigins = 64;

core::Status Bad(std::string why) { return core::Status::InvalidArgument(std::move(why)); }

// The fields of `line` separated by runs of tabs and spaces; at most 4.
std::vector<std::string_view> Fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (out.size() < 4) {
    i = line.find_first_not_of(" \t", i);
    if (i == std::string_view::npos) break;
    size_t end = std::min(line.find_first_of(" \t", i), line.size());
    out.push_back(line.substr(i, end - i));
    i = end;
  }
  return out;
}

std::optional<uint32_t> Asn(std::string_view s) {
  uint64_t v = 0;
  if (s.empty() || s.size() > 10 || s.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  std::from_chars(s.data(), s.data() + s.size(), v);
  if (v > UINT32_MAX) return std::nullopt;
  return static_cast<uint32_t>(v);
}

core::Status ParseOrigins(std::string_view field, std::vector<uint32_t>* out) {
  while (true) {
    size_t sep = field.find_first_of("_,");
    std::string_view token = field.substr(0, sep);
    auto asn = Asn(token);
    if (!asn) return Bad("origin '" + std::string(token) + "' is not an ASN");
    if (std::find(out->begin(), out->end(), *asn) == out->end()) out->push_back(*asn);
    if (out->size() > kMaxOrigins) return Bad("more than " + std::to_string(kMaxOrigins) + " origins");
    if (sep == std::string_view::npos) return core::Status::Ok();
    field.remove_prefix(sep + 1);
  }
}

}  // namespace

core::Result<Prefix2AsLine> ParsePrefix2AsLine(std::string_view line) {
  Prefix2AsLine out;
  std::vector<std::string_view> f = Fields(line);
  if (f.empty() || f[0][0] == '#') return out;
  if (f.size() != 3) return Bad("a line needs 3 fields (prefix, length, origins)");
  auto address = core::IpAddress::Parse(f[0]);
  if (!address) return Bad("'" + std::string(f[0]) + "' is not an address");
  auto length = Asn(f[1]);
  if (!length || static_cast<int>(*length) > address->bit_width()) {
    return Bad("prefix length '" + std::string(f[1]) + "' is out of range");
  }
  int len = static_cast<int>(*length);
  if (address->Masked(len) != *address) {
    return Bad(std::string(f[0]) + "/" + std::to_string(len) + " has host bits set");
  }
  if (core::Status s = ParseOrigins(f[2], &out.origins); !s.ok()) return s;
  out.entry = true;
  out.prefix = core::IpPrefix(*address, len);
  return out;
}

LineTable AsnTable::Table() {
  return {"asn table", "asn table", kMaxLine,
          [this](std::string_view line) { return AddLine(line); }, &stats_.files,
          &stats_.malformed};
}

core::Status AsnTable::Load(const std::string& path) {
  return LoadLineTable(path, Table(), [this] { return index_.size(); });
}

core::Status AsnTable::Add(std::istream* in, std::string_view name) {
  return AddLineTable(in, name, Table());
}

std::optional<std::string> AsnTable::AddLine(std::string_view line) {
  auto parsed = ParsePrefix2AsLine(line);
  if (!parsed.ok()) return parsed.status().message();
  if (!parsed->entry) return std::nullopt;
  Entry entry{static_cast<uint32_t>(origins_.size()), static_cast<uint32_t>(parsed->origins.size())};
  origins_.insert(origins_.end(), parsed->origins.begin(), parsed->origins.end());
  index_.Insert(parsed->prefix, entry);
  stats_.prefixes = index_.size();
  return std::nullopt;
}

std::optional<AsnMatch> AsnTable::Lookup(const core::IpAddress& address) const {
  core::IpPrefix matched;
  const Entry* entry = index_.Lookup(address, &matched);
  if (entry == nullptr) return std::nullopt;
  return AsnMatch{matched, OriginsOf(*entry)};
}

}  // namespace abuseflow::enrich
