#include "dedup/policy_engine.h"

#include <gtest/gtest.h>

#include "dedup/history_updater.h"
#include "dedup/test_events.h"

namespace abuseflow::dedup {
namespace {

using namespace testing;

// A history folded from `batch`, and pointers to its events.
struct Folded {
  v1::AddressHistory history;
  std::vector<const v1::ProbeEvent*> fresh;
};
Folded Fold(const v1::EnrichedBatch& batch, v1::AddressHistory start = {}) {
  Folded f{std::move(start), {}};
  for (const auto& e : batch.events()) {
    ApplyEvent(e, HistoryLimits{}, &f.history);
    f.fresh.push_back(&e.event());
  }
  return f;
}

TEST(PolicyEngineTest, ConnectionAttemptsOrDistinctPortsInTheWindowOpenAnIncident) {
  core::DedupPolicyConfig config;
  config.connection_attempts = 3;
  config.distinct_ports = 3;
  PolicyEngine engine(config);
  v1::EnrichedBatch two;
  AddEvent(&two, "198.18.0.1", 0, v1::KIND_CONNECTION_ATTEMPT, 80);
  AddEvent(&two, "198.18.0.1", kSec, v1::KIND_CONNECTION_ATTEMPT, 80);
  Folded f = Fold(two);
  Decision d = engine.Decide(f.history, f.fresh, kT0 + kSec, false);
  EXPECT_EQ(d.action, Decision::Action::kSuppress);
  EXPECT_EQ(d.rule, "below-threshold");

  v1::EnrichedBatch third;
  AddEvent(&third, "198.18.0.1", 2 * kSec, v1::KIND_CONNECTION_ATTEMPT, 80);
  Folded g = Fold(third, f.history);
  d = engine.Decide(g.history, g.fresh, kT0 + 2 * kSec, false);
  EXPECT_EQ(d.action, Decision::Action::kReport);
  EXPECT_EQ(d.rule, "scan-attempts");

  v1::EnrichedBatch ports;
  for (uint32_t p : {21, 23, 111})
    AddEvent(&ports, "198.18.0.2", p * kSec, v1::KIND_CONNECTION_ATTEMPT, p);
  Folded h = Fold(ports);
  EXPECT_EQ(engine.Decide(h.history, h.fresh, kT0 + 200 * kSec, false).rule, "scan-ports");

  // Attempts outside the scan window do not add up.
  v1::EnrichedBatch spread;
  for (int i = 0; i < 3; ++i)
    AddEvent(&spread, "198.18.0.3", i * 2 * kDay, v1::KIND_CONNECTION_ATTEMPT, 80);
  Folded s = Fold(spread);
  EXPECT_EQ(engine.Decide(s.history, s.fresh, kT0 + 4 * kDay, false).rule, "below-threshold");
}

TEST(PolicyEngineTest, NoisyStaleScanIsStillReported) {
  core::DedupPolicyConfig config;
  config.noise_events = 10;
  PolicyEngine engine(config);
  v1::EnrichedBatch noisy;
  for (int i = 0; i < 10; ++i)
    AddEvent(&noisy, "198.18.0.1", i * kSec, v1::KIND_CONNECTION_ATTEMPT, 80);
  Folded f = Fold(noisy);
  Decision d = engine.Decide(f.history, f.fresh, kT0 + 30 * kDay, false);
  EXPECT_EQ(d.action, Decision::Action::kReport);
  EXPECT_EQ(d.rule, "scan-attempts+stale-exempt-noisy");
}

TEST(PolicyEngineTest, RepliesThatCountAndLiftingRules) {
  core::DedupPolicyConfig config;
  PolicyEngine engine(config);
  v1::AddressHistory h;
  for (int i = 0; i < 3; ++i) {
    auto* n = h.add_notice_log();
    n->set_sent_us(kT0 + i * kDay);
    n->set_notice_number(i + 1);
  }
  EXPECT_EQ(PolicyEngine::UnansweredNotices(h), 3);
  v1::ReplyRecord automated;
  automated.set_kind(v1::ReplyRecord::KIND_AUTOMATED);
  automated.set_received_us(kT0 + 2 * kDay + 1);
  ApplyReply(automated, &h);
  EXPECT_EQ(PolicyEngine::UnansweredNotices(h), 3);  // an auto-reply is no answer
  v1::ReplyRecord human = automated;
  human.set_kind(v1::ReplyRecord::KIND_HUMAN);
  human.set_received_us(kT0 + kDay + 1);
  ApplyReply(human, &h);
  EXPECT_EQ(PolicyEngine::UnansweredNotices(h), 1);

  h.set_last_seen_us(kT0);
  SetManualBlock(kT0, kT0 + 5 * kDay, &h);
  EXPECT_EQ(engine.LiftDue(h, kT0 + 4 * kDay), "");
  EXPECT_EQ(engine.LiftDue(h, kT0 + 5 * kDay), "expiry");
  h.mutable_block()->set_reason("escalate");
  h.mutable_block()->set_expires_us(kT0 + 60 * kDay);
  EXPECT_EQ(engine.LiftDue(h, kT0 + config.lift_after_silence_us), "silence");
}

}  // namespace
}  // namespace abuseflow::dedup
