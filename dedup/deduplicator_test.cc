#include "dedup/deduplicator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>

#include "dedup/test_events.h"

namespace abuseflow::dedup {
namespace {

using namespace testing;

std::unique_ptr<Deduplicator> Make(HistoryStore* store, const core::DedupPolicyConfig& policy) {
  auto d = Deduplicator::Create(store, HistoryLimits{}, policy);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return std::move(d).value();
}

// Every stored history, serialised, by address; `events_only` clears what
// depends on when the policy ran (notices, decisions, blocks).
std::map<std::string, std::string> Snapshot(HistoryStore* store, bool events_only) {
  std::map<std::string, std::string> out;
  EXPECT_TRUE(store
                  ->ForEach([&](const v1::AddressHistory& stored) {
                    v1::AddressHistory h = stored;
                    if (events_only) {
                      h.clear_notices();
                      h.clear_notice_log();
                      h.clear_decisions();
                      h.clear_block();
                    }
                    out[h.src()] = h.SerializeAsString();
                    return true;
                  })
                  .ok());
  return out;
}

TEST(DeduplicatorTest, OneIncidentPerAddressAndHistoryAccumulatesAcrossBatches) {
  TempStore store;
  core::DedupPolicyConfig policy;
  auto dedup = Make(store.get(), policy);
  v1::EnrichedBatch first;
  AddEvent(&first, "198.18.0.9", 10, v1::KIND_CONNECTION_ATTEMPT, 23, 1);
  AddEvent(&first, "198.18.0.5", 20, v1::KIND_CONNECTION_ATTEMPT, 23, 2);
  AddEvent(&first, "198.18.0.9", 30, v1::KIND_CONNECTION_ATTEMPT, 445, 3);
  AddEvent(&first, "198.18.0.9", 40, v1::KIND_CONNECTION_ATTEMPT, 23, 4);
  v1::IncidentBatch incidents;
  ASSERT_TRUE(dedup->Apply(first, &incidents).ok());
  ASSERT_EQ(incidents.incidents_size(), 2);
  const v1::Incident& nine = incidents.incidents(1);  // ordered by address
  EXPECT_EQ(core::IpAddress::FromBytes(nine.src())->ToString(), "198.18.0.9");
  EXPECT_EQ(nine.count(), 3u);
  EXPECT_EQ(nine.dst_ports_size(), 2);
  EXPECT_EQ(nine.notice_number(), 1u);
  EXPECT_EQ(nine.policy_rule(), "scan-attempts");

  v1::EnrichedBatch second;
  AddEvent(&second, "198.18.0.9", 50, v1::KIND_CONNECTION_ATTEMPT, 23, 5);
  v1::IncidentBatch more;
  ASSERT_TRUE(dedup->Apply(second, &more).ok());
  ASSERT_EQ(more.incidents_size(), 1);
  EXPECT_EQ(more.incidents(0).notice_number(), 1u);  // joins the notice just sent
  EXPECT_EQ(more.incidents(0).policy_rule(), "continuation");
  auto history = store.get()->Get(*core::IpAddress::Parse("198.18.0.9"));
  ASSERT_TRUE(history.ok() && history->has_value());
  EXPECT_EQ((*history)->count(), 4u);
  EXPECT_EQ((*history)->notice_log_size(), 1);
  EXPECT_EQ((*history)->notice_log(0).contact(), "abuse@kestrel.example");
  EXPECT_EQ((*history)->ports_size(), 2);
  EXPECT_EQ((*history)->targets_size(), 1);
  EXPECT_EQ((*history)->occurrences_size(), 1);
  EXPECT_EQ(dedup->stats().new_addresses, 2u);
  EXPECT_EQ(dedup->stats().events, 5u);
}

TEST(DeduplicatorTest, EventWithoutValidSourceIsCountedNotApplied) {
  TempStore store;
  core::DedupPolicyConfig policy;
  auto dedup = Make(store.get(), policy);
  v1::EnrichedBatch batch;
  batch.add_events()->mutable_event()->set_src("abc");
  v1::IncidentBatch incidents;
  ASSERT_TRUE(dedup->Apply(batch, &incidents).ok());
  EXPECT_EQ(incidents.incidents_size(), 0);
  EXPECT_EQ(dedup->stats().rejected, 1u);
}

// A batch whose events refer to shared owner records (EnrichedBatch.owners,
// as enrich sends them) gives the same incidents and histories as one where
// every event carries its own copy; a reference past the owners is rejected.
TEST(DeduplicatorTest, SharedOwnerRecordsActAsTheEventsOwn) {
  auto build = [](bool shared) {
    v1::EnrichedBatch b;
    const char* sources[] = {"198.18.0.9", "198.18.0.5", "203.0.113.7", "198.18.0.9"};
    for (int i = 0; i < 4; ++i) {
      v1::EnrichedEvent* e = AddEvent(&b, sources[i], 10 * (i + 1), v1::KIND_CONNECTION_ATTEMPT, 23, i + 1);
      v1::OwnerRecord owner;
      owner.set_owner(i == 2 ? "Heron Net" : "Kestrel Net");
      owner.add_abuse(i == 2 ? "abuse@heron.example" : "abuse@kestrel.example");
      e->clear_owner();
      if (!shared) {
        *e->mutable_owner() = owner;
        continue;
      }
      int ref = i == 2 ? 2 : 1;
      if (b.owners_size() < ref) *b.add_owners() = owner;
      e->set_owner_ref(ref);
    }
    return b;
  };
  const core::DedupPolicyConfig policy;  // outlives the deduplicators
  std::map<std::string, std::string> histories[2];
  std::string incidents[2];
  for (int shared = 0; shared < 2; ++shared) {
    TempStore store;
    auto dedup = Make(store.get(), policy);
    v1::IncidentBatch out;
    ASSERT_TRUE(dedup->Apply(build(shared == 1), &out).ok());
    ASSERT_EQ(out.incidents_size(), 3);
    incidents[shared] = out.SerializeAsString();
    histories[shared] = Snapshot(store.get(), false);
  }
  EXPECT_EQ(incidents[0], incidents[1]);
  EXPECT_EQ(histories[0], histories[1]);

  TempStore store;
  auto dedup = Make(store.get(), policy);
  v1::EnrichedBatch bad = build(true);
  bad.mutable_events(1)->set_owner_ref(3);
  v1::IncidentBatch out;
  ASSERT_TRUE(dedup->Apply(bad, &out).ok());
  EXPECT_EQ(dedup->stats().rejected, 1u);
  EXPECT_EQ(dedup->stats().events, 3u);
}

TEST(DeduplicatorTest, ReplayedBatchIsNotAppliedTwiceEvenAfterReopening) {
  TempStore store;
  core::DedupPolicyConfig policy;
  v1::EnrichedBatch batch;
  AddEvent(&batch, "198.18.0.9", 10, v1::KIND_WORM, 80, 1);
  AddEvent(&batch, "198.18.0.9", 11, v1::KIND_WORM, 80, 2);
  AddEvent(&batch, "198.18.0.9", 11, v1::KIND_WORM, 80, 2);  // duplicate inside the batch
  {
    auto dedup = Make(store.get(), policy);
    v1::IncidentBatch out;
    ASSERT_TRUE(dedup->Apply(batch, &out).ok());
    EXPECT_EQ(out.incidents_size(), 1);
    EXPECT_EQ(dedup->stats().duplicates, 1u);
  }
  auto before = Snapshot(store.get(), false);
  auto dedup = Make(store.get(), policy);  // a restart: ids come from the store
  v1::IncidentBatch out;
  ASSERT_TRUE(dedup->Apply(batch, &out).ok());
  EXPECT_EQ(out.incidents_size(), 0);
  EXPECT_EQ(dedup->stats().duplicates, 3u);
  EXPECT_EQ(Snapshot(store.get(), false), before);
}

// Batches from two origins over a few addresses and a few days.
std::vector<v1::EnrichedBatch> PropertyBatches(std::mt19937* rng) {
  const char* sources[] = {"198.18.0.1", "198.18.0.2", "198.18.0.3", "2001:db8::5"};
  const v1::Kind kinds[] = {v1::KIND_WORM, v1::KIND_CONNECTION_ATTEMPT, v1::KIND_PORT_SCAN};
  std::vector<v1::EnrichedBatch> batches(12);
  uint64_t seq[2] = {0, 0};
  for (v1::EnrichedBatch& b : batches) {
    int n = 1 + static_cast<int>((*rng)() % 20);
    for (int i = 0; i < n; ++i) {
      int origin = (*rng)() % 2;
      AddEvent(&b, sources[(*rng)() % 4], static_cast<int64_t>((*rng)() % (10 * kDay)),
               kinds[(*rng)() % 3], 20 + (*rng)() % 10, ++seq[origin],
               origin ? "fw:log" : "www:log");
    }
  }
  return batches;
}

TEST(DeduplicatorTest, AnyOrderOrDuplicationOfTheSameBatchesGivesTheSameHistory) {
  std::mt19937 rng(20010918);
  core::DedupPolicyConfig policy;
  for (int round = 0; round < 8; ++round) {
    std::vector<v1::EnrichedBatch> batches = PropertyBatches(&rng);
    std::map<std::string, std::string> reference;
    for (int trial = 0; trial < 6; ++trial) {
      std::vector<const v1::EnrichedBatch*> order;
      for (const auto& b : batches) order.push_back(&b);
      if (trial > 0) {
        for (int d = 0; d < trial * 2; ++d) order.push_back(&batches[rng() % batches.size()]);
        std::shuffle(order.begin(), order.end(), rng);
      }
      TempStore store;
      auto dedup = Make(store.get(), policy);
      for (const v1::EnrichedBatch* b : order) {
        v1::IncidentBatch out;
        ASSERT_TRUE(dedup->Apply(*b, &out).ok());
      }
      auto snapshot = Snapshot(store.get(), true);
      EXPECT_EQ(snapshot.size(), 4u);
      if (trial == 0)
        reference = snapshot;
      else
        EXPECT_EQ(snapshot, reference) << "round " << round << " trial " << trial;
    }
  }
}

}  // namespace
}  // namespace abuseflow::dedup
