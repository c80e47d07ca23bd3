#include "core/stage_metrics.h"

namespace abuseflow::core {

StageMetrics::StageMetrics(const std::string& name)
    : stage(name),
      events_in(MetricsRegistry::Global().GetCounter("abuseflow_stage_events_in_total",
                                                     "Events (incidents at notify) a stage took in",
                                                     {{"stage", name}})),
      events_out(MetricsRegistry::Global().GetCounter(
          "abuseflow_stage_events_out_total", "Events (incidents at dedup, mails at notify) a stage passed on",
          {{"stage", name}})),
      held_batches(MetricsRegistry::Global().GetGauge(
          "abuseflow_stage_held_batches", "Batches received and waiting for their turn", {{"stage", name}})) {}

Counter& StageMetrics::RejectedFor(const std::string& reason) {
  return MetricsRegistry::Global().GetCounter("abuseflow_stage_rejected_total",
                                              "What a stage refused, by reason", {{"stage", stage}, {"reason", reason}});
}

}  // namespace abuseflow::core
