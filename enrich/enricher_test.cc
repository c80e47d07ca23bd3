#include "enrich/enricher.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "enrich/offline_registry.h"

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

// Knows the blocks it is given, in the order given (first containing one
// wins), and counts the questions it is asked.
class FakeSource : public OwnerSource {
 public:
  explicit FakeSource(std::string name) : name_(std::move(name)) {}
  void Add(const std::string& cidr, const std::string& netname) {
    blocks_.emplace_back(*core::IpPrefix::Parse(cidr), netname);
  }
  std::string_view name() const override { return name_; }
  std::optional<v1::OwnerRecord> Lookup(const core::IpAddress& address) override {
    asked_.push_back(address);
    for (const auto& [prefix, netname] : blocks_) {
      if (!prefix.Contains(address)) continue;
      v1::OwnerRecord record;
      record.set_netname(netname);
      record.add_cidrs(prefix.ToString());
      record.add_abuse("abuse@" + netname + ".example");
      record.add_abuse("noc@" + netname + ".example");
      record.mutable_provenance()->set_source(name_);
      return record;
    }
    return std::nullopt;
  }
  const std::vector<core::IpAddress>& asked() const { return asked_; }

 private:
  std::string name_;
  std::vector<std::pair<core::IpPrefix, std::string>> blocks_;
  std::vector<core::IpAddress> asked_;
};

class EnricherTest : public ::testing::Test {
 protected:
  OwnerCache cache_;
  FakeSource first_{"first"};
  FakeSource second_{"second"};
};

TEST_F(EnricherTest, OneQueryServesAWholeBlock) {
  first_.Add("192.0.2.0/24", "EX");
  Enricher enricher({&first_}, &cache_);
  for (uint32_t host = 0; host < 256; ++host) {
    EXPECT_EQ(enricher.Resolve(core::IpAddress::V4(0xC0000200u + host)).netname(), "EX");
  }
  EXPECT_EQ(first_.asked().size(), 1u);
  EXPECT_EQ(enricher.stats().source_queries, 1u);
  EXPECT_EQ(enricher.stats().cache_hits, 255u);
  EXPECT_EQ(enricher.stats().unresolved, 0u);
}

TEST_F(EnricherTest, UnknownAddressIsUnresolvedAndCachedForItsSlash24) {
  Enricher enricher({&first_}, &cache_);
  v1::OwnerRecord record = enricher.Resolve(Ip("203.0.113.7"));
  EXPECT_TRUE(record.unresolved());
  EXPECT_EQ(record.first(), Ip("203.0.113.7").ToBytes());
  EXPECT_EQ(record.last(), Ip("203.0.113.7").ToBytes());
  record = enricher.Resolve(Ip("203.0.113.200"));
  EXPECT_TRUE(record.unresolved());
  EXPECT_EQ(record.first(), Ip("203.0.113.200").ToBytes());
  EXPECT_EQ(first_.asked().size(), 1u);
  EXPECT_EQ(enricher.stats().unresolved, 2u);
  EXPECT_EQ(enricher.stats().cache_hits, 1u);
  enricher.Resolve(Ip("203.0.114.1"));
  EXPECT_EQ(first_.asked().size(), 2u);
}

TEST_F(EnricherTest, UnknownIpv6AddressIsCachedForItsSlash48) {
  Enricher enricher({&first_}, &cache_);
  enricher.Resolve(Ip("2001:db8:1::1"));
  enricher.Resolve(Ip("2001:db8:1:ffff::1"));
  EXPECT_EQ(first_.asked().size(), 1u);
  enricher.Resolve(Ip("2001:db8:2::1"));
  EXPECT_EQ(first_.asked().size(), 2u);
  EXPECT_EQ(enricher.stats().unresolved, 3u);
}

TEST_F(EnricherTest, SourcesAreAskedInOrderAndTheFirstAnswerWins) {
  first_.Add("10.1.0.0/16", "FIRST");
  second_.Add("10.0.0.0/8", "SECOND");
  second_.Add("10.1.0.0/16", "SECOND-TOO");
  Enricher enricher({&first_, &second_}, &cache_);
  EXPECT_EQ(enricher.Resolve(Ip("10.1.0.1")).netname(), "FIRST");
  EXPECT_TRUE(second_.asked().empty());
  EXPECT_EQ(enricher.Resolve(Ip("10.2.0.1")).netname(), "SECOND");
  EXPECT_EQ(first_.asked().size(), 2u);
  EXPECT_EQ(second_.asked().size(), 1u);
  EXPECT_EQ(enricher.stats().source_queries, 3u);
}

TEST_F(EnricherTest, LaterAnswerIsCachedOnlyWhereEarlierSourcesSaidNo) {
  first_.Add("10.1.0.0/24", "OVERRIDE");
  second_.Add("10.0.0.0/8", "REGISTRY");
  Enricher enricher({&first_, &second_}, &cache_);
  EXPECT_EQ(enricher.Resolve(Ip("10.9.9.9")).netname(), "REGISTRY");
  EXPECT_EQ(enricher.Resolve(Ip("10.9.9.10")).netname(), "REGISTRY");
  EXPECT_EQ(enricher.Resolve(Ip("10.1.0.5")).netname(), "OVERRIDE");
  EXPECT_EQ(first_.asked().size(), 2u);
}

TEST_F(EnricherTest, NoSourcesMeansUnresolved) {
  Enricher enricher({}, &cache_);
  EXPECT_TRUE(enricher.Resolve(Ip("192.0.2.1")).unresolved());
  EXPECT_EQ(enricher.stats().unresolved, 1u);
  EXPECT_EQ(enricher.stats().source_queries, 0u);
}

TEST_F(EnricherTest, CachedCoveringBlockDoesNotHideAMoreSpecificRegistryBlock) {
  auto path = std::filesystem::temp_directory_path() /
              ("enricher_test_" + std::to_string(::getpid()) + ".db");
  std::ofstream(path)
      << "inetnum: 10.0.0.0/16\nnetname: BIG\n\ninetnum: 10.0.1.0/24\nnetname: INNER\n\n"
         "inetnum: 10.2.0.64/28\nnetname: TINY\n";
  OfflineRegistry registry;
  ASSERT_TRUE(registry.Load(path.string()).ok());
  std::filesystem::remove(path);
  Enricher enricher({&registry}, &cache_);
  EXPECT_EQ(enricher.Resolve(Ip("10.0.0.1")).netname(), "BIG");
  EXPECT_EQ(enricher.Resolve(Ip("10.0.1.1")).netname(), "INNER");
  EXPECT_EQ(enricher.Resolve(Ip("10.0.2.1")).netname(), "BIG");
  EXPECT_EQ(enricher.Resolve(Ip("10.0.0.2")).netname(), "BIG");
  EXPECT_EQ(enricher.stats().source_queries, 3u);
  EXPECT_TRUE(enricher.Resolve(Ip("10.2.0.1")).unresolved());
  EXPECT_EQ(enricher.Resolve(Ip("10.2.0.70")).netname(), "TINY");
}

TEST_F(EnricherTest, OverrideAnswersBeforeCacheAndSourcesAndIsNeverCachedOver) {
  first_.Add("10.0.0.0/8", "REGISTRY");
  core::OwnerOverrideConfig local;
  local.prefixes = {"10.1.0.0/16"};
  local.contact = "liaison@example.edu";
  OverrideSource overrides({local});
  // A stale answer for the whole /8 already in the cache (e.g. persisted
  // before the override was configured) does not hide the override.
  v1::OwnerRecord stale;
  stale.set_netname("STALE");
  stale.add_cidrs("10.0.0.0/8");
  cache_.Insert(stale);
  Enricher enricher({&first_}, &cache_);
  enricher.set_overrides(&overrides);
  v1::OwnerRecord record = enricher.Resolve(Ip("10.1.2.3"));
  EXPECT_EQ(record.provenance().source(), "override");
  EXPECT_EQ(record.abuse(0), "liaison@example.edu");
  EXPECT_EQ(enricher.stats().overridden, 1u);
  EXPECT_TRUE(first_.asked().empty());
  EXPECT_EQ(enricher.Resolve(Ip("10.2.0.1")).netname(), "STALE");
}

TEST_F(EnricherTest, SourceAnswerAroundAnOverrideIsClippedToAvoidIt) {
  first_.Add("10.0.0.0/8", "REGISTRY");
  core::OwnerOverrideConfig local;
  local.prefixes = {"10.1.0.0/16"};
  local.contact = "liaison@example.edu";
  OverrideSource overrides({local});
  Enricher enricher({&first_}, &cache_);
  enricher.set_overrides(&overrides);
  EXPECT_EQ(enricher.Resolve(Ip("10.200.0.1")).netname(), "REGISTRY");
  // The answer was cached for 10.128.0.0/9 only (the part free of overrides).
  EXPECT_EQ(enricher.Resolve(Ip("10.201.0.1")).netname(), "REGISTRY");
  EXPECT_EQ(first_.asked().size(), 1u);
  EXPECT_EQ(cache_.Lookup(Ip("10.1.0.1")), nullptr);
  EXPECT_EQ(enricher.Resolve(Ip("10.1.0.1")).provenance().source(), "override");
  EXPECT_EQ(enricher.Resolve(Ip("10.0.0.1")).netname(), "REGISTRY");
  EXPECT_EQ(first_.asked().size(), 2u);
}

TEST_F(EnricherTest, UnknownNearAnOverrideIsCachedForTheUsualScopeOrLess) {
  core::OwnerOverrideConfig local;
  local.prefixes = {"10.1.0.0/16", "192.0.2.128/25"};
  local.contact = "liaison@example.edu";
  OverrideSource overrides({local});
  Enricher enricher({&first_}, &cache_);
  enricher.set_overrides(&overrides);
  EXPECT_TRUE(enricher.Resolve(Ip("10.200.0.1")).unresolved());
  // Cached for its /24, not for the whole space clear of overrides.
  EXPECT_NE(cache_.Lookup(Ip("10.200.0.200")), nullptr);
  EXPECT_EQ(cache_.Lookup(Ip("10.200.1.1")), nullptr);
  // Its /24 meets an override: cached for the /25 clear of it.
  EXPECT_TRUE(enricher.Resolve(Ip("192.0.2.1")).unresolved());
  EXPECT_NE(cache_.Lookup(Ip("192.0.2.100")), nullptr);
  EXPECT_EQ(cache_.Lookup(Ip("192.0.2.129")), nullptr);
  EXPECT_EQ(enricher.Resolve(Ip("192.0.2.129")).provenance().source(), "override");
  EXPECT_EQ(first_.asked().size(), 2u);
}

TEST_F(EnricherTest, NeverMailMailboxesAreRemovedFromEveryAnswer) {
  first_.Add("192.0.2.0/24", "catchall");
  first_.Add("198.51.100.0/24", "deadbox");
  NeverMail never({"abuse@catchall.example", "@deadbox.example"});
  Enricher enricher({&first_}, &cache_);
  enricher.set_never_mail(&never);
  v1::OwnerRecord a = enricher.Resolve(Ip("192.0.2.1"));
  ASSERT_EQ(a.abuse_size(), 1);
  EXPECT_EQ(a.abuse(0), "noc@catchall.example");
  EXPECT_EQ(enricher.Resolve(Ip("192.0.2.2")).abuse_size(), 1);  // the cached copy too
  v1::OwnerRecord b = enricher.Resolve(Ip("198.51.100.1"));
  EXPECT_EQ(b.abuse_size(), 0);  // left without a mailbox: unroutable downstream
  EXPECT_FALSE(b.unresolved());
  EXPECT_EQ(enricher.stats().never_mail_removed, 3u);
}

TEST(OwnerCacheRestoreTest, RestoreFilterAppliesToPersistedRecords) {
  NeverMail never({"@deadbox.example"});
  OwnerCache cache({0, 0, nullptr, [&never](v1::OwnerRecord* r) { never.Apply(r); }});
  v1::OwnerRecord record;
  record.add_abuse("abuse@deadbox.example");
  record.add_abuse("abuse@example.net");
  cache.Restore(*core::IpPrefix::Parse("192.0.2.0/24"), record, 0);
  const v1::OwnerRecord* kept = cache.Lookup(Ip("192.0.2.9"));
  ASSERT_NE(kept, nullptr);
  ASSERT_EQ(kept->abuse_size(), 1);
  EXPECT_EQ(kept->abuse(0), "abuse@example.net");
}

}  // namespace
}  // namespace abuseflow::enrich
