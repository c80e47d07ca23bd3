#include "enrich/whois_more_specific.h"
#include "enrich/whois_fixture.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

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

TEST(ArinMoreSpecificTest, QueryIsNGreaterThanTheBlockCidr) {
  EXPECT_EQ(ArinMoreSpecificQuery(Block("8.18.0.0", "8.18.3.255", "8.18.0.0/22")), "n > 8.18.0.0/22");
  v1::OwnerRecord two = Block("10.0.0.0", "10.0.2.255", "10.0.0.0/23");
  two.add_cidrs("10.0.2.0/24");
  EXPECT_EQ(ArinMoreSpecificQuery(two), "");  // a range of several CIDRs is not asked
  EXPECT_EQ(ArinMoreSpecificQuery(v1::OwnerRecord{}), "");
}

TEST(ArinMoreSpecificTest, SummaryLinesGiveTheNetworksInsideTheBlock) {
  auto children = ParseArinMoreSpecificAnswer(WhoisFixture("arin_8_18_more.txt"),
                                              Block("8.18.0.0", "8.18.3.255", "8.18.0.0/22"));
  ASSERT_TRUE(children);  // the block itself is left out; every level is kept
  EXPECT_EQ(Text(*children), (std::vector<std::string>{"8.18.3.0/25", "8.18.3.64/27"}));
}

TEST(ArinMoreSpecificTest, ADetailedAnswerAndIpv6HandlesAreRead) {
  const std::string text =
      "NetRange:       2001:db8:: - 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff\n"
      "Parent:         BIG (NET6-2001-DB8-0-0-1)\n\n"
      "Cust6 Inc CUST6 (NET6-2001-DB8-10-0-1) 2001:db8:10:: - 2001:db8:10:ffff:ffff:ffff:ffff:ffff\n"
      "Outside Inc OUT (NET6-2001-DB9-0-0-1) 2001:db9:: - 2001:db9::ffff\n";
  auto children = ParseArinMoreSpecificAnswer(
      text, Block("2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32"));
  ASSERT_TRUE(children);
  EXPECT_EQ(Text(*children), (std::vector<std::string>{"2001:db8:10::/48"}));
  auto one = ParseArinMoreSpecificAnswer("NetRange:       8.18.3.0 - 8.18.3.127\nCIDR: 8.18.3.0/25\n",
                                         Block("8.18.0.0", "8.18.3.255", "8.18.0.0/22"));
  ASSERT_TRUE(one);
  EXPECT_EQ(Text(*one), (std::vector<std::string>{"8.18.3.0/25"}));
}

TEST(ArinMoreSpecificTest, NoMatchIsEmptyAndEverythingElseIsUnknown) {
  auto block = Block("8.18.0.0", "8.18.3.255", "8.18.0.0/22");
  auto none = ParseArinMoreSpecificAnswer("#\n# ARIN WHOIS\n#\n\nNo match found for n > 8.18.0.0/22.\n", block);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(ParseArinMoreSpecificAnswer("", block));
  EXPECT_FALSE(ParseArinMoreSpecificAnswer("\x01\xff (NET-1) garbage\n", block));
  EXPECT_FALSE(ParseArinMoreSpecificAnswer("Query rate limit exceeded\n", block));
  EXPECT_FALSE(ParseArinMoreSpecificAnswer("No match found for n > 1.0.0.0/8.", v1::OwnerRecord{}));
}

TEST(ArinMoreSpecificTest, ManyChildrenAreBounded) {
  std::string text;
  for (int i = 0; i < 6000; ++i) {
    std::string a = "10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0";
    text += "X N (NET-" + std::to_string(i) + ") " + a + " - " + a.substr(0, a.size() - 1) + "255\n";
  }
  auto children = ParseArinMoreSpecificAnswer(text, Block("10.0.0.0", "10.255.255.255", "10.0.0.0/8"));
  ASSERT_TRUE(children);
  EXPECT_EQ(children->size(), 4096u);
}

}  // namespace
}  // namespace abuseflow::enrich
