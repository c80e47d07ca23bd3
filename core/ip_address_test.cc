#include "core/ip_address.h"

#include <gtest/gtest.h>

#include "core/ip_prefix.h"

namespace abuseflow::core {
namespace {

TEST(IpAddressTest, ParsesDottedQuad) {
  auto a = IpAddress::Parse("192.0.2.7");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->is_v4());
  EXPECT_EQ(a->v4(), 0xC0000207u);
  EXPECT_EQ(a->ToString(), "192.0.2.7");
  EXPECT_EQ(a->ToBytes(), std::string("\xC0\x00\x02\x07", 4));
}

TEST(IpAddressTest, RejectsMalformedIpv4) {
  for (const char* bad : {"999.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.4 ", "", "a.b.c.d",
                          "1..2.3", "256.0.0.0", "1.2.3.-4", "1234.1.1.1"}) {
    EXPECT_FALSE(IpAddress::Parse(bad)) << bad;
  }
  EXPECT_TRUE(IpAddress::Parse("0.0.0.0"));
  EXPECT_TRUE(IpAddress::Parse("255.255.255.255"));
}

TEST(IpAddressTest, ParsesIpv6AndRoundTripsBytes) {
  auto a = IpAddress::Parse("2001:db8::1");
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->is_v4());
  EXPECT_EQ(a->ToString(), "2001:db8::1");
  auto b = IpAddress::FromBytes(a->ToBytes());
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
  EXPECT_FALSE(IpAddress::Parse("2001:db8::g"));
  EXPECT_FALSE(IpAddress::FromBytes("abc"));
}

TEST(IpAddressTest, FamiliesNeverCompareEqual) {
  EXPECT_NE(*IpAddress::Parse("0.0.0.0"), *IpAddress::Parse("::"));
}

TEST(IpPrefixTest, ParsesAndContains) {
  auto p = IpPrefix::Parse("198.51.100.0/24");
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->Contains(*IpAddress::Parse("198.51.100.255")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("198.51.101.0")));
  EXPECT_FALSE(p->Contains(*IpAddress::Parse("::ffff:198.51.100.1")));
  EXPECT_FALSE(IpPrefix::Parse("198.51.100.1/24"));
  EXPECT_FALSE(IpPrefix::Parse("198.51.100.0/33"));
  EXPECT_FALSE(IpPrefix::Parse("198.51.100.0/"));
  EXPECT_EQ(IpPrefix::Parse("2001:db8::/32")->ToString(), "2001:db8::/32");
}

TEST(IpPrefixTest, RangeBecomesMinimalPrefixes) {
  auto v = IpPrefix::FromRange(*IpAddress::Parse("10.0.0.0"), *IpAddress::Parse("10.0.2.255"));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].ToString(), "10.0.0.0/23");
  EXPECT_EQ(v[1].ToString(), "10.0.2.0/24");
  auto all = IpPrefix::FromRange(*IpAddress::Parse("0.0.0.0"), *IpAddress::Parse("255.255.255.255"));
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].length(), 0);
  auto odd = IpPrefix::FromRange(*IpAddress::Parse("10.0.0.1"), *IpAddress::Parse("10.0.0.6"));
  ASSERT_EQ(odd.size(), 4u);  // .1/32 .2/31 .4/31 .6/32
  EXPECT_TRUE(IpPrefix::FromRange(*IpAddress::Parse("10.0.0.2"), *IpAddress::Parse("10.0.0.1")).empty());
  auto v6 = IpPrefix::FromRange(*IpAddress::Parse("2001:db8::"),
                                *IpAddress::Parse("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"));
  ASSERT_EQ(v6.size(), 1u);
  EXPECT_EQ(v6[0].ToString(), "2001:db8::/32");
}

}  // namespace
}  // namespace abuseflow::core
