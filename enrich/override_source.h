#pragma once

#include <optional>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/config.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/prefix_map.h"
#include "enrich/asn_table.h"

namespace abuseflow::enrich {

// The operator's overrides (`[[enrich.override]]`): prefixes or ASNs with a
// fixed owner and contact, such as the local networks whose probes go to the
// internal liaison. The Enricher asks them before the cache and before every
// source, so no registry answer, cached or persisted, can hide one; their
// answers are not cached. Precedence: the most specific prefix override
// containing the address (a later entry replaces an earlier one for the same
// prefix); else, when the address's most specific prefix in the ASN table has
// an override ASN as origin (the first such origin as listed), that ASN's
// override (a later entry wins for the same ASN), cidrs = the announced
// prefix, netname "override-AS<n>"; prefix overrides always win over ASN
// ones. Provenance source "override", server "config". Pure; immutable
// after construction.
class OverrideSource {
 public:
  OverrideSource() = default;
  // Entries as the config validated them; unparseable prefixes are skipped.
  explicit OverrideSource(const std::vector<core::OwnerOverrideConfig>& entries)
      : OverrideSource(entries, AsnTable()) {}
  // With the prefix -> origin ASN table the entries' `asns` are matched against.
  OverrideSource(const std::vector<core::OwnerOverrideConfig>& entries, AsnTable table);

  bool empty() const { return prefixes_.empty() && asn_prefixes_.empty(); }
  // Override prefixes, and announced prefixes an override ASN originates.
  size_t size() const { return prefixes_.size() + asn_prefixes_.size(); }

  // The record of the longest override prefix containing `address`, or null.
  const v1::OwnerRecord* Lookup(const core::IpAddress& address) const;

  // For an address no override covers: the largest prefix around it that
  // meets no override prefix and no address an ASN override answers for, so
  // an answer from another source is never cached over an override. The
  // whole family when there are none. Time: prefixes times address width.
  core::IpPrefix FreeScope(const core::IpAddress& address) const;

 private:
  void IndexAsns(const std::vector<core::OwnerOverrideConfig>& entries);
  bool Meets(const core::IpPrefix& scope, const core::IpAddress& address) const;

  core::PrefixMap<v1::OwnerRecord> index_;
  std::vector<core::IpPrefix> prefixes_;
  AsnTable table_;
  core::PrefixMap<v1::OwnerRecord> asn_index_;  // announced prefix -> its ASN override
  std::vector<core::IpPrefix> asn_prefixes_;     // the keys of asn_index_
};

}  // namespace abuseflow::enrich
