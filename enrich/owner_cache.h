#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/prefix_map.h"

namespace abuseflow::enrich {

// Owner records keyed by netblock, not by address: a record stored under its
// block's CIDRs answers for every address in them (longest-prefix match, so a
// more specific block stored later wins inside its range). Negative answers
// are records with `unresolved` set, stored under a prefix like any other.
//
// In memory only for now: no persistence, no TTLs, no size bound (issue 4).
// Not thread-safe; one cache per Enricher.
class OwnerCache {
 public:
  // Stores `record` under every CIDR in record.cidrs (unparseable ones are
  // ignored), replacing what was stored under exactly those prefixes.
  void Insert(v1::OwnerRecord record);
  // Stores `record` under the given prefixes instead of its own CIDRs: the
  // part of its block it answers for, or the scope of a negative answer.
  void Insert(v1::OwnerRecord record, const std::vector<core::IpPrefix>& prefixes);

  // The record of the longest cached prefix containing `address`, or nullptr.
  // The pointer stays valid until the next Insert.
  const v1::OwnerRecord* Lookup(const core::IpAddress& address) const;

  // Number of cached prefixes.
  size_t size() const { return index_.size(); }

 private:
  core::PrefixMap<std::shared_ptr<const v1::OwnerRecord>> index_;
};

}  // namespace abuseflow::enrich
