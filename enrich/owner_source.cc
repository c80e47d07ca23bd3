#include "enrich/owner_source.h"

#include <algorithm>
#include <cctype>

#include "core/mailbox.h"

namespace abuseflow::enrich {

core::IpPrefix DefaultNegativeScope(const core::IpAddress& address) {
  return core::IpPrefix(address, address.is_v4() ? 24 : 48);
}

namespace {

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace

void SetUpstreamAbuse(const std::vector<std::string>& covering, v1::OwnerRecord* record) {
  record->clear_upstream_abuse();
  auto known = [record](const std::string& mailbox) {
    auto same = [&mailbox](const std::string& m) { return SameIgnoringCase(m, mailbox); };
    return std::any_of(record->abuse().begin(), record->abuse().end(), same) ||
           std::any_of(record->upstream_abuse().begin(), record->upstream_abuse().end(), same);
  };
  for (const std::string& mailbox : covering) {
    if (record->upstream_abuse_size() >= kMaxUpstreamAbuse) break;
    if (core::IsValidMailbox(mailbox) && !known(mailbox)) record->add_upstream_abuse(mailbox);
  }
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
