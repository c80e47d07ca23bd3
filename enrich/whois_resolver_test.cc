#include "enrich/whois_resolver.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "enrich/enricher.h"
#include "enrich/owner_cache.h"
#include "enrich/whois_source.h"
#include "enrich/whois_fixture.h"

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

// Fake registries: answers by server name, a fake clock that sleeping advances.
class WhoisResolverTest : public ::testing::Test {
 protected:
  WhoisResolverTest() {
    config_.queries_per_minute = 60;
    config_.burst = 2;
    config_.backoff_us = 10 * 1000000LL;
    config_.max_wait_us = 30 * 1000000LL;
    config_.more_specifics = false;  // the MoreSpecifics tests turn it on
  }
  WhoisResolver Make() {
    return WhoisResolver(
        config_,
        [this](const WhoisEndpoint& e, const std::string& q) -> core::Result<std::string> {
          asked_.push_back(e.name + " " + q);
          auto it = answers_.find(e.name);
          if (it == answers_.end()) return core::Status::Unavailable("no such fixture " + e.name);
          std::string answer = it->second.front();
          if (it->second.size() > 1) it->second.erase(it->second.begin());
          return answer;
        },
        [this] { return now_us_; }, [this](int64_t us) { now_us_ += us; });
  }
  void Answer(const std::string& server, std::vector<std::string> texts) {
    answers_[server] = texts;
  }
  std::vector<std::string> Outcomes(const WhoisResolution& r) {
    std::vector<std::string> out;
    for (const WhoisStep& s : r.steps) out.push_back(s.server + " " + s.outcome);
    return out;
  }

  core::WhoisConfig config_;
  std::map<std::string, std::vector<std::string>> answers_;
  std::vector<std::string> asked_;
  int64_t now_us_ = 1000000;
};

TEST_F(WhoisResolverTest, TableSkipsIanaForRipeSpace) {
  Answer("whois.ripe.net", {WhoisFixture("ripe_194_160.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("194.160.1.1"));
  ASSERT_TRUE(r.record);
  EXPECT_EQ(r.record->provenance().source(), "whois");
  EXPECT_EQ(r.record->provenance().server(), "whois.ripe.net");
  EXPECT_EQ(r.record->provenance().fetched_us(), 1000000);
  EXPECT_EQ(asked_, std::vector<std::string>{"whois.ripe.net 194.160.1.1"});
  EXPECT_NE(r.raw.find("FJORDNET-LAN"), std::string::npos);
}

TEST_F(WhoisResolverTest, IanaReferralForSpaceOutsideTheTable) {
  Answer("whois.iana.org", {"refer: whois.afrinic.net\n"});
  Answer("whois.afrinic.net", {WhoisFixture("afrinic_196_44.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("196.44.100.1"));
  ASSERT_TRUE(r.record);
  EXPECT_EQ(r.record->abuse(0), "abuse@savanna-link.example.com");
  EXPECT_EQ(Outcomes(r),
            (std::vector<std::string>{"whois.iana.org referral", "whois.afrinic.net record"}));
  EXPECT_EQ(resolver.stats().referrals, 1u);
}

TEST_F(WhoisResolverTest, NationalRegistryBlockGetsTheCoveringContact) {
  Answer("whois.apnic.net", {WhoisFixture("apnic_jpnic_202_11.txt")});
  Answer("whois.nic.ad.jp", {WhoisFixture("jpnic_202_11_64.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("202.11.70.1"));
  ASSERT_TRUE(r.record);
  EXPECT_EQ(r.record->owner(), "Sakura Laboratory Co., Ltd.");
  EXPECT_EQ(r.record->provenance().server(), "whois.nic.ad.jp");
  EXPECT_EQ(r.record->abuse(0), "hostmaster@nic.ad.jp.example");
  EXPECT_EQ(asked_.back(), "whois.nic.ad.jp 202.11.70.1/e");
}

TEST_F(WhoisResolverTest, NationalRegistryBlockWithItsOwnContactKeepsTheCoveringAsUpstream) {
  std::string jpnic = WhoisFixture("jpnic_202_11_64.txt");
  const std::string name = "b. [Network Name]               SAKURA-LAB\n";
  ASSERT_NE(jpnic.find(name), std::string::npos);
  jpnic.insert(jpnic.find(name) + name.size(),
               "y. [Abuse]                      abuse@sakura-lab.example.jp\n");
  Answer("whois.apnic.net", {WhoisFixture("apnic_jpnic_202_11.txt")});
  Answer("whois.nic.ad.jp", {jpnic});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("202.11.70.1"));
  ASSERT_TRUE(r.record);
  EXPECT_EQ(r.record->provenance().server(), "whois.nic.ad.jp");
  ASSERT_EQ(r.record->abuse_size(), 1);
  EXPECT_EQ(r.record->abuse(0), "abuse@sakura-lab.example.jp");
  ASSERT_GE(r.record->upstream_abuse_size(), 1);
  EXPECT_EQ(r.record->upstream_abuse(0), "hostmaster@nic.ad.jp.example");
}

TEST_F(WhoisResolverTest, CoveringContactTakenOverLeavesNoUpstream) {
  Answer("whois.apnic.net", {WhoisFixture("apnic_jpnic_202_11.txt")});
  Answer("whois.nic.ad.jp", {WhoisFixture("jpnic_202_11_64.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("202.11.70.1"));
  ASSERT_TRUE(r.record);
  EXPECT_EQ(r.record->abuse(0), "hostmaster@nic.ad.jp.example");
  EXPECT_TRUE(r.record->upstream_abuse().empty());
}

TEST_F(WhoisResolverTest, ArinOtherRirAllocationIsFollowedWithArinQuerySyntax) {
  Answer("whois.arin.net", {"NetRange: 8.8.0.0 - 8.8.255.255\nNetType: Transferred to AFRINIC\n"
                            "OrgName: African Network Information Center\nOrgId: AFRINIC\n"});
  Answer("whois.afrinic.net", {"inetnum: 8.8.8.0 - 8.8.8.255\nnetname: MOVED-NET\n"
                               "abuse-mailbox: abuse@moved.example.net\n"});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("8.8.8.8"));
  EXPECT_EQ(asked_,
            (std::vector<std::string>{"whois.arin.net n + 8.8.8.8", "whois.afrinic.net 8.8.8.8"}));
  EXPECT_EQ(Outcomes(r),
            (std::vector<std::string>{"whois.arin.net not managed", "whois.afrinic.net record"}));
  ASSERT_TRUE(r.record);
  EXPECT_EQ(r.record->abuse(0), "abuse@moved.example.net");
}

TEST_F(WhoisResolverTest, NotManagedGoesToIanaAndALoopStops) {
  Answer("whois.ripe.net", {WhoisFixture("ripe_not_managed.txt")});
  Answer("whois.iana.org", {WhoisFixture("iana_refer_ripe.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("194.160.1.1"));
  EXPECT_FALSE(r.record);
  EXPECT_EQ(Outcomes(r),
            (std::vector<std::string>{"whois.ripe.net not managed", "whois.iana.org referral",
                                      "whois.ripe.net loop"}));
  EXPECT_EQ(resolver.stats().loops, 1u);
  EXPECT_EQ(resolver.stats().queries, 2u);
}

TEST_F(WhoisResolverTest, ReservedSpaceIsADeadEnd) {
  Answer("whois.iana.org", {WhoisFixture("iana_reserved.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("10.1.2.3"));
  EXPECT_FALSE(r.record);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(Outcomes(r), std::vector<std::string>{"whois.iana.org no entry"});
}

TEST_F(WhoisResolverTest, ReferralsToUnknownHostsOrOtherPortsAreRefused) {
  Answer("whois.iana.org", {"refer: whois://evil.example.net\n", "refer: whois.ripe.net:4444\n"});
  WhoisResolver resolver = Make();
  WhoisResolution a = resolver.Resolve(Ip("10.1.2.3"));
  ASSERT_EQ(a.steps.size(), 2u);
  EXPECT_NE(a.steps[1].outcome.find("evil.example.net refused"), std::string::npos)
      << a.steps[1].outcome;
  WhoisResolution b = resolver.Resolve(Ip("10.1.2.4"));
  ASSERT_EQ(b.steps.size(), 2u);
  EXPECT_NE(b.steps[1].outcome.find("port 4444"), std::string::npos) << b.steps[1].outcome;
  EXPECT_EQ(resolver.stats().refused, 2u);
  EXPECT_EQ(asked_.size(), 2u);  // nothing was sent to the refused servers
}

TEST_F(WhoisResolverTest, OnlyListedRefusesBuiltInServersNotInTheMap) {
  config_.only_listed = true;
  config_.servers["whois.iana.org"] = "127.0.0.1:9";
  Answer("whois.iana.org", {"refer: whois.ripe.net\n"});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("10.1.2.3"));
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_EQ(r.steps[0].endpoint, "127.0.0.1:9");
  EXPECT_NE(r.steps[1].outcome.find("refused"), std::string::npos);
}

TEST_F(WhoisResolverTest, RateLimitMessageBacksOffAndRetries) {
  Answer("whois.ripe.net", {WhoisFixture("ripe_ratelimit.txt"), WhoisFixture("ripe_194_160.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("194.160.1.1"));
  ASSERT_TRUE(r.record);
  EXPECT_EQ(Outcomes(r),
            (std::vector<std::string>{"whois.ripe.net rate limited", "whois.ripe.net record"}));
  EXPECT_GE(now_us_, 1000000 + config_.backoff_us);  // waited out the backoff
  EXPECT_EQ(resolver.stats().rate_limited, 1u);
}

TEST_F(WhoisResolverTest, BackoffLongerThanMaxWaitFails) {
  config_.backoff_us = 60 * 1000000LL;
  Answer("whois.ripe.net", {WhoisFixture("ripe_ratelimit.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("194.160.1.1"));
  EXPECT_FALSE(r.record);
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(now_us_, 1000000);  // did not wait past max_wait
}

TEST_F(WhoisResolverTest, TokenBucketSpacesQueriesToTheConfiguredRate) {
  Answer("whois.ripe.net", {WhoisFixture("ripe_194_160.txt")});
  WhoisResolver resolver = Make();
  std::vector<int64_t> times;
  for (int i = 0; i < 6; ++i) {
    (void)resolver.Resolve(Ip("194.160.1.1"));
    times.push_back(now_us_);
  }
  // Burst of 2 at once, then one per second (60 per minute).
  EXPECT_EQ(times[1], 1000000);
  EXPECT_EQ(times[5] - times[1], 4 * 1000000);
  EXPECT_EQ(resolver.stats().waited_us, 4 * 1000000);
}

TEST_F(WhoisResolverTest, ServerErrorFailsTheResolution) {
  WhoisResolver resolver = Make();  // no fixture for whois.ripe.net: transport error
  WhoisResolution r = resolver.Resolve(Ip("194.160.1.1"));
  EXPECT_TRUE(r.failed);
  EXPECT_EQ(resolver.stats().errors, 1u);
}

TEST(SubtractPrefixTest, SplitsAroundTheHole) {
  auto scope = SubtractPrefix({*core::IpPrefix::Parse("10.0.0.0/22")},
                              *core::IpPrefix::Parse("10.0.2.0/25"));
  std::vector<std::string> text;
  for (const auto& p : scope) text.push_back(p.ToString());
  EXPECT_EQ(text, (std::vector<std::string>{"10.0.0.0/23", "10.0.3.0/24", "10.0.2.128/25"}));
}

TEST_F(WhoisResolverTest, EnricherAsksOncePerBlockAndSeenMoreSpecificsStayVisible) {
  answers_["whois.ripe.net"] = {WhoisFixture("ripe_194_160_2.txt"), WhoisFixture("ripe_194_160.txt")};
  WhoisSource source(std::make_unique<WhoisResolver>(Make()));
  OwnerCache cache;
  Enricher enricher({&source}, &cache);
  EXPECT_EQ(enricher.Resolve(Ip("194.160.2.5")).netname(), "KAFFEBAR-NET");
  EXPECT_EQ(enricher.Resolve(Ip("194.160.1.1")).netname(), "FJORDNET-LAN");
  EXPECT_EQ(enricher.Resolve(Ip("194.160.2.100")).netname(), "KAFFEBAR-NET");
  EXPECT_EQ(enricher.Resolve(Ip("194.160.3.9")).netname(), "FJORDNET-LAN");
  EXPECT_EQ(enricher.Resolve(Ip("194.160.0.1")).netname(), "FJORDNET-LAN");
  EXPECT_EQ(asked_.size(), 2u);
}

// The bug this guards against: the provider's /22 is asked first, then an
// address in the customer /25 inside it must not get the provider's answer.
TEST_F(WhoisResolverTest, MoreSpecificsKeepCustomerBlockAfterProviderAnswer) {
  config_.more_specifics = true;
  answers_["whois.ripe.net"] = {WhoisFixture("ripe_194_160.txt"), WhoisFixture("ripe_194_160_more.txt"),
                                WhoisFixture("ripe_194_160_2.txt"), "%ERROR:101: no entries found\n"};
  auto resolver = std::make_unique<WhoisResolver>(Make());
  WhoisResolver* raw = resolver.get();
  WhoisSource source(std::move(resolver));
  OwnerCache cache;
  Enricher enricher({&source}, &cache);
  v1::OwnerRecord provider = enricher.Resolve(Ip("194.160.0.5"));
  EXPECT_EQ(provider.netname(), "FJORDNET-LAN");
  v1::OwnerRecord customer = enricher.Resolve(Ip("194.160.2.10"));
  EXPECT_EQ(customer.netname(), "KAFFEBAR-NET");
  ASSERT_GT(customer.abuse_size(), 0);
  EXPECT_EQ(customer.abuse(0), "security@kaffe-bar.example.org");
  // Both blocks now answer from the cache.
  EXPECT_EQ(enricher.Resolve(Ip("194.160.2.100")).netname(), "KAFFEBAR-NET");
  EXPECT_EQ(enricher.Resolve(Ip("194.160.2.200")).netname(), "FJORDNET-LAN");
  EXPECT_EQ(enricher.Resolve(Ip("194.160.3.9")).netname(), "FJORDNET-LAN");
  EXPECT_EQ(asked_, (std::vector<std::string>{
                        "whois.ripe.net 194.160.0.5", "whois.ripe.net -m 194.160.0.0 - 194.160.3.255",
                        "whois.ripe.net 194.160.2.10",
                        "whois.ripe.net -m 194.160.2.0 - 194.160.2.127"}));
  EXPECT_EQ(raw->stats().queries, 2u);
  EXPECT_EQ(raw->stats().more_specific_queries, 2u);
  EXPECT_EQ(raw->stats().queries_by_server.at("whois.ripe.net"), 4u);
}

TEST_F(WhoisResolverTest, MoreSpecificsFailureScopesTheAnswerToTheAddress) {
  config_.more_specifics = true;
  config_.backoff_us = 60 * 1000000LL;  // longer than max_wait: no retry
  answers_["whois.ripe.net"] = {WhoisFixture("ripe_194_160.txt"), WhoisFixture("ripe_ratelimit.txt")};
  WhoisSource source(std::make_unique<WhoisResolver>(Make()));
  auto record = source.Lookup(Ip("194.160.0.5"));
  ASSERT_TRUE(record);
  EXPECT_FALSE(source.last().more_specifics_known);
  auto scope = source.AnswerScope(Ip("194.160.0.5"), &*record);
  ASSERT_EQ(scope.size(), 1u);
  EXPECT_EQ(scope[0].ToString(), "194.160.0.5/32");
  EXPECT_EQ(source.stats().more_specific_failures, 1u);
  EXPECT_EQ(source.stats().rate_limited, 1u);
}

TEST_F(WhoisResolverTest, MoreSpecificsOnlyForRpslServersAndArin) {
  config_.more_specifics = true;
  Answer("whois.lacnic.net", {WhoisFixture("lacnic_200_3_12.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("200.3.13.4"));
  ASSERT_TRUE(r.record);
  EXPECT_TRUE(r.more_specifics_known);
  EXPECT_EQ(resolver.stats().more_specific_queries, 0u);
  EXPECT_EQ(asked_.size(), 1u);
}

TEST_F(WhoisResolverTest, ArinMoreSpecificsKeepCustomerBlockAfterProviderAnswer) {
  config_.more_specifics = true;
  answers_["whois.arin.net"] = {WhoisFixture("arin_8_18.txt"), WhoisFixture("arin_8_18_more.txt"),
                                WhoisFixture("arin_8_18_3.txt"), "No match found for n > 8.18.3.0/25.\n"};
  auto resolver = std::make_unique<WhoisResolver>(Make());
  WhoisSource source(std::move(resolver));
  OwnerCache cache;
  Enricher enricher({&source}, &cache);
  EXPECT_EQ(enricher.Resolve(Ip("8.18.1.1")).netname(), "PRAIRIE-CLOUD");
  v1::OwnerRecord customer = enricher.Resolve(Ip("8.18.3.7"));
  EXPECT_EQ(customer.netname(), "PCL-KAFFE-ROASTERY");
  ASSERT_GT(customer.abuse_size(), 0);
  EXPECT_EQ(customer.abuse(0), "abuse@kaffe-roastery.example.com");
  EXPECT_EQ(enricher.Resolve(Ip("8.18.3.100")).netname(), "PCL-KAFFE-ROASTERY");  // cached
  EXPECT_EQ(enricher.Resolve(Ip("8.18.3.200")).netname(), "PRAIRIE-CLOUD");       // cached
  EXPECT_EQ(asked_, (std::vector<std::string>{"whois.arin.net n + 8.18.1.1",
                                              "whois.arin.net n > 8.18.0.0/22",
                                              "whois.arin.net n + 8.18.3.7",
                                              "whois.arin.net n > 8.18.3.0/25"}));
}

// ARIN's ReferralServer: rwhois:// (tests/fixtures/whois/arin_rwhois.txt).
class RwhoisReferralTest : public WhoisResolverTest {
 protected:
  RwhoisReferralTest() {
    config_.servers["rwhois.example-cable.example.com:4321"] = "127.0.0.1:4321";
    Answer("whois.arin.net", {WhoisFixture("arin_rwhois.txt")});
  }
  static constexpr const char* kRwhois = "rwhois.example-cable.example.com";
};

TEST_F(RwhoisReferralTest, CustomerBlockGetsTheIspContactAndArinAsUpstream) {
  Answer(kRwhois, {WhoisFixture("rwhois_24_90_8.txt")});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("24.90.9.7"));
  EXPECT_EQ(asked_, (std::vector<std::string>{"whois.arin.net n + 24.90.9.7",
                                              std::string(kRwhois) + " 24.90.9.7"}));
  EXPECT_EQ(Outcomes(r), (std::vector<std::string>{"whois.arin.net record",
                                                   std::string(kRwhois) + " record"}));
  ASSERT_TRUE(r.record);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.record->provenance().server(), kRwhois);
  EXPECT_EQ(r.record->cidrs(0), "24.90.8.0/22");
  EXPECT_EQ(r.record->owner(), "Harbor Dental Group");
  ASSERT_EQ(r.record->abuse_size(), 1);
  EXPECT_EQ(r.record->abuse(0), "security@harbor-dental.example.org");
  ASSERT_EQ(r.record->upstream_abuse_size(), 1);
  EXPECT_EQ(r.record->upstream_abuse(0), "abuse@example-cable.example.com");
  EXPECT_EQ(r.steps[1].endpoint, "127.0.0.1:4321");
  EXPECT_NE(r.raw.find("%rwhois V-1.5"), std::string::npos);
  EXPECT_EQ(resolver.stats().referrals, 1u);
}

TEST_F(RwhoisReferralTest, BlockWithoutContactTakesArinsCoveringOne) {
  Answer(kRwhois, {"%rwhois V-1.5 x\nnetwork:Class-Name:network\n"
                   "network:IP-Network:24.90.4.0/24\nnetwork:Org-Name:Quiet Corp\n"
                   "network:Tech-Contact;I:QUIET-1\n%ok\n"});
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("24.90.4.1"));
  ASSERT_TRUE(r.record);
  EXPECT_EQ(r.record->owner(), "Quiet Corp");
  EXPECT_EQ(r.record->abuse(0), "abuse@example-cable.example.com");
  EXPECT_TRUE(r.record->upstream_abuse().empty());
}

TEST_F(RwhoisReferralTest, NoObjectsOrErrorKeepsTheArinRecord) {
  Answer(kRwhois, {WhoisFixture("rwhois_no_objects.txt"), "%rwhois V-1.5 x\n%error 500 oops\n"});
  WhoisResolver resolver = Make();
  for (const char* address : {"24.90.9.7", "24.90.9.8"}) {
    WhoisResolution r = resolver.Resolve(Ip(address));
    ASSERT_TRUE(r.record) << address;
    EXPECT_FALSE(r.failed);
    EXPECT_EQ(r.record->provenance().server(), "whois.arin.net");
    EXPECT_EQ(r.record->cidrs(0), "24.90.0.0/16");
    EXPECT_FALSE(r.more_specifics_known);  // cached for the address alone
  }
}

TEST_F(RwhoisReferralTest, LimitAnswerBacksOffAndIsAskedOnceMore) {
  config_.backoff_us = 2LL * 1000000;
  Answer(kRwhois, {WhoisFixture("rwhois_ratelimit.txt"), WhoisFixture("rwhois_24_90_8.txt")});
  WhoisResolver resolver = Make();
  int64_t start = now_us_;
  WhoisResolution r = resolver.Resolve(Ip("24.90.9.7"));
  ASSERT_TRUE(r.record);
  EXPECT_FALSE(r.failed);
  EXPECT_EQ(r.record->abuse(0), "security@harbor-dental.example.org");
  EXPECT_EQ(resolver.stats().rate_limited, 1u);
  EXPECT_EQ(resolver.stats().queries_by_server.at(kRwhois), 2u);
  EXPECT_GE(now_us_ - start, 2LL * 1000000);  // waited out the backoff
  ASSERT_EQ(r.steps.size(), 3u);
  EXPECT_EQ(r.steps[1].outcome, "rate limited");
  EXPECT_EQ(r.steps[2].outcome, "record");
}

TEST_F(RwhoisReferralTest, LimitAnswerTwiceIsATransientFailure) {
  Answer(kRwhois, {WhoisFixture("rwhois_ratelimit.txt")});  // repeats
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("24.90.9.7"));
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.transient);
  EXPECT_EQ(resolver.stats().rate_limited, 2u);
  // The server stays backed off for the other lookup threads too.
  EXPECT_GT(resolver.limiter()->Acquire(kRwhois), 0);
}

TEST_F(RwhoisReferralTest, DownServerIsATransientFailure) {
  WhoisResolver resolver = Make();  // no answer for the rwhois server: Unavailable
  WhoisResolution r = resolver.Resolve(Ip("24.90.9.7"));
  EXPECT_TRUE(r.failed);
  EXPECT_TRUE(r.transient);
  EXPECT_EQ(resolver.stats().errors, 1u);
}

TEST_F(RwhoisReferralTest, UnlistedRwhoisServerIsRefusedBeforeConnecting) {
  config_.servers.clear();
  WhoisResolver resolver = Make();
  WhoisResolution r = resolver.Resolve(Ip("24.90.9.7"));
  ASSERT_EQ(r.steps.size(), 2u);
  EXPECT_NE(r.steps[1].outcome.find("refused"), std::string::npos) << r.steps[1].outcome;
  EXPECT_EQ(asked_.size(), 1u);
  EXPECT_EQ(resolver.stats().refused, 1u);
  ASSERT_TRUE(r.record);  // ARIN's
  EXPECT_EQ(r.record->provenance().server(), "whois.arin.net");
}

}  // namespace
}  // namespace abuseflow::enrich
