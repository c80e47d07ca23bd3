#include "enrich/whois_more_specific.h"

#include <gtest/gtest.h>

namespace abuseflow::enrich {
namespace {

v1::OwnerRecord Block(std::string_view first, std::string_view last, std::string_view cidr) {
  v1::OwnerRecord r;
  r.set_first(core::IpAddress::Parse(first)->ToBytes());
  r.set_last(core::IpAddress::Parse(last)->ToBytes());
  r.add_cidrs(std::string(cidr));
  return r;
}

std::vector<std::string> Text(const std::vector<core::IpPrefix>& prefixes) {
  std::vector<std::string> out;
  for (const auto& p : prefixes) out.push_back(p.ToString());
  return out;
}

TEST(MoreSpecificTest, QueryUsesTheRangeForIpv4AndThePrefixForIpv6) {
  EXPECT_EQ(MoreSpecificQuery(Block("10.0.0.0", "10.0.255.255", "10.0.0.0/16")),
            "-m 10.0.0.0 - 10.0.255.255");
  EXPECT_EQ(MoreSpecificQuery(Block("2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff",
                                    "2001:db8::/32")),
            "-m 2001:db8::/32");
  EXPECT_EQ(MoreSpecificQuery(v1::OwnerRecord{}), "");
}

TEST(MoreSpecificTest, ListsTheChildrenInsideTheBlockOnly) {
  const std::string text =
      "% Information related to '10.0.0.0 - 10.0.255.255'\n\n"
      "inetnum:        10.0.0.0 - 10.0.255.255\nnetname:        PROVIDER\n\n"
      "inetnum:        10.0.4.0 - 10.0.4.255\nnetname:        CUSTOMER-A\n\n"
      "inetnum:        10.0.8.0 - 10.0.10.255\nnetname:        CUSTOMER-B\n\n"
      "role:           Somebody\nnic-hdl:        X1\n\n"
      "inetnum:        10.1.0.0 - 10.1.0.255\nnetname:        OUTSIDE\n";
  auto children = ParseMoreSpecificAnswer(text, Block("10.0.0.0", "10.0.255.255", "10.0.0.0/16"));
  ASSERT_TRUE(children);
  EXPECT_EQ(Text(*children),
            (std::vector<std::string>{"10.0.4.0/24", "10.0.8.0/23", "10.0.10.0/24"}));
}

TEST(MoreSpecificTest, NoEntriesIsAnEmptyListGarbageIsUnknown) {
  auto block = Block("10.0.0.0", "10.0.255.255", "10.0.0.0/16");
  auto none = ParseMoreSpecificAnswer("%ERROR:101: no entries found\n%\n", block);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(ParseMoreSpecificAnswer("\x01\x02 garbage\n", block));
  EXPECT_FALSE(ParseMoreSpecificAnswer("", block));
  EXPECT_FALSE(ParseMoreSpecificAnswer("x", v1::OwnerRecord{}));
}

TEST(MoreSpecificTest, Ipv6Children) {
  const std::string text =
      "inet6num:       2001:db8:10::/48\nnetname:        CUST6\n\n"
      "inet6num:       2001:db8::/32\nnetname:        SELF\n";
  auto children = ParseMoreSpecificAnswer(
      text, Block("2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32"));
  ASSERT_TRUE(children);
  EXPECT_EQ(Text(*children), (std::vector<std::string>{"2001:db8:10::/48"}));
}

}  // namespace
}  // namespace abuseflow::enrich
