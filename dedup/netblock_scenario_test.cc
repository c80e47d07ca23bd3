// The per-owner view through the Deduplicator and RocksDB: many addresses of
// one netblock blocked past netblock_block_threshold block the whole block.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "dedup/block_outputs.h"
#include "dedup/deduplicator.h"
#include "dedup/owner_views.h"
#include "dedup/test_events.h"

namespace abuseflow::dedup {
namespace {

using namespace testing;

std::string Read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class NetblockScenarioTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(2); }
  void Start(int threshold) {
    policy_.netblock_block_threshold = threshold;
    auto d = Deduplicator::Create(store_.get(), HistoryLimits{}, policy_);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dedup_ = std::move(d).value();
  }
  // One worm event from `src`, owned by 198.18.5.0/24 (or `cidr`).
  v1::IncidentBatch One(const char* src, int64_t t, const char* cidr = "198.18.5.0/24") {
    v1::EnrichedBatch b;
    v1::OwnerRecord* owner = AddEvent(&b, src, t, v1::KIND_WORM, 80, ++seq_)->mutable_owner();
    auto prefix = core::IpPrefix::Parse(cidr);
    owner->set_first(prefix->first().ToBytes());
    owner->set_last(prefix->last().ToBytes());
    owner->add_cidrs(cidr);
    owner->set_netname("KESTREL-NET");
    v1::IncidentBatch out;
    EXPECT_TRUE(dedup_->Apply(b, &out).ok());
    return out;
  }
  // Three unanswered notices to each of `sources` (in step, an hour apart),
  // then probes again from the first `blocked` of them: blocks at day 24.
  void Escalate(std::vector<const char*> sources, size_t blocked) {
    for (int i = 0; i < 3; ++i) {
      for (size_t k = 0; k < sources.size(); ++k) {
        ASSERT_EQ(One(sources[k], i * 8 * kDay + k * 3600 * kSec).incidents_size(), 1);
      }
    }
    for (size_t k = 0; k < blocked; ++k) {
      One(sources[k], 24 * kDay);
      ASSERT_TRUE(store_.get()->Get(*core::IpAddress::Parse(sources[k]))->value().block().active());
    }
  }
  v1::NetblockRecord Record() {
    v1::OwnerRecord owner;
    owner.add_cidrs("198.18.5.0/24");
    auto r = store_.get()->GetNetblock(*NetblockKey(owner));
    EXPECT_TRUE(r.ok() && r->has_value());
    return r.ok() && r->has_value() ? **r : v1::NetblockRecord();
  }
  std::string Blocklist() {
    BlockOutputs outputs((store_.dir() / "blocks").string(), "");
    EXPECT_TRUE(outputs.WriteFrom(*store_.get()).ok());
    return Read(store_.dir() / "blocks" / "blocklist.txt");
  }

  core::DedupPolicyConfig policy_;
  TempStore store_;
  std::unique_ptr<Deduplicator> dedup_;
  uint64_t seq_ = 0;
};

TEST_F(NetblockScenarioTest, AddressesPastTheThresholdBlockTheWholeBlock) {
  Escalate({"198.18.5.1", "198.18.5.2"}, 1);
  EXPECT_FALSE(Record().block().active());  // one blocked address: below the threshold
  EXPECT_EQ(Blocklist(), "198.18.5.1\n");
  dedup_->ClearBlocksChanged();
  One("198.18.5.2", 24 * kDay);
  EXPECT_TRUE(dedup_->blocks_changed());
  v1::NetblockRecord r = Record();
  EXPECT_TRUE(r.block().active());
  EXPECT_EQ(r.block().reason(), "netblock-threshold");
  EXPECT_EQ(r.block().since_us(), kT0 + 24 * kDay);
  EXPECT_EQ(r.block().expires_us(), kT0 + 24 * kDay + policy_.block_for_us);
  EXPECT_EQ(r.blocked_size(), 2);
  EXPECT_EQ(r.addresses_seen(), 2u);
  EXPECT_EQ(r.netname(), "KESTREL-NET");
  EXPECT_EQ(r.first_seen_us(), kT0);
  // The block's CIDR replaces the addresses it covers in every output.
  EXPECT_EQ(Blocklist(), "198.18.5.0/24\n");
  std::string nft = Read(store_.dir() / "blocks" / "nftables.nft");
  EXPECT_NE(nft.find("add element inet abuseflow blocked_v4 { 198.18.5.0/24 }"), std::string::npos);
  EXPECT_NE(nft.find("flags interval"), std::string::npos);
  std::string ipset = Read(store_.dir() / "blocks" / "ipset.restore");
  EXPECT_NE(ipset.find("add abuseflow-net-v4 198.18.5.0/24\n"), std::string::npos);
  // A new address of the block: its incident carries the owner view.
  v1::IncidentBatch out = One("198.18.5.3", 25 * kDay);
  ASSERT_EQ(out.incidents_size(), 1);
  EXPECT_EQ(out.incidents(0).owner_addresses_seen(), 3u);
  EXPECT_EQ(out.incidents(0).owner_addresses_blocked(), 2u);
  EXPECT_TRUE(out.incidents(0).owner_block_active());
}

TEST_F(NetblockScenarioTest, LiftingTheAddressesLiftsTheBlock) {
  Escalate({"198.18.5.1", "198.18.5.2"}, 2);
  ASSERT_TRUE(Record().block().active());
  v1::ReplyRecord reply;
  reply.set_kind(v1::ReplyRecord::KIND_HUMAN);
  reply.set_says_fixed(true);
  reply.set_received_us(kT0 + 25 * kDay);
  ASSERT_TRUE(store_.get()->RecordReply(*core::IpAddress::Parse("198.18.5.1"), reply).ok());
  v1::NetblockRecord r = Record();
  EXPECT_FALSE(r.block().active());
  EXPECT_EQ(r.block().lifted_by(), "addresses");
  EXPECT_EQ(r.block().lifted_us(), kT0 + 25 * kDay);
  EXPECT_EQ(r.blocked_size(), 1);
  EXPECT_EQ(Blocklist(), "198.18.5.2\n");
}

TEST_F(NetblockScenarioTest, SilenceLiftsTheAddressesAndTheBlock) {
  Escalate({"198.18.5.1", "198.18.5.2"}, 2);
  dedup_->ClearBlocksChanged();
  One("198.18.6.1", 24 * kDay + policy_.lift_after_silence_us, "198.18.6.0/24");  // time passes
  EXPECT_TRUE(dedup_->blocks_changed());
  v1::NetblockRecord r = Record();
  EXPECT_FALSE(r.block().active());
  EXPECT_EQ(r.blocked_size(), 0);
  EXPECT_EQ(Blocklist(), "");
}

TEST_F(NetblockScenarioTest, ThresholdOffKeepsTheViewButNeverBlocksTheBlock) {
  Start(0);
  Escalate({"198.18.5.1", "198.18.5.2"}, 2);
  v1::NetblockRecord r = Record();
  EXPECT_FALSE(r.block().active());
  EXPECT_EQ(r.blocked_size(), 2);
  EXPECT_EQ(Blocklist(), "198.18.5.1\n198.18.5.2\n");
}

}  // namespace
}  // namespace abuseflow::dedup
