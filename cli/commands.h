#pragma once

#include <CLI/CLI.hpp>

namespace abuseflow::cli {

// `run`, `ingest`, `enrich`, `dedup`, `notify`: the pipeline, whole or one stage.
void AddPipelineCommands(CLI::App& app, int* exit_code);
// `parse`, `whois`, `history`, `config check`: the utilities.
void AddToolCommands(CLI::App& app, int* exit_code);

}  // namespace abuseflow::cli
