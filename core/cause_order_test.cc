#include "core/cause_order.h"

#include <gtest/gtest.h>

namespace abuseflow::core {
namespace {

Received Part(const std::string& stream, uint64_t seq, uint32_t shard = 0, uint32_t shards = 1,
              const std::string& from = "enrich-0") {
  Received r;
  r.envelope.set_origin(from);
  r.envelope.set_batch_seq(seq * 10 + shard);
  r.envelope.set_cause_origin(stream);
  r.envelope.set_cause_seq(seq);
  r.envelope.set_shard(shard);
  r.envelope.set_shard_count(shards);
  r.peer = from;
  return r;
}

std::vector<uint64_t> Drain(CauseOrder& order) {
  std::vector<uint64_t> seqs;
  while (auto ready = order.Pop()) seqs.push_back(ready->seq);
  return seqs;
}

TEST(CauseOrderTest, ReleasesEachStreamInOrderWhateverTheArrival) {
  CauseOrder order;
  for (uint64_t seq : {3, 1, 4, 2}) {
    Received r = Part("s", seq);
    EXPECT_EQ(order.Offer(&r), CauseOrder::Offered::kHeld);
  }
  EXPECT_EQ(Drain(order), (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(order.next("s"), 5u);
  EXPECT_EQ(order.held(), 0u);
}

TEST(CauseOrderTest, HoldsBatchesUntilTheGapIsFilled) {
  CauseOrder order;
  Received two = Part("s", 2);
  order.Offer(&two);
  EXPECT_TRUE(Drain(order).empty());
  EXPECT_EQ(order.held(), 1u);
  Received one = Part("s", 1);
  order.Offer(&one);
  EXPECT_EQ(Drain(order), (std::vector<uint64_t>{1, 2}));
}

TEST(CauseOrderTest, AStreamNotAllowedWaitsWhileTheOthersGoOn) {
  CauseOrder order;
  for (const char* stream : {"a", "b"}) {
    for (uint64_t seq : {1, 2}) {
      Received r = Part(stream, seq);
      order.Offer(&r);
    }
  }
  auto only_b = [](const std::string& stream) { return stream == "b"; };
  std::vector<std::string> taken;
  while (auto ready = order.Pop(only_b)) taken.push_back(ready->stream + std::to_string(ready->seq));
  EXPECT_EQ(taken, (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(order.held(), 2u);
  EXPECT_EQ(Drain(order), (std::vector<uint64_t>{1, 2}));  // a's, once allowed
}

TEST(CauseOrderTest, CopiesAreAcknowledgedWithTheBatchAndAfterIt) {
  CauseOrder order;
  Received a = Part("s", 1, 0, 1, "enrich-0");
  Received b = Part("s", 1, 0, 1, "enrich-1");
  order.Offer(&a);
  order.Offer(&b);
  auto ready = order.Pop();
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->parts.size(), 1u);
  ASSERT_EQ(ready->copies.size(), 1u);
  EXPECT_EQ(ready->copies[0].envelope.origin(), "enrich-1");
  Received late = Part("s", 1, 0, 1, "enrich-1");
  EXPECT_EQ(order.Offer(&late), CauseOrder::Offered::kDone);
  EXPECT_EQ(late.envelope.origin(), "enrich-1");  // left intact, to acknowledge
}

TEST(CauseOrderTest, ByShardWaitsForEveryShardsPartAndOrdersThem) {
  CauseOrder order(true);
  Received s1 = Part("s", 1, 1, 2);
  order.Offer(&s1);
  EXPECT_FALSE(order.Pop().has_value());
  Received s0 = Part("s", 1, 0, 2);
  order.Offer(&s0);
  auto ready = order.Pop();
  ASSERT_TRUE(ready.has_value());
  ASSERT_EQ(ready->parts.size(), 2u);
  EXPECT_EQ(ready->parts[0].envelope.shard(), 0u);
  EXPECT_EQ(ready->parts[1].envelope.shard(), 1u);
}

TEST(CauseOrderTest, RestoredCursorMakesEarlierBatchesDone) {
  CauseOrder order;
  order.Restore("s", 10);
  Received old = Part("s", 9);
  EXPECT_EQ(order.Offer(&old), CauseOrder::Offered::kDone);
  Received other = Part("t", 1);
  order.Offer(&other);
  auto ready = order.Pop();
  ASSERT_TRUE(ready.has_value());
  EXPECT_EQ(ready->stream, "t");
}

TEST(CauseOrderTest, EnvelopesWithoutACauseGoThroughAtOnce) {
  CauseOrder order;
  Received r;
  r.envelope.set_origin("tool");
  order.Offer(&r);
  auto ready = order.Pop();
  ASSERT_TRUE(ready.has_value());
  EXPECT_TRUE(ready->stream.empty());
}

}  // namespace
}  // namespace abuseflow::core
