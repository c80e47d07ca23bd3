// `abuseflow cache stats|purge` and the WHOIS resolution view of
// `abuseflow whois`: the enrich stage's network lookups and persistent cache.
#include <chrono>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/json_views.h"
#include "cli/whois_view.h"
#include "core/config.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "enrich/enricher.h"
#include "enrich/offline_registry.h"
#include "enrich/owner_cache.h"
#include "enrich/deferred_events.h"
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
  ordered_json j{{"state", hit->unresolved() ? "negative" : "hit"}, {"record", OwnerJson(*hit)}};
  // The persisted raw text of the cached answer (WHOIS text or RDAP JSON).
  if (hit->cidrs_size() > 0) {
    auto raw = (*store)->GetRaw(hit->cidrs(0));
    if (raw.ok() && raw->has_value()) j["raw"] = **raw;
  }
  return j;
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

// The delegated country line: what the files say and whether it was applied.
void PrintDelegated(const ordered_json& j) {
  if (!j.contains("delegated")) return;
  const ordered_json& d = j["delegated"];
  if (!d.contains("country")) {
    std::cout << "delegated: no range (" << d["mode"].get<std::string>() << ")\n";
    return;
  }
  std::cout << "delegated: " << d["country"].get<std::string>() << " ("
            << d["registry"].get<std::string>() << " " << d["prefix"].get<std::string>() << ", "
            << d["mode"].get<std::string>() << ", "
            << (d["applied"].get<bool>() ? "applied" : "not applied") << ")\n";
}

void PrintText(const ordered_json& j) {
  std::cout << "address: " << j["address"].get<std::string>() << "\n";
  if (j.contains("override")) {
    std::cout << "override: " << j["override"]["netname"].get<std::string>() << " ("
              << j["cidrs"][0].get<std::string>() << "), no query sent\n";
  }
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
    for (const auto& m : j["upstream_abuse"]) {
      std::cout << "upstream abuse: " << m.get<std::string>() << "\n";
    }
  } else {
    std::cout << "no registry knows this address\n";
    if (j.contains("country")) std::cout << "country: " << j["country"].get<std::string>() << "\n";
  }
  PrintDelegated(j);
  std::cout << "cache: " << j["cache"]["state"].get<std::string>() << "\n";
  if (j["cache"].contains("raw")) {
    std::cout << "cached raw answer: " << j["cache"]["raw"].get<std::string>().size() << " bytes\n";
  }
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
  auto pending = enrich::DeferredEvents::CountStored((*store)->raw());
  if (!pending.ok()) {
    std::cerr << "abuseflow cache stats: " << pending.status().message() << "\n";
    return 1;
  }
  ordered_json j{{"entries", stats->entries},         {"positive", stats->positive},
                 {"negative", stats->negative},       {"expired", stats->expired},
                 {"raw_answers", stats->raw_answers}, {"cache_evictions", stats->evictions},
                 {"max_entries", config.enrich.cache_max_entries},
                 {"by_source", stats->by_source},
                 {"pending_events", pending->waiting},
                 {"deferred_parts_unacknowledged", pending->unacknowledged_parts}};
  if (json) {
    std::cout << Dump(j, 2) << "\n";
    return 0;
  }
  std::cout << "entries: " << stats->entries << " (positive " << stats->positive << ", negative "
            << stats->negative << ", expired " << stats->expired
            << ")\nraw answers: " << stats->raw_answers << "\nevictions: " << stats->evictions
            << " (bound " << config.enrich.cache_max_entries << " entries)\n";
  for (const auto& [source, n] : stats->by_source) std::cout << "  " << source << ": " << n << "\n";
  std::cout << "pending events: " << pending->waiting << " (waiting for a lookup)\n"
            << "deferred parts: " << pending->unacknowledged_parts << " (not yet acknowledged by dedup)\n";
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

// The WHOIS resolution of `address` as JSON, with the stage's rules applied
// around it: never-mail on the answer, then the delegated country.
ordered_json ResolveJson(const core::Config& config, const core::WhoisConfig& whois,
                         const StageRules& rules, const core::IpAddress& address, bool* found) {
  enrich::WhoisSource source(std::make_unique<enrich::WhoisResolver>(whois));
  std::optional<v1::OwnerRecord> record = source.Lookup(address);
  *found = record.has_value();
  ordered_json j;
  j["address"] = address.ToString();
  j["steps"] = StepsJson(source.last());
  v1::OwnerRecord unresolved;  // what the stage passes on when nobody knows the address
  if (record) rules.ApplyNeverMail(&*record);
  ordered_json delegated = rules.ApplyDelegated(address, record ? &*record : &unresolved);
  if (record) j.update(OwnerJson(*record));
  if (!record && !unresolved.country().empty()) j["country"] = unresolved.country();
  if (!delegated.is_null()) j["delegated"] = delegated;
  j["cache"] = CacheState(config, address);
  j["raw"] = source.last().raw;
  return j;
}

// The override answering for `address` as JSON: no source is asked, the
// cache is not consulted (the stage never caches an override's answer).
ordered_json OverrideJson(const v1::OwnerRecord& record, const core::IpAddress& address) {
  ordered_json j;
  j["address"] = address.ToString();
  j["steps"] = ordered_json::array();
  j["override"] = OverrideNote(record);
  j.update(OwnerJson(record));
  j["cache"] = {{"state", "skipped"}, {"detail", "overrides are asked before the cache"}};
  return j;
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
  auto rules = StageRules::Load(config->enrich);
  if (!rules.ok()) {
    std::cerr << "abuseflow whois: " << rules.status().message() << "\n";
    return 1;
  }
  bool found = true;
  std::optional<v1::OwnerRecord> fixed = (*rules)->Override(*address);
  ordered_json j = fixed ? OverrideJson(*fixed, *address)
                         : ResolveJson(*config, whois, **rules, *address, &found);
  if (json) {
    std::cout << Dump(j, 2) << "\n";
  } else {
    PrintText(j);
  }
  return found ? 0 : 1;
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
