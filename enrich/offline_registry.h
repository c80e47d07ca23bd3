#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/prefix_map.h"
#include "core/status.h"
#include "enrich/owner_source.h"
#include "enrich/rpsl_reader.h"

namespace abuseflow::enrich {

struct OfflineRegistryStats {
  uint64_t files = 0;
  uint64_t objects = 0;    // well-formed objects of the classes used
  uint64_t blocks = 0;     // distinct inetnum and inet6num ranges
  uint64_t malformed = 0;  // broken objects dropped (and logged with file:line)
};

// Owner records from offline RPSL registry files (RIPE-style database dumps).
// Indexes inetnum and inet6num blocks by their CIDRs, and role, person,
// organisation and irt objects by key (references are resolved at lookup time,
// so objects may come in any order and from any of the files).
//
// Lookup gives the most specific block containing the address (smallest by
// number of addresses; blocks are expected to be nested or disjoint, as in RIR
// data): its range, CIDRs, owner (org-name of its organisation, else its first
// descr), netname, country and abuse mailboxes, best first:
//   1. the "% Abuse contact for ..." comment before the block,
//   2. abuse-mailbox of its mnt-irt irt objects,
//   3. abuse-mailbox of its abuse-c role or person,
//   4. abuse-mailbox of its organisation's abuse-c,
//   5. abuse-mailbox on the block itself;
// duplicates (compared in lower case) left out. A block without any contact
// inherits that of the nearest covering block that has one. A block with a
// contact of its own gets, as upstream_abuse, the contact of the nearest
// covering block that names another mailbox (SetUpstreamAbuse). References to
// missing objects just give no contact. The same range loaded twice keeps the
// later object.
//
// Load before looking up; Load is not thread-safe, concurrent Lookups after
// loading are.
class OfflineRegistry : public OwnerSource {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since the epoch

  // `now_us` stamps the provenance of records (load time); default: system clock.
  explicit OfflineRegistry(Clock now_us = nullptr);

  // Adds the objects of one RPSL file, plain or gzip-compressed (InputFile).
  // IoError naming `path` if it cannot be opened or read, or is a truncated or
  // corrupt .gz (objects read before the error stay loaded). Broken
  // objects are logged as warnings "FILE:LINE: message" (logger "enrich"),
  // counted in stats().malformed and skipped; loading goes on.
  core::Status Load(const std::string& path);

  std::string_view name() const override { return "rpsl"; }
  // The record of the most specific block containing `address`, or nullopt.
  std::optional<v1::OwnerRecord> Lookup(const core::IpAddress& address) override;
  // The part of the answer's block outside its more specific blocks (or, for
  // no answer, the gap between blocks, at most a /24 or /48).
  std::vector<core::IpPrefix> AnswerScope(const core::IpAddress& address,
                                          const v1::OwnerRecord* record) const override;

  const OfflineRegistryStats& stats() const { return stats_; }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  struct Block {
    core::IpAddress first, last;
    std::vector<core::IpPrefix> cidrs;
    std::string netname, country, owner, org, comment_mailbox;
    std::vector<std::string> irts, abuse_c, mailboxes;
    uint32_t file = 0;
    uint32_t parent = kNone;
    std::vector<uint32_t> children;  // sorted by first address
  };
  struct Org {
    std::string name;
    std::vector<std::string> abuse_c;
  };
  struct File {
    std::string path;
    int64_t loaded_us = 0;
  };
  // Orders ranges by first address, then larger first (parents before children).
  struct RangeOrder {
    bool operator()(const std::pair<core::IpAddress, core::IpAddress>& a,
                    const std::pair<core::IpAddress, core::IpAddress>& b) const {
      return a.first != b.first ? a.first < b.first : b.second < a.second;
    }
  };

  void Add(const RpslObject& object, uint32_t file);
  void AddBlock(const RpslObject& object, uint32_t file);
  void Index(uint32_t block);
  void LinkBlocks();
  uint32_t BlockOf(const core::IpAddress& address) const;
  std::vector<std::string> AbuseOf(const Block& block) const;
  std::vector<core::IpPrefix> GapAround(const core::IpAddress& address, const core::IpAddress& low,
                                        const core::IpAddress& high,
                                        const std::vector<uint32_t>& inside) const;

  Clock now_us_;
  std::vector<File> files_;
  std::vector<Block> blocks_;
  std::vector<uint32_t> roots_;  // blocks without a parent, sorted by first address
  std::map<std::pair<core::IpAddress, core::IpAddress>, uint32_t, RangeOrder> by_range_;
  core::PrefixMap<uint32_t> index_;  // every CIDR of every block -> smallest such block
  std::unordered_map<std::string, std::vector<std::string>> handle_mailboxes_;  // role, person
  std::unordered_map<std::string, std::vector<std::string>> irt_mailboxes_;
  std::unordered_map<std::string, Org> orgs_;
  OfflineRegistryStats stats_;
};

}  // namespace abuseflow::enrich
