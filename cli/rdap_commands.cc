// `abuseflow rdap bootstrap update [--from URL] [--dir DIR] [-c CONFIG]`:
// refreshes the IANA RDAP bootstrap files the RDAP source reads
// (docs/rdap.md, "Refreshing the bootstrap").
#include <filesystem>
#include <iostream>
#include <memory>
#include <set>

#include "cli/commands.h"
#include "core/config.h"
#include "enrich/rdap_bootstrap_update.h"
#include "enrich/rdap_client.h"

namespace abuseflow::cli {
namespace {

// The folder of the config's [enrich.rdap] bootstrap files: they must share one.
core::Result<std::string> BootstrapDir(const core::RdapConfig& rdap) {
  std::set<std::string> dirs;
  for (const std::string& path : rdap.bootstrap) {
    dirs.insert(std::filesystem::path(path).parent_path().string());
  }
  if (dirs.empty()) {
    return core::Status::InvalidArgument(
        "the config names no [enrich.rdap] bootstrap files (the bundled copy is built in): "
        "give --dir and list the files in bootstrap");
  }
  if (dirs.size() > 1) {
    return core::Status::InvalidArgument(
        "the [enrich.rdap] bootstrap files are in several folders: give --dir");
  }
  return *dirs.begin();
}

void PrintUpdate(const enrich::BootstrapFileUpdate& u) {
  std::cout << u.name << ": version " << u.info.version << ", published " << u.info.publication
            << ", " << u.info.services << " services, "
            << u.info.v4_prefixes + u.info.v6_prefixes << " prefixes -> " << u.path;
  if (!u.previous_publication.empty()) std::cout << " (was published " << u.previous_publication << ")";
  std::cout << "\n";
}

int BootstrapUpdateCommand(const std::string& config_path, const std::string& from,
                           const std::string& dir) {
  core::Config config;
  if (!config_path.empty()) {
    auto loaded = core::LoadConfig(config_path);
    if (!loaded.ok()) {
      std::cerr << "abuseflow rdap bootstrap update: " << loaded.status().message() << "\n";
      return 2;
    }
    config = *loaded;
  }
  enrich::BootstrapUpdateOptions options;
  options.base_url = from.empty() ? enrich::kIanaRdapBootstrapUrl : from;
  auto target = dir.empty() ? BootstrapDir(config.enrich.rdap) : core::Result<std::string>(dir);
  if (!target.ok()) {
    std::cerr << "abuseflow rdap bootstrap update: " << target.status().message() << "\n";
    return 2;
  }
  options.dir = *target;
  enrich::RdapClientOptions client;
  client.timeout_us = config.enrich.rdap.timeout_us;
  client.max_body_bytes = static_cast<size_t>(config.enrich.rdap.max_answer_bytes);
  client.ca_file = config.enrich.rdap.ca_file;
  auto updates = enrich::UpdateRdapBootstrap(
      options, [&client](const std::string& url) { return enrich::RdapGet(url, client); });
  if (!updates.ok()) {
    std::cerr << "abuseflow rdap bootstrap update: " << updates.status().message()
              << "; the files in " << options.dir << " are unchanged\n";
    return 1;
  }
  for (const enrich::BootstrapFileUpdate& u : *updates) PrintUpdate(u);
  return 0;
}

}  // namespace

void AddRdapCommands(CLI::App& app, int* exit_code) {
  struct Options {
    std::string config, from, dir;
  };
  auto o = std::make_shared<Options>();
  CLI::App* rdap = app.add_subcommand("rdap", "The RDAP source's data");
  rdap->require_subcommand(1);
  CLI::App* bootstrap = rdap->add_subcommand("bootstrap", "The IANA RDAP bootstrap files");
  bootstrap->require_subcommand(1);
  CLI::App* update = bootstrap->add_subcommand(
      "update", "Fetch ipv4.json and ipv6.json over HTTPS, check them, replace the old ones atomically");
  update->add_option("-c,--config", o->config,
                     "config: its [enrich.rdap] bootstrap folder, ca_file, timeout and size cap");
  update->add_option("--from", o->from, "base URL of the files (https://); default https://data.iana.org/rdap/");
  update->add_option("--dir", o->dir, "folder to write them into (default: that of [enrich.rdap] bootstrap)");
  update->callback([o, exit_code] { *exit_code = BootstrapUpdateCommand(o->config, o->from, o->dir); });
}

}  // namespace abuseflow::cli
