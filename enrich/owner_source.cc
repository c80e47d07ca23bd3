#include "enrich/owner_source.h"

namespace abuseflow::enrich {

core::IpPrefix DefaultNegativeScope(const core::IpAddress& address) {
  return core::IpPrefix(address, address.is_v4() ? 24 : 48);
}

std::vector<core::IpPrefix> OwnerSource::AnswerScope(const core::IpAddress& address,
                                                     const v1::OwnerRecord* record) const {
  if (record == nullptr) return {DefaultNegativeScope(address)};
  std::vector<core::IpPrefix> scope;
  for (const std::string& cidr : record->cidrs()) {
    if (auto prefix = core::IpPrefix::Parse(cidr)) scope.push_back(*prefix);
  }
  return scope;
}

}  // namespace abuseflow::enrich
