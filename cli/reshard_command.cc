// `abuseflow reshard`: moves the dedup history to another number of shards (dedup/resharder.h).
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/config.h"
#include "core/shard_map.h"
#include "dedup/resharder.h"

namespace abuseflow::cli {
namespace {

struct ReshardOptions {
  std::string config, state;
  int from = 0, to = 0;
};

// Fills state and from from the config where they were not given; false after printing an error.
bool Resolve(ReshardOptions* o) {
  if (!o->config.empty()) {
    auto config = core::LoadConfig(o->config);
    if (!config.ok()) {
      std::cerr << "abuseflow reshard: " << config.status().message() << "\n";
      return false;
    }
    if (o->state.empty()) o->state = config->state_dir;
    if (o->from == 0) o->from = static_cast<int>(core::DedupEndpoints(*config).size());
  }
  if (o->state.empty() || o->from == 0) {
    std::cerr << "abuseflow reshard: give --config, or --state with --from\n";
    return false;
  }
  return true;
}

int Run(ReshardOptions o) {
  if (!Resolve(&o)) return 2;
  auto report = dedup::Reshard(o.state, o.from, o.to);
  if (!report.ok()) {
    std::cerr << "abuseflow reshard: " << report.status().message() << "\n";
    return report.status().code() == core::Status::Code::kInvalidArgument ? 2 : 1;
  }
  if (report->resumed) {
    std::cout << "finished an interrupted reshard from " << report->from << " to " << report->to << " shards\n";
  } else {
    std::cout << "moved " << report->histories << " histories from " << report->from << " to " << report->to
              << " shards (per shard:";
    for (uint64_t n : report->per_shard) std::cout << " " << n;
    std::cout << "), " << report->netblocks << " netblock records, applied ids of " << report->origins
              << " origins\n";
  }
  std::cout << "old shards kept in " << report->backup
            << " (remove it once the pipeline runs with the new shards)\n"
            << "now list " << report->to << " endpoint(s) in [endpoints] dedup of every enrich and dedup config\n";
  return 0;
}

}  // namespace

void AddReshardCommand(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<ReshardOptions>();
  CLI::App* cmd = app.add_subcommand(
      "reshard", "Move the dedup history to another number of shards, offline (docs/operations.md)");
  cmd->add_option("--config", o->config, "config whose state_dir and [endpoints] dedup give the current shards");
  cmd->add_option("--state", o->state, "state folder (default: the config's state_dir)");
  cmd->add_option("--from", o->from, "current number of shards (default: the config's [endpoints] dedup)")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--to", o->to, "new number of shards")->required()->check(CLI::PositiveNumber);
  cmd->callback([o, exit_code] { *exit_code = Run(*o); });
}

}  // namespace abuseflow::cli
