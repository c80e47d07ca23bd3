#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/result.h"

namespace abuseflow::enrich {

// JSON nested deeper than this is refused before parsing (bounded stack).
inline constexpr int kMaxRdapJsonDepth = 64;

// The IANA RDAP bootstrap registry for IP addresses (RFC 9224): prefixes and
// the base URLs of the registry serving them, in the format of
// https://data.iana.org/rdap/ipv4.json and ipv6.json. Immutable once loaded.
class RdapBootstrap {
 public:
  // The copy bundled with abuseflow (enrich/rdap/ipv4.json and ipv6.json).
  static RdapBootstrap Bundled();

  // Adds the services of one bootstrap file. InvalidArgument, naming what is
  // wrong, for text that is not a bootstrap file; bad prefixes are skipped.
  core::Status Add(std::string_view json);

  // The base URL (ending in "/") of the longest prefix containing `address`,
  // an https:// one when a service lists several; nullopt if none does.
  std::optional<std::string> BaseUrlFor(const core::IpAddress& address) const;
  size_t size() const { return entries_.size(); }

 private:
  std::vector<std::pair<core::IpPrefix, std::string>> entries_;
};

// What an IANA bootstrap file (RFC 9224) says about itself, for
// `abuseflow rdap bootstrap update` (docs/rdap.md).
struct RdapBootstrapInfo {
  std::string version;      // "version", "1.0" in IANA's files
  std::string publication;  // "publication", e.g. "2024-05-31T18:00:01Z"
  std::string description;  // "description", may be empty
  size_t services = 0;      // services with at least one URL
  size_t v4_prefixes = 0;   // valid IPv4 prefixes listed
  size_t v6_prefixes = 0;   // valid IPv6 prefixes listed
};

// Checks a bootstrap file before it replaces another: what RdapBootstrap::Add
// refuses, plus no "version" or "publication" string, a service without an
// http(s) URL, or no valid prefix at all. InvalidArgument naming what is
// wrong. Pure, bounded as ParseRdapNetwork (depth, linear time).
core::Result<RdapBootstrapInfo> InspectRdapBootstrap(std::string_view json);

// Parses an RDAP "ip network" object (RFC 9083 5.4) into an owner record:
// startAddress/endAddress (first, last), the cidr0_cidrs extension (else the
// CIDRs of the range), name (netname), country (upper case), the owner (the
// `fn` of the registrant entity's vCard, else of the first entity, else the
// name) and the abuse mailboxes, best first, at most 8, only valid ones: the
// vCard `email` of entities with the role "abuse", at any nesting depth
// (breadth first, so the network's own abuse contact comes first), then only
// if none, of the technical, administrative and registrant ones. Provenance
// is left to the caller. InvalidArgument for anything else: not JSON, too
// deep, an RDAP error object, not an ip network, no valid range. Pure.
core::Result<v1::OwnerRecord> ParseRdapNetwork(std::string_view json);

// True if the JSON text nests arrays and objects deeper than `max_depth`
// (strings are skipped). Pure, linear.
bool JsonTooDeep(std::string_view json, int max_depth);

}  // namespace abuseflow::enrich
