// The `abuseflow` command: dispatches to the stages and the utilities.
#include <CLI/CLI.hpp>

#include "cli/commands.h"
#include "core/log.h"
#include "notify/notify_commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "abuseflow: turns the probe, scan and exploit lines of network sensors into one abuse\n"
      "notice per owner of the attacking addresses."};
  app.require_subcommand(1);
  app.fallthrough();  // --log-level also after the subcommand (systemd units append options)
  std::string log_level = "info";
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error or off")
      ->capture_default_str();
  std::string log_target = "auto";
  app.add_option("--log-target", log_target,
                 "stderr, journald (structured journal fields) or auto (journald when stderr is the journal)")
      ->capture_default_str();
  app.parse_complete_callback([&] {
    if (!abuseflow::core::SetLogLevel(log_level)) throw CLI::ValidationError("--log-level", log_level);
    if (!abuseflow::core::SetLogTarget(log_target)) throw CLI::ValidationError("--log-target", log_target);
  });
  int exit_code = 0;
  abuseflow::cli::AddPipelineCommands(app, &exit_code);
  abuseflow::cli::AddToolCommands(app, &exit_code);
  abuseflow::cli::AddDedupCommands(app, &exit_code);
  abuseflow::cli::AddCacheCommands(app, &exit_code);
  abuseflow::cli::AddRdapCommands(app, &exit_code);
  abuseflow::cli::AddKeysCommands(app, &exit_code);
  abuseflow::cli::AddStatusCommands(app, &exit_code);
  abuseflow::cli::AddReshardCommand(app, &exit_code);
  abuseflow::notify::AddNotifyCommands(app, &exit_code);  // replies import, report monthly
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
