#include "dedup/deduplicator.h"

#include <gtest/gtest.h>

#include <filesystem>

namespace abuseflow::dedup {
namespace {

class DeduplicatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("dedup_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    auto store = HistoryStore::Open(dir_.string(), false);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  static void Add(v1::EnrichedBatch* b, const char* src, int64_t t, uint32_t port) {
    v1::EnrichedEvent* e = b->add_events();
    e->mutable_event()->set_src(core::IpAddress::Parse(src)->ToBytes());
    e->mutable_event()->set_observed_us(t);
    e->mutable_event()->set_dst_port(port);
    e->mutable_event()->set_kind(v1::KIND_CONNECTION_ATTEMPT);
    e->mutable_event()->set_raw(std::string("line at ") + std::to_string(t));
    e->mutable_owner()->add_abuse("abuse@kestrel.example");
  }
  std::filesystem::path dir_;
  std::unique_ptr<HistoryStore> store_;
};

TEST_F(DeduplicatorTest, OneIncidentPerAddressAndHistoryAccumulatesAcrossBatches) {
  Deduplicator dedup(store_.get(), HistoryLimits{});
  v1::EnrichedBatch first;
  Add(&first, "198.18.0.9", 10, 23);
  Add(&first, "198.18.0.5", 20, 23);
  Add(&first, "198.18.0.9", 30, 445);
  Add(&first, "198.18.0.9", 40, 23);
  v1::IncidentBatch incidents;
  ASSERT_TRUE(dedup.Apply(first, &incidents).ok());
  ASSERT_EQ(incidents.incidents_size(), 2);
  const v1::Incident& nine = incidents.incidents(1);  // ordered by address
  EXPECT_EQ(core::IpAddress::FromBytes(nine.src())->ToString(), "198.18.0.9");
  EXPECT_EQ(nine.count(), 3u);
  EXPECT_EQ(nine.first_seen_us(), 10);
  EXPECT_EQ(nine.last_seen_us(), 40);
  EXPECT_EQ(nine.dst_ports_size(), 2);
  EXPECT_EQ(nine.owner().abuse(0), "abuse@kestrel.example");

  v1::EnrichedBatch second;
  Add(&second, "198.18.0.9", 50, 23);
  v1::IncidentBatch more;
  ASSERT_TRUE(dedup.Apply(second, &more).ok());
  auto history = store_->Get(*core::IpAddress::Parse("198.18.0.9"));
  ASSERT_TRUE(history.ok() && history->has_value());
  EXPECT_EQ((*history)->count(), 4u);
  EXPECT_EQ((*history)->first_seen_us(), 10);
  EXPECT_EQ((*history)->last_seen_us(), 50);
  EXPECT_EQ(dedup.stats().new_addresses, 2u);
  EXPECT_EQ(dedup.stats().events, 5u);
}

TEST_F(DeduplicatorTest, EventWithoutValidSourceIsCountedNotApplied) {
  Deduplicator dedup(store_.get(), HistoryLimits{});
  v1::EnrichedBatch batch;
  batch.add_events()->mutable_event()->set_src("abc");
  v1::IncidentBatch incidents;
  ASSERT_TRUE(dedup.Apply(batch, &incidents).ok());
  EXPECT_EQ(incidents.incidents_size(), 0);
  EXPECT_EQ(dedup.stats().rejected, 1u);
}

}  // namespace
}  // namespace abuseflow::dedup
