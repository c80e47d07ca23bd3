#include "enrich/shard_router.h"

#include <gtest/gtest.h>

#include "core/ip_address.h"

namespace abuseflow::enrich {
namespace {

std::string Bytes(std::string_view text) { return core::IpAddress::Parse(text)->ToBytes(); }

// These values are the contract: a change here moves histories between shards.
TEST(ShardRouterTest, HashIsFnv1a64OfTheAddressBytes) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64(Bytes("192.0.2.7")), 0x492d45c0462141eeULL);
  EXPECT_EQ(Fnv1a64(Bytes("198.51.100.1")), 0x70bfb8aeb1f78bddULL);
  EXPECT_EQ(Fnv1a64(Bytes("2001:db8::1")), 0xf97161b7a3be1c14ULL);
}

TEST(ShardRouterTest, ShardIsTheHashModuloTheShardCount) {
  EXPECT_EQ(ShardOf(Bytes("192.0.2.7"), 2), 0);
  EXPECT_EQ(ShardOf(Bytes("198.51.100.1"), 2), 1);
  EXPECT_EQ(ShardOf(Bytes("192.0.2.7"), 3), 2);
  EXPECT_EQ(ShardOf(Bytes("2001:db8::1"), 1), 0);
  EXPECT_EQ(ShardOf(Bytes("2001:db8::1"), 0), 0);
}

TEST(ShardRouterTest, AddressesSpreadOverEveryShard) {
  std::vector<int> counts(4);
  for (uint32_t host = 0; host < 4096; ++host) {
    ++counts[ShardOf(core::IpAddress::V4(0xC6336400u + host).ToBytes(), 4)];
  }
  for (int c : counts) EXPECT_GT(c, 800);
}

TEST(ShardRouterTest, ShardConfigsHaveTheirOwnEndpointAndStateFolder) {
  core::Config config;
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

}  // namespace
}  // namespace abuseflow::enrich
