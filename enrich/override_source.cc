#include "enrich/override_source.h"

#include <unordered_map>

namespace abuseflow::enrich {
namespace {

v1::OwnerRecord RecordOf(const core::OwnerOverrideConfig& entry, const core::IpPrefix& prefix,
                         std::string netname = "override") {
  v1::OwnerRecord record;
  record.set_first(prefix.first().ToBytes());
  record.set_last(prefix.last().ToBytes());
  record.add_cidrs(prefix.ToString());
  record.set_owner(entry.owner);
  record.set_netname(std::move(netname));
  record.set_country(entry.country);
  record.add_abuse(entry.contact);
  record.mutable_provenance()->set_source("override");
  record.mutable_provenance()->set_server("config");
  return record;
}

bool Overlap(const core::IpPrefix& a, const core::IpPrefix& b) {
  return a.first().family() == b.first().family() &&
         (a.Contains(b.first()) || b.Contains(a.first()));
}

}  // namespace

OverrideSource::OverrideSource(const std::vector<core::OwnerOverrideConfig>& entries, AsnTable table)
    : table_(std::move(table)) {
  for (const core::OwnerOverrideConfig& entry : entries) {
    for (const std::string& text : entry.prefixes) {
      auto prefix = core::IpPrefix::Parse(text);
      if (!prefix) continue;
      index_.Insert(*prefix, RecordOf(entry, *prefix));
      prefixes_.push_back(*prefix);
    }
  }
  IndexAsns(entries);
}

void OverrideSource::IndexAsns(const std::vector<core::OwnerOverrideConfig>& entries) {
  std::unordered_map<uint32_t, size_t> owner_of;  // ASN -> its (last) entry
  for (size_t i = 0; i < entries.size(); ++i) {
    for (uint32_t asn : entries[i].asns) owner_of[asn] = i;
  }
  if (owner_of.empty()) return;
  table_.ForEach([&](const core::IpPrefix& prefix, std::span<const uint32_t> origins) {
    for (uint32_t asn : origins) {
      auto it = owner_of.find(asn);
      if (it == owner_of.end()) continue;
      asn_index_.Insert(prefix, RecordOf(entries[it->second], prefix, "override-AS" + std::to_string(asn)));
      asn_prefixes_.push_back(prefix);
      return;
    }
  });
}

const v1::OwnerRecord* OverrideSource::Lookup(const core::IpAddress& address) const {
  if (!prefixes_.empty()) {
    if (const v1::OwnerRecord* fixed = index_.Lookup(address)) return fixed;
  }
  if (asn_prefixes_.empty()) return nullptr;
  auto announced = table_.Lookup(address);
  return announced ? asn_index_.Find(announced->prefix) : nullptr;
}

// Whether `scope` (around `address`) meets an override prefix or an announced
// prefix of an override ASN. An announced prefix containing `address` does not
// count: the address is not overridden (else Lookup answered), so a more
// specific announcement of another origin holds it, and FreeScope stays inside that.
bool OverrideSource::Meets(const core::IpPrefix& scope, const core::IpAddress& address) const {
  for (const core::IpPrefix& p : prefixes_) {
    if (Overlap(scope, p)) return true;
  }
  for (const core::IpPrefix& p : asn_prefixes_) {
    if (!p.Contains(address) && Overlap(scope, p)) return true;
  }
  return false;
}

core::IpPrefix OverrideSource::FreeScope(const core::IpAddress& address) const {
  // Halve towards the address until the prefix meets no override.
  core::IpPrefix scope(address, 0);
  while (scope.length() < address.bit_width() && Meets(scope, address)) {
    scope = core::IpPrefix(address, scope.length() + 1);
  }
  // Inside an override ASN's announcement: stay within the more specific
  // announcement that holds the address.
  bool inside = false;
  for (const core::IpPrefix& p : asn_prefixes_) inside = inside || p.Contains(address);
  if (inside) {
    auto announced = table_.Lookup(address);
    if (announced && announced->prefix.length() > scope.length()) {
      scope = announced->prefix;
    }
  }
  return scope;
}

}  // namespace abuseflow::enrich
