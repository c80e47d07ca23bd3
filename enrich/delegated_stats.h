#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/prefix_map.h"
#include "core/result.h"
#include "core/status.h"
#include "enrich/line_table.h"

namespace abuseflow::enrich {

// One line of an RIR delegated(-extended) statistics file
// (docs/offline-data.md gives the format and its sources).
struct DelegatedLine {
  enum class Kind {
    kBlank,      // empty or white space only
    kComment,    // starts with '#'
    kHeader,     // the version line: version|registry|serial|records|start|end|UTCoffset
    kSummary,    // registry|*|type|*|count|summary
    kAsn,        // an asn record: not used
    kNoCountry,  // an ipv4/ipv6 record without a country (available, reserved; cc "" or ZZ)
    kRange,      // an ipv4/ipv6 record with a country
  };
  Kind kind = Kind::kBlank;
  std::string registry;                  // kRange: "apnic", "ripencc", ...
  std::string country;                   // kRange: two letters, upper case (EU and AP occur)
  std::vector<core::IpPrefix> prefixes;  // kRange: the range as CIDRs, in order
};

// Parses one line (without its newline). InvalidArgument with the reason for
// a malformed one: too few fields, an unknown type, a bad address, an IPv4
// count of 0 or past 255.255.255.255, an IPv6 prefix length over 128 or with
// host bits set in the start. Pure; time linear in the line.
core::Result<DelegatedLine> ParseDelegatedLine(std::string_view line);

struct DelegatedStatsStats {
  uint64_t files = 0;
  uint64_t ranges = 0;      // ipv4/ipv6 records with a country
  uint64_t prefixes = 0;    // distinct CIDRs indexed
  uint64_t asn_lines = 0;   // asn records (ignored)
  uint64_t no_country = 0;  // ipv4/ipv6 records without a country (ignored)
  uint64_t malformed = 0;   // lines skipped, logged as FILE:LINE warnings (first 20 per file)
};

// What a delegated file says about an address.
struct DelegatedMatch {
  std::string_view country;   // upper case
  std::string_view registry;  // the registry field of the record
  core::IpPrefix prefix;      // the CIDR of the record that matched
};

// The country of the registry allocation or assignment containing an address,
// from RIR delegated-extended statistics files (`enrich.delegated`). IPv4
// ranges, given as an address count that need not be a power of two, are
// split into CIDRs; the most specific range containing an address answers
// (the same CIDR loaded twice keeps the later record). ASN records and records
// without a country are ignored; malformed lines are counted and skipped.
//
// Load before looking up; loading is not thread-safe, concurrent Lookups after
// loading are. Match views stay valid until the next load.
class DelegatedStats {
 public:
  // Adds the records of one file. IoError naming `path` when it cannot be
  // opened or read; malformed lines do not fail the load.
  core::Status Load(const std::string& path);
  // The same over a stream; `name` names it in warnings.
  core::Status Add(std::istream* in, std::string_view name);

  std::optional<DelegatedMatch> Lookup(const core::IpAddress& address) const;

  bool empty() const { return index_.empty(); }
  const DelegatedStatsStats& stats() const { return stats_; }

 private:
  struct Entry {
    char country[2];
    uint32_t registry;  // into registries_
  };
  // Null, or an error message for a malformed line.
  std::optional<std::string> AddLine(std::string_view line);
  LineTable Table();  // how Load and Add read lines into this table
  uint32_t RegistryIndex(const std::string& registry);

  core::PrefixMap<Entry> index_;
  std::vector<std::string> registries_;
  std::unordered_map<std::string, uint32_t> registry_index_;
  DelegatedStatsStats stats_;
};

}  // namespace abuseflow::enrich
