#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/stage_links.h"
#include "core/stage_metrics.h"
#include "enrich/deferred_events.h"
#include "enrich/upstream_acks.h"

namespace abuseflow::enrich {

class Enricher;
class DeferredEvents;

struct EnrichStageStats {
  uint64_t batches = 0;
  uint64_t events = 0;
  uint64_t rejected = 0;  // events without a valid source address (counted, not forwarded)
  uint64_t cache_hits = 0;
  uint64_t source_queries = 0;      // questions asked of the registry sources
  uint64_t unresolved = 0;          // events whose owner no source knew
  uint64_t whois_queries = 0;       // WHOIS servers asked (one per server per resolution)
  uint64_t whois_more_specific_queries = 0;  // "-m RANGE" queries (enrich.whois.more_specifics)
  uint64_t rdap_queries = 0;        // RDAP requests sent (redirects and retries included)
  uint64_t rdap_failures = 0;       // RDAP lookups that failed (address left unresolved)
  uint64_t cache_loaded = 0;        // entries restored from the persistent cache at start
  uint64_t cache_corrupt = 0;       // persisted entries that did not parse (skipped)
  uint64_t cache_write_errors = 0;  // entries that could not be persisted
  uint64_t cache_evictions = 0;     // entries evicted by enrich.cache_max_entries
  uint64_t overridden = 0;          // events answered by an [[enrich.override]]
  uint64_t never_mail_removed = 0;  // mailboxes removed from fresh answers (never_mail)
  uint64_t country_from_delegated = 0;  // events whose country enrich.delegated set
  uint64_t delegated_malformed = 0;  // lines of enrich.delegated files skipped
  uint64_t asn_table_malformed = 0;  // lines of enrich.asn_table skipped
  std::vector<uint64_t> shard_events;  // events sent to each dedup shard
  uint64_t resends_ignored = 0;     // upstream batches received again while still in work
  DeferredStats deferred;           // events that waited for a lookup (enrich.lookup_threads)
  core::TransportStats transport;   // the link to dedup
};

// The enrich stage: loads the offline registries named in the config, sets
// up the sources of enrich.sources (and, with a network source, the
// persistent cache in state_dir/enrich-cache, loaded warm),
// receives event batches, attaches the owner record of each source address
// (from the netblock cache, asking the sources on a miss) and forwards
// enriched batches to dedup. Runs on the calling thread until every producer
// has ended or a stop is requested. See enrich/README.md.
//
// links.outputs are the dedup shards' endpoints, in shard order; each event
// goes to the shard ShardOf its source address (enrich/shard_router.h), and
// every shard gets a part of every batch (empty ones too: dedup applies a
// stream in order) and the end of stream. An ingest batch is acknowledged
// once every shard has acknowledged its part; nothing is kept here, so a
// restarted enrich gets the unacknowledged batches again from ingest.
class EnrichStage {
 public:
  EnrichStage(const core::Config& config, core::StageLinks links)
      : config_(config), links_(std::move(links)), metrics_("enrich") {}
  core::Status Run();
  const EnrichStageStats& stats() const { return stats_; }

 private:
  core::Status Forward(core::Received& received, Enricher& enricher, core::BatchSender& sender,
                       UpstreamAcks& acks, DeferredEvents* deferred);
  core::Status Loop(Enricher& enricher, core::BatchReceiver& receiver, core::BatchSender& sender,
                    DeferredEvents* deferred);

  const core::Config& config_;
  core::StageLinks links_;
  EnrichStageStats stats_;
  core::StageMetrics metrics_;
};

}  // namespace abuseflow::enrich
