#include "enrich/owner_cache.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

v1::OwnerRecord Record(const std::string& netname, std::vector<std::string> cidrs) {
  v1::OwnerRecord record;
  record.set_netname(netname);
  for (const std::string& cidr : cidrs) record.add_cidrs(cidr);
  return record;
}

class OwnerCacheTest : public ::testing::Test {
 protected:
  std::string Netname(std::string_view address) const {
    const v1::OwnerRecord* record = cache_.Lookup(Ip(address));
    return record ? record->netname() : "(miss)";
  }
  OwnerCache cache_;
};

TEST_F(OwnerCacheTest, RecordAnswersForEveryCidrOfItsBlock) {
  cache_.Insert(Record("EX", {"198.18.0.0/23", "198.18.2.0/24"}));
  EXPECT_EQ(Netname("198.18.0.0"), "EX");
  EXPECT_EQ(Netname("198.18.1.200"), "EX");
  EXPECT_EQ(Netname("198.18.2.255"), "EX");
  EXPECT_EQ(Netname("198.18.3.0"), "(miss)");
  EXPECT_EQ(cache_.size(), 2u);
}

TEST_F(OwnerCacheTest, MoreSpecificBlockWinsInsideItsRange) {
  cache_.Insert(Record("BIG", {"10.0.0.0/8"}));
  cache_.Insert(Record("SMALL", {"10.1.2.0/24"}));
  EXPECT_EQ(Netname("10.1.2.3"), "SMALL");
  EXPECT_EQ(Netname("10.1.3.3"), "BIG");
}

TEST_F(OwnerCacheTest, InsertUnderGivenPrefixesIgnoresTheRecordCidrs) {
  cache_.Insert(Record("PART", {"10.0.0.0/16"}), {*core::IpPrefix::Parse("10.0.0.0/24")});
  EXPECT_EQ(Netname("10.0.0.9"), "PART");
  EXPECT_EQ(Netname("10.0.1.9"), "(miss)");
}

TEST_F(OwnerCacheTest, ReplacingOnePrefixKeepsTheOldRecordUnderItsOtherPrefixes) {
  cache_.Insert(Record("OLD", {"192.0.2.0/25", "192.0.2.128/25"}));
  cache_.Insert(Record("NEW", {"192.0.2.0/25"}));
  EXPECT_EQ(Netname("192.0.2.1"), "NEW");
  EXPECT_EQ(Netname("192.0.2.129"), "OLD");
  EXPECT_EQ(cache_.size(), 2u);
}

TEST_F(OwnerCacheTest, FamiliesAreSeparateAndBadCidrsIgnored) {
  cache_.Insert(Record("V6", {"2001:db8::/32", "not-a-cidr"}));
  EXPECT_EQ(Netname("2001:db8::1"), "V6");
  EXPECT_EQ(Netname("0.0.0.1"), "(miss)");
  EXPECT_EQ(cache_.size(), 1u);
}

// The size bound: a small cache over an injected clock and its own metric.
class BoundedOwnerCacheTest : public ::testing::Test {
 protected:
  OwnerCache::Options Options(size_t max_entries) {
    OwnerCache::Options o;
    o.positive_ttl_us = 100;
    o.negative_ttl_us = 10;
    o.now_us = [this] { return now_; };
    o.max_entries = max_entries;
    o.evictions_metric = &registry_.GetCounter("test_evictions_total", "evictions");
    return o;
  }
  static v1::OwnerRecord Negative(const std::string& cidr) {
    v1::OwnerRecord r = Record("", {cidr});
    r.set_unresolved(true);
    return r;
  }
  static bool Has(const OwnerCache& cache, std::string_view address) {
    return cache.Lookup(Ip(address)) != nullptr;
  }
  core::MetricsRegistry registry_;
  int64_t now_ = 0;
};

TEST_F(BoundedOwnerCacheTest, WhenFullTheEntryExpiringSoonestGoes) {
  OwnerCache cache(Options(3));
  std::vector<std::string> evicted;
  cache.set_evict_hook([&](const core::IpPrefix& p) { evicted.push_back(p.ToString()); });
  cache.Insert(Record("A", {"10.0.0.0/16"}));  // expires at 100
  cache.Insert(Negative("10.1.0.0/24"));       // expires at 10
  now_ = 5;
  cache.Insert(Record("C", {"10.2.0.0/16"}));  // 105
  EXPECT_EQ(cache.evictions(), 0u);
  now_ = 6;
  cache.Insert(Record("D", {"10.3.0.0/16"}));  // 106: one too many
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_EQ(evicted, std::vector<std::string>{"10.1.0.0/24"});
  EXPECT_FALSE(Has(cache, "10.1.0.1"));
  EXPECT_TRUE(Has(cache, "10.0.0.1") && Has(cache, "10.2.0.1") && Has(cache, "10.3.0.1"));
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_EQ(registry_.GetCounter("test_evictions_total", "evictions").value(), 1u);
}

TEST_F(BoundedOwnerCacheTest, ExpiredEntriesGoBeforeLiveOnes) {
  OwnerCache cache(Options(2));
  cache.Insert(Record("OLD", {"10.0.0.0/16"}));  // expires at 100
  now_ = 95;
  cache.Insert(Negative("10.1.0.0/24"));  // 105, a negative answer but still live
  now_ = 101;
  EXPECT_FALSE(Has(cache, "10.0.0.1"));  // expired, still held
  cache.Insert(Record("NEW", {"10.2.0.0/16"}));
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(Has(cache, "10.1.0.1"));
  EXPECT_TRUE(Has(cache, "10.2.0.1"));
  EXPECT_EQ(cache.evictions(), 1u);
}

TEST_F(BoundedOwnerCacheTest, NeverExpiringEntriesGoLast) {
  OwnerCache::Options o = Options(2);
  o.positive_ttl_us = 0;  // answers never expire
  OwnerCache cache(o);
  cache.Insert(Record("FOREVER", {"10.0.0.0/16"}));
  cache.Insert(Negative("10.1.0.0/24"));
  cache.Insert(Record("ALSO", {"10.2.0.0/16"}));
  EXPECT_TRUE(Has(cache, "10.0.0.1"));
  EXPECT_FALSE(Has(cache, "10.1.0.1"));
  EXPECT_TRUE(Has(cache, "10.2.0.1"));
}

TEST_F(BoundedOwnerCacheTest, AnInsertNeverEvictsWhatItJustStored) {
  OwnerCache cache(Options(1));
  cache.Insert(Record("LONG", {"10.0.0.0/16"}));  // 100
  cache.Insert(Negative("10.1.0.0/24"));          // 10: sooner, but just asked for
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(Has(cache, "10.1.0.1"));
  EXPECT_FALSE(Has(cache, "10.0.0.1"));
}

TEST_F(BoundedOwnerCacheTest, ReplacingAPrefixEvictsNothing) {
  OwnerCache cache(Options(2));
  cache.Insert(Record("A", {"10.0.0.0/16"}));
  cache.Insert(Record("B", {"10.1.0.0/16"}));
  now_ = 50;
  cache.Insert(Record("A2", {"10.0.0.0/16"}));  // now expires at 150, after B
  cache.Insert(Record("C", {"10.2.0.0/16"}));
  EXPECT_EQ(cache.evictions(), 1u);
  EXPECT_FALSE(Has(cache, "10.1.0.1"));  // B (100) went, not the renewed A (150)
  EXPECT_EQ(cache.Lookup(Ip("10.0.0.1"))->netname(), "A2");
}

TEST_F(BoundedOwnerCacheTest, RestoreKeepsTheEntriesExpiringLastInAnyOrder) {
  const std::vector<std::pair<std::string, int64_t>> saved = {
      {"10.0.0.0/16", 500}, {"10.1.0.0/16", 200}, {"10.2.0.0/16", 0},
      {"10.3.0.0/16", 300}, {"10.4.0.0/16", 100}};
  for (bool reversed : {false, true}) {
    OwnerCache cache(Options(3));
    auto order = saved;
    if (reversed) std::reverse(order.begin(), order.end());
    for (const auto& [cidr, expires] : order) {
      cache.Restore(*core::IpPrefix::Parse(cidr), Record("R", {cidr}), expires);
    }
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_EQ(cache.evictions(), 2u);
    EXPECT_TRUE(Has(cache, "10.0.0.1") && Has(cache, "10.2.0.1") && Has(cache, "10.3.0.1"))
        << "reversed " << reversed;
  }
}

}  // namespace
}  // namespace abuseflow::enrich
