#include "ingest/timestamp.h"

#include <gtest/gtest.h>

namespace abuseflow::ingest {
namespace {

constexpr int64_t kSec = kMicrosPerSecond;

class TimestampTest : public ::testing::Test {};

TEST_F(TimestampTest, DaysFromCivilCountsFromTheEpoch) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 2, 29), 11016);
  EXPECT_EQ(DaysFromCivil(2001, 9, 18), 11583);
  EXPECT_EQ(DaysFromCivil(2024, 2, 29), 19782);
  EXPECT_EQ(DaysFromCivil(1900, 3, 1), -25508);
  static_assert(DaysFromCivil(1970, 1, 2) == 1);
}

TEST_F(TimestampTest, LeapYearsFollowTheGregorianRules) {
  EXPECT_TRUE(IsLeapYear(2000));
  EXPECT_TRUE(IsLeapYear(2004));
  EXPECT_FALSE(IsLeapYear(1900));
  EXPECT_FALSE(IsLeapYear(2001));
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(2001, 2), 28);
  EXPECT_EQ(DaysInMonth(2001, 4), 30);
  EXPECT_EQ(DaysInMonth(2001, 12), 31);
}

TEST_F(TimestampTest, MonthNamesAreTheThreeLetterAbbreviations) {
  EXPECT_EQ(MonthFromName("Jan"), 1);
  EXPECT_EQ(MonthFromName("Sep"), 9);
  EXPECT_EQ(MonthFromName("Dec"), 12);
  EXPECT_EQ(MonthFromName("jan"), 0);
  EXPECT_EQ(MonthFromName("Sept"), 0);
  EXPECT_EQ(MonthFromName(""), 0);
}

TEST_F(TimestampTest, ValidityChecksEveryField) {
  EXPECT_TRUE(IsValid(CivilTime{2000, 2, 29, 23, 59, 60, 999999}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 2, 29, 0, 0, 0, 0}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 2, 30, 0, 0, 0, 0}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 4, 31, 0, 0, 0, 0}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 13, 1, 0, 0, 0, 0}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 0, 1, 0, 0, 0, 0}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 1, 0, 0, 0, 0, 0}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 1, 1, 24, 0, 0, 0}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 1, 1, 0, 60, 0, 0}));
  EXPECT_FALSE(IsValid(CivilTime{2001, 1, 1, 0, 0, 61, 0}));
}

TEST_F(TimestampTest, ToUnixMicrosSubtractsTheOffset) {
  const CivilTime t{2001, 9, 18, 9, 12, 44, 250};
  EXPECT_EQ(ToUnixMicros(t, 0), 1000804364 * kSec + 250);
  EXPECT_EQ(ToUnixMicros(t, -240), 1000818764 * kSec + 250);
  EXPECT_EQ(ToUnixMicros(t, 330), (1000804364 - 330 * 60) * kSec + 250);
}

TEST_F(TimestampTest, ApacheStampCarriesItsOffset) {
  const Stamp s = ParseApacheStamp("10/Oct/2000:13:55:36 -0700");
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, 971211336 * kSec);
  EXPECT_EQ(s.utc_offset_minutes, -420);
  EXPECT_EQ(s.length, 26u);
  const Stamp plus = ParseApacheStamp("18/Sep/2001:18:42:44 +0530");
  ASSERT_EQ(plus.status, StampStatus::kOk);
  EXPECT_EQ(plus.unix_us, 1000818764 * kSec);
  EXPECT_EQ(plus.utc_offset_minutes, 330);
}

TEST_F(TimestampTest, ApacheStampWithImpossibleValuesIsBadTime) {
  EXPECT_EQ(ParseApacheStamp("31/Feb/2001:09:12:44 -0400").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseApacheStamp("29/Feb/2001:09:12:44 -0400").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseApacheStamp("18/Sep/2001:25:12:44 -0400").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseApacheStamp("18/Sep/2001:09:61:44 -0400").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseApacheStamp("18/Sep/2001:09:12:44 -9900").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseApacheStamp("00/Sep/2001:09:12:44 -0400").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseApacheStamp("29/Feb/2000:09:12:44 -0400").status, StampStatus::kOk);
}

TEST_F(TimestampTest, ApacheStampOfTheWrongShapeIsMalformed) {
  EXPECT_EQ(ParseApacheStamp("18/Sep/2001:09:1").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseApacheStamp("18/Sep/2001:09:12:44").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseApacheStamp("18/Sex/2001:09:12:44 -0400").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseApacheStamp("18-Sep-2001 09:12:44 -0400").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseApacheStamp("8/Sep/2001:09:12:44 -0400").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseApacheStamp("18/Sep/2001:09:12:44 0400").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseApacheStamp("").status, StampStatus::kMalformed);
}

TEST_F(TimestampTest, SyslogStampTakesYearAndOffsetFromTheCaller) {
  const Stamp s = ParseSyslogStamp("Nov 25 07:17:01 fw kernel:", 2001, -300);
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, 1006690621 * kSec);
  EXPECT_EQ(s.utc_offset_minutes, -300);
  EXPECT_EQ(s.length, 15u);
}

TEST_F(TimestampTest, SyslogStampAcceptsASpacePaddedDay) {
  const Stamp s = ParseSyslogStamp("Nov  5 07:17:01", 2001, 0);
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, 1004944621 * kSec);
  EXPECT_EQ(ParseSyslogStamp("Nov 05 07:17:01", 2001, 0).unix_us, 1004944621 * kSec);
}

TEST_F(TimestampTest, SyslogStampChecksTheDayAgainstTheGivenYear) {
  EXPECT_EQ(ParseSyslogStamp("Feb 29 07:17:01", 2001, 0).status, StampStatus::kBadTime);
  EXPECT_EQ(ParseSyslogStamp("Feb 29 07:17:01", 2004, 0).status, StampStatus::kOk);
  EXPECT_EQ(ParseSyslogStamp("Feb 30 07:17:01", 2004, 0).status, StampStatus::kBadTime);
  EXPECT_EQ(ParseSyslogStamp("Nov 25 25:17:01", 2001, 0).status, StampStatus::kBadTime);
  EXPECT_EQ(ParseSyslogStamp("Nov 25 7:17:01", 2001, 0).status, StampStatus::kMalformed);
  EXPECT_EQ(ParseSyslogStamp("Nov 25 07:17", 2001, 0).status, StampStatus::kMalformed);
  EXPECT_EQ(ParseSyslogStamp("Nox 25 07:17:01", 2001, 0).status, StampStatus::kMalformed);
}

TEST_F(TimestampTest, Rfc3339StampKeepsMicrosecondsAndOffset) {
  const Stamp s = ParseRfc3339Stamp("2001-08-04T07:17:01.123456-05:00 fw kernel:");
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, 996927421 * kSec + 123456);
  EXPECT_EQ(s.utc_offset_minutes, -300);
  EXPECT_EQ(s.length, 32u);
}

TEST_F(TimestampTest, Rfc3339StampVariants) {
  const Stamp zulu = ParseRfc3339Stamp("2001-08-04T07:17:01Z");
  ASSERT_EQ(zulu.status, StampStatus::kOk);
  EXPECT_EQ(zulu.unix_us, 996909421 * kSec);
  EXPECT_EQ(zulu.length, 20u);
  const Stamp no_colon = ParseRfc3339Stamp("2001-08-04T07:17:01-0500");
  ASSERT_EQ(no_colon.status, StampStatus::kOk);
  EXPECT_EQ(no_colon.unix_us, 996927421 * kSec);
  EXPECT_EQ(no_colon.length, 24u);
  const Stamp nanos = ParseRfc3339Stamp("2001-08-04T07:17:01.123456789+00:00");
  ASSERT_EQ(nanos.status, StampStatus::kOk);
  EXPECT_EQ(nanos.unix_us, 996909421 * kSec + 123456);
  const Stamp millis = ParseRfc3339Stamp("2001-08-04T07:17:01.5Z");
  EXPECT_EQ(millis.unix_us, 996909421 * kSec + 500000);
}

TEST_F(TimestampTest, Rfc3339StampRejectsBadValuesAndShapes) {
  EXPECT_EQ(ParseRfc3339Stamp("2001-02-30T07:17:01Z").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseRfc3339Stamp("2001-13-01T07:17:01Z").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseRfc3339Stamp("2001-08-04T25:17:01Z").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseRfc3339Stamp("2001-08-04T07:17:01+25:00").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseRfc3339Stamp("2001-08-04T07:17:01").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseRfc3339Stamp("2001-08-04 07:17:01Z").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseRfc3339Stamp("2001-08-04T07:17:01.Z").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseRfc3339Stamp("2001-8-4T07:17:01Z").status, StampStatus::kMalformed);
}

TEST_F(TimestampTest, GmtOffsetLabelHasSignHoursAndMinutes) {
  EXPECT_EQ(GmtOffsetLabel(-300), "GMT-0500");
  EXPECT_EQ(GmtOffsetLabel(330), "GMT+0530");
  EXPECT_EQ(GmtOffsetLabel(0), "GMT+0000");
  EXPECT_EQ(GmtOffsetLabel(-570), "GMT-0930");
}

TEST_F(TimestampTest, DateTimeStampWithAndWithoutOffset) {
  constexpr int64_t kUtc = 1000818764;  // 2001-09-18 13:12:44 UTC
  Stamp s = ParseDateTimeStamp("2001-09-18 13:12:44", 0);
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, kUtc * kMicrosPerSecond);
  EXPECT_EQ(s.length, 19u);
  s = ParseDateTimeStamp("2001-09-18 09:12:44 -04:00\tmore", 0);
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, kUtc * kMicrosPerSecond);
  EXPECT_EQ(s.utc_offset_minutes, -240);
  EXPECT_EQ(s.length, 26u);
  s = ParseDateTimeStamp("2001-09-18 09:12:44.5-0400", 0);
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, kUtc * kMicrosPerSecond + 500000);
  s = ParseDateTimeStamp("2001-09-18 09:12:44", -240);
  EXPECT_EQ(s.unix_us, kUtc * kMicrosPerSecond);
  EXPECT_EQ(s.utc_offset_minutes, -240);
  EXPECT_EQ(ParseDateTimeStamp("2001-02-29 09:12:44", 0).status, StampStatus::kBadTime);
  EXPECT_EQ(ParseDateTimeStamp("2001-09-18T09:12:44", 0).status, StampStatus::kMalformed);
  EXPECT_EQ(ParseDateTimeStamp("2001-09-18 09:12", 0).status, StampStatus::kMalformed);
}

TEST_F(TimestampTest, EpochStampAsZeekWritesIt) {
  Stamp s = ParseEpochStamp("1000818764.123456");
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, 1000818764 * kMicrosPerSecond + 123456);
  EXPECT_EQ(s.utc_offset_minutes, 0);
  EXPECT_EQ(s.length, 17u);
  EXPECT_EQ(ParseEpochStamp("1000818764").unix_us, 1000818764 * kMicrosPerSecond);
  EXPECT_EQ(ParseEpochStamp("1000818764.1").unix_us, 1000818764 * kMicrosPerSecond + 100000);
  EXPECT_EQ(ParseEpochStamp("").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseEpochStamp("x1").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseEpochStamp("1.").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseEpochStamp("9999999999999").status, StampStatus::kMalformed);  // 13 digits
}

}  // namespace
}  // namespace abuseflow::ingest
