#include "enrich/owner_cache.h"

#include <utility>

namespace abuseflow::enrich {

void OwnerCache::Insert(v1::OwnerRecord record) {
  std::vector<core::IpPrefix> prefixes;
  for (const std::string& cidr : record.cidrs()) {
    if (auto prefix = core::IpPrefix::Parse(cidr)) prefixes.push_back(*prefix);
  }
  Insert(std::move(record), prefixes);
}

void OwnerCache::Insert(v1::OwnerRecord record, const std::vector<core::IpPrefix>& prefixes) {
  auto shared = std::make_shared<const v1::OwnerRecord>(std::move(record));
  for (const core::IpPrefix& prefix : prefixes) index_.Insert(prefix, shared);
}

const v1::OwnerRecord* OwnerCache::Lookup(const core::IpAddress& address) const {
  const auto* entry = index_.Lookup(address);
  return entry == nullptr ? nullptr : entry->get();
}

}  // namespace abuseflow::enrich
