#include "enrich/whois_rate_limiter.h"

#include <gtest/gtest.h>

#include <memory>

namespace abuseflow::enrich {
namespace {

constexpr int64_t kSecond = 1000000;

class WhoisRateLimiterTest : public ::testing::Test {
 protected:
  WhoisRateLimiter::Options options_{60, 2, 10 * kSecond, 40 * kSecond, 0};
  int64_t now_ = 5 * kSecond;
  WhoisRateLimiter limiter_{options_, [this] { return now_; }};
};

TEST_F(WhoisRateLimiterTest, BlockUntilHoldsTheServerAndKeepsTheLaterBlock) {
  limiter_.BlockUntil("rdap.arin.net", now_ + 30 * kSecond);
  limiter_.BlockUntil("rdap.arin.net", now_ + 3 * kSecond);  // an earlier end does not shorten it
  EXPECT_EQ(limiter_.Acquire("rdap.arin.net"), 30 * kSecond);
  EXPECT_EQ(limiter_.Acquire("rdap.db.ripe.net"), 0);  // other servers are not held
  now_ += 30 * kSecond;
  EXPECT_EQ(limiter_.Acquire("rdap.arin.net"), 0);
}

TEST_F(WhoisRateLimiterTest, BlockUntilInThePastChangesNothing) {
  limiter_.BlockUntil("rdap.arin.net", now_ - kSecond);
  EXPECT_EQ(limiter_.Acquire("rdap.arin.net"), 0);
}

TEST_F(WhoisRateLimiterTest, LimitMessagesDoubleTheBackoffUpToItsCap) {
  for (int64_t expected : {10 * kSecond, 20 * kSecond, 40 * kSecond, 40 * kSecond}) {
    limiter_.OnRateLimited("whois.ripe.net");
    EXPECT_EQ(limiter_.Acquire("whois.ripe.net"), expected);
  }
  limiter_.OnAnswer("whois.ripe.net");
  now_ += 40 * kSecond;
  limiter_.OnRateLimited("whois.ripe.net");
  EXPECT_EQ(limiter_.Acquire("whois.ripe.net"), 10 * kSecond);
}

}  // namespace
}  // namespace abuseflow::enrich
