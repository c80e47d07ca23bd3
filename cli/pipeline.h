#pragma once

#include <string>

#include "core/config.h"
#include "core/result.h"
#include "dedup/dedup_stage.h"
#include "enrich/enrich_stage.h"
#include "ingest/ingest_stage.h"
#include "notify/notify_stage.h"

namespace abuseflow::cli {

struct PipelineSummary {
  ingest::IngestStats ingest;
  enrich::EnrichStageStats enrich;
  dedup::DedupStats dedup;
  notify::NotifyStageStats notify;
};

// Runs all four stages in this process, each on its own thread, linked over
// inproc:// ZeroMQ endpoints, until the inputs are exhausted and every mail is
// written. If one stage fails the others are stopped and its error returned.
core::Result<PipelineSummary> RunInProcess(const core::Config& config);

// Runs one stage (`ingest`, `enrich`, `dedup` or `notify`) in this process with
// the endpoints of the config; `producers` is the number of upstream senders.
// `shard` (dedup only, -1 = none): which `[endpoints] dedup` shard to be; it
// binds that endpoint and keeps its state in `<state_dir>/shard-K` when the
// config lists several shards (enrich/shard_router.h). Required then.
core::Status RunOneStage(const std::string& stage, const core::Config& config, int producers,
                         int shard = -1);

// The summary printed after a run: events, sources, owners, mails and where.
std::string FormatSummary(const PipelineSummary& summary, const core::Config& config);

}  // namespace abuseflow::cli
