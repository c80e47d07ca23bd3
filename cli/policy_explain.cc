// `abuseflow policy explain`: which rule decided what for one address, and
// what the policy would do with its next event.
#include <algorithm>
#include <iostream>

#include "core/config.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/time_format.h"
#include "dedup/dedup_stage.h"
#include "dedup/history_store.h"
#include "dedup/policy_engine.h"

namespace abuseflow::cli {
namespace {

void PrintNext(const v1::AddressHistory& h, const core::DedupPolicyConfig& p, int64_t now,
               bool local) {
  const dedup::PolicyEngine engine(p);
  std::cout << "next event (policy clock " << core::FormatUtc(now) << "):\n";
  if (h.block().active()) {
    std::string lift = engine.LiftDue(h, now);
    std::cout << "  blocked (" << h.block().reason() << ") until "
              << core::FormatUtc(h.block().expires_us())
              << (lift.empty() ? "" : "; due to be lifted by " + lift)
              << "; a says-fixed reply or lift_after_silence without probes lifts it\n";
    return;
  }
  if (local) {
    std::cout << "  local network: reported to the liaison " << p.liaison << " at once\n";
    return;
  }
  if (h.notice_log().empty()) {
    std::cout << "  no notice yet: reported when a threshold is met (worm " << p.worm_events
              << ", exploit " << p.exploit_events << ", " << p.connection_attempts
              << " connection attempts or " << p.distinct_ports
              << " ports within the scan window, other " << p.other_events << ") and not stale\n";
    return;
  }
  const v1::NoticeRecord& last = *h.notice_log().rbegin();
  int unanswered = dedup::PolicyEngine::UnansweredNotices(h);
  std::cout << "  before " << core::FormatUtc(last.sent_us() + p.report_window_us)
            << ": joins notice " << last.notice_number() << " (continuation)\n"
            << "  before " << core::FormatUtc(last.sent_us() + p.repeat_interval_us)
            << ": recorded, not reported (repeat-interval)\n"
            << "  after: ";
  if (p.block_after_notices > 0 && unanswered >= p.block_after_notices) {
    std::cout << "blocked for the block period (escalate: " << unanswered
              << " unanswered notices)\n";
  } else {
    std::cout << "notice " << last.notice_number() + 1 << " if a threshold is met (" << unanswered
              << " unanswered notices; a block after " << p.block_after_notices << ")\n";
  }
}

// The per-owner view of the address's netblock and the netblock_block_threshold rule.
void PrintNetblock(const dedup::HistoryStore& store, const v1::AddressHistory& h,
                   const core::DedupPolicyConfig& p) {
  if (h.netblock().empty()) {
    std::cout << "netblock: none (owner unresolved or without a range)\n";
    return;
  }
  auto record = store.GetNetblock(h.netblock());
  if (!record.ok() || !record->has_value()) return;
  const v1::NetblockRecord& r = **record;
  std::cout << "netblock " << (r.cidrs().empty() ? "" : r.cidrs(0)) << " (" << r.owner()
            << "): " << r.addresses_seen() << " addresses seen, " << r.blocked_size()
            << " blocked; ";
  if (r.block().active()) {
    std::cout << "the whole block is blocked (rule netblock-threshold, " << r.block_threshold()
              << " or more blocked) until its addresses' blocks are lifted\n";
  } else if (p.netblock_block_threshold > 0) {
    std::cout << "the whole block is blocked at " << p.netblock_block_threshold
              << " blocked addresses (rule netblock-threshold)\n";
  } else {
    std::cout << "netblock_block_threshold is off\n";
  }
}

}  // namespace

int PolicyExplain(const std::string& state, const std::string& address_text,
                  const std::string& config_path) {
  auto address = core::IpAddress::Parse(address_text);
  if (!address) {
    std::cerr << "abuseflow policy explain: '" << address_text
              << "' is not an IPv4 or IPv6 address\n";
    return 2;
  }
  core::Config config;
  if (!config_path.empty()) {
    auto loaded = core::LoadConfig(config_path);
    if (!loaded.ok()) {
      std::cerr << "abuseflow policy explain: " << loaded.status().message() << "\n";
      return 2;
    }
    config = std::move(loaded).value();
  }
  auto store = dedup::HistoryStore::Open(dedup::HistoryDir(state), true);
  if (!store.ok()) {
    std::cerr << "abuseflow policy explain: " << store.status().message() << "\n";
    return 1;
  }
  auto history = (*store)->Get(*address);
  if (!history.ok() || !history->has_value()) {
    std::cerr << "abuseflow policy explain: no history for " << address->ToString() << "\n";
    return 1;
  }
  const v1::AddressHistory& h = **history;
  const core::DedupPolicyConfig& p = config.dedup.policy;
  bool local =
      std::any_of(p.local_networks.begin(), p.local_networks.end(), [&](const std::string& n) {
        auto prefix = core::IpPrefix::Parse(n);
        return prefix && prefix->Contains(*address);
      });
  std::cout << address->ToString() << ": " << h.count() << " events, " << h.notice_log_size()
            << " notices, " << h.replies_size() << " replies (policy from "
            << (config_path.empty() ? "the built-in defaults" : config_path) << ")\n";
  std::cout
      << "decisions (oldest first; repeated suppressions and continuations are not listed):\n";
  for (const v1::PolicyDecision& d : h.decisions()) {
    std::cout << "  " << core::FormatUtc(d.at_us()) << "  " << d.action();
    if (d.notice_number()) std::cout << " notice " << d.notice_number();
    std::cout << "  rule " << d.rule() << ": " << d.detail() << "\n";
  }
  auto now = (*store)->LoadNow();
  PrintNext(h, p, now.ok() ? *now : 0, local);
  PrintNetblock(**store, h, p);
  return 0;
}

}  // namespace abuseflow::cli
