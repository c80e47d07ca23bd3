#pragma once

#include <string>

#include "core/config.h"
#include "core/stage_loop.h"
#include "dedup/deduplicator.h"

namespace abuseflow::dedup {

// The dedup stage: receives enriched batches, applies them to the history
// under `<state_dir>/history`, sends one incident batch per input batch.
// Runs on the calling thread until every producer has ended or a stop is
// requested. See dedup/README.md.
class DedupStage {
 public:
  DedupStage(const core::Config& config, core::StageLinks links)
      : config_(config), links_(std::move(links)) {}
  core::Status Run();
  const DedupStats& stats() const { return stats_; }
  // Times the block outputs or their hook failed (logged; the stage goes on).
  uint64_t block_output_failures() const { return block_output_failures_; }

 private:
  const core::Config& config_;
  core::StageLinks links_;
  DedupStats stats_;
  uint64_t block_output_failures_ = 0;
};

// Where the history database of a state folder lives.
std::string HistoryDir(const std::string& state_dir);

}  // namespace abuseflow::dedup
