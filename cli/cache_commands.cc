// `abuseflow cache stats|purge` and the WHOIS resolution view of
// `abuseflow whois`: the enrich stage's network lookups and persistent cache.
#include <chrono>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/json_views.h"
#include "core/config.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "enrich/enricher.h"
#include "enrich/offline_registry.h"
#include "enrich/owner_cache.h"
#include "enrich/owner_cache_store.h"
#include "enrich/whois_source.h"

namespace abuseflow::cli {
namespace {

using nlohmann::ordered_json;

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Dump(const ordered_json& j, int indent) {
  return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The config of -c FILE, or the defaults with state_dir from --state.
core::Result<core::Config> ConfigFor(const std::string& path, const std::string& state) {
  if (!path.empty()) return core::LoadConfig(path);
  core::Config config;
  if (!state.empty()) config.state_dir = state;
  return config;
}

// What the persistent cache holds for the address, for `whois`.
ordered_json CacheState(const core::Config& config, const core::IpAddress& address) {
  auto store = enrich::OwnerCacheStore::Open(enrich::OwnerCacheDir(config.state_dir), true);
  if (!store.ok()) return {{"state", "none"}, {"detail", store.status().message()}};
  enrich::OwnerCache cache;
  uint64_t corrupt = 0;
  if (auto loaded = (*store)->Load(&cache, NowUs(), &corrupt); !loaded.ok()) {
    return {{"state", "unreadable"}, {"detail", loaded.status().message()}};
  }
  const v1::OwnerRecord* hit = cache.Lookup(address);
  if (hit == nullptr) return {{"state", "miss"}};
  return {{"state", hit->unresolved() ? "negative" : "hit"}, {"record", OwnerJson(*hit)}};
}

ordered_json StepsJson(const enrich::WhoisResolution& r) {
  ordered_json steps = ordered_json::array();
  for (const enrich::WhoisStep& s : r.steps) {
    steps.push_back({{"server", s.server},
                     {"endpoint", s.endpoint},
                     {"query", s.query},
                     {"outcome", s.outcome},
                     {"referral", s.referral},
                     {"bytes", s.bytes}});
  }
  return steps;
}

void PrintText(const ordered_json& j) {
  std::cout << "address: " << j["address"].get<std::string>() << "\n";
  for (const auto& s : j["steps"]) {
    std::cout << "  asked " << s["server"].get<std::string>() << " ("
              << s["endpoint"].get<std::string>() << ") \"" << s["query"].get<std::string>()
              << "\": " << s["outcome"].get<std::string>();
    if (!s["referral"].get<std::string>().empty())
      std::cout << " -> " << s["referral"].get<std::string>();
    std::cout << "\n";
  }
  if (j.contains("netblock")) {
    for (const char* key : {"netblock", "owner", "netname", "country", "source", "server"}) {
      std::cout << key << ": " << j[key].get<std::string>() << "\n";
    }
    for (const auto& m : j["abuse"]) std::cout << "abuse: " << m.get<std::string>() << "\n";
  } else {
    std::cout << "no registry knows this address\n";
  }
  std::cout << "cache: " << j["cache"]["state"].get<std::string>() << "\n";
}

int CacheStatsCommand(const core::Config& config, bool json) {
  auto store = enrich::OwnerCacheStore::Open(enrich::OwnerCacheDir(config.state_dir), true);
  if (!store.ok()) {
    std::cerr << "abuseflow cache stats: " << store.status().message() << "\n";
    return 1;
  }
  auto stats = (*store)->Stats(NowUs());
  if (!stats.ok()) {
    std::cerr << "abuseflow cache stats: " << stats.status().message() << "\n";
    return 1;
  }
  ordered_json j{{"entries", stats->entries},         {"positive", stats->positive},
                 {"negative", stats->negative},       {"expired", stats->expired},
                 {"raw_answers", stats->raw_answers}, {"by_source", stats->by_source}};
  if (json) {
    std::cout << Dump(j, 2) << "\n";
    return 0;
  }
  std::cout << "entries: " << stats->entries << " (positive " << stats->positive << ", negative "
            << stats->negative << ", expired " << stats->expired
            << ")\nraw answers: " << stats->raw_answers << "\n";
  for (const auto& [source, n] : stats->by_source) std::cout << "  " << source << ": " << n << "\n";
  return 0;
}

int CachePurgeCommand(const core::Config& config, const std::string& prefix_text) {
  std::optional<core::IpPrefix> within;
  if (!prefix_text.empty()) {
    within = core::IpPrefix::Parse(prefix_text);
    if (!within) {
      std::cerr << "abuseflow cache purge: '" << prefix_text
                << "' is not a prefix such as 192.0.2.0/24\n";
      return 2;
    }
  }
  auto store = enrich::OwnerCacheStore::Open(enrich::OwnerCacheDir(config.state_dir), false);
  if (!store.ok()) {
    std::cerr << "abuseflow cache purge: " << store.status().message() << "\n";
    return 1;
  }
  auto purged = (*store)->Purge(within);
  if (!purged.ok()) {
    std::cerr << "abuseflow cache purge: " << purged.status().message() << "\n";
    return 1;
  }
  std::cout << "purged " << *purged << " entries\n";
  return 0;
}

}  // namespace

int WhoisResolveCommand(const std::string& address_text, const std::string& config_path,
                        const std::vector<std::string>& servers, bool json) {
  auto address = core::IpAddress::Parse(address_text);
  if (!address) {
    std::cerr << "abuseflow whois: '" << address_text << "' is not an IPv4 or IPv6 address\n";
    return 2;
  }
  auto config = ConfigFor(config_path, "");
  if (!config.ok()) {
    std::cerr << "abuseflow whois: " << config.status().message() << "\n";
    return 2;
  }
  core::WhoisConfig whois = config->enrich.whois;
  for (const std::string& s : servers) {
    size_t eq = s.find('=');
    if (eq == std::string::npos) {
      std::cerr << "abuseflow whois: --server wants NAME=HOST:PORT, not '" << s << "'\n";
      return 2;
    }
    whois.servers[s.substr(0, eq)] = s.substr(eq + 1);
  }
  enrich::WhoisSource source(std::make_unique<enrich::WhoisResolver>(whois));
  std::optional<v1::OwnerRecord> record = source.Lookup(*address);
  ordered_json j;
  j["address"] = address->ToString();
  j["steps"] = StepsJson(source.last());
  if (record) j.update(OwnerJson(*record));
  j["cache"] = CacheState(*config, *address);
  j["raw"] = source.last().raw;
  if (json) {
    std::cout << Dump(j, 2) << "\n";
  } else {
    PrintText(j);
  }
  return record ? 0 : 1;
}

void AddCacheCommands(CLI::App& app, int* exit_code) {
  struct Options {
    std::string config, state = "state", prefix;
    bool json = false;
  };
  auto o = std::make_shared<Options>();
  CLI::App* cache = app.add_subcommand("cache", "The enrich stage's persistent netblock cache");
  cache->require_subcommand(1);
  auto common = [o](CLI::App* cmd) {
    cmd->add_option("-c,--config", o->config, "config whose state_dir holds the cache");
    cmd->add_option("--state", o->state, "state folder (without --config)")->capture_default_str();
  };
  auto with_config = [o, exit_code](auto fn) {
    return [o, exit_code, fn] {
      auto config = ConfigFor(o->config, o->state);
      if (!config.ok()) {
        std::cerr << "abuseflow cache: " << config.status().message() << "\n";
        *exit_code = 2;
        return;
      }
      *exit_code = fn(*config);
    };
  };
  CLI::App* stats = cache->add_subcommand("stats", "Count cached netblocks by kind and source");
  common(stats);
  stats->add_flag("--json", o->json, "print JSON");
  stats->callback(
      with_config([o](const core::Config& c) { return CacheStatsCommand(c, o->json); }));
  CLI::App* purge = cache->add_subcommand("purge", "Forget cached netblocks inside PREFIX, or all");
  common(purge);
  purge->add_option("prefix", o->prefix, "e.g. 192.0.2.0/24; default every entry");
  purge->callback(
      with_config([o](const core::Config& c) { return CachePurgeCommand(c, o->prefix); }));
}

}  // namespace abuseflow::cli
