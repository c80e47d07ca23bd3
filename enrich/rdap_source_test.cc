#include "enrich/rdap_source.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <map>
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

// Answers URL by URL from a table (a URL may have a queue of answers, the
// last one repeating), records what was asked, and keeps a fake clock that
// the injected sleep advances.
class RdapSourceTest : public ::testing::Test {
 protected:
  RdapSourceTest() {
    config_.queries_per_minute = 600;
    config_.burst = 100;
    config_.max_wait_us = 5LL * 1000000;
    config_.servers["https://rdap.arin.net/registry/"] = "https://127.0.0.1:1/arin/";
    config_.servers["https://rdap.db.ripe.net/"] = "https://127.0.0.1:1/ripe/";
  }
  void Answer(const std::string& url, long status, std::string body = "", std::string location = "",
              int64_t retry_after = -1) {
    answers_[url].push_back(RdapResponse{status, std::move(body), std::move(location), retry_after});
  }
  RdapSource Make() {
    return RdapSource(
        config_, RdapBootstrap::Bundled(),
        [this](const std::string& url) -> core::Result<RdapResponse> {
          asked_.push_back(url);
          auto it = answers_.find(url);
          if (it == answers_.end()) return core::Status::Unavailable("no route to " + url);
          RdapResponse r = it->second.front();
          if (it->second.size() > 1) it->second.erase(it->second.begin());
          return r;
        },
        [this] { return now_; }, [this](int64_t us) { now_ += us; slept_ += us; });
  }
  core::RdapConfig config_;
  std::map<std::string, std::vector<RdapResponse>> answers_;
  std::vector<std::string> asked_;
  int64_t now_ = 1000000000;
  int64_t slept_ = 0;
};

TEST_F(RdapSourceTest, AsksTheBootstrapRegistryThroughTheServerMap) {
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 200, Fixture("arin_23_5.json"));
  RdapSource source = Make();
  auto record = source.Lookup(Ip("23.5.1.1"));
  ASSERT_TRUE(record.has_value()) << source.last_error();
  EXPECT_EQ(record->abuse(0), "abuse@prairie-hosting.example.com");
  EXPECT_EQ(record->provenance().source(), "rdap");
  EXPECT_EQ(record->provenance().server(), "rdap.arin.net");
  EXPECT_EQ(source.stats().queries, 1u);
  EXPECT_EQ(source.AnswerScope(Ip("23.5.1.1"), &*record)[0].ToString(), "23.5.0.0/16");
}

TEST_F(RdapSourceTest, AnswerSinkGetsTheRecordAndItsJsonBody) {
  const std::string body = Fixture("arin_23_5.json");
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 200, body);
  Answer("https://127.0.0.1:1/arin/ip/23.6.1.1", 404);
  Answer("https://127.0.0.1:1/arin/ip/23.7.1.1", 200, "{\"not\": \"a network\"}");
  RdapSource source = Make();
  std::vector<std::pair<std::string, std::string>> sunk;  // first CIDR, raw
  source.set_answer_sink([&](const v1::OwnerRecord& record, const std::string& raw) {
    sunk.emplace_back(record.cidrs(0), raw);
  });
  ASSERT_TRUE(source.Lookup(Ip("23.5.1.1")).has_value());
  EXPECT_FALSE(source.Lookup(Ip("23.6.1.1")).has_value());  // 404: nothing to keep
  EXPECT_FALSE(source.Lookup(Ip("23.7.1.1")).has_value());  // garbage: no record
  ASSERT_EQ(sunk.size(), 1u);
  EXPECT_EQ(sunk[0].first, "23.5.0.0/16");
  EXPECT_EQ(sunk[0].second, body);
  EXPECT_TRUE(static_cast<bool>(source.answer_sink()));
}

TEST_F(RdapSourceTest, FollowsARedirectToAnotherRirMappedToo) {
  Answer("https://127.0.0.1:1/arin/ip/23.9.9.9", 301, "", "https://rdap.db.ripe.net/ip/23.9.9.9");
  Answer("https://127.0.0.1:1/ripe/ip/23.9.9.9", 200, Fixture("ripe_81_2.json"));
  RdapSource source = Make();
  auto record = source.Lookup(Ip("23.9.9.9"));
  ASSERT_TRUE(record.has_value()) << source.last_error();
  EXPECT_EQ(record->provenance().server(), "rdap.db.ripe.net");
  EXPECT_EQ(source.stats().redirects, 1u);
}

TEST_F(RdapSourceTest, RedirectLoopsAndTooManyRedirectsFailBounded) {
  Answer("https://127.0.0.1:1/arin/ip/23.1.1.1", 302, "", "https://rdap.db.ripe.net/ip/23.1.1.1");
  Answer("https://127.0.0.1:1/ripe/ip/23.1.1.1", 302, "", "https://rdap.arin.net/registry/ip/23.1.1.1");
  RdapSource source = Make();
  EXPECT_FALSE(source.Lookup(Ip("23.1.1.1")).has_value());
  EXPECT_NE(source.last_error().find("loop"), std::string::npos);
  EXPECT_EQ(asked_.size(), 2u);
  // A failure is scoped to the address alone.
  EXPECT_EQ(source.AnswerScope(Ip("23.1.1.1"), nullptr)[0].ToString(), "23.1.1.1/32");
}

TEST_F(RdapSourceTest, RedirectToAnUnlistedOrPlainHttpUrlIsRefused) {
  config_.only_listed = true;
  Answer("https://127.0.0.1:1/arin/ip/23.2.2.2", 301, "", "https://rdap.evil.example/ip/23.2.2.2");
  RdapSource source = Make();
  EXPECT_FALSE(source.Lookup(Ip("23.2.2.2")).has_value());
  EXPECT_EQ(asked_.size(), 1u);
  EXPECT_NE(source.last_error().find("not in"), std::string::npos);
}

TEST_F(RdapSourceTest, TooManyRequestsWaitsRetryAfterThenRetriesOnce) {
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 429, "slow down", "", 2);
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 200, Fixture("arin_23_5.json"));
  RdapSource source = Make();
  ASSERT_TRUE(source.Lookup(Ip("23.5.1.1")).has_value()) << source.last_error();
  EXPECT_EQ(source.stats().rate_limited, 1u);
  EXPECT_EQ(slept_, 2000000);
  EXPECT_EQ(asked_.size(), 2u);
}

TEST_F(RdapSourceTest, RetryAfterLongerThanMaxWaitFailsAndBlocksTheHost) {
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 429, "", "", 3600);
  RdapSource source = Make();
  EXPECT_FALSE(source.Lookup(Ip("23.5.1.1")).has_value());
  EXPECT_FALSE(source.Lookup(Ip("23.5.1.2")).has_value());  // not asked: host blocked
  EXPECT_EQ(asked_.size(), 1u);
  EXPECT_EQ(slept_, 0);
  EXPECT_EQ(source.stats().failures, 2u);
}

TEST_F(RdapSourceTest, RetryAfterAsAnHttpDateIsWaitedFor) {
  now_ = 1767225600LL * 1000000;  // Thu, 01 Jan 2026 00:00:00 GMT
  RdapResponse limited{429, "", "", -1, 1767225603};  // "Thu, 01 Jan 2026 00:00:03 GMT"
  answers_["https://127.0.0.1:1/arin/ip/23.5.1.1"] = {limited};
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 200, Fixture("arin_23_5.json"));
  RdapSource source = Make();
  ASSERT_TRUE(source.Lookup(Ip("23.5.1.1")).has_value()) << source.last_error();
  EXPECT_EQ(slept_, 3000000);
  EXPECT_EQ(asked_.size(), 2u);
}

TEST_F(RdapSourceTest, RetryAfterDateInThePastFallsBackToTheBackoff) {
  config_.backoff_us = 4LL * 1000000;
  now_ = 1767225600LL * 1000000;
  RdapResponse limited{429, "", "", -1, 784111777};  // 1994: long past
  answers_["https://127.0.0.1:1/arin/ip/23.5.1.1"] = {limited};
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 200, Fixture("arin_23_5.json"));
  RdapSource source = Make();
  ASSERT_TRUE(source.Lookup(Ip("23.5.1.1")).has_value()) << source.last_error();
  EXPECT_EQ(slept_, 4000000);
}

TEST_F(RdapSourceTest, HugeRetryAfterIsCappedAtMaxBackoff) {
  config_.max_backoff_us = 3LL * 1000000;  // within max_wait: waited, then retried
  now_ = 1767225600LL * 1000000;
  RdapResponse far_date{429, "", "", -1, 253402300799};  // year 9999
  RdapResponse huge_delta{429, "", "", INT64_MAX, -1};
  answers_["https://127.0.0.1:1/arin/ip/23.5.1.1"] = {far_date};
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 200, Fixture("arin_23_5.json"));
  answers_["https://127.0.0.1:1/arin/ip/23.5.1.2"] = {huge_delta};
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.2", 200, Fixture("arin_23_5.json"));
  RdapSource source = Make();
  ASSERT_TRUE(source.Lookup(Ip("23.5.1.1")).has_value()) << source.last_error();
  EXPECT_EQ(slept_, 3000000);
  ASSERT_TRUE(source.Lookup(Ip("23.5.1.2")).has_value()) << source.last_error();
  EXPECT_EQ(slept_, 6000000);
}

TEST_F(RdapSourceTest, A429BlockIsSeenByEverySourceSharingTheLimiter) {
  config_.servers["https://rdap.db.ripe.net/"] = "https://127.0.0.2:1/ripe/";  // another host
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.1", 429, "", "", 3600);
  Answer("https://127.0.0.2:1/ripe/ip/81.2.69.1", 200, Fixture("ripe_81_2.json"));
  RdapSource first = Make();
  RdapSource second = Make();
  second.ShareLimiter(first.limiter());
  EXPECT_FALSE(first.Lookup(Ip("23.5.1.1")).has_value());
  EXPECT_TRUE(first.last_failed());
  // The other lookup thread's source does not ask the blocked host ...
  EXPECT_FALSE(second.Lookup(Ip("23.5.1.2")).has_value());
  EXPECT_TRUE(second.last_failed());
  EXPECT_NE(second.last_error().find("rate limited"), std::string::npos);
  // ... but asks the others.
  EXPECT_TRUE(second.Lookup(Ip("81.2.69.1")).has_value()) << second.last_error();
  EXPECT_EQ(asked_.size(), 2u);
  // A source with a limiter of its own knows nothing of the block.
  RdapSource alone = Make();
  Answer("https://127.0.0.1:1/arin/ip/23.5.1.3", 404);
  EXPECT_FALSE(alone.Lookup(Ip("23.5.1.3")).has_value());
  EXPECT_FALSE(alone.last_failed());
  EXPECT_EQ(asked_.size(), 3u);
}

TEST_F(RdapSourceTest, NotFoundIsUnknownAndGarbageOrErrorsAreFailures) {
  Answer("https://127.0.0.1:1/arin/ip/23.3.3.3", 404, Fixture("error_404.json"));
  Answer("https://127.0.0.1:1/arin/ip/23.4.4.4", 200, "<html>garbage</html>");
  Answer("https://127.0.0.1:1/arin/ip/23.6.6.6", 500, "oops");
  RdapSource source = Make();
  EXPECT_FALSE(source.Lookup(Ip("23.3.3.3")).has_value());
  EXPECT_TRUE(source.last_error().empty());
  EXPECT_EQ(source.AnswerScope(Ip("23.3.3.3"), nullptr)[0].ToString(), "23.3.3.0/24");
  EXPECT_FALSE(source.Lookup(Ip("23.4.4.4")).has_value());
  EXPECT_EQ(source.stats().parse_errors, 1u);
  EXPECT_FALSE(source.Lookup(Ip("23.6.6.6")).has_value());
  EXPECT_FALSE(source.Lookup(Ip("23.7.7.7")).has_value());  // transport error
  EXPECT_EQ(source.stats().failures, 3u);
  EXPECT_FALSE(source.Lookup(Ip("10.0.0.1")).has_value());  // no registry: not asked
  EXPECT_EQ(asked_.size(), 4u);
}

TEST(RdapClientTest, RefusesNonHttpsAndUnreachableServersWithAnError) {
  RdapClientOptions options;
  options.timeout_us = 2000000;
  EXPECT_FALSE(RdapGet("http://127.0.0.1:1/ip/1.2.3.4", options).ok());
  auto r = RdapGet("https://127.0.0.1:1/ip/1.2.3.4", options);  // nothing listens on port 1
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("127.0.0.1:1"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::enrich
