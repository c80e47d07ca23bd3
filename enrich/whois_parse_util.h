#pragma once

// Helpers shared by the WHOIS answer parsers (whois_parser*.cc); not an API.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "enrich/rpsl_reader.h"
#include "enrich/whois_parser.h"

namespace abuseflow::enrich::whois_internal {

constexpr size_t kMaxLine = 4096;     // longer lines are ignored
constexpr size_t kMaxObjects = 4096;  // objects kept per answer
constexpr size_t kMaxAttrs = 512;     // attributes kept per object
constexpr size_t kMaxMailboxes = 8;   // abuse mailboxes kept per record

struct Attr {
  std::string key;  // lower case
  std::string value;
};
using Object = std::vector<Attr>;

// The lines of `text` (at most kMaxWhoisParseBytes of it) without "\r".
std::vector<std::string_view> Lines(std::string_view text);
// Blank-line separated "key: value" objects; '%' and '#' lines skipped; lines
// starting with space, tab or '+' continue the previous value. Bounded.
std::vector<Object> SplitObjects(const std::vector<std::string_view>& lines);
std::string_view Get(const Object& object, std::string_view key);
std::vector<std::string_view> GetAll(const Object& object, std::string_view key);

std::string Trim(std::string_view text);
bool ContainsNoCase(std::string_view haystack, std::string_view needle);

// "192.0.2.0 - 192.0.2.255", CIDR, LACNIC's "200.3.12/22", a bare address;
// a trailing "(...)" comment is ignored.
std::optional<AddressRange> ParseAnyRange(std::string_view text);
bool Contains(const AddressRange& range, const core::IpAddress& address);
// True if `a` holds fewer addresses than `b`.
bool Narrower(const AddressRange& a, const AddressRange& b);

// A record with first, last and cidrs of `range`.
v1::OwnerRecord RecordFor(const AddressRange& range);
// Adds the valid mailboxes of `field` to record.abuse, skipping duplicates
// (any case), at most kMaxMailboxes in all.
void AddAbuse(std::string_view field, v1::OwnerRecord* record);

// "whois://host:port", "rwhois://host:port/", "host:port", "host".
std::optional<WhoisReferral> ParseReferral(std::string_view text);

WhoisAnswer ParseIana(const std::vector<std::string_view>& lines);
WhoisAnswer ParseRpsl(const std::vector<std::string_view>& lines, const core::IpAddress& address);
WhoisAnswer ParseArin(const std::vector<std::string_view>& lines, const core::IpAddress& address);
WhoisAnswer ParseLacnic(const std::vector<std::string_view>& lines, const core::IpAddress& address);
WhoisAnswer ParseJpnic(const std::vector<std::string_view>& lines, const core::IpAddress& address);
WhoisAnswer ParseKrnic(const std::vector<std::string_view>& lines, const core::IpAddress& address);
WhoisAnswer ParseTwnic(const std::vector<std::string_view>& lines, const core::IpAddress& address);

}  // namespace abuseflow::enrich::whois_internal
