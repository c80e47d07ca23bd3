#pragma once

#include <CLI/CLI.hpp>

namespace abuseflow::cli {

// `run`, `ingest`, `enrich`, `dedup`, `notify`: the pipeline, whole or one stage.
void AddPipelineCommands(CLI::App& app, int* exit_code);
// `parse`, `whois`, `history`, `config check`: the utilities.
void AddToolCommands(CLI::App& app, int* exit_code);
// `history`, `blocks list|add|lift`, `policy explain`, `reply record`: the dedup state.
void AddDedupCommands(CLI::App& app, int* exit_code);
// `cache stats`, `cache purge [PREFIX]`: the enrich stage's persistent netblock cache.
void AddCacheCommands(CLI::App& app, int* exit_code);
// `rdap bootstrap update [--from URL] [--dir DIR]`: refresh the IANA bootstrap files (cli/rdap_commands.cc).
void AddRdapCommands(CLI::App& app, int* exit_code);
// `keys generate --dir DIR --name NAME`, `keys show FILE`: CURVE key files (cli/keys_commands.cc).
void AddKeysCommands(CLI::App& app, int* exit_code);
// `status [--state DIR] [--json]`: what is still on its way in a state folder (cli/status_commands.cc).
void AddStatusCommands(CLI::App& app, int* exit_code);
// `reshard --to N [--config F | --state DIR --from M]`: dedup history to N shards (cli/reshard_command.cc).
void AddReshardCommand(CLI::App& app, int* exit_code);
// `whois ADDRESS` over WHOIS (cli/cache_commands.cc): the servers asked, the
// referrals followed, the parsed record and the cache state, as text or JSON.
// `servers` are NAME=HOST:PORT overrides of [enrich.whois] servers.
int WhoisResolveCommand(const std::string& address, const std::string& config_path,
                        const std::vector<std::string>& servers, bool json);

}  // namespace abuseflow::cli
