#pragma once

#include <cstdint>

#include "core/config.h"
#include "core/stage_loop.h"

namespace abuseflow::enrich {

struct EnrichStageStats {
  uint64_t batches = 0;
  uint64_t events = 0;
  uint64_t rejected = 0;       // events without a valid source address (counted, not forwarded)
  uint64_t cache_hits = 0;
  uint64_t source_queries = 0; // questions asked of the registry sources
  uint64_t unresolved = 0;     // events whose owner no source knew
};

// The enrich stage: loads the offline registries named in the config,
// receives event batches, attaches the owner record of each source address
// (from the netblock cache, asking the sources on a miss) and forwards
// enriched batches to dedup. Runs on the calling thread until every producer
// has ended or a stop is requested. See enrich/README.md.
class EnrichStage {
 public:
  EnrichStage(const core::Config& config, core::StageLinks links)
      : config_(config), links_(std::move(links)) {}
  core::Status Run();
  const EnrichStageStats& stats() const { return stats_; }

 private:
  const core::Config& config_;
  core::StageLinks links_;
  EnrichStageStats stats_;
};

}  // namespace abuseflow::enrich
