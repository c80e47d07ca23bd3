#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"

namespace abuseflow::enrich {

// The prefix a negative answer is cached under by default: the address's /24
// (IPv4) or /48 (IPv6).
core::IpPrefix DefaultNegativeScope(const core::IpAddress& address);

// Upstream mailboxes kept per record (OwnerRecord.upstream_abuse).
inline constexpr int kMaxUpstreamAbuse = 3;

// Sets record->upstream_abuse from `covering`, the abuse list of a block
// covering the record's: its valid mailboxes (core::IsValidMailbox) that are
// not among the record's own abuse mailboxes (case ignored), in order,
// without duplicates, at most kMaxUpstreamAbuse. Left empty when the covering
// block names no other mailbox. Pure.
void SetUpstreamAbuse(const std::vector<std::string>& covering, v1::OwnerRecord* record);

// A source of owner records: the offline registry now; WHOIS, RDAP and
// operator overrides later (issue 4). The Enricher asks its sources in order
// and caches the first answer.
//
// Thread-safety is up to each implementation; the Enricher calls a source from
// one thread at a time.
class OwnerSource {
 public:
  virtual ~OwnerSource() = default;

  // A short name for logs and metrics: "rpsl", "whois", ...
  virtual std::string_view name() const = 0;

  // The owner record of the most specific block this source knows to contain
  // `address`, or nullopt if it knows none. May block (network sources).
  virtual std::optional<v1::OwnerRecord> Lookup(const core::IpAddress& address) = 0;

  // The prefixes around `address` over which the answer Lookup(address) gave
  // holds: `record` is that answer, or null when it was nullopt. The cache keys
  // the answer by them, so they must leave out any more specific block the
  // source knows inside the record's block. The default suits a source that
  // cannot see inside a block: the record's CIDRs, or DefaultNegativeScope.
  virtual std::vector<core::IpPrefix> AnswerScope(const core::IpAddress& address,
                                                  const v1::OwnerRecord* record) const;

  // True when the latest Lookup gave nullopt because the source could not be
  // asked now (server down, too slow, busy, rate limited), not because it
  // knows nothing or answered garbage: such an "unknown" is not final, and
  // an asynchronous lookup asks again (the synchronous path caches it for
  // the address alone, as any failure).
  virtual bool last_failed() const { return false; }
};

}  // namespace abuseflow::enrich
