#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/prefix_map.h"

namespace abuseflow::enrich {

// Owner records keyed by netblock, not by address: a record stored under its
// block's CIDRs answers for every address in them (longest-prefix match, so a
// more specific block stored later wins inside its range). Negative answers
// are records with `unresolved` set, stored under a prefix like any other.
//
// Entries expire after the positive or negative TTL (0 = never); an expired
// longest match is a miss, never an answer from a less specific entry, so
// the next resolution asks again and replaces it. Every Insert is reported
// to the `on_insert` hook (the persistent OwnerCacheStore writes it); Restore
// puts back what the store kept, without the hook. No size bound yet.
// Pure over the injected clock; not thread-safe; one cache per Enricher.
class OwnerCache {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since the epoch
  using InsertHook = std::function<void(const core::IpPrefix& prefix, const v1::OwnerRecord& record,
                                        int64_t expires_us)>;
  struct Options {
    int64_t positive_ttl_us = 0;  // 0: answers never expire
    int64_t negative_ttl_us = 0;  // 0: "unknown" never expires
    Clock now_us;                 // default: the system clock
    // Applied to every restored record before it is kept (the stage removes
    // the never-mail mailboxes, which may have changed since it was saved).
    std::function<void(v1::OwnerRecord*)> restore_filter;  // default none
  };

  OwnerCache() : OwnerCache(Options{}) {}
  explicit OwnerCache(Options options);

  // Stores `record` under every CIDR in record.cidrs (unparseable ones are
  // ignored), replacing what was stored under exactly those prefixes.
  void Insert(v1::OwnerRecord record);
  // Stores `record` under the given prefixes instead of its own CIDRs: the
  // part of its block it answers for, or the scope of a negative answer.
  void Insert(v1::OwnerRecord record, const std::vector<core::IpPrefix>& prefixes);
  // Puts back an entry read from the store; ignored if already expired.
  void Restore(const core::IpPrefix& prefix, v1::OwnerRecord record, int64_t expires_us);

  // The record of the longest cached prefix containing `address`, or nullptr
  // (also when that entry has expired). Valid until the next Insert or Restore.
  const v1::OwnerRecord* Lookup(const core::IpAddress& address) const;

  void set_insert_hook(InsertHook hook) { on_insert_ = std::move(hook); }

  // Number of cached prefixes (expired ones included until replaced).
  size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::shared_ptr<const v1::OwnerRecord> record;
    int64_t expires_us = 0;  // 0: never
  };
  Options options_;
  InsertHook on_insert_;
  core::PrefixMap<Entry> index_;
};

}  // namespace abuseflow::enrich
