#include "dedup/policy_engine.h"

#include <algorithm>
#include <set>

#include "core/time_format.h"

namespace abuseflow::dedup {
namespace {

constexpr int kMaxDecisions = 32;
constexpr int kMaxReplies = 64;
constexpr int kMaxNotices = 64;

Decision Make(Decision::Action action, std::string rule, std::string detail, uint32_t number = 0) {
  Decision d;
  d.action = action;
  d.rule = std::move(rule);
  d.detail = std::move(detail);
  d.notice_number = number;
  return d;
}

void AddDecision(v1::AddressHistory* h, int64_t at, const std::string& rule,
                 const std::string& action, uint32_t number, const std::string& detail) {
  v1::PolicyDecision* d = h->add_decisions();
  d->set_at_us(at);
  d->set_rule(rule);
  d->set_action(action);
  d->set_notice_number(number);
  d->set_detail(detail);
  if (h->decisions_size() > kMaxDecisions) h->mutable_decisions()->DeleteSubrange(0, 1);
}

}  // namespace

const char* ActionName(Decision::Action action) {
  switch (action) {
    case Decision::Action::kReport:
      return "report";
    case Decision::Action::kSuppress:
      return "suppress";
    case Decision::Action::kBlock:
      return "block";
    case Decision::Action::kNone:
      break;
  }
  return "none";
}

int PolicyEngine::UnansweredNotices(const v1::AddressHistory& h) {
  int64_t answered_at = INT64_MIN;
  for (const v1::ReplyRecord& r : h.replies()) {
    if (r.kind() == v1::ReplyRecord::KIND_HUMAN || r.says_fixed()) {
      answered_at = std::max(answered_at, r.received_us());
    }
  }
  int n = 0;
  for (const v1::NoticeRecord& notice : h.notice_log()) n += notice.sent_us() > answered_at;
  return n;
}

std::vector<v1::Occurrence> PolicyEngine::EarlierOccurrences(const v1::AddressHistory& h,
                                                             int64_t before_us, int max) {
  std::vector<v1::Occurrence> out;
  for (const v1::Occurrence& o : h.occurrences()) {
    if (o.last_seen_us() < before_us) out.push_back(o);
  }
  if (static_cast<int>(out.size()) > max) out.erase(out.begin(), out.end() - max);
  return out;
}

std::string PolicyEngine::Trigger(const v1::AddressHistory& h, int64_t newest_us,
                                  std::string* detail, bool* worm_or_exploit,
                                  uint64_t* recent_events) const {
  uint64_t worm = 0, exploit = 0, attempts = 0, other = 0, total = 0;
  std::set<uint32_t> ports;
  for (const v1::Occurrence& o : h.occurrences()) {
    if (o.last_seen_us() < newest_us - config_.scan_window_us) continue;
    total += o.count();
    ports.insert(o.ports().begin(), o.ports().end());
    for (const v1::KindCount& k : o.kinds()) {
      if (k.kind() == v1::KIND_WORM)
        worm += k.count();
      else if (k.kind() == v1::KIND_EXPLOIT)
        exploit += k.count();
      else if (k.kind() == v1::KIND_CONNECTION_ATTEMPT)
        attempts += k.count();
      else
        other += k.count();
    }
  }
  *worm_or_exploit = worm + exploit > 0;
  *recent_events = total;
  if (worm >= static_cast<uint64_t>(config_.worm_events)) return "worm";
  if (exploit >= static_cast<uint64_t>(config_.exploit_events)) return "exploit";
  if (ports.size() >= static_cast<size_t>(config_.distinct_ports)) return "scan-ports";
  if (attempts >= static_cast<uint64_t>(config_.connection_attempts)) return "scan-attempts";
  if (other >= static_cast<uint64_t>(config_.other_events)) return "other";
  *detail = std::to_string(attempts) + " connection attempts, " + std::to_string(ports.size()) +
            " distinct ports, " + std::to_string(worm + exploit + other) +
            " other events within scan_window: below every threshold";
  return "";
}

std::string PolicyEngine::LiftDue(const v1::AddressHistory& h, int64_t now_us) const {
  if (!h.block().active()) return "";
  if (h.block().expires_us() != 0 && now_us >= h.block().expires_us()) return "expiry";
  if (h.block().reason() != "manual" &&
      now_us - h.last_seen_us() >= config_.lift_after_silence_us) {
    return "silence";
  }
  return "";
}

Decision PolicyEngine::Decide(const v1::AddressHistory& h,
                              const std::vector<const v1::ProbeEvent*>& fresh, int64_t now_us,
                              bool local) const {
  // The rules in the order of the table in dedup/README.md ("Policy").
  int64_t newest = INT64_MIN;
  for (const v1::ProbeEvent* e : fresh) newest = std::max(newest, e->observed_us());
  if (h.block().active()) {
    return Make(Decision::Action::kSuppress, "blocked",
                "blocked until " + core::FormatUtc(h.block().expires_us()) + " (" +
                    h.block().reason() + ")");
  }
  const v1::NoticeRecord* last = h.notice_log().empty() ? nullptr : &*h.notice_log().rbegin();
  if (last && newest < last->sent_us() + config_.report_window_us) {
    Decision d = Make(Decision::Action::kReport, "continuation",
                      "within report_window of notice " + std::to_string(last->notice_number()),
                      last->notice_number());
    d.continuation = true;
    return d;
  }
  if (last && newest < last->sent_us() + config_.repeat_interval_us) {
    return Make(Decision::Action::kSuppress, "repeat-interval",
                "next notice possible from " +
                    core::FormatUtc(last->sent_us() + config_.repeat_interval_us));
  }
  uint32_t number = last ? last->notice_number() + 1 : 1;
  if (local)
    return Make(Decision::Action::kReport, "local", "local network: to the liaison", number);
  std::string why;
  bool severe = false;
  uint64_t recent = 0;
  std::string trigger = Trigger(h, newest, &why, &severe, &recent);
  if (trigger.empty()) return Make(Decision::Action::kSuppress, "below-threshold", why);
  if (newest < now_us - config_.stale_after_us) {
    bool noisy = recent >= static_cast<uint64_t>(config_.noise_events);
    if (!severe && !noisy && !last) {
      return Make(Decision::Action::kSuppress, "stale",
                  "newest event " + core::FormatUtc(newest) + " is older than stale_after");
    }
    trigger += severe  ? "+stale-exempt-severe"
               : noisy ? "+stale-exempt-noisy"
                       : "+stale-exempt-repeat";
  }
  if (last && config_.block_after_notices > 0 &&
      UnansweredNotices(h) >= config_.block_after_notices) {
    return Make(
        Decision::Action::kBlock, "escalate",
        std::to_string(UnansweredNotices(h)) + " notices without an actual reply, probes continue");
  }
  return Make(Decision::Action::kReport, number > 1 ? "repeat+" + trigger : trigger,
              number > 1 ? "notice " + std::to_string(number) + " after the repeat interval"
                         : "threshold met",
              number);
}

void RecordDecision(const Decision& d, int64_t now_us, const std::string& contact,
                    const core::DedupPolicyConfig& config, v1::AddressHistory* h) {
  const char* action = ActionName(d.action);
  if (d.action == Decision::Action::kReport && !d.continuation) {
    v1::NoticeRecord* n = h->add_notice_log();
    n->set_sent_us(now_us);
    n->set_contact(contact);
    n->set_notice_number(d.notice_number);
    n->set_rule(d.rule);
    h->set_notices(h->notices() + 1);
    if (h->notice_log_size() > kMaxNotices) h->mutable_notice_log()->DeleteSubrange(0, 1);
  }
  if (d.action == Decision::Action::kBlock) {
    v1::BlockState* b = h->mutable_block();
    b->Clear();
    b->set_active(true);
    b->set_since_us(now_us);
    b->set_expires_us(now_us + config.block_for_us);
    b->set_reason(d.rule);
  }
  // Continuations and repeated suppressions are not logged one by one.
  if (d.continuation) return;
  if (d.action == Decision::Action::kSuppress && h->decisions_size() > 0 &&
      h->decisions().rbegin()->rule() == d.rule) {
    return;
  }
  AddDecision(h, now_us, d.rule, action, d.notice_number, d.detail);
}

void LiftBlock(const std::string& by, int64_t now_us, v1::AddressHistory* h) {
  if (!h->block().active()) return;
  h->mutable_block()->set_active(false);
  h->mutable_block()->set_lifted_us(now_us);
  h->mutable_block()->set_lifted_by(by);
  AddDecision(h, now_us, "lift-" + by, "lift", 0, "block lifted by " + by);
}

void SetManualBlock(int64_t now_us, int64_t expires_us, v1::AddressHistory* h) {
  v1::BlockState* b = h->mutable_block();
  b->Clear();
  b->set_active(true);
  b->set_since_us(now_us);
  b->set_expires_us(expires_us);
  b->set_reason("manual");
  AddDecision(h, now_us, "manual", "block", 0, "blocked by hand");
}

void ApplyReply(const v1::ReplyRecord& reply, v1::AddressHistory* h) {
  *h->add_replies() = reply;
  if (h->replies_size() > kMaxReplies) h->mutable_replies()->DeleteSubrange(0, 1);
  if (reply.says_fixed()) LiftBlock("reply", reply.received_us(), h);
}

}  // namespace abuseflow::dedup
