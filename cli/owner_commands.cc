// `abuseflow owners list|show`: dedup's per-owner view (one record per netblock).
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/json_views.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/time_format.h"
#include "dedup/dedup_stage.h"
#include "dedup/history_store.h"
#include "dedup/owner_views.h"

namespace abuseflow::cli {
namespace {

using nlohmann::ordered_json;

struct OwnerOptions {
  std::string state = "state", target;
  bool json = false;
};

std::string Range(const v1::NetblockRecord& r) {
  return AddressText(r.first()) + " - " + AddressText(r.last());
}

// The JSON of docs/history-schema.md ("Per-owner view"); `addresses`: with the address lists.
ordered_json NetblockJson(const v1::NetblockRecord& r, bool addresses) {
  ordered_json j;
  j["range"] = Range(r);
  j["cidrs"] = r.cidrs();
  j["owner"] = r.owner();
  j["netname"] = r.netname();
  j["country"] = r.country();
  j["abuse"] = r.abuse();
  j["addresses_seen"] = r.addresses_seen();
  j["addresses_blocked"] = r.blocked_size();
  j["first_seen"] = core::FormatUtc(r.first_seen_us());
  j["last_seen"] = core::FormatUtc(r.last_seen_us());
  const v1::BlockState& b = r.block();
  j["block"] = {{"active", b.active()},
                {"since", b.since_us() ? core::FormatUtc(b.since_us()) : ""},
                {"expires", b.expires_us() ? core::FormatUtc(b.expires_us()) : ""},
                {"reason", b.reason()},
                {"threshold", r.block_threshold()},
                {"lifted", b.lifted_us() ? core::FormatUtc(b.lifted_us()) : ""},
                {"lifted_by", b.lifted_by()}};
  if (addresses) {
    ordered_json seen = ordered_json::array(), blocked = ordered_json::array();
    for (const std::string& a : r.addresses()) seen.push_back(AddressText(a));
    for (const std::string& a : r.blocked()) blocked.push_back(AddressText(a));
    j["addresses"] = seen;
    j["blocked"] = blocked;
  }
  return j;
}

std::string NetblockLine(const v1::NetblockRecord& r) {
  std::ostringstream out;
  std::string cidrs;
  for (const std::string& c : r.cidrs()) cidrs += (cidrs.empty() ? "" : ",") + c;
  out << (cidrs.empty() ? Range(r) : cidrs) << "\t"
      << (r.owner().empty() ? "(owner unknown)" : r.owner()) << "\t"
      << (r.abuse().empty() ? "(no contact)" : r.abuse(0)) << "\tseen " << r.addresses_seen()
      << "\tblocked " << r.blocked_size() << (r.block().active() ? "\tBLOCK ACTIVE" : "") << "\n";
  return out.str();
}

std::string NetblockText(const v1::NetblockRecord& r) {
  std::ostringstream out;
  out << Range(r) << "  " << (r.owner().empty() ? "(owner unknown)" : r.owner());
  if (!r.netname().empty()) out << " (" << r.netname() << ")";
  if (!r.country().empty()) out << ", " << r.country();
  out << "\n  cidrs:";
  for (const std::string& c : r.cidrs()) out << " " << c;
  out << "\n  abuse:";
  for (const std::string& a : r.abuse()) out << " " << a;
  out << "\n  seen " << core::FormatUtc(r.first_seen_us()) << " to "
      << core::FormatUtc(r.last_seen_us()) << ", " << r.addresses_seen() << " addresses ("
      << r.addresses_size() << " listed):";
  for (const std::string& a : r.addresses()) out << " " << AddressText(a);
  out << "\n  blocked (" << r.blocked_size() << "):";
  for (const std::string& a : r.blocked()) out << " " << AddressText(a);
  const v1::BlockState& b = r.block();
  if (b.active()) {
    out << "\n  netblock block: active since " << core::FormatUtc(b.since_us()) << " until "
        << core::FormatUtc(b.expires_us()) << " (" << r.block_threshold()
        << " blocked addresses or more)\n";
  } else if (b.lifted_us()) {
    out << "\n  netblock block: lifted " << core::FormatUtc(b.lifted_us()) << " by "
        << b.lifted_by() << "\n";
  } else {
    out << "\n  netblock block: none\n";
  }
  return out.str();
}

std::unique_ptr<dedup::HistoryStore> OpenStore(const char* command, const OwnerOptions& o) {
  auto store = dedup::HistoryStore::Open(dedup::HistoryDir(o.state), true);
  if (!store.ok()) {
    std::cerr << "abuseflow " << command << ": " << store.status().message() << "\n";
    return nullptr;
  }
  return std::move(store).value();
}

int OwnersList(const OwnerOptions& o) {
  auto store = OpenStore("owners list", o);
  if (!store) return 1;
  ordered_json list = ordered_json::array();
  core::Status s = store->ForEachNetblock([&](const v1::NetblockRecord& r) {
    if (o.json)
      list.push_back(NetblockJson(r, false));
    else
      std::cout << NetblockLine(r);
    return true;
  });
  if (!s.ok()) {
    std::cerr << "abuseflow owners list: " << s.message() << "\n";
    return 1;
  }
  if (o.json) std::cout << list.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  return 0;
}

// The record whose range (or one of whose CIDRs) is `prefix` exactly, or (for an address) the
// narrowest record containing it.
std::optional<v1::NetblockRecord> FindRecord(const dedup::HistoryStore& store,
                                             const core::IpPrefix& target, bool exact,
                                             core::Status* status) {
  std::optional<v1::NetblockRecord> best;
  *status = store.ForEachNetblock([&](const v1::NetblockRecord& r) {
    auto first = core::IpAddress::FromBytes(r.first());
    auto last = core::IpAddress::FromBytes(r.last());
    if (!first || !last || first->is_v4() != target.address().is_v4()) return true;
    bool match = !(target.address() < *first) && !(*last < target.address());
    if (exact) {
      auto prefixes = dedup::NetblockPrefixes(r);
      match = (*first == target.first() && *last == target.last()) ||
              std::find(prefixes.begin(), prefixes.end(), target) != prefixes.end();
    }
    // Big-endian bytes of one family compare as the addresses do: keep the narrowest.
    if (match && (!best || (r.first() >= best->first() && r.last() <= best->last()))) best = r;
    return true;
  });
  return best;
}

int OwnersShow(const OwnerOptions& o) {
  std::optional<core::IpPrefix> prefix = core::IpPrefix::Parse(o.target);
  const bool exact = prefix.has_value() && o.target.find('/') != std::string::npos;
  if (!exact) {
    auto a = core::IpAddress::Parse(o.target);
    if (!a) {
      std::cerr << "abuseflow owners show: '" << o.target << "' is not a prefix or an address\n";
      return 2;
    }
    prefix = core::IpPrefix(*a, a->bit_width());
  }
  auto store = OpenStore("owners show", o);
  if (!store) return 1;
  core::Status s;
  std::optional<v1::NetblockRecord> r = FindRecord(*store, *prefix, exact, &s);
  if (!s.ok()) {
    std::cerr << "abuseflow owners show: " << s.message() << "\n";
    return 1;
  }
  if (!r) {
    std::cerr << "abuseflow owners show: no netblock record for " << o.target << "\n";
    return 1;
  }
  if (o.json)
    std::cout << NetblockJson(*r, true).dump(2, ' ', false,
                                            nlohmann::json::error_handler_t::replace)
              << "\n";
  else
    std::cout << NetblockText(*r);
  return 0;
}

}  // namespace

void AddOwnerCommands(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<OwnerOptions>();
  CLI::App* owners = app.add_subcommand("owners", "The per-owner view: addresses per netblock");
  owners->require_subcommand(1);
  CLI::App* list = owners->add_subcommand("list", "List the netblocks seen, with their counts");
  CLI::App* show = owners->add_subcommand("show", "Show one netblock (by prefix or address)");
  for (CLI::App* cmd : {list, show}) {
    cmd->add_option("--state", o->state, "state folder of the dedup stage")->capture_default_str();
    cmd->add_flag("--json", o->json, "print JSON");
  }
  show->add_option("target", o->target, "the block's prefix (as in cidrs) or an address in it")
      ->required();
  list->callback([o, exit_code] { *exit_code = OwnersList(*o); });
  show->callback([o, exit_code] { *exit_code = OwnersShow(*o); });
}

}  // namespace abuseflow::cli
