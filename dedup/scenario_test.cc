// One scenario per policy rule, through the Deduplicator and RocksDB.
#include <gtest/gtest.h>

#include "dedup/deduplicator.h"
#include "dedup/test_events.h"

namespace abuseflow::dedup {
namespace {

using namespace testing;

class ScenarioTest : public ::testing::Test {
 protected:
  void Start() {
    auto d = Deduplicator::Create(store_.get(), HistoryLimits{}, policy_);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dedup_ = std::move(d).value();
  }
  // Applies one batch and returns its incidents.
  v1::IncidentBatch Apply(const v1::EnrichedBatch& batch) {
    v1::IncidentBatch out;
    EXPECT_TRUE(dedup_->Apply(batch, &out).ok());
    return out;
  }
  v1::IncidentBatch One(const char* src, int64_t t, v1::Kind kind, uint32_t port = 80) {
    v1::EnrichedBatch b;
    AddEvent(&b, src, t, kind, port, ++seq_);
    return Apply(b);
  }
  v1::AddressHistory History(const char* src) {
    auto h = store_.get()->Get(*core::IpAddress::Parse(src));
    EXPECT_TRUE(h.ok() && h->has_value());
    return h.ok() && h->has_value() ? **h : v1::AddressHistory();
  }
  // Notices 1, 2 and 3 for `src`, a repeat interval apart, with no reply.
  void ThreeNotices(const char* src) {
    for (int i = 0; i < 3; ++i) {
      v1::IncidentBatch out = One(src, i * 8 * kDay, v1::KIND_WORM);
      ASSERT_EQ(out.incidents_size(), 1);
      ASSERT_EQ(out.incidents(0).notice_number(), static_cast<uint32_t>(i + 1));
    }
  }

  core::DedupPolicyConfig policy_;
  TempStore store_;
  std::unique_ptr<Deduplicator> dedup_;
  uint64_t seq_ = 0;
};

TEST_F(ScenarioTest, StaleScanIsNotReported) {
  Start();
  One("198.18.0.1", 30 * kDay, v1::KIND_WORM);  // moves "now" to day 30
  v1::IncidentBatch out = One("198.18.0.2", 0, v1::KIND_CONNECTION_ATTEMPT);
  EXPECT_EQ(out.incidents_size(), 0);
  EXPECT_EQ(History("198.18.0.2").decisions(0).rule(), "stale");
  EXPECT_EQ(History("198.18.0.2").count(), 1u);  // still in the history
}

TEST_F(ScenarioTest, StaleExploitIsStillReported) {
  Start();
  One("198.18.0.1", 30 * kDay, v1::KIND_WORM);
  v1::IncidentBatch out = One("198.18.0.3", 0, v1::KIND_EXPLOIT);
  ASSERT_EQ(out.incidents_size(), 1);
  EXPECT_EQ(out.incidents(0).policy_rule(), "exploit+stale-exempt-severe");
}

TEST_F(ScenarioTest, RepeatNoticeCarriesTheEarlierOccurrences) {
  Start();
  ASSERT_EQ(One("198.18.0.4", 0, v1::KIND_WORM).incidents(0).notice_number(), 1u);
  EXPECT_EQ(One("198.18.0.4", 3 * kDay, v1::KIND_WORM).incidents_size(), 0);  // repeat interval
  v1::IncidentBatch out = One("198.18.0.4", 8 * kDay, v1::KIND_WORM);
  ASSERT_EQ(out.incidents_size(), 1);
  const v1::Incident& second = out.incidents(0);
  EXPECT_EQ(second.notice_number(), 2u);
  EXPECT_EQ(second.policy_rule(), "repeat+worm");
  ASSERT_EQ(second.earlier_occurrences_size(), 2);
  EXPECT_EQ(second.earlier_occurrences(0).first_seen_us(), kT0);
  EXPECT_EQ(second.earlier_occurrences(1).first_seen_us(), kT0 + 3 * kDay);
  EXPECT_EQ(History("198.18.0.4").notice_log_size(), 2);
}

TEST_F(ScenarioTest, BlockAfterUnansweredNoticesWhileProbesContinue) {
  Start();
  ThreeNotices("198.18.0.5");
  dedup_->ClearBlocksChanged();
  EXPECT_EQ(One("198.18.0.5", 24 * kDay, v1::KIND_WORM).incidents_size(), 0);
  EXPECT_TRUE(dedup_->blocks_changed());
  v1::AddressHistory h = History("198.18.0.5");
  ASSERT_TRUE(h.block().active());
  EXPECT_EQ(h.block().reason(), "escalate");
  EXPECT_EQ(h.block().expires_us(), kT0 + 24 * kDay + policy_.block_for_us);
  EXPECT_EQ(One("198.18.0.5", 25 * kDay, v1::KIND_WORM).incidents_size(), 0);
  EXPECT_EQ(History("198.18.0.5").decisions().rbegin()->rule(), "blocked");
  int blocked = 0;
  ASSERT_TRUE(
      store_.get()->ForEachBlocked([&](const v1::AddressHistory&) { return ++blocked; }).ok());
  EXPECT_EQ(blocked, 1);
}

TEST_F(ScenarioTest, BlockIsLiftedByASaysFixedReply) {
  Start();
  ThreeNotices("198.18.0.6");
  One("198.18.0.6", 24 * kDay, v1::KIND_WORM);
  ASSERT_TRUE(History("198.18.0.6").block().active());
  v1::ReplyRecord reply;
  reply.set_kind(v1::ReplyRecord::KIND_HUMAN);
  reply.set_says_fixed(true);
  reply.set_received_us(kT0 + 25 * kDay);
  ASSERT_TRUE(store_.get()->RecordReply(*core::IpAddress::Parse("198.18.0.6"), reply).ok());
  v1::AddressHistory h = History("198.18.0.6");
  EXPECT_FALSE(h.block().active());
  EXPECT_EQ(h.block().lifted_by(), "reply");
  int blocked = 0;
  ASSERT_TRUE(
      store_.get()->ForEachBlocked([&](const v1::AddressHistory&) { return ++blocked; }).ok());
  EXPECT_EQ(blocked, 0);
  EXPECT_EQ(store_.get()->RecordReply(*core::IpAddress::Parse("198.18.9.9"), reply).code(),
            core::Status::Code::kNotFound);
}

TEST_F(ScenarioTest, BlockIsLiftedBySilence) {
  Start();
  ThreeNotices("198.18.0.7");
  One("198.18.0.7", 24 * kDay, v1::KIND_WORM);
  dedup_->ClearBlocksChanged();
  One("198.18.0.1", 24 * kDay + policy_.lift_after_silence_us, v1::KIND_WORM);  // time passes
  EXPECT_TRUE(dedup_->blocks_changed());
  EXPECT_EQ(History("198.18.0.7").block().lifted_by(), "silence");
  EXPECT_EQ(dedup_->stats().lifts, 1u);
}

TEST_F(ScenarioTest, LocalSourceGoesToTheLiaisonAtOnce) {
  policy_.local_networks = {"192.0.2.0/24"};
  policy_.liaison = "noc@example.net";
  policy_.connection_attempts = 50;
  Start();
  v1::IncidentBatch out = One("192.0.2.44", 0, v1::KIND_CONNECTION_ATTEMPT);
  ASSERT_EQ(out.incidents_size(), 1);
  EXPECT_TRUE(out.incidents(0).local_source());
  EXPECT_EQ(out.incidents(0).policy_rule(), "local");
  ASSERT_EQ(out.incidents(0).owner().abuse_size(), 1);
  EXPECT_EQ(out.incidents(0).owner().abuse(0), "noc@example.net");
  EXPECT_EQ(History("192.0.2.44").notice_log(0).contact(), "noc@example.net");
  EXPECT_EQ(One("198.18.0.8", 0, v1::KIND_CONNECTION_ATTEMPT).incidents_size(), 0);  // not local
}

TEST_F(ScenarioTest, OldHistoryIsDeletedByRetentionButBlockedAndRecentStay) {
  auto d = Deduplicator::Create(store_.get(), HistoryLimits{.retention_us = 100 * kDay}, policy_);
  ASSERT_TRUE(d.ok());
  dedup_ = std::move(d).value();
  One("198.18.0.20", 0, v1::KIND_WORM);
  One("198.18.0.21", kSec, v1::KIND_WORM);
  v1::AddressHistory blocked = History("198.18.0.21");
  SetManualBlock(kT0, kT0 + 1000 * kDay, &blocked);  // outlives the retention
  ASSERT_TRUE(store_.get()->PutAll({&blocked}).ok());
  One("198.18.0.22", 95 * kDay, v1::KIND_WORM);
  One("198.18.0.23", 120 * kDay, v1::KIND_WORM);  // a day later than the last sweep: sweeps
  auto gone = store_.get()->Get(*core::IpAddress::Parse("198.18.0.20"));
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  EXPECT_EQ(History("198.18.0.22").count(), 1u);
  EXPECT_TRUE(History("198.18.0.21").block().active());
  EXPECT_EQ(dedup_->stats().expired, 1u);
  // The applied ids stay: a replay of the deleted address's event is still a duplicate.
  v1::EnrichedBatch replay;
  AddEvent(&replay, "198.18.0.20", 0, v1::KIND_WORM, 80, 1);
  EXPECT_EQ(Apply(replay).incidents_size(), 0);
  EXPECT_GE(dedup_->stats().duplicates, 1u);
}

TEST_F(ScenarioTest, PureReplayAfterARestartDeletesNoHistory) {
  const HistoryLimits limits{.retention_us = 10 * kDay};
  auto restart = [&] {
    auto d = Deduplicator::Create(store_.get(), limits, policy_);
    ASSERT_TRUE(d.ok());
    dedup_ = std::move(d).value();
  };
  restart();
  One("198.18.0.30", 0, v1::KIND_WORM);                       // sweep at day 0
  One("198.18.0.31", 10 * kDay - 3600 * kSec, v1::KIND_WORM);  // sweep: .30 not yet due
  One("198.18.0.32", 10 * kDay + 3600 * kSec, v1::KIND_WORM);  // no sweep; .30 is due now
  restart();
  v1::EnrichedBatch replay;
  AddEvent(&replay, "198.18.0.30", 0, v1::KIND_WORM, 80, 1);
  EXPECT_EQ(Apply(replay).incidents_size(), 0);
  EXPECT_EQ(History("198.18.0.30").count(), 1u);  // the replay changed nothing
  EXPECT_EQ(dedup_->stats().expired, 0u);
  // The schedule goes on from the stored sweep: a day after it, .30 goes.
  seq_ = 3;
  One("198.18.0.33", 11 * kDay, v1::KIND_WORM);
  EXPECT_EQ(dedup_->stats().expired, 1u);
  auto gone = store_.get()->Get(*core::IpAddress::Parse("198.18.0.30"));
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
}

TEST_F(ScenarioTest, SameInputReplayedTwiceGivesTheSameHistory) {
  Start();
  v1::EnrichedBatch a, b;
  AddEvent(&a, "198.18.0.9", 0, v1::KIND_WORM, 80, 1);
  AddEvent(&a, "198.18.0.10", kSec, v1::KIND_CONNECTION_ATTEMPT, 23, 2);
  AddEvent(&b, "198.18.0.9", 9 * kDay, v1::KIND_WORM, 80, 3);
  EXPECT_EQ(Apply(a).incidents_size(), 2);
  EXPECT_EQ(Apply(b).incidents_size(), 1);
  std::string first =
      History("198.18.0.9").SerializeAsString() + History("198.18.0.10").SerializeAsString();
  EXPECT_EQ(Apply(a).incidents_size(), 0);
  EXPECT_EQ(Apply(b).incidents_size(), 0);
  std::string second =
      History("198.18.0.9").SerializeAsString() + History("198.18.0.10").SerializeAsString();
  EXPECT_EQ(first, second);
  EXPECT_EQ(dedup_->stats().duplicates, 3u);
}

}  // namespace
}  // namespace abuseflow::dedup
