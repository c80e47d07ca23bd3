#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "enrich/delegated_stats.h"
#include "enrich/never_mail.h"
#include "enrich/owner_cache.h"
#include "enrich/override_source.h"
#include "enrich/owner_source.h"

namespace abuseflow::enrich {

// What the sources said about an address, before it is cached (AskSources).
struct SourceAnswer {
  std::optional<v1::OwnerRecord> record;  // the first answer; never-mail not applied yet
  // Where the answer holds around the address: the record's scope, or the
  // negative scope when no source knew it.
  std::vector<core::IpPrefix> scope;
  bool failed = false;    // no answer, and a source could not be asked: not final
  uint64_t queries = 0;   // sources asked
};

// Asks `sources` in order for `address`, without any cache: the first answer
// with its scope (OwnerSource::AnswerScope), clipped to where the earlier
// sources said "unknown" and to `free` (the part around the address clear
// of every override); always covering the address. Blocks if a source does;
// calls the sources from the calling thread only.
SourceAnswer AskSources(const std::vector<OwnerSource*>& sources, const core::IpAddress& address,
                        const std::optional<core::IpPrefix>& free);

// The rule of enrich.delegated_country: with `always` the delegated country
// replaces the record's, else it fills an empty one. True when it changed
// the record's country. Pure; the Enricher and `abuseflow whois` share it.
bool ApplyDelegatedCountry(const DelegatedMatch& match, bool always, v1::OwnerRecord* record);

struct EnricherStats {
  uint64_t cache_hits = 0;      // answers from the cache, negative ones included
  uint64_t source_queries = 0;  // questions asked of sources, one per source asked
  uint64_t unresolved = 0;      // resolutions no source could answer (fresh or cached)
  uint64_t overridden = 0;      // resolutions answered by an operator override
  uint64_t never_mail_removed = 0;  // mailboxes removed from fresh answers (never_mail)
  uint64_t country_from_delegated = 0;  // resolutions whose country the delegated files set
};

// Finds the owner record of an address: from the operator overrides if one
// covers it (never cached), else from the netblock cache, else from the
// sources in order, the first answer being cached under the part of its block
// it answers for (OwnerSource::AnswerScope), so one query serves the block.
// When no source knows the address, an `unresolved` record is cached for the
// narrowest negative scope the sources gave (by default the address's /24 or
// /48), so repeated unknown addresses do not query again. Answers are never
// cached over an override prefix. Fresh answers lose the never-mail
// mailboxes before they are cached (records restored from the persistent
// cache are filtered by the stage, through OwnerCache::Options). With
// delegated statistics, every answer but an override's, `unresolved` ones
// included, gets the country of the most specific delegated range containing
// the address: where it has none, or always (set_delegated); it is set on the
// returned record, per address, never on the cached block.
//
// Pure logic over its sources and cache; blocks only if a source does. The
// sources and *cache must outlive the Enricher. Not thread-safe.
class Enricher {
 public:
  Enricher(std::vector<OwnerSource*> sources, OwnerCache* cache)
      : sources_(std::move(sources)), cache_(cache) {}

  // Optional; both must outlive the Enricher. Null: none.
  void set_overrides(const OverrideSource* overrides) { overrides_ = overrides; }
  void set_never_mail(const NeverMail* never_mail) { never_mail_ = never_mail; }
  // `always`: the delegated country replaces the record's; else it fills an
  // empty one. Must outlive the Enricher; null: none.
  void set_delegated(const DelegatedStats* delegated, bool always) {
    delegated_ = delegated;
    delegated_always_ = always;
  }

  // The owner record of the block containing `address`; a record with
  // `unresolved` set and first = last = `address` when no source knows it.
  // Resolve = ResolveKnown, else Settle(AskSources(...)).
  v1::OwnerRecord Resolve(const core::IpAddress& address);

  // As Resolve, without a copy where it can: the cached record itself when
  // it is the address's owner record unchanged (no override, not
  // `unresolved`, the delegated country not applied), valid until the cache
  // changes (OwnerCache::generation); else `*own`, filled, and `own`.
  const v1::OwnerRecord* ResolveShared(const core::IpAddress& address, v1::OwnerRecord* own);

  // The steps of Resolve, for lookups made on other threads (LookupPool):
  // the answer of an override or the cache, nullopt on a miss;
  std::optional<v1::OwnerRecord> ResolveKnown(const core::IpAddress& address);
  // the same as ResolveShared does it; nullptr on a miss;
  const v1::OwnerRecord* ResolveKnownShared(const core::IpAddress& address, v1::OwnerRecord* own);
  // whether ResolveKnown would answer (counts nothing);
  bool Knows(const core::IpAddress& address) const;
  // the scope to pass to AskSources;
  std::optional<core::IpPrefix> FreeScope(const core::IpAddress& address) const;
  // the record of a fresh answer, cached as Resolve caches it;
  v1::OwnerRecord Settle(const core::IpAddress& address, SourceAnswer answer);
  // or, when the lookup kept failing past its deadline, an `unresolved`
  // record, cached for the address alone (negative TTL), as the synchronous
  // path caches a failure.
  v1::OwnerRecord GiveUp(const core::IpAddress& address);
  const std::vector<OwnerSource*>& sources() const { return sources_; }

  const EnricherStats& stats() const { return stats_; }
  // The cache's generation (OwnerCache::generation), for ResolveShared's pointers.
  uint64_t cache_generation() const { return cache_->generation(); }

 private:
  // The delegated match whose country `record` gets for `address`
  // (set_delegated's rule), or nullopt when it keeps its own.
  std::optional<DelegatedMatch> CountryChange(const core::IpAddress& address, const v1::OwnerRecord& record) const;
  void SetCountry(const core::IpAddress& address, v1::OwnerRecord* record);

  std::vector<OwnerSource*> sources_;
  OwnerCache* cache_;
  const OverrideSource* overrides_ = nullptr;
  const NeverMail* never_mail_ = nullptr;
  const DelegatedStats* delegated_ = nullptr;
  bool delegated_always_ = false;
  EnricherStats stats_;
};

}  // namespace abuseflow::enrich
