#include "enrich/rdap_parser.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace abuseflow::enrich {
namespace {

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(ABUSEFLOW_RDAP_FIXTURES) + "/" + name);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

TEST(RdapParserTest, ArinNetworkWithCidr0AndNestedAbuseEntity) {
  auto record = ParseRdapNetwork(Fixture("arin_23_5.json"));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->first(), Ip("23.5.0.0").ToBytes());
  EXPECT_EQ(record->last(), Ip("23.5.255.255").ToBytes());
  ASSERT_EQ(record->cidrs_size(), 1);
  EXPECT_EQ(record->cidrs(0), "23.5.0.0/16");
  EXPECT_EQ(record->netname(), "PRAIRIE-HOSTING-23");
  EXPECT_EQ(record->country(), "US");
  EXPECT_EQ(record->owner(), "Prairie Hosting Inc.");
  // The nested abuse entity only; the technical one is a fallback.
  ASSERT_EQ(record->abuse_size(), 1);
  EXPECT_EQ(record->abuse(0), "abuse@prairie-hosting.example.com");
}

TEST(RdapParserTest, RipeNetworkWithoutCidr0GetsTheCidrsOfItsRange) {
  auto record = ParseRdapNetwork(Fixture("ripe_81_2.json"));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  ASSERT_EQ(record->cidrs_size(), 1);
  EXPECT_EQ(record->cidrs(0), "81.2.0.0/17");
  EXPECT_EQ(record->owner(), "Fjord Net AS");
  ASSERT_EQ(record->abuse_size(), 1);
  EXPECT_EQ(record->abuse(0), "abuse@fjord-net.example.net");
}

TEST(RdapParserTest, Ipv6NetworkKeepsOnlyValidMailboxes) {
  auto record = ParseRdapNetwork(Fixture("apnic_v6.json"));
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  EXPECT_EQ(record->cidrs(0), "2400:cb00::/32");
  EXPECT_EQ(record->owner(), "Coral ISP Pty Ltd");
  ASSERT_EQ(record->abuse_size(), 2);
  EXPECT_EQ(record->abuse(0), "security@coral-isp.example.au");
  EXPECT_EQ(record->abuse(1), "irt@coral-isp.example.au");
  for (const std::string& m : record->abuse()) EXPECT_EQ(m.find_first_of("\r\n "), std::string::npos);
}

TEST(RdapParserTest, TechnicalContactIsTheFallbackWhenNoAbuseRole) {
  auto record = ParseRdapNetwork(R"({"objectClassName":"ip network","startAddress":"192.0.2.0",
    "endAddress":"192.0.2.255","name":"X","entities":[{"roles":["technical"],
    "vcardArray":["vcard",[["version",{},"text","4.0"],["EMAIL",{},"text","noc@x.example"]]]}]})");
  ASSERT_TRUE(record.ok());
  ASSERT_EQ(record->abuse_size(), 1);
  EXPECT_EQ(record->abuse(0), "noc@x.example");
  EXPECT_EQ(record->owner(), "X");
}

TEST(RdapParserTest, HostileAnswersAreErrorsNotCrashes) {
  const std::string deep(100000, '[');
  const std::string bad[] = {
      "",
      "not json at all",
      "\x00\x01\xff binary",
      "[1,2,3]",
      Fixture("error_404.json"),
      R"({"objectClassName":"entity","handle":"X"})",
      R"({"objectClassName":"ip network","startAddress":"192.0.2.9"})",
      R"({"objectClassName":"ip network","startAddress":"192.0.2.9","endAddress":"192.0.2.1"})",
      R"({"objectClassName":"ip network","startAddress":"192.0.2.0","endAddress":"2001:db8::"})",
      R"({"objectClassName":"ip network","startAddress":7,"endAddress":[]})",
      deep,
      "{\"a\":" + deep,
  };
  for (const std::string& text : bad) EXPECT_FALSE(ParseRdapNetwork(text).ok()) << text.substr(0, 80);
  // Odd but well-formed pieces are skipped, not fatal.
  auto odd = ParseRdapNetwork(R"({"objectClassName":"ip network","startAddress":"192.0.2.0",
    "endAddress":"192.0.2.255","cidr0_cidrs":[{"v4prefix":"x","length":-1},7],
    "entities":[7,{"roles":"abuse","vcardArray":["vcard",7]},{"roles":["abuse"],"vcardArray":[1,[[2],["email",{},"text",5]]]}]})");
  ASSERT_TRUE(odd.ok()) << odd.status().ToString();
  EXPECT_EQ(odd->cidrs(0), "192.0.2.0/24");
  EXPECT_EQ(odd->abuse_size(), 0);
}

TEST(RdapParserTest, JsonDepthIsMeasuredOutsideStrings) {
  EXPECT_FALSE(JsonTooDeep(R"({"a":"[[[[[[[[[[[[[["})", 3));
  EXPECT_TRUE(JsonTooDeep("[[[[", 3));
  EXPECT_FALSE(JsonTooDeep("[[[]]]", 3));
  EXPECT_FALSE(JsonTooDeep(R"(["\"[[[["])", 2));
}

TEST(RdapBootstrapTest, BundledCopyKnowsTheFiveRirs) {
  RdapBootstrap bootstrap = RdapBootstrap::Bundled();
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("23.5.1.1")), "https://rdap.arin.net/registry/");
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("81.2.3.4")), "https://rdap.db.ripe.net/");
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("203.0.113.1")), "https://rdap.apnic.net/");
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("200.3.12.1")), "https://rdap.lacnic.net/rdap/");
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("41.1.1.1")), "https://rdap.afrinic.net/rdap/");
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("2a00:1::1")), "https://rdap.db.ripe.net/");
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("2001:1200::1")), "https://rdap.lacnic.net/rdap/");
  EXPECT_FALSE(bootstrap.BaseUrlFor(Ip("10.0.0.1")).has_value());
}

TEST(RdapBootstrapTest, LongestPrefixWinsAndHttpsIsPreferred) {
  RdapBootstrap bootstrap;
  ASSERT_TRUE(bootstrap.Add(R"({"version":"1.0","services":[
    [["0.0.0.0/0"],["https://wide.example/rdap"]],
    [["192.0.2.0/24","bad prefix"],["http://narrow.example/","https://narrow.example/"]]]})").ok());
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("192.0.2.1")), "https://narrow.example/");
  EXPECT_EQ(bootstrap.BaseUrlFor(Ip("198.51.100.1")), "https://wide.example/rdap/");
  EXPECT_FALSE(bootstrap.Add("{}").ok());
  EXPECT_FALSE(bootstrap.Add(R"({"services":[[1,2]]})").ok());
  EXPECT_FALSE(bootstrap.Add("garbage").ok());
}

}  // namespace
}  // namespace abuseflow::enrich
