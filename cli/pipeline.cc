#include "cli/pipeline.h"

#include <fmt/format.h>

#include <memory>
#include <mutex>
#include <thread>

#include "core/log.h"
#include "core/shard_map.h"
#include "core/shutdown.h"
#include "enrich/shard_router.h"
#include "core/curve.h"
#include "core/zap_authenticator.h"

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
  const std::string enrich_ep = "inproc://enrich", notify_ep = "inproc://notify";
  core::StageLinks base;
  base.context = &context;
  auto links = [&](std::string input, std::vector<std::string> outputs, std::string name) {
    core::StageLinks l = base;
    l.input = std::move(input);
    l.outputs = std::move(outputs);
    l.name = std::move(name);
    return l;
  };
  // One dedup thread per shard of [endpoints] dedup, each with its shard's
  // state folder (<state>/shard-K) as the stage processes would have.
  const int shards = static_cast<int>(core::DedupEndpoints(config).size());
  std::vector<core::Config> shard_configs;  // outlive the stages, which keep a reference
  std::vector<std::string> dedup_eps;
  for (int k = 0; k < shards; ++k) {
    auto shard_config = core::DedupShardConfig(config, k);
    if (!shard_config.ok()) return shard_config.status();
    shard_configs.push_back(*std::move(shard_config));
    dedup_eps.push_back(shards == 1 ? "inproc://dedup" : "inproc://dedup-" + std::to_string(k));
  }
  ingest::IngestStage ingest(config, links("", {enrich_ep}, "ingest"));
  enrich::EnrichStage enrich(config, links(enrich_ep, dedup_eps, "enrich"));
  std::vector<std::unique_ptr<dedup::DedupStage>> dedups;
  for (int k = 0; k < shards; ++k) {
    core::StageLinks l = links(dedup_eps[k], {notify_ep}, shards == 1 ? "dedup" : "dedup-" + std::to_string(k));
    l.shard = k;
    l.shard_count = shards;
    dedups.push_back(std::make_unique<dedup::DedupStage>(shard_configs[k], l));
  }
  notify::NotifyStage notify(config, links(notify_ep, {}, "notify"));
  std::mutex mu;
  core::Status failure;
  {
    std::jthread t_notify([&] { RunStage(notify, "notify", &mu, &failure); });
    std::vector<std::jthread> t_dedups;
    for (auto& d : dedups) t_dedups.emplace_back([&, stage = d.get()] { RunStage(*stage, "dedup", &mu, &failure); });
    std::jthread t_enrich([&] { RunStage(enrich, "enrich", &mu, &failure); });
    RunStage(ingest, "ingest", &mu, &failure);
  }
  if (!failure.ok()) return failure;
  PipelineSummary summary{ingest.stats(), enrich.stats(), {}, notify.stats()};
  for (const auto& d : dedups) summary.dedup += d->stats();
  return summary;
}

namespace {

// The index'th entry of a list of endpoints given on the command line as
// --shard/--worker; required when the list has several.
core::Result<int> PickInstance(const std::vector<std::string>& list, int index, const char* key,
                               const char* flag) {
  if (index < 0 && list.size() > 1) {
    return core::Status::InvalidArgument(std::string("[endpoints] ") + key + " lists " +
                                         std::to_string(list.size()) + " endpoints: give " + flag + " K");
  }
  if (index >= 0 && index >= static_cast<int>(std::max<size_t>(1, list.size()))) {
    return core::Status::InvalidArgument(std::string(flag) + " " + std::to_string(index) + " but [endpoints] " +
                                         key + " lists " + std::to_string(std::max<size_t>(1, list.size())));
  }
  return index < 0 ? 0 : index;
}

std::vector<std::string> OrOne(const std::vector<std::string>& list, const std::string& one) {
  return list.empty() ? std::vector<std::string>{one} : list;
}

}  // namespace

core::Status RunOneStage(const std::string& stage, const core::Config& config, const StageOptions& o) {
  zmq::context_t context;
  auto security = core::LinkSecurity::FromConfig(config.security);
  if (!security.ok()) return security.status();
  std::unique_ptr<core::ZapAuthenticator> zap;
  if (security->enabled()) {
    auto started = core::ZapAuthenticator::Start(context, *security);
    if (!started.ok()) return started.status();
    zap = std::move(started).value();
  }
  const core::EndpointsConfig& ep = config.endpoints;
  const std::vector<std::string> workers = OrOne(ep.enrich_workers, ep.enrich);
  const std::vector<std::string> shards = OrOne(ep.dedup_shards, ep.dedup);
  core::StageLinks links;
  links.context = &context;
  links.security = &*security;
  links.producers = o.producers;
  links.streams = o.streams;
  if (stage == "ingest") {  // binds endpoints.ingest for remote agents if it is set
    links.input = ep.ingest;
    links.outputs = workers;
    links.name = "ingest";
    return ingest::IngestStage(config, links).Run();
  }
  if (stage == "enrich") {  // routes by address to every dedup shard (enrich/shard_router.h)
    auto worker = PickInstance(ep.enrich_workers, o.worker, "enrich", "--worker");
    if (!worker.ok()) return worker.status();
    links.input = workers[*worker];
    links.outputs = shards;
    links.name = "enrich-" + std::to_string(*worker);
    return enrich::EnrichStage(config, links).Run();
  }
  if (stage == "dedup") {
    auto shard = PickInstance(ep.dedup_shards, o.shard, "dedup", "--shard");
    if (!shard.ok()) return shard.status();
    auto shard_config = enrich::DedupShardConfig(config, *shard);
    if (!shard_config.ok()) return shard_config.status();
    const core::Config& c = *shard_config;
    links.input = c.endpoints.dedup;
    links.outputs = {ep.notify};
    links.name = "dedup-" + std::to_string(*shard);
    links.shard = *shard;
    links.shard_count = static_cast<int>(shards.size());
    links.upstream_workers = static_cast<int>(workers.size());
    return dedup::DedupStage(c, links).Run();
  }
  if (stage == "notify") {
    links.input = ep.notify;
    links.name = "notify";
    return notify::NotifyStage(config, links).Run();
  }
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
    if (in.udp_drops > 0) {
      out += fmt::format("    LOST: {} UDP datagrams dropped by the kernel (receive buffer full)\n", in.udp_drops);
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
