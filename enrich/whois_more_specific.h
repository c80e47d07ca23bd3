#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_prefix.h"

namespace abuseflow::enrich {

// The RPSL query (RIPE, APNIC, AFRINIC: "-m, --one-more: first level more
// specific") for the blocks directly inside `block`: "-m FIRST - LAST" for an
// IPv4 range, "-m PREFIX" (its first CIDR) for IPv6; "" when the record has
// no usable range. Pure.
std::string MoreSpecificQuery(const v1::OwnerRecord& block);

// The CIDRs of the inetnum/inet6num objects a "-m" answer lists that lie
// strictly inside `block` (the block itself and anything outside it are left
// out). "%ERROR:101: no entries found" is an empty list; nullopt when the
// text is neither (garbage, an error, a limit message: the caller cannot know
// the children). Pure, bounded like ParseWhoisAnswer.
std::optional<std::vector<core::IpPrefix>> ParseMoreSpecificAnswer(std::string_view text,
                                                                   const v1::OwnerRecord& block);

}  // namespace abuseflow::enrich
