#pragma once

#include <cstdint>

#include "abuseflow/v1/events.pb.h"
#include "core/status.h"
#include "dedup/history_store.h"
#include "dedup/history_updater.h"

namespace abuseflow::dedup {

struct DedupStats {
  uint64_t batches = 0;
  uint64_t events = 0;
  uint64_t new_addresses = 0;  // addresses seen for the first time
  uint64_t incidents = 0;
  uint64_t rejected = 0;       // events without a valid source address (counted, not applied)
};

// Applies enriched batches to the per-address history and turns each batch
// into incidents, one per source address in it. Policy for now: every source
// address is reported (the policy engine comes with thresholds and staleness).
// Not thread-safe: one dedup thread owns it; `store` must outlive it.
class Deduplicator {
 public:
  Deduplicator(HistoryStore* store, HistoryLimits limits) : store_(store), limits_(limits) {}

  // Updates the histories of the batch's addresses in one atomic write, then
  // appends one incident per address to `out`. On a store error nothing of
  // the batch is applied.
  core::Status Apply(const v1::EnrichedBatch& batch, v1::IncidentBatch* out);
  const DedupStats& stats() const { return stats_; }

 private:
  HistoryStore* store_;
  HistoryLimits limits_;
  DedupStats stats_;
};

}  // namespace abuseflow::dedup
