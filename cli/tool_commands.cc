#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/json_views.h"
#include "cli/whois_view.h"
#include "core/config.h"
#include "core/ip_address.h"
#include "dedup/dedup_stage.h"
#include "dedup/history_store.h"
#include "enrich/offline_registry.h"
#include "ingest/line_parser.h"
#include "ingest/line_reader.h"
#include "ingest/user_format_parser.h"

namespace abuseflow::cli {
namespace {

std::string Dump(const nlohmann::ordered_json& j, int indent = -1) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// `year` 0: inferred per line (ConfigureContext); `config_path`: its
// [[ingest.format]] user-defined formats are known too.
int ParseCommand(const std::string& format, const std::string& path, int year, const std::string& config_path) {
  std::vector<core::FormatConfig> formats;
  if (!config_path.empty()) {
    auto config = core::LoadConfig(config_path);
    core::Status s = config.ok() ? ingest::CheckUserFormats(config->ingest.formats) : config.status();
    if (!s.ok()) {
      std::cerr << "abuseflow parse: " << s.message() << "\n";
      return 2;
    }
    formats = config->ingest.formats;
  }
  auto parser = ingest::MakeParser(format, formats);
  if (!parser) {
    std::cerr << "abuseflow parse: unknown format '" << format << "'; known:";
    for (const std::string& name : ingest::ParserNames()) std::cerr << " " << name;
    std::cerr << "\n";
    return 2;
  }
  auto reader = ingest::LineReader::Open(path);
  if (!reader.ok()) {
    std::cerr << "abuseflow parse: " << reader.status().message() << "\n";
    return 1;
  }
  ingest::ParseContext ctx;
  ctx.default_year = year;
  core::InputConfig input;
  input.year = year;
  ingest::ConfigureContext(input, &ctx);
  uint64_t events = 0, not_probe = 0, rejected = 0;
  std::string_view line;
  bool too_long = false;
  while ((*reader)->Next(&line, &too_long)) {
    v1::ProbeEvent event;
    ingest::ParseResult r = too_long ? ingest::ParseResult{ingest::ParseOutcome::kRejected, "too-long"}
                                     : parser->Parse(line, ctx, &event);
    if (r.outcome == ingest::ParseOutcome::kEvent) {
      ++events;
      std::cout << Dump(EventJson(event)) << "\n";
    } else if (r.outcome == ingest::ParseOutcome::kNotProbe) {
      ++not_probe;
    } else {
      ++rejected;
      std::cerr << path << ":" << (*reader)->line_number() << ": rejected (" << r.reason << ")\n";
    }
  }
  std::cerr << path << ": " << (*reader)->line_number() << " lines, " << events << " events, "
            << not_probe << " not probes, " << rejected << " rejected\n";
  if (!(*reader)->status().ok()) {
    std::cerr << "abuseflow parse: " << (*reader)->status().message() << "\n";
    return 1;
  }
  return 0;
}

// The owner from offline registry files, with the stage's rules around it
// (an override first, the delegated country last): the record as JSON.
int OfflineWhois(const core::IpAddress& address, const std::vector<std::string>& registries,
                 const core::EnrichConfig& enrich) {
  auto rules = StageRules::Load(enrich);
  if (!rules.ok()) {
    std::cerr << "abuseflow whois: " << rules.status().message() << "\n";
    return 1;
  }
  if (auto fixed = (*rules)->Override(address)) {
    nlohmann::ordered_json j = OwnerJson(*fixed);
    j["override"] = OverrideNote(*fixed);
    std::cout << Dump(j, 2) << "\n";
    return 0;
  }
  enrich::OfflineRegistry registry;
  for (const std::string& path : registries) {
    if (core::Status s = registry.Load(path); !s.ok()) {
      std::cerr << "abuseflow whois: " << s.message() << "\n";
      return 1;
    }
  }
  auto owner = registry.Lookup(address);
  if (!owner) {
    std::cerr << "abuseflow whois: no block covers " << address.ToString() << "\n";
    return 1;
  }
  (*rules)->ApplyNeverMail(&*owner);
  nlohmann::ordered_json delegated = (*rules)->ApplyDelegated(address, &*owner);
  nlohmann::ordered_json j = OwnerJson(*owner);
  if (!delegated.is_null()) j["delegated"] = delegated;
  std::cout << Dump(j, 2) << "\n";
  return 0;
}

// Offline registry files (--registry, or a config without the whois source)
// print the record as JSON; otherwise the WHOIS resolution is shown.
int WhoisCommand(const std::string& address_text, const std::string& config_path,
                 std::vector<std::string> registries, const std::vector<std::string>& servers, bool json) {
  auto address = core::IpAddress::Parse(address_text);
  if (!address) {
    std::cerr << "abuseflow whois: '" << address_text << "' is not an IPv4 or IPv6 address\n";
    return 2;
  }
  core::EnrichConfig enrich;
  if (!config_path.empty()) {
    auto config = core::LoadConfig(config_path);
    if (!config.ok()) {
      std::cerr << "abuseflow whois: " << config.status().message() << "\n";
      return 2;
    }
    enrich = config->enrich;
  }
  if (registries.empty() && !config_path.empty()) {
    const std::vector<std::string>& sources = enrich.sources;
    if (std::find(sources.begin(), sources.end(), "whois") == sources.end()) registries = enrich.registry;
  }
  if (registries.empty()) return WhoisResolveCommand(address_text, config_path, servers, json);
  return OfflineWhois(*address, registries, enrich);
}

int ConfigCheckCommand(const std::string& path) {
  auto config = core::LoadConfig(path);
  if (!config.ok()) {
    std::cerr << config.status().message() << "\n";
    return 1;
  }
  if (core::Status s = ingest::CheckUserFormats(config->ingest.formats); !s.ok()) {
    std::cerr << path << ": " << s.message() << "\n";
    return 1;
  }
  for (const core::InputConfig& in : config->ingest.inputs) {
    if (!ingest::MakeParser(in.format, config->ingest.formats)) {
      std::cerr << path << ": input " << in.path << ": unknown format '" << in.format << "'\n";
      return 1;
    }
  }
  std::cout << path << ": ok (" << config->ingest.inputs.size() << " inputs, "
            << config->enrich.registry.size() << " registry files, state " << config->state_dir
            << ", outbox " << config->notify.outbox << ")\n";
  return 0;
}

}  // namespace

void AddToolCommands(CLI::App& app, int* exit_code) {
  struct Options {
    std::string format, path = "-", address, config, state = "state", file;
    std::vector<std::string> registries, servers;
    int year = 0;
    bool json = false;
  };
  auto o = std::make_shared<Options>();

  CLI::App* parse = app.add_subcommand("parse", "Parse a log and print its events as JSON lines");
  parse->add_option("-f,--format", o->format, "input format")->required();
  parse->add_option("file", o->path, "log file, plain or gzip; - for standard input");
  parse->add_option("--year", o->year, "year for stamps without one (default: inferred from the clock and the lines)");
  parse->add_option("-c,--config", o->config, "config whose [[ingest.format]] user-defined formats --format may name");
  parse->callback([o, exit_code] { *exit_code = ParseCommand(o->format, o->path, o->year, o->config); });

  CLI::App* whois = app.add_subcommand(
      "whois", "Show the owner of an address: from registry files as JSON, else asked over WHOIS");
  whois->add_option("address", o->address, "IPv4 or IPv6 address")->required();
  whois->add_option("-c,--config", o->config, "config: its registry files, or its [enrich.whois] with sources \"whois\"");
  whois->add_option("--registry", o->registries, "offline RPSL registry file, repeatable");
  whois->add_option("--server", o->servers, "NAME=HOST:PORT: where to ask registry NAME, repeatable");
  whois->add_flag("--json", o->json, "print the WHOIS resolution as JSON (docs/cli.md)");
  whois->callback([o, exit_code] {
    *exit_code = WhoisCommand(o->address, o->config, o->registries, o->servers, o->json);
  });

  // `history` lives in cli/dedup_commands.cc.

  CLI::App* config = app.add_subcommand("config", "Configuration utilities");
  config->require_subcommand(1);
  CLI::App* check = config->add_subcommand("check", "Validate a configuration file");
  check->add_option("file", o->file, "TOML configuration file")->required();
  check->callback([o, exit_code] { *exit_code = ConfigCheckCommand(o->file); });
}

}  // namespace abuseflow::cli
