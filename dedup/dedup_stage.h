#pragma once

#include <string>

#include "core/config.h"
#include "core/cause_order.h"
#include "core/stage_links.h"
#include "core/stage_metrics.h"
#include "dedup/block_outputs.h"
#include "dedup/deduplicator.h"
#include "dedup/link_state.h"

namespace abuseflow::dedup {

// The dedup stage: receives enriched batches, applies them to the history
// under `<state_dir>/history` in the order ingest cut them (CauseOrder), and
// sends one incident batch per input batch to notify. The incident batch is
// written in the same atomic write as the history it follows from and kept
// until notify acknowledges it (LinkState), and the input batch is
// acknowledged once that write returns: a restart sends the kept ones again
// and applies nothing twice. Runs on the calling thread until links.streams
// streams have ended and notify has everything, or a stop is requested. See
// dedup/README.md and docs/guarantees.md.
class DedupStage {
 public:
  DedupStage(const core::Config& config, core::StageLinks links)
      : config_(config), links_(std::move(links)), metrics_("dedup") {}
  core::Status Run();
  const DedupStats& stats() const { return stats_; }
  const core::TransportStats& transport() const { return transport_; }
  // Times the block outputs or their hook failed (logged; the stage goes on).
  uint64_t block_output_failures() const { return block_output_failures_; }

 private:
  struct Run_;
  core::Status Apply(core::CauseOrder::Ready& ready, Run_& run);
  core::Status SendReady(Run_& run);
  bool Done(const Run_& run) const;

  const core::Config& config_;
  core::StageLinks links_;
  DedupStats stats_;
  core::TransportStats transport_;
  uint64_t block_output_failures_ = 0;
  core::StageMetrics metrics_;
  core::Gauge& blocks_active_ = core::MetricsRegistry::Global().GetGauge(
      "abuseflow_dedup_blocks_active", "Addresses this shard has blocked now (as its block outputs list them)",
      {{"shard", std::to_string(links_.shard)}});
};

// Where the history database of a state folder lives.
std::string HistoryDir(const std::string& state_dir);

}  // namespace abuseflow::dedup
