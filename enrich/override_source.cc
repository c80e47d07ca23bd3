#include "enrich/override_source.h"

namespace abuseflow::enrich {
namespace {

v1::OwnerRecord RecordOf(const core::OwnerOverrideConfig& entry, const core::IpPrefix& prefix) {
  v1::OwnerRecord record;
  record.set_first(prefix.first().ToBytes());
  record.set_last(prefix.last().ToBytes());
  record.add_cidrs(prefix.ToString());
  record.set_owner(entry.owner);
  record.set_netname("override");
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

OverrideSource::OverrideSource(const std::vector<core::OwnerOverrideConfig>& entries) {
  for (const core::OwnerOverrideConfig& entry : entries) {
    for (const std::string& text : entry.prefixes) {
      auto prefix = core::IpPrefix::Parse(text);
      if (!prefix) continue;
      index_.Insert(*prefix, RecordOf(entry, *prefix));
      prefixes_.push_back(*prefix);
    }
  }
}

const v1::OwnerRecord* OverrideSource::Lookup(const core::IpAddress& address) const {
  if (prefixes_.empty()) return nullptr;
  return index_.Lookup(address);
}

core::IpPrefix OverrideSource::FreeScope(const core::IpAddress& address) const {
  // Halve towards the address until the prefix meets no override.
  core::IpPrefix scope(address, 0);
  while (scope.length() < address.bit_width()) {
    bool meets = false;
    for (const core::IpPrefix& p : prefixes_) meets = meets || Overlap(scope, p);
    if (!meets) break;
    scope = core::IpPrefix(address, scope.length() + 1);
  }
  return scope;
}

}  // namespace abuseflow::enrich
