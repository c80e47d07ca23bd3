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

// ARIN's port 43 query for the networks more specific than `block`:
// "n > PREFIX" ("n": networks only; ">": the more specific ones, every
// level) with the block's CIDR; "" unless the block is exactly one CIDR (a
// range of several is not asked: its answer keeps the usual scope). Pure.
std::string ArinMoreSpecificQuery(const v1::OwnerRecord& block);

// The CIDRs of the networks an ARIN "n >" answer lists that lie strictly
// inside `block`: its summary lines "ORG NAME NETNAME (NET-8-18-2-0-1)
// 8.18.2.0 - 8.18.2.255" (NET6- for IPv6) and, when ARIN shows one network
// in full, its "NetRange:" lines. "No match found for ..." is an empty list;
// nullopt for anything else (garbage, a limit message). Pure, bounded like
// ParseMoreSpecificAnswer (at most 4096 children).
std::optional<std::vector<core::IpPrefix>> ParseArinMoreSpecificAnswer(
    std::string_view text, const v1::OwnerRecord& block);

}  // namespace abuseflow::enrich
