#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/metrics.h"
#include "core/prefix_map.h"

namespace abuseflow::enrich {

// The default bound on cached prefixes (enrich.cache_max_entries).
inline constexpr size_t kDefaultCacheMaxEntries = 1000000;

// Owner records keyed by netblock, not by address: a record stored under its
// block's CIDRs answers for every address in them (longest-prefix match, so a
// more specific block stored later wins inside its range). Negative answers
// are records with `unresolved` set, stored under a prefix like any other.
//
// Entries expire after the positive or negative TTL (0 = never); an expired
// longest match is a miss, never an answer from a less specific entry, so
// the next resolution asks again and replaces it. Every Insert is reported
// to the `on_insert` hook (the persistent OwnerCacheStore writes it); Restore
// puts back what the store kept, without the hook.
//
// Size bound: at most `max_entries` prefixes. When an Insert or Restore goes
// past it, the entries expiring soonest are evicted (expired ones first,
// since their expiry has passed; never-expiring ones last; an Insert never
// evicts the prefixes it has just stored). So whatever order a Restore goes
// in, what is kept is the same: the max_entries entries expiring last. Each
// eviction is counted (evictions(), and the metric
// abuseflow_enrich_cache_evictions_total) and reported to the `on_evict`
// hook (the store deletes the entry: OwnerCacheStore::FollowEvictions).
// Memory: the index plus one (expiry, prefix) key per entry.
// Pure over the injected clock (but for the eviction counter, the global
// metrics registry's unless Options says another); not thread-safe; one
// cache per Enricher.
class OwnerCache {
 public:
  using Clock = std::function<int64_t()>;  // microseconds since the epoch
  using InsertHook = std::function<void(const core::IpPrefix& prefix, const v1::OwnerRecord& record,
                                        int64_t expires_us)>;
  using EvictHook = std::function<void(const core::IpPrefix& prefix)>;
  struct Options {
    int64_t positive_ttl_us = 0;  // 0: answers never expire
    int64_t negative_ttl_us = 0;  // 0: "unknown" never expires
    Clock now_us;                 // default: the system clock
    // Applied to every restored record before it is kept (the stage removes
    // the never-mail mailboxes, which may have changed since it was saved).
    std::function<void(v1::OwnerRecord*)> restore_filter;  // default none
    size_t max_entries = kDefaultCacheMaxEntries;  // 0: no bound
    // Counts every eviction; default the global abuseflow_enrich_cache_evictions_total.
    core::Counter* evictions_metric = nullptr;
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
  // Called with each evicted prefix; set it before restoring so the entries a
  // restore finds over the bound are dropped from the store too.
  void set_evict_hook(EvictHook hook) { on_evict_ = std::move(hook); }

  // Number of cached prefixes (expired ones included until replaced or evicted).
  size_t size() const { return index_.size(); }
  size_t max_entries() const { return options_.max_entries; }
  // Entries evicted by the size bound since construction.
  uint64_t evictions() const { return evictions_; }
  // Changes with every entry stored or evicted: a record pointer that Lookup
  // returned may name another record once it has changed.
  uint64_t generation() const { return generation_; }

 private:
  struct Entry {
    std::shared_ptr<const v1::OwnerRecord> record;
    int64_t expires_us = 0;  // 0: never
  };
  // Eviction order: (expiry, 0 read as never = last, prefix).
  using ExpiryKey = std::pair<int64_t, core::IpPrefix>;
  static int64_t OrderOf(int64_t expires_us) { return expires_us == 0 ? INT64_MAX : expires_us; }

  // Stores one entry, keeping by_expiry_ in step with index_.
  void Put(const core::IpPrefix& prefix, Entry entry);
  // Evicts the soonest-expiring entries not in `keep` until within the bound.
  void Shrink(const std::vector<core::IpPrefix>& keep);

  Options options_;
  InsertHook on_insert_;
  EvictHook on_evict_;
  core::PrefixMap<Entry> index_;
  std::set<ExpiryKey> by_expiry_;  // one key per entry of index_
  uint64_t evictions_ = 0;
  uint64_t generation_ = 0;
};

}  // namespace abuseflow::enrich
