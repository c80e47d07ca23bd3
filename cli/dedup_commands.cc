// The commands over the dedup state: history, blocks, policy explain, reply record.
#include <chrono>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/dedup_views.h"
#include "cli/json_views.h"
#include "core/config.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/time_format.h"
#include "dedup/block_outputs.h"
#include "dedup/dedup_stage.h"
#include "dedup/history_store.h"
#include "dedup/owner_views.h"
#include "dedup/policy_engine.h"

namespace abuseflow::cli {
namespace {

struct Options {
  std::string state = "state", address, config, kind = "human", message_id, duration = "30d";
  bool json = false, fixed = false, all = false;
};

// Everything a command needs: the parsed address, the store, the config.
struct Context {
  core::IpAddress address;
  std::unique_ptr<dedup::HistoryStore> store;
  core::Config config;
};

// Opens the state for `command`; prints the error and returns its exit code on failure.
int Open(const char* command, const Options& o, bool need_address, bool read_only, Context* c) {
  if (need_address) {
    auto a = core::IpAddress::Parse(o.address);
    if (!a) {
      std::cerr << "abuseflow " << command << ": '" << o.address
                << "' is not an IPv4 or IPv6 address\n";
      return 2;
    }
    c->address = *a;
  }
  if (!o.config.empty()) {
    auto config = core::LoadConfig(o.config);
    if (!config.ok()) {
      std::cerr << "abuseflow " << command << ": " << config.status().message() << "\n";
      return 2;
    }
    c->config = std::move(config).value();
  }
  auto store = dedup::HistoryStore::Open(dedup::HistoryDir(o.state), read_only);
  if (!store.ok()) {
    std::cerr << "abuseflow " << command << ": " << store.status().message() << "\n";
    return 1;
  }
  c->store = std::move(store).value();
  return 0;
}

// The policy clock of the store (event time of the newest event in replay), else wall time.
int64_t PolicyNow(const dedup::HistoryStore& store) {
  auto now = store.LoadNow();
  if (now.ok() && *now != 0) return *now;
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

int Fail(const char* command, const core::Status& s) {
  std::cerr << "abuseflow " << command << ": " << s.message() << "\n";
  return 1;
}

// Rewrites the block outputs after a change made by hand.
int WriteOutputs(const char* command, const Options& o, const Context& c) {
  dedup::BlockOutputs outputs(dedup::BlocksDir(o.state), c.config.dedup.block_hook);
  if (core::Status s = outputs.WriteFrom(*c.store); !s.ok()) return Fail(command, s);
  return 0;
}

// Every history as one JSON object per line, in address key order: an
// export to compare or to archive.
int HistoryAllCommand(const Options& o) {
  Context c;
  if (int rc = Open("history", o, false, true, &c)) return rc;
  core::Status s = c.store->ForEach([](const v1::AddressHistory& h) {
    std::cout << HistoryJson(h).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return true;
  });
  if (!s.ok()) return Fail("history", s);
  return 0;
}

int HistoryCommand(const Options& o) {
  if (o.all) {
    if (!o.address.empty()) {
      std::cerr << "abuseflow history: give an address or --all, not both\n";
      return 2;
    }
    return HistoryAllCommand(o);
  }
  if (o.address.empty()) {
    std::cerr << "abuseflow history: give an address, or --all\n";
    return 2;
  }
  Context c;
  if (int rc = Open("history", o, true, true, &c)) return rc;
  auto history = c.store->Get(c.address);
  if (!history.ok()) return Fail("history", history.status());
  if (!history->has_value()) {
    std::cerr << "abuseflow history: no history for " << c.address.ToString() << "\n";
    return 1;
  }
  if (o.json) {
    std::cout << HistoryJson(**history).dump(2, ' ', false,
                                             nlohmann::json::error_handler_t::replace)
              << "\n";
  } else {
    std::cout << HistoryText(**history);
  }
  return 0;
}

// The active netblock blocks (per-owner view), after the address blocks.
core::Status ListNetblockBlocks(const dedup::HistoryStore& store, bool json,
                                nlohmann::ordered_json* list) {
  return store.ForEachNetblock([&](const v1::NetblockRecord& r) {
    const v1::BlockState& b = r.block();
    if (!b.active()) return true;
    std::string cidrs;
    for (const core::IpPrefix& p : dedup::NetblockPrefixes(r))
      cidrs += (cidrs.empty() ? "" : " ") + p.ToString();
    if (json) {
      list->push_back({{"netblock", cidrs},
                       {"owner", r.owner()},
                       {"since", core::FormatUtc(b.since_us())},
                       {"expires", core::FormatUtc(b.expires_us())},
                       {"reason", b.reason()},
                       {"addresses_blocked", r.blocked_size()}});
    } else {
      std::cout << cidrs << "\tsince " << core::FormatUtc(b.since_us()) << "\tuntil "
                << core::FormatUtc(b.expires_us()) << "\t" << b.reason() << " ("
                << r.blocked_size() << " addresses of " << r.owner() << ")\n";
    }
    return true;
  });
}

int BlocksList(const Options& o) {
  Context c;
  if (int rc = Open("blocks list", o, false, true, &c)) return rc;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  core::Status s = c.store->ForEachBlocked([&](const v1::AddressHistory& h) {
    const v1::BlockState& b = h.block();
    if (o.json) {
      list.push_back({{"address", AddressText(h.src())},
                      {"since", core::FormatUtc(b.since_us())},
                      {"expires", core::FormatUtc(b.expires_us())},
                      {"reason", b.reason()}});
    } else {
      std::cout << AddressText(h.src()) << "\tsince " << core::FormatUtc(b.since_us()) << "\tuntil "
                << core::FormatUtc(b.expires_us()) << "\t" << b.reason() << "\n";
    }
    return true;
  });
  if (s.ok()) s = ListNetblockBlocks(*c.store, o.json, &list);
  if (!s.ok()) return Fail("blocks list", s);
  if (o.json) std::cout << list.dump(2) << "\n";
  return 0;
}

int BlocksChange(const Options& o, bool add) {
  const char* command = add ? "blocks add" : "blocks lift";
  Context c;
  if (int rc = Open(command, o, true, false, &c)) return rc;
  auto duration = core::ParseDuration(o.duration);
  if (!duration.ok()) {
    Fail(command, duration.status());
    return 2;
  }
  auto stored = c.store->Get(c.address);
  if (!stored.ok()) return Fail(command, stored.status());
  v1::AddressHistory h = stored->value_or(v1::AddressHistory());
  h.set_src(c.address.ToBytes());
  const int64_t now = PolicyNow(*c.store);
  if (add) {
    dedup::SetManualBlock(now, now + *duration, &h);
  } else if (!h.block().active()) {
    std::cerr << "abuseflow blocks lift: " << c.address.ToString() << " is not blocked\n";
    return 1;
  } else {
    dedup::LiftBlock("manual", now, &h);
  }
  if (core::Status s =
          c.store->PutWithOwners({&h}, c.config.dedup.policy.netblock_block_threshold, now);
      !s.ok()) {
    return Fail(command, s);
  }
  std::cout << c.address.ToString()
            << (add ? " blocked until " + core::FormatUtc(h.block().expires_us())
                    : std::string(" unblocked"))
            << "\n";
  return WriteOutputs(command, o, c);
}

int ReplyRecord(const Options& o) {
  Context c;
  if (int rc = Open("reply record", o, true, false, &c)) return rc;
  v1::ReplyRecord reply;
  if (o.kind == "human")
    reply.set_kind(v1::ReplyRecord::KIND_HUMAN);
  else if (o.kind == "automated")
    reply.set_kind(v1::ReplyRecord::KIND_AUTOMATED);
  else if (o.kind == "bounce")
    reply.set_kind(v1::ReplyRecord::KIND_BOUNCE);
  else {
    std::cerr << "abuseflow reply record: --kind must be human, automated or bounce\n";
    return 2;
  }
  reply.set_says_fixed(o.fixed);
  reply.set_message_id(o.message_id);
  reply.set_received_us(PolicyNow(*c.store));
  if (core::Status s = c.store->RecordReply(c.address, reply); !s.ok())
    return Fail("reply record", s);
  std::cout << "recorded " << o.kind << " reply about " << c.address.ToString()
            << (o.fixed ? " (says fixed)" : "") << "\n";
  return WriteOutputs("reply record", o, c);
}

}  // namespace

int PolicyExplain(const std::string& state, const std::string& address, const std::string& config);
void AddOwnerCommands(CLI::App& app, int* exit_code);  // cli/owner_commands.cc

void AddDedupCommands(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<Options>();
  auto state = [o](CLI::App* cmd) {
    cmd->add_option("--state", o->state, "state folder of the dedup stage")->capture_default_str();
  };
  auto address = [o](CLI::App* cmd) {
    cmd->add_option("address", o->address, "IPv4 or IPv6 address")->required();
  };
  auto config = [o](CLI::App* cmd) {
    cmd->add_option("-c,--config", o->config,
                    "config whose [dedup] settings to use (default: built-in)");
  };

  CLI::App* history = app.add_subcommand("history", "Show the history of an address");
  state(history);
  history->add_option("address", o->address, "IPv4 or IPv6 address");
  history->add_flag("--json", o->json, "print JSON (docs/cli.md) instead of text");
  history->add_flag("--all", o->all, "every history, one JSON object per line, in key order");
  history->callback([o, exit_code] { *exit_code = HistoryCommand(*o); });

  CLI::App* blocks = app.add_subcommand("blocks", "List, set or lift blocks");
  blocks->require_subcommand(1);
  CLI::App* list = blocks->add_subcommand("list", "List the active blocks");
  state(list);
  list->add_flag("--json", o->json, "print JSON");
  list->callback([o, exit_code] { *exit_code = BlocksList(*o); });
  CLI::App* add = blocks->add_subcommand("add", "Block an address by hand");
  state(add);
  address(add);
  config(add);
  add->add_option("--for", o->duration, "how long, e.g. 30d")->capture_default_str();
  add->callback([o, exit_code] { *exit_code = BlocksChange(*o, true); });
  CLI::App* lift = blocks->add_subcommand("lift", "Lift the block of an address by hand");
  state(lift);
  address(lift);
  config(lift);
  lift->callback([o, exit_code] { *exit_code = BlocksChange(*o, false); });

  CLI::App* policy = app.add_subcommand("policy", "Policy utilities");
  policy->require_subcommand(1);
  CLI::App* explain =
      policy->add_subcommand("explain", "Say which rule decided what for an address");
  state(explain);
  address(explain);
  config(explain);
  explain->callback(
      [o, exit_code] { *exit_code = PolicyExplain(o->state, o->address, o->config); });

  CLI::App* reply = app.add_subcommand("reply", "Replies to notices");
  reply->require_subcommand(1);
  CLI::App* record = reply->add_subcommand("record", "Record a reply about an address");
  state(record);
  address(record);
  config(record);
  record->add_option("--kind", o->kind, "human, automated or bounce")->capture_default_str();
  record->add_flag("--fixed", o->fixed, "the reply says the problem is fixed (lifts a block)");
  record->add_option("--message-id", o->message_id, "Message-ID of the reply");
  record->callback([o, exit_code] { *exit_code = ReplyRecord(*o); });

  AddOwnerCommands(app, exit_code);
}

}  // namespace abuseflow::cli
