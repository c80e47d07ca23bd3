#include "enrich/owner_cache_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }
core::IpPrefix Prefix(std::string_view text) { return *core::IpPrefix::Parse(text); }

v1::OwnerRecord Record(const std::string& netname, const std::string& cidr,
                       bool unresolved = false) {
  v1::OwnerRecord record;
  record.set_netname(netname);
  record.add_cidrs(cidr);
  record.set_unresolved(unresolved);
  record.mutable_provenance()->set_source(unresolved ? "" : "whois");
  return record;
}

class OwnerCacheStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("owner_cache_store_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  OwnerCache::Options Options() {
    return {100, 10, [this] { return now_; }, nullptr};
  }
  std::filesystem::path dir_;
  int64_t now_ = 1000;
};

TEST_F(OwnerCacheStoreTest, TtlsExpireAnswersAndAnExpiredMatchIsAMiss) {
  OwnerCache cache(Options());
  cache.Insert(Record("BIG", "10.0.0.0/8"));
  cache.Insert(Record("", "10.1.0.0/16", true), {Prefix("10.1.0.0/16")});
  ASSERT_NE(cache.Lookup(Ip("10.1.2.3")), nullptr);
  now_ += 11;                                        // past the negative TTL, not the positive one
  EXPECT_EQ(cache.Lookup(Ip("10.1.2.3")), nullptr);  // not the covering /8
  ASSERT_NE(cache.Lookup(Ip("10.2.0.1")), nullptr);
  now_ += 100;
  EXPECT_EQ(cache.Lookup(Ip("10.2.0.1")), nullptr);
}

TEST_F(OwnerCacheStoreTest, RestartStartsWarm) {
  {
    auto store = OwnerCacheStore::Open(dir_.string(), false);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    OwnerCache cache(Options());
    OwnerCacheStore* s = store->get();
    cache.set_insert_hook([s](const core::IpPrefix& p, const v1::OwnerRecord& r, int64_t e) {
      ASSERT_TRUE(s->Put(p, r, e).ok());
    });
    v1::OwnerRecord keep = Record("KEEP", "192.0.2.0/24");
    keep.add_abuse("abuse@customer.example");
    keep.add_upstream_abuse("abuse@provider.example");
    cache.Insert(keep);
    cache.Insert(Record("", "198.51.100.0/24", true), {Prefix("198.51.100.0/24")});
    ASSERT_TRUE((*store)->PutRaw("192.0.2.0/24", "inetnum: 192.0.2.0/24\n", 0).ok());
  }
  now_ += 50;  // the negative answer has expired, the positive one not
  auto store = OwnerCacheStore::Open(dir_.string(), false);
  ASSERT_TRUE(store.ok());
  OwnerCache cache(Options());
  uint64_t corrupt = 0;
  auto loaded = (*store)->Load(&cache, now_, &corrupt);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded, 1u);
  EXPECT_EQ(corrupt, 0u);
  ASSERT_NE(cache.Lookup(Ip("192.0.2.9")), nullptr);
  EXPECT_EQ(cache.Lookup(Ip("192.0.2.9"))->netname(), "KEEP");
  ASSERT_EQ(cache.Lookup(Ip("192.0.2.9"))->upstream_abuse_size(), 1);
  EXPECT_EQ(cache.Lookup(Ip("192.0.2.9"))->upstream_abuse(0), "abuse@provider.example");
  EXPECT_EQ(cache.Lookup(Ip("198.51.100.1")), nullptr);
  auto raw = (*store)->GetRaw("192.0.2.0/24");
  ASSERT_TRUE(raw.ok() && raw->has_value());
  EXPECT_EQ(**raw, "inetnum: 192.0.2.0/24\n");
  auto stats = (*store)->Stats(now_);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->entries, 2u);
  EXPECT_EQ(stats->positive, 1u);
  EXPECT_EQ(stats->negative, 1u);
  EXPECT_EQ(stats->expired, 1u);
  EXPECT_EQ(stats->raw_answers, 1u);
  EXPECT_EQ(stats->by_source.at("whois"), 1u);
}

TEST_F(OwnerCacheStoreTest, PurgeWithinAPrefixOrAll) {
  auto store = OwnerCacheStore::Open(dir_.string(), false);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put(Prefix("10.1.0.0/16"), Record("A", "10.1.0.0/16"), 0).ok());
  ASSERT_TRUE((*store)->Put(Prefix("10.2.3.0/24"), Record("B", "10.2.3.0/24"), 0).ok());
  ASSERT_TRUE((*store)->Put(Prefix("2001:db8::/32"), Record("C", "2001:db8::/32"), 0).ok());
  ASSERT_TRUE((*store)->Put(Prefix("10.0.0.0/8"), Record("D", "10.0.0.0/8"), 0).ok());
  auto purged = (*store)->Purge(Prefix("10.2.0.0/16"));
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);
  auto b = (*store)->Get(Prefix("10.2.3.0/24"));
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->has_value());
  auto all = (*store)->Purge(std::nullopt);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(*all, 3u);
  EXPECT_EQ((*store)->Stats(now_)->entries, 0u);
}

TEST_F(OwnerCacheStoreTest, EvictedEntriesLeaveTheStoreAndARestartLoadsAtMostTheBound) {
  {
    auto store = OwnerCacheStore::Open(dir_.string(), false);
    ASSERT_TRUE(store.ok());
    // A first run with a larger bound persisted four entries.
    for (int i = 0; i < 4; ++i) {
      std::string cidr = "10." + std::to_string(i) + ".0.0/16";
      ASSERT_TRUE((*store)->Put(Prefix(cidr), Record("N" + std::to_string(i), cidr), 2000 + i).ok());
    }
    ASSERT_TRUE((*store)->PutRaw("10.0.0.0/16", "inetnum: 10.0.0.0/16\n", 2000).ok());
  }
  auto store = OwnerCacheStore::Open(dir_.string(), false);
  ASSERT_TRUE(store.ok());
  OwnerCache::Options options = Options();
  options.max_entries = 2;
  OwnerCache cache(options);
  uint64_t write_errors = 0;
  (*store)->FollowEvictions(&cache, &write_errors);
  uint64_t corrupt = 0;
  auto loaded = (*store)->Load(&cache, now_, &corrupt);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(cache.size(), 2u);  // the two expiring last
  EXPECT_EQ(cache.Lookup(Ip("10.0.0.1")), nullptr);
  EXPECT_EQ(cache.Lookup(Ip("10.3.0.1"))->netname(), "N3");
  EXPECT_EQ(cache.evictions(), 2u);
  EXPECT_EQ(write_errors, 0u);
  auto stats = (*store)->Stats(now_);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->entries, 2u);
  EXPECT_EQ(stats->raw_answers, 0u);  // the evicted block's raw answer went with it
  EXPECT_EQ(stats->evictions, 2u);
  cache.Insert(Record("NEW", "10.9.0.0/16"));  // evicts one more (N2, expiring at 2002)
  EXPECT_FALSE((*store)->Get(Prefix("10.2.0.0/16"))->has_value());
  store->reset();
  auto reopened = OwnerCacheStore::Open(dir_.string(), true);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Stats(now_)->evictions, 3u);  // the count is persisted
  ASSERT_TRUE((*reopened)->Stats(now_).ok());
}

TEST_F(OwnerCacheStoreTest, ReadOnlyOpenOfMissingFolderFailsNamingIt) {
  auto store = OwnerCacheStore::Open((dir_ / "missing").string(), true);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.status().message().find("missing"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::enrich
