#include "enrich/whois_servers.h"

#include <gtest/gtest.h>

#include "enrich/whois_parser.h"

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

TEST(WhoisServersTest, TableSkipsIanaWhereOneRirHoldsTheRange) {
  EXPECT_EQ(FirstWhoisServer(Ip("194.160.1.1")), "whois.ripe.net");
  EXPECT_EQ(FirstWhoisServer(Ip("8.8.8.8")), "whois.arin.net");
  EXPECT_EQ(FirstWhoisServer(Ip("200.3.13.1")), "whois.lacnic.net");
  EXPECT_EQ(FirstWhoisServer(Ip("203.119.81.9")), "whois.apnic.net");
  EXPECT_EQ(FirstWhoisServer(Ip("41.1.1.1")), "whois.afrinic.net");
  EXPECT_EQ(FirstWhoisServer(Ip("2a01:4f8::1")), "whois.ripe.net");
  EXPECT_EQ(FirstWhoisServer(Ip("2001:200::1")), "whois.apnic.net");
  EXPECT_EQ(FirstWhoisServer(Ip("0.1.2.3")), kIanaWhois);
  EXPECT_EQ(FirstWhoisServer(Ip("196.44.1.1")), kIanaWhois);  // mixed legacy /8
  EXPECT_EQ(FirstWhoisServer(Ip("2001:db8::1")), kIanaWhois);
}

TEST(WhoisServersTest, QuerySyntaxAndAliases) {
  const WhoisServerInfo* arin = FindWhoisServer("WHOIS.ARIN.NET");
  ASSERT_NE(arin, nullptr);
  EXPECT_EQ(WhoisQueryFor(*arin, Ip("8.8.8.8")), "n + 8.8.8.8");
  const WhoisServerInfo* jpnic = FindWhoisServer("whois.nic.ad.jp");
  ASSERT_NE(jpnic, nullptr);
  EXPECT_EQ(WhoisQueryFor(*jpnic, Ip("202.11.70.1")), "202.11.70.1/e");
  const WhoisServerInfo* krnic = FindWhoisServer("whois.nic.or.kr");
  ASSERT_NE(krnic, nullptr);
  EXPECT_EQ(krnic->name, "whois.kisa.or.kr");
  EXPECT_EQ(krnic->charset, "EUC-KR");
  EXPECT_EQ(FindWhoisServer("whois.example.net"), nullptr);
}

TEST(WhoisServersTest, DirectoryMapsListedServersAndRefusesTheRest) {
  core::WhoisConfig config;
  config.servers["whois.ripe.net"] = "127.0.0.1:4301";
  config.servers["whois.nic.or.kr"] = "[::1]:4302";  // an alias maps the canonical name
  config.servers["rwhois.example.com:4321"] = "127.0.0.1:4303";
  WhoisDirectory directory(config);
  auto ripe = directory.Resolve("whois.ripe.net");
  ASSERT_TRUE(ripe.ok());
  EXPECT_EQ(ripe->ToString(), "127.0.0.1:4301");
  auto kr = directory.Resolve("whois.kisa.or.kr");
  ASSERT_TRUE(kr.ok());
  EXPECT_EQ(kr->host, "::1");
  EXPECT_EQ(kr->port, 4302);
  EXPECT_TRUE(directory.Resolve("rwhois.example.com", 4321).ok());
  EXPECT_FALSE(directory.Resolve("rwhois.example.com", 43).ok());
  EXPECT_FALSE(directory.Resolve("whois.ripe.net", 4444).ok());
  EXPECT_FALSE(directory.Resolve("evil.example.net").ok());
  auto apnic = directory.Resolve("whois.apnic.net");  // built in, not listed: its own name
  ASSERT_TRUE(apnic.ok());
  EXPECT_EQ(apnic->ToString(), "whois.apnic.net:43");
  config.only_listed = true;
  EXPECT_FALSE(WhoisDirectory(config).Resolve("whois.apnic.net").ok());
  config.servers["whois.arin.net"] = "no-port";
  EXPECT_FALSE(WhoisDirectory(config).Resolve("whois.arin.net").ok());
}

TEST(WhoisServersTest, Inet6numAnswer) {
  std::string text =
      "% Abuse contact for '2001:67c:2e8::/48' is 'abuse@v6.example.net'\n\n"
      "inet6num:       2001:67c:2e8::/48\nnetname:        V6-NET\ncountry:        nl\n";
  WhoisAnswer a = ParseWhoisAnswer(WhoisFormat::kRpsl, text, Ip("2001:67c:2e8::1"));
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->cidrs(0), "2001:67c:2e8::/48");
  EXPECT_EQ(a.record->country(), "NL");
  EXPECT_EQ(a.record->abuse(0), "abuse@v6.example.net");
  EXPECT_FALSE(ParseWhoisAnswer(WhoisFormat::kRpsl, text, Ip("2001:67c:2e9::1")).record);
  EXPECT_FALSE(ParseWhoisAnswer(WhoisFormat::kRpsl, text, Ip("192.0.2.1")).record);
}

}  // namespace
}  // namespace abuseflow::enrich
