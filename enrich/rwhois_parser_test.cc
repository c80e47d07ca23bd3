#include "enrich/rwhois_parser.h"
#include "enrich/whois_fixture.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/mailbox.h"

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

std::vector<std::string> Abuse(const RwhoisAnswer& a) {
  if (!a.record) return {"(no record)"};
  return {a.record->abuse().begin(), a.record->abuse().end()};
}

TEST(RwhoisParserTest, MostSpecificNetworkWithContactObjectResolved) {
  RwhoisAnswer a = ParseRwhoisAnswer(WhoisFixture("rwhois_24_90_8.txt"), Ip("24.90.9.7"));
  ASSERT_TRUE(a.record);
  EXPECT_TRUE(a.error.empty());
  EXPECT_FALSE(a.no_objects);
  ASSERT_EQ(a.record->cidrs_size(), 1);
  EXPECT_EQ(a.record->cidrs(0), "24.90.8.0/22");
  EXPECT_EQ(a.record->owner(), "Harbor Dental Group");
  EXPECT_EQ(a.record->netname(), "ECC-CUST-HARBOR");
  EXPECT_EQ(a.record->country(), "US");
  // Abuse-Contact names a handle: the contact object's Email; no fallbacks.
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"security@harbor-dental.example.org"});
}

TEST(RwhoisParserTest, CoveringObjectAnswersOutsideTheCustomerBlock) {
  RwhoisAnswer a = ParseRwhoisAnswer(WhoisFixture("rwhois_24_90_8.txt"), Ip("24.90.200.1"));
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->cidrs(0), "24.90.0.0/16");
  EXPECT_EQ(a.record->owner(), "Example Cable Co");
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"abuse@example-cable.example.com"});
}

TEST(RwhoisParserTest, AddressOutsideEveryObjectHasNoRecord) {
  RwhoisAnswer a = ParseRwhoisAnswer(WhoisFixture("rwhois_24_90_8.txt"), Ip("24.91.0.1"));
  EXPECT_FALSE(a.record);
  EXPECT_TRUE(a.no_objects);
}

TEST(RwhoisParserTest, NoObjectsFoundIsNoEntryNotAnError) {
  RwhoisAnswer a = ParseRwhoisAnswer(WhoisFixture("rwhois_no_objects.txt"), Ip("24.90.9.7"));
  EXPECT_FALSE(a.record);
  EXPECT_TRUE(a.no_objects);
  EXPECT_TRUE(a.error.empty());
}

TEST(RwhoisParserTest, OtherErrorIsReported) {
  RwhoisAnswer a = ParseRwhoisAnswer(
      "%rwhois V-1.5 x.example\r\n%error 500 Internal Server Error\r\n", Ip("24.90.9.7"));
  EXPECT_FALSE(a.record);
  EXPECT_FALSE(a.no_objects);
  EXPECT_EQ(a.error, "500 Internal Server Error");
}

TEST(RwhoisParserTest, ServiceNotAvailableAndLimitWordingAreRateLimits) {
  RwhoisAnswer a = ParseRwhoisAnswer(WhoisFixture("rwhois_ratelimit.txt"), Ip("24.90.9.7"));
  EXPECT_TRUE(a.rate_limited);
  EXPECT_FALSE(a.record);
  EXPECT_FALSE(a.no_objects);
  for (const char* text :
       {"%rwhois V-1.5 x\r\n%error 401 Not Authorized for Directive: query rate limit exceeded\r\n",
        "%rwhois V-1.5 x\n%error 560 Too many queries from 192.0.2.1, try later\n",
        // A WHOIS-style message instead of the protocol's lines.
        "%rwhois V-1.5 x\n% Query rate limit exceeded\n",
        // Objects after a limit error are not taken.
        "%rwhois V-1.5 x\n%error 501 Service Not Available\nnetwork:IP-Network:24.90.8.0/22\n"}) {
    RwhoisAnswer b = ParseRwhoisAnswer(text, Ip("24.90.9.7"));
    EXPECT_TRUE(b.rate_limited) << text;
    EXPECT_FALSE(b.record) << text;
  }
}

TEST(RwhoisParserTest, OtherLimitsAndErrorsAreNoRateLimits) {
  for (const char* text : {"%rwhois V-1.5 x\n%error 330 Exceeded Max Objects Limit\n",
                           "%rwhois V-1.5 x\n%error 331 Invalid Limit\n",
                           "%rwhois V-1.5 x\n%error 503 Idle Time Exceeded\n",
                           "%rwhois V-1.5 x\n%error 230 No Objects Found\n"}) {
    RwhoisAnswer a = ParseRwhoisAnswer(text, Ip("24.90.9.7"));
    EXPECT_FALSE(a.rate_limited) << text;
  }
  // A record whose remarks talk about limits is a record.
  RwhoisAnswer a = ParseRwhoisAnswer(
      "%rwhois V-1.5 x\nnetwork:IP-Network:24.90.8.0/22\n"
      "network:Comment:% query rate limit exceeded? ask abuse@harbor.example.org\n%ok\n",
      Ip("24.90.9.7"));
  EXPECT_FALSE(a.rate_limited);
  EXPECT_TRUE(a.record);
}

TEST(RwhoisParserTest, TechContactIsTheFallbackAndHandlesAreNoMailboxes) {
  RwhoisAnswer a = ParseRwhoisAnswer(
      "%rwhois V-1.5 x\nnetwork:Class-Name:network\nnetwork:IP-Network:24.90.4.0/24\n"
      "network:Abuse-Contact;I:ABUSE2492-ARIN\nnetwork:Tech-Contact;I:noc@isp.example\n"
      "network:Admin-Contact;I:admin@isp.example\n%ok\n",
      Ip("24.90.4.9"));
  EXPECT_EQ(Abuse(a), std::vector<std::string>{"noc@isp.example"});
}

TEST(RwhoisParserTest, HostileAnswerGivesOnlyValidMailboxes) {
  RwhoisAnswer a = ParseRwhoisAnswer(WhoisFixture("rwhois_hostile.txt"), Ip("24.90.17.1"));
  ASSERT_TRUE(a.record);
  EXPECT_EQ(a.record->cidrs(0), "24.90.16.0/20");
  EXPECT_EQ(a.record->owner(), "Hostile Hosting");
  EXPECT_EQ(a.record->country(), "");  // "USA" is no alpha-2 code
  for (const std::string& m : a.record->abuse()) EXPECT_TRUE(core::IsValidMailbox(m)) << m;
  EXPECT_LE(a.record->abuse_size(), 8);
}

TEST(RwhoisParserTest, GarbageAndHugeLinesAreBounded) {
  std::string huge = "%rwhois V-1.5\nnetwork:IP-Network:24.90.0.0/16\nnetwork:Org-Name:" +
                     std::string(1 << 20, 'x') + "\n" + std::string(1 << 16, '\0') + "\n%ok\n";
  RwhoisAnswer a = ParseRwhoisAnswer(huge, Ip("24.90.1.1"));
  ASSERT_TRUE(a.record);
  EXPECT_TRUE(a.record->owner().empty());  // the over-long line is ignored
  EXPECT_FALSE(ParseRwhoisAnswer("\xff\xfe binary", Ip("24.90.1.1")).record);
}

TEST(RwhoisParserTest, CompleteOnceTheFinalLineIsRead) {
  EXPECT_FALSE(RwhoisAnswerComplete(""));
  EXPECT_FALSE(RwhoisAnswerComplete("%rwhois V-1.5:003fff:00 x\r\n"));
  EXPECT_FALSE(RwhoisAnswerComplete("%rwhois V-1.5 x\r\nnetwork:IP-Network:24.90.0.0/16\r\n"));
  EXPECT_FALSE(RwhoisAnswerComplete("%rwhois V-1.5 x\r\nnetwork:ID:x\r\n%o"));
  EXPECT_TRUE(RwhoisAnswerComplete("%rwhois V-1.5 x\r\nnetwork:ID:x\r\n%ok\r\n"));
  EXPECT_TRUE(RwhoisAnswerComplete("%rwhois V-1.5 x\n%error 230 No Objects Found\n"));
  EXPECT_FALSE(RwhoisAnswerComplete("no banner\n%ok\n"));
  EXPECT_EQ(RwhoisQueryFor(Ip("24.90.9.7")), "24.90.9.7");
}

}  // namespace
}  // namespace abuseflow::enrich
