#include "cli/pipeline.h"

#include <fmt/format.h>

#include <mutex>
#include <thread>

#include "core/log.h"
#include "core/shutdown.h"
#include "enrich/shard_router.h"

namespace abuseflow::cli {
namespace {

// Runs `stage.Run()`. The first stage to fail on its own records its error
// in *first_failure and stops the others; the errors they return because of
// that stop are not the cause and are not recorded.
template <typename Stage>
void RunStage(Stage& stage, const char* name, std::mutex* mu, core::Status* first_failure) {
  core::Status s = stage.Run();
  if (s.ok()) return;
  std::lock_guard<std::mutex> lock(*mu);
  if (!first_failure->ok()) return;
  if (s.code() == core::Status::Code::kUnavailable && core::StopRequested()) {
    *first_failure = s;  // an interrupt from outside (SIGINT/SIGTERM)
    return;
  }
  core::Logger(name)->error("stage failed error=\"{}\"", s.ToString());
  *first_failure = s;
  core::RequestStop();
}

}  // namespace

core::Result<PipelineSummary> RunInProcess(const core::Config& config) {
  zmq::context_t context;
  const std::string enrich_ep = "inproc://enrich", dedup_ep = "inproc://dedup",
                    notify_ep = "inproc://notify";
  ingest::IngestStage ingest(config, {&context, "", enrich_ep, 1});
  enrich::EnrichStage enrich(config, {&context, enrich_ep, dedup_ep, 1});
  dedup::DedupStage dedup(config, {&context, dedup_ep, notify_ep, 1});
  notify::NotifyStage notify(config, {&context, notify_ep, "", 1});
  std::mutex mu;
  core::Status failure;
  {
    std::jthread t_notify([&] { RunStage(notify, "notify", &mu, &failure); });
    std::jthread t_dedup([&] { RunStage(dedup, "dedup", &mu, &failure); });
    std::jthread t_enrich([&] { RunStage(enrich, "enrich", &mu, &failure); });
    RunStage(ingest, "ingest", &mu, &failure);
  }
  if (!failure.ok()) return failure;
  return PipelineSummary{ingest.stats(), enrich.stats(), dedup.stats(), notify.stats()};
}

core::Status RunOneStage(const std::string& stage, const core::Config& config, int producers,
                         int shard) {
  zmq::context_t context;
  const core::EndpointsConfig& ep = config.endpoints;
  if (stage == "ingest") {  // binds endpoints.ingest for remote agents if it is set
    return ingest::IngestStage(config, {&context, ep.ingest, ep.enrich, producers}).Run();
  }
  if (stage == "enrich") {  // routes by address to every dedup shard (enrich/shard_router.h)
    std::vector<std::string> shards;
    if (ep.dedup_shards.size() > 1) shards = ep.dedup_shards;
    return enrich::EnrichStage(config, {&context, ep.enrich, ep.dedup, producers}, shards).Run();
  }
  if (stage == "dedup") {
    if (shard < 0 && ep.dedup_shards.size() > 1) {
      return core::Status::InvalidArgument("[endpoints] dedup lists " +
                                           std::to_string(ep.dedup_shards.size()) +
                                           " shards: give --shard K");
    }
    auto shard_config = enrich::DedupShardConfig(config, shard < 0 ? 0 : shard);
    if (!shard_config.ok()) return shard_config.status();
    const core::Config& c = *shard_config;
    return dedup::DedupStage(c, {&context, c.endpoints.dedup, ep.notify, producers}).Run();
  }
  if (stage == "notify") return notify::NotifyStage(config, {&context, ep.notify, "", producers}).Run();
  return core::Status::InvalidArgument("unknown stage " + stage);
}

std::string FormatSummary(const PipelineSummary& s, const core::Config& config) {
  std::string out;
  out += "abuseflow run finished\n";
  for (const ingest::InputStats& in : s.ingest.inputs) {
    out += fmt::format("  input {} ({}): {} lines, {} events, {} not probes, {} rejected{}\n",
                       in.path, in.format, in.lines, in.events, in.not_probe, in.rejected_total(),
                       in.error.empty() ? "" : " - ERROR: " + in.error);
    for (const auto& [reason, count] : in.rejected) {
      out += fmt::format("    rejected {}: {}\n", reason, count);
    }
    if (in.oversize + in.framing_errors + in.rotations + in.truncations > 0) {
      out += fmt::format("    oversize messages: {}, framing errors: {}, rotations: {}, truncations: {}\n",
                         in.oversize, in.framing_errors, in.rotations, in.truncations);
    }
  }
  out += fmt::format("  events read:      {}\n", s.ingest.events());
  out += fmt::format("  registry queries: {} (cache hits {}, unresolved {})\n",
                     s.enrich.source_queries, s.enrich.cache_hits, s.enrich.unresolved);
  if (s.enrich.whois_more_specific_queries > 0) {
    out += fmt::format("  whois more-specific queries: {}\n", s.enrich.whois_more_specific_queries);
  }
  out += fmt::format("  sources:          {}\n", s.notify.sources);
  out += fmt::format("  owners contacted: {}\n", s.notify.contacts);
  if (s.notify.unroutable > 0) {
    out += fmt::format("  NOT REPORTED:     {} incidents with no abuse contact\n", s.notify.unroutable);
  }
  out += fmt::format("  mails written:    {} in {}\n", s.notify.mails, config.notify.outbox);
  out += fmt::format("  history:          {}/history\n", config.state_dir);
  return out;
}

}  // namespace abuseflow::cli
