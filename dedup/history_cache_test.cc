#include "dedup/history_cache.h"

#include <gtest/gtest.h>

#include "dedup/deduplicator.h"
#include "dedup/test_events.h"

namespace abuseflow::dedup {
namespace {

using namespace testing;

v1::AddressHistory Named(const char* src, uint64_t count) {
  v1::AddressHistory h;
  h.set_src(core::IpAddress::Parse(src)->ToBytes());
  h.set_count(count);
  return h;
}

core::IpAddress A(const char* text) { return *core::IpAddress::Parse(text); }

TEST(HistoryCacheTest, KeepsTheMostRecentlyUsedWithinCapacity) {
  HistoryCache cache(2);
  cache.Put(A("198.18.0.1"), Named("198.18.0.1", 1));
  cache.Put(A("198.18.0.2"), Named("198.18.0.2", 2));
  v1::AddressHistory out;
  ASSERT_TRUE(cache.Get(A("198.18.0.1"), &out));  // .1 is now the most recent
  EXPECT_EQ(out.count(), 1u);
  cache.Put(A("198.18.0.3"), Named("198.18.0.3", 3));  // evicts .2
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_FALSE(cache.Get(A("198.18.0.2"), &out));
  ASSERT_TRUE(cache.Get(A("198.18.0.3"), &out));
  EXPECT_EQ(out.count(), 3u);
  cache.Put(A("198.18.0.3"), Named("198.18.0.3", 30));  // replaces in place
  ASSERT_TRUE(cache.Get(A("198.18.0.3"), &out));
  EXPECT_EQ(out.count(), 30u);
  cache.Erase(A("198.18.0.3"));
  EXPECT_FALSE(cache.Get(A("198.18.0.3"), &out));
  EXPECT_EQ(cache.hits(), 3u);
  EXPECT_EQ(cache.misses(), 2u);
  HistoryCache none(0);
  none.Put(A("198.18.0.1"), Named("198.18.0.1", 1));
  EXPECT_EQ(none.size(), 0u);
}

TEST(HistoryCacheTest, TakeMovesOutAndPutMovesBackIn) {
  HistoryCache cache(2);
  cache.Put(A("198.18.0.1"), Named("198.18.0.1", 1));
  v1::AddressHistory out;
  ASSERT_TRUE(cache.Take(A("198.18.0.1"), &out));
  EXPECT_EQ(out.count(), 1u);
  EXPECT_EQ(cache.size(), 0u);  // taken: a writer holds it until it is durable again
  EXPECT_FALSE(cache.Update(A("198.18.0.1"), out));
  out.set_count(2);
  cache.Put(A("198.18.0.1"), std::move(out));
  v1::AddressHistory again;
  ASSERT_TRUE(cache.Get(A("198.18.0.1"), &again));
  EXPECT_EQ(again.count(), 2u);
  EXPECT_TRUE(cache.Update(A("198.18.0.1"), Named("198.18.0.1", 3)));
  ASSERT_TRUE(cache.Get(A("198.18.0.1"), &again));
  EXPECT_EQ(again.count(), 3u);
}

TEST(HistoryCacheTest, StoreWithACacheKeepsWhatTheDatabaseKeeps) {
  TempStore plain;
  TempStore cached(4);  // smaller than the addresses used: evictions happen
  core::DedupPolicyConfig policy;
  auto d1 = std::move(Deduplicator::Create(plain.get(), HistoryLimits{}, policy)).value();
  auto d2 = std::move(Deduplicator::Create(cached.get(), HistoryLimits{}, policy)).value();
  uint64_t seq = 0;
  for (int round = 0; round < 20; ++round) {
    v1::EnrichedBatch b;
    for (int i = 0; i < 6; ++i) {
      std::string src = "198.18.0." + std::to_string((round * 7 + i * 3) % 9 + 1);
      AddEvent(&b, src.c_str(), round * kDay + i, v1::KIND_WORM, 80, ++seq);
    }
    v1::IncidentBatch o1, o2;
    ASSERT_TRUE(d1->Apply(b, &o1).ok());
    ASSERT_TRUE(d2->Apply(b, &o2).ok());
    EXPECT_EQ(o1.SerializeAsString(), o2.SerializeAsString()) << "round " << round;
  }
  // A write outside the Deduplicator (a reply) is seen through the cache.
  v1::ReplyRecord reply;
  reply.set_kind(v1::ReplyRecord::KIND_HUMAN);
  ASSERT_TRUE(cached.get()->RecordReply(A("198.18.0.1"), reply).ok());
  EXPECT_EQ(cached.get()->Get(A("198.18.0.1"))->value().replies_size(), 1);
  // What the cache serves is what RocksDB holds.
  ASSERT_TRUE(cached.get()
                  ->ForEach([&](const v1::AddressHistory& stored) {
                    auto a = core::IpAddress::FromBytes(stored.src());
                    EXPECT_EQ(cached.get()->Get(*a)->value().SerializeAsString(),
                              stored.SerializeAsString());
                    return true;
                  })
                  .ok());
}

}  // namespace
}  // namespace abuseflow::dedup
