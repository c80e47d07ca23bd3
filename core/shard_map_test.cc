#include "core/shard_map.h"

#include <gtest/gtest.h>

#include "core/ip_address.h"

namespace abuseflow::core {
namespace {

std::string Bytes(std::string_view text) { return IpAddress::Parse(text)->ToBytes(); }

// These values are the contract: a change here moves histories between shards.
TEST(ShardMapTest, HashIsFnv1a64OfTheAddressBytes) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64(Bytes("192.0.2.7")), 0x492d45c0462141eeULL);
  EXPECT_EQ(Fnv1a64(Bytes("198.51.100.1")), 0x70bfb8aeb1f78bddULL);
  EXPECT_EQ(Fnv1a64(Bytes("2001:db8::1")), 0xf97161b7a3be1c14ULL);
}

TEST(ShardMapTest, ShardIsTheHashModuloTheShardCount) {
  EXPECT_EQ(ShardOf(Bytes("192.0.2.7"), 2), 0);
  EXPECT_EQ(ShardOf(Bytes("198.51.100.1"), 2), 1);
  EXPECT_EQ(ShardOf(Bytes("192.0.2.7"), 3), 2);
  EXPECT_EQ(ShardOf(Bytes("2001:db8::1"), 1), 0);
  EXPECT_EQ(ShardOf(Bytes("2001:db8::1"), 0), 0);
}

TEST(ShardMapTest, AddressesSpreadOverEveryShard) {
  std::vector<int> counts(4);
  for (uint32_t host = 0; host < 4096; ++host) {
    ++counts[ShardOf(IpAddress::V4(0xC6336400u + host).ToBytes(), 4)];
  }
  for (int c : counts) EXPECT_GT(c, 800);
}

TEST(ShardMapTest, ShardConfigsHaveTheirOwnEndpointAndStateFolder) {
  Config config;
  config.state_dir = "/var/lib/abuseflow";
  EXPECT_EQ(DedupEndpoints(config), std::vector<std::string>{config.endpoints.dedup});
  EXPECT_EQ(ShardStateDir(config, 0), "/var/lib/abuseflow");
  ASSERT_TRUE(DedupShardConfig(config, 0).ok());
  EXPECT_FALSE(DedupShardConfig(config, 1).ok());

  config.endpoints.dedup_shards = {"tcp://127.0.0.1:1", "tcp://127.0.0.1:2"};
  auto shard1 = DedupShardConfig(config, 1);
  ASSERT_TRUE(shard1.ok());
  EXPECT_EQ(shard1->state_dir, "/var/lib/abuseflow/shard-1");
  EXPECT_EQ(shard1->endpoints.dedup, "tcp://127.0.0.1:2");
  EXPECT_FALSE(DedupShardConfig(config, 2).ok());
  EXPECT_FALSE(DedupShardConfig(config, -1).ok());
}

TEST(ShardMapTest, OneShardKeepsTheStateFolderItself) {
  EXPECT_EQ(ShardStateDir("/s", 0, 1), "/s");
  EXPECT_EQ(ShardStateDir("/s", 0, 0), "/s");
  EXPECT_EQ(ShardStateDir("/s", 2, 3), "/s/shard-2");
}

}  // namespace
}  // namespace abuseflow::core
