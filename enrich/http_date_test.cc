#include "enrich/http_date.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace abuseflow::enrich {
namespace {

// RFC 9110's example date, 1994-11-06 08:49:37 UTC.
constexpr int64_t kExample = 784111777;

TEST(HttpDateTest, ReadsTheThreeFormsOfRfc9110) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"), kExample);
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), kExample);
  EXPECT_EQ(ParseHttpDate("Sun Nov  6 08:49:37 1994"), kExample);
  EXPECT_EQ(ParseHttpDate("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(ParseHttpDate("Tue, 29 Feb 2028 23:59:60 GMT"), 1835481600);
  EXPECT_EQ(ParseHttpDate("Wed Dec 31 23:59:59 2025"), 1767225599);
  EXPECT_EQ(ParseHttpDate("Friday, 01-Jan-27 00:00:00 GMT"), 1798761600);  // 20yy
}

TEST(HttpDateTest, RefusesGarbageAndImpossibleDates) {
  for (const char* bad : {"", "soon", "120", "Sun, 06 Nov 1994 08:49:37 UTC",
                          "Sun, 06 Nov 1994 08:49:37 GMT extra", "Sun, 6 Nov 1994 08:49:37 GMT",
                          "sun, 06 nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
                          "Sun, 31 Apr 2026 00:00:00 GMT", "Sun, 29 Feb 2026 00:00:00 GMT",
                          "Sun, 06 Nov 1994 24:00:00 GMT", "Sun, 06 Nov 1994 08:60:00 GMT",
                          "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1969 08:49:37 GMT",
                          "Sun, 06 Nov 19x4 08:49:37 GMT", "Sun Nov 6 08:49:37 1994",
                          "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49 GMT",
                          "\x01\xff\x80garbage"}) {
    EXPECT_FALSE(ParseHttpDate(bad).has_value()) << bad;
  }
}

TEST(HttpDateTest, RetryAfterIsDeltaSecondsOrADate) {
  int64_t delta = -1, date = -1;
  EXPECT_TRUE(ParseRetryAfter(" 120\r\n", &delta, &date));
  EXPECT_EQ(delta, 120);
  EXPECT_EQ(date, -1);
  delta = -1;
  EXPECT_TRUE(ParseRetryAfter(" Sun, 06 Nov 1994 08:49:37 GMT\r\n", &delta, &date));
  EXPECT_EQ(delta, -1);
  EXPECT_EQ(date, kExample);
  date = -1;
  // More digits than int64_t: saturated, for the caller to cap.
  EXPECT_TRUE(ParseRetryAfter("99999999999999999999999999", &delta, &date));
  EXPECT_EQ(delta, INT64_MAX);
  delta = -1;
  for (const char* bad : {"", "  \r\n", "-5", "1.5", "12abc", "tomorrow", "Sun, 06 Nov"}) {
    EXPECT_FALSE(ParseRetryAfter(bad, &delta, &date)) << bad;
    EXPECT_EQ(delta, -1) << bad;
    EXPECT_EQ(date, -1) << bad;
  }
}

}  // namespace
}  // namespace abuseflow::enrich
