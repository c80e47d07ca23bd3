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

// Runs all four stages in this process, each on its own thread (dedup one
// thread per shard of [endpoints] dedup, in its shard's state folder), linked
// over inproc:// ZeroMQ endpoints, until the inputs are exhausted and every
// mail is written. If one stage fails the others are stopped and its error
// returned; the dedup counts are the shards' sum.
core::Result<PipelineSummary> RunInProcess(const core::Config& config);

// What a stage process is told on its command line.
struct StageOptions {
  int producers = 1;  // ingest: remote agents pushing to [endpoints] ingest
  int streams = 1;    // enrich, dedup, notify: ingest streams to see end before finishing
  int shard = -1;     // dedup: which [endpoints] dedup shard to be (-1: none given)
  int worker = -1;    // enrich: which [endpoints] enrich worker to be (-1: none given)
};

// Runs one stage (`ingest`, `enrich`, `dedup` or `notify`) in this process with
// the endpoints of the config. A dedup shard binds its endpoint and keeps its
// state in `<state_dir>/shard-K` when the config lists several shards
// (enrich/shard_router.h); an enrich worker binds entry K of `[endpoints]
// enrich`. Both are required when the lists have several entries. With
// [security] curve, the links are authenticated and encrypted (core/curve.h).
core::Status RunOneStage(const std::string& stage, const core::Config& config, const StageOptions& options);

// The summary printed after a run: events, sources, owners, mails and where.
std::string FormatSummary(const PipelineSummary& summary, const core::Config& config);

}  // namespace abuseflow::cli
