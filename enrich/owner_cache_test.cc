#include "enrich/owner_cache.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace abuseflow::enrich
