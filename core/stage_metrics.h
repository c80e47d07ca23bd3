#pragma once

#include <string>

#include "core/metrics.h"

namespace abuseflow::core {

// The series every stage has on the metrics endpoint (docs/operations.md,
// "Metrics"), registered in the global registry under {stage="NAME"}:
//
//   abuseflow_stage_events_in_total   events (or incidents) the stage took in
//   abuseflow_stage_events_out_total  events (or incidents, or mails) it passed on
//   abuseflow_stage_rejected_total    what it refused, by reason (RejectedFor)
//   abuseflow_stage_held_batches      batches received and not yet applied
//                                     (waiting for their turn, core/cause_order.h)
//
// Stage-specific series (journal, cache, WHOIS, mails, blocks) are
// registered beside the code that moves them. The references stay valid for
// the life of the process; updating them takes no lock.
struct StageMetrics {
  explicit StageMetrics(const std::string& stage);
  // The rejected counter of `reason` (takes the registry's mutex: keep it).
  Counter& RejectedFor(const std::string& reason);

  std::string stage;
  Counter& events_in;
  Counter& events_out;
  Gauge& held_batches;
};

}  // namespace abuseflow::core
