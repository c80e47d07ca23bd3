#pragma once

#include <optional>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/config.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/prefix_map.h"

namespace abuseflow::enrich {

// The operator's overrides (`[[enrich.override]]`): prefixes with a fixed
// owner and contact, such as the local networks whose probes go to the
// internal liaison. The Enricher asks them before the cache and before every
// source, so no registry answer, cached or persisted, can hide one; their
// answers are not cached. Records: the most specific override containing
// the address (longest prefix; a later entry replaces an earlier one for
// the same prefix), cidrs = that prefix, provenance source "override",
// server "config". Pure; immutable after construction.
class OverrideSource {
 public:
  OverrideSource() = default;
  // Entries as the config validated them; unparseable prefixes are skipped.
  explicit OverrideSource(const std::vector<core::OwnerOverrideConfig>& entries);

  bool empty() const { return prefixes_.empty(); }
  size_t size() const { return prefixes_.size(); }

  // The record of the longest override prefix containing `address`, or null.
  const v1::OwnerRecord* Lookup(const core::IpAddress& address) const;

  // For an address no override covers: the largest prefix around it that
  // meets no override prefix, so an answer from another source is never
  // cached over an override. The whole family when there are none.
  core::IpPrefix FreeScope(const core::IpAddress& address) const;

 private:
  core::PrefixMap<v1::OwnerRecord> index_;
  std::vector<core::IpPrefix> prefixes_;
};

}  // namespace abuseflow::enrich
