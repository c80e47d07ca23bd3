#pragma once

#include <cstdint>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "enrich/delegated_stats.h"
#include "enrich/never_mail.h"
#include "enrich/owner_cache.h"
#include "enrich/override_source.h"
#include "enrich/owner_source.h"

namespace abuseflow::enrich {

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
  v1::OwnerRecord Resolve(const core::IpAddress& address);

  const EnricherStats& stats() const { return stats_; }

 private:
  v1::OwnerRecord Lookup(const core::IpAddress& address, bool* overridden);
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
