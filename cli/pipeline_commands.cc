#include <iostream>

#include "cli/commands.h"
#include "cli/pipeline.h"
#include "core/log.h"
#include "core/metrics_server.h"
#include "core/metrics_textfile.h"
#include "core/shutdown.h"

namespace abuseflow::cli {
namespace {

struct PipelineOptions {
  std::string config_path;
  std::vector<std::string> inputs;      // FORMAT:PATH
  std::vector<std::string> registries;
  std::string state_dir;
  std::string outbox;
  StageOptions stage;
};

// Loads the config (or the defaults) and applies the command-line overrides.
core::Result<core::Config> BuildConfig(const PipelineOptions& o) {
  core::Config config;
  if (!o.config_path.empty()) {
    auto loaded = core::LoadConfig(o.config_path);
    if (!loaded.ok()) return loaded.status();
    config = std::move(loaded).value();
  }
  if (!o.inputs.empty()) {
    config.ingest.inputs.clear();
    for (const std::string& spec : o.inputs) {
      size_t colon = spec.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == spec.size()) {
        return core::Status::InvalidArgument("--input '" + spec + "' must be FORMAT:PATH");
      }
      core::InputConfig in;
      in.format = spec.substr(0, colon);
      in.path = spec.substr(colon + 1);
      config.ingest.inputs.push_back(in);
    }
  }
  if (!o.registries.empty()) config.enrich.registry = o.registries;
  if (!o.state_dir.empty()) config.state_dir = o.state_dir;
  if (!o.outbox.empty()) config.notify.outbox = o.outbox;
  return config;
}

void AddCommonOptions(CLI::App* cmd, PipelineOptions* o, bool overrides) {
  cmd->add_option("-c,--config", o->config_path, "TOML configuration file")->check(CLI::ExistingFile);
  cmd->add_option("--state", o->state_dir, "state folder (history, caches); overrides state_dir");
  if (!overrides) return;
  cmd->add_option("--input", o->inputs,
                  "FORMAT:PATH of a log to replay, repeatable; replaces the config's inputs");
  cmd->add_option("--registry", o->registries,
                  "offline RPSL registry file, repeatable; replaces the config's list");
  cmd->add_option("--outbox", o->outbox, "folder the .eml files are written to");
}

// What [metrics] asks for: the endpoint and the textfile (each null when off).
// The textfile is written a last time when this is destroyed.
struct MetricsOutputs {
  std::unique_ptr<core::MetricsServer> server;
  std::unique_ptr<core::MetricsTextfile> textfile;
};

// Starts the [metrics] endpoint when `listen` is set and the textfile when
// `textfile` is; when either cannot start, prints why, sets exit code 1 and
// returns false.
bool StartMetrics(const core::Config& config, const std::vector<std::string>& stages,
                  const std::string& command, int* exit_code, MetricsOutputs* outputs) {
  auto started = core::StartMetricsServer(config.metrics, stages);
  if (!started.ok()) {
    std::cerr << "abuseflow " << command << ": " << started.status().ToString() << "\n";
    *exit_code = 1;
    return false;
  }
  outputs->server = std::move(started).value();
  if (config.metrics.textfile.empty()) return true;
  core::RegisterProcessMetrics(core::MetricsRegistry::Global());
  auto textfile = core::MetricsTextfile::Start(config.metrics.textfile, std::chrono::seconds(5),
                                               &core::MetricsRegistry::Global());
  if (!textfile.ok()) {
    std::cerr << "abuseflow " << command << ": " << textfile.status().ToString() << "\n";
    *exit_code = 1;
    return false;
  }
  outputs->textfile = std::move(textfile).value();
  return true;
}

}  // namespace

void AddPipelineCommands(CLI::App& app, int* exit_code) {
  auto options = std::make_shared<PipelineOptions>();
  CLI::App* run = app.add_subcommand(
      "run", "Run all four stages in one process (the embedded default) and print a summary");
  AddCommonOptions(run, options.get(), true);
  run->callback([options, exit_code] {
    core::InstallStopSignalHandlers();
    auto config = BuildConfig(*options);
    if (!config.ok()) {
      std::cerr << "abuseflow run: " << config.status().message() << "\n";
      *exit_code = 2;
      return;
    }
    // Live inputs never end: the first signal drains the pipeline (exit 0).
    if (ingest::HasLiveInputs(*config)) core::InstallDrainSignalHandlers();
    MetricsOutputs metrics;
    if (!StartMetrics(*config, {"ingest", "enrich", "dedup", "notify"}, "run", exit_code, &metrics)) return;
    auto summary = RunInProcess(*config);
    if (!summary.ok()) {
      std::cerr << "abuseflow run: " << summary.status().ToString() << "\n";
      *exit_code = 1;
      return;
    }
    std::cout << FormatSummary(*summary, *config);
    if (summary->ingest.any_input_failed()) *exit_code = 1;
  });

  for (const char* stage : {"ingest", "enrich", "dedup", "notify"}) {
    CLI::App* cmd = app.add_subcommand(
        stage, std::string("Run the ") + stage + " stage alone, with the endpoints of the config");
    AddCommonOptions(cmd, options.get(), std::string(stage) != "enrich" && std::string(stage) != "dedup");
    if (std::string(stage) == "ingest") {
      cmd->add_option("--producers", options->stage.producers,
                      "remote agents (`abuseflow ingest` on sensor hosts) pushing to [endpoints] ingest; "
                      "the stage ends after each has ended its stream")
          ->check(CLI::Range(1, 1024));
    } else {
      cmd->add_option("--streams", options->stage.streams,
                      "ingest streams (one per `abuseflow ingest` process sending here) whose end "
                      "this stage waits for; default 1")
          ->check(CLI::Range(1, 1024));
    }
    if (std::string(stage) == "dedup") {
      cmd->add_option("--shard", options->stage.shard,
                      "which shard of the [endpoints] dedup list to be (0-based); required when "
                      "it lists several; state in <state_dir>/shard-K")
          ->check(CLI::Range(0, 255));
    }
    if (std::string(stage) == "enrich") {
      cmd->add_option("--worker", options->stage.worker,
                      "which worker of the [endpoints] enrich list to be (0-based); required when it "
                      "lists several")
          ->check(CLI::Range(0, 255));
    }
    cmd->callback([options, exit_code, name = std::string(stage)] {
      core::InstallStopSignalHandlers();
      auto config = BuildConfig(*options);
      if (!config.ok()) {
        std::cerr << "abuseflow " << name << ": " << config.status().message() << "\n";
        *exit_code = 2;
        return;
      }
      if (name == "ingest" && ingest::HasLiveInputs(*config)) core::InstallDrainSignalHandlers();
      MetricsOutputs metrics;
      if (!StartMetrics(*config, {name}, name, exit_code, &metrics)) return;
      core::Status s = RunOneStage(name, *config, options->stage);
      if (!s.ok()) {
        std::cerr << "abuseflow " << name << ": " << s.ToString() << "\n";
        *exit_code = 1;
      }
    });
  }
}

}  // namespace abuseflow::cli
