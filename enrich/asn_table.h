#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/prefix_map.h"
#include "core/result.h"
#include "core/status.h"
#include "enrich/line_table.h"

namespace abuseflow::enrich {

// One line of a CAIDA RouteViews prefix2as file (docs/offline-data.md).
struct Prefix2AsLine {
  bool entry = false;             // false: a blank or '#' comment line
  core::IpPrefix prefix;          // entry: the announced prefix
  std::vector<uint32_t> origins;  // entry: its origin ASNs as listed, duplicates left out
};

// Parses "PREFIX<TAB>LENGTH<TAB>ORIGINS" (runs of tabs or spaces separate the
// fields), where ORIGINS is one ASN, several joined with '_' (a multi-origin
// prefix, most frequent origin first) or ',' (an AS set), or a mix, at most
// 64 ASNs in asplain (0 to 4294967295). InvalidArgument with the reason for
// anything else, host bits set in the prefix included. Pure.
core::Result<Prefix2AsLine> ParsePrefix2AsLine(std::string_view line);

struct AsnTableStats {
  uint64_t files = 0;
  uint64_t prefixes = 0;   // distinct prefixes indexed
  uint64_t malformed = 0;  // lines skipped, logged as FILE:LINE warnings (first 20 per file)
};

// The announced prefix containing an address and its origin ASNs.
struct AsnMatch {
  core::IpPrefix prefix;
  std::span<const uint32_t> origins;  // as listed in the file; valid until the next load
};

// The prefix -> origin ASN table of `enrich.asn_table` (CAIDA RouteViews
// prefix2as): the most specific announced prefix containing an address gives
// its origins. The same prefix listed twice keeps the later line. Malformed
// lines are counted and skipped.
//
// Load before looking up; loading is not thread-safe, concurrent const calls
// after loading are.
class AsnTable {
 public:
  // Adds the lines of one file; IoError naming `path` when it cannot be
  // opened or read.
  core::Status Load(const std::string& path);
  // The same over a stream; `name` names it in warnings.
  core::Status Add(std::istream* in, std::string_view name);

  std::optional<AsnMatch> Lookup(const core::IpAddress& address) const;

  // Calls fn(const core::IpPrefix&, std::span<const uint32_t>) for every prefix.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    index_.ForEach([&](const core::IpPrefix& p, const Entry& e) { fn(p, OriginsOf(e)); });
  }

  bool empty() const { return index_.empty(); }
  const AsnTableStats& stats() const { return stats_; }

 private:
  struct Entry {
    uint32_t offset;  // into origins_
    uint32_t count;
  };
  std::optional<std::string> AddLine(std::string_view line);
  LineTable Table();  // how Load and Add read lines into this table
  std::span<const uint32_t> OriginsOf(const Entry& e) const {
    return std::span<const uint32_t>(origins_).subspan(e.offset, e.count);
  }

  core::PrefixMap<Entry> index_;
  std::vector<uint32_t> origins_;  // every entry's origins, one after another
  AsnTableStats stats_;
};

}  // namespace abuseflow::enrich
