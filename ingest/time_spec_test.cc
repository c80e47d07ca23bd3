#include "ingest/time_spec.h"

#include <gtest/gtest.h>

#include <memory>

#include "ingest/local_time.h"

namespace abuseflow::ingest {
namespace {

constexpr int64_t kUs = 1000000;

Stamp ParseWith(const char* spec, std::string_view text, const ParseContext& ctx = {}) {
  auto compiled = TimeSpec::Compile(spec);
  EXPECT_TRUE(compiled.ok()) << spec;
  return compiled.ok() ? compiled->Parse(text, ctx) : Stamp{};
}

TEST(TimeSpecTest, StrptimeLikeSpecWithOffset) {
  const Stamp s = ParseWith("%d/%b/%Y:%H:%M:%S %z", "10/Oct/2000:13:55:36 -0700");
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, 971211336 * kUs);
  EXPECT_EQ(s.utc_offset_minutes, -420);
  EXPECT_EQ(s.length, 26u);
}

TEST(TimeSpecTest, FractionAndZuluViaShorthands) {
  const Stamp s = ParseWith("%FT%T.%f%z", "2001-08-04T07:17:01.5Z");
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, 996909421 * kUs + 500000);
}

TEST(TimeSpecTest, WithoutOffsetIsTheInputsLocalTime) {
  ParseContext ctx;
  ctx.utc_offset_minutes = -240;
  const Stamp s = ParseWith("%Y-%m-%d %H:%M:%S", "2001-09-18 09:12:44", ctx);
  ASSERT_EQ(s.status, StampStatus::kOk);
  EXPECT_EQ(s.unix_us, 1000818764 * kUs);
  EXPECT_EQ(s.utc_offset_minutes, -240);
  ctx.utc_offset_minutes = 0;
  ctx.time_zone = *TimeZone::Find("America/New_York");
  EXPECT_EQ(ParseWith("%Y-%m-%d %H:%M:%S", "2001-09-18 09:12:44", ctx).unix_us, 1000818764 * kUs);
}

TEST(TimeSpecTest, WithoutYearUsesTheInputsYear) {
  ParseContext ctx;
  ctx.default_year = 2001;
  ctx.utc_offset_minutes = -240;
  EXPECT_EQ(ParseWith("%b %e %T", "Sep 18 09:12:44", ctx).unix_us, 1000818764 * kUs);
  EXPECT_EQ(ParseWith("%b %e %T", "sep  8 09:12:44", ctx).status,
            StampStatus::kOk);  // any case, padded day
}

TEST(TimeSpecTest, WrittenOffsetWithoutYear) {
  ParseContext ctx;
  ctx.default_year = 2001;
  ctx.utc_offset_minutes = 60;  // not used: the stamp has its own
  const Stamp s = ParseWith("%b %d %H:%M:%S %z", "Sep 18 09:12:44 -0400", ctx);
  EXPECT_EQ(s.unix_us, 1000818764 * kUs);
  EXPECT_EQ(s.utc_offset_minutes, -240);
}

TEST(TimeSpecTest, BuiltInKinds) {
  ParseContext ctx;
  ctx.default_year = 2001;
  EXPECT_EQ(ParseWith("epoch", "1000818764.25").unix_us, 1000818764 * kUs + 250000);
  EXPECT_EQ(ParseWith("%s", "1000818764").unix_us, 1000818764 * kUs);
  EXPECT_EQ(ParseWith("apache", "10/Oct/2000:13:55:36 -0700").unix_us, 971211336 * kUs);
  EXPECT_EQ(ParseWith("iso8601", "2001-08-04T07:17:01Z").unix_us, 996909421 * kUs);
  EXPECT_EQ(ParseWith("iso8601", "2001-08-04 07:17:01").unix_us, 996909421 * kUs);
  EXPECT_EQ(ParseWith("syslog", "Aug  4 07:17:01", ctx).unix_us, 996909421 * kUs);
  EXPECT_EQ(ParseWith("syslog", "Aug  4 07:17:01 and more", ctx).status, StampStatus::kMalformed);
}

TEST(TimeSpecTest, MismatchesAndImpossibleDates) {
  EXPECT_EQ(ParseWith("%Y-%m-%d %H:%M:%S", "2001-09-18T09:12:44").status, StampStatus::kMalformed);
  EXPECT_EQ(ParseWith("%Y-%m-%d %H:%M:%S", "2001-09-18 09:12:44 x").status,
            StampStatus::kMalformed);
  EXPECT_EQ(ParseWith("%Y-%m-%d %H:%M:%S", "2001-02-30 09:12:44").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseWith("%Y-%m-%d %H:%M:%S", "2001-09-18 25:12:44").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseWith("%b %d %H:%M:%S %z", "Sep 18 09:12:44 +9900").status, StampStatus::kBadTime);
  EXPECT_EQ(ParseWith("%Y %H:%M:%S %z", "2001 09:12:44 +9900").status, StampStatus::kBadTime);
}

TEST(TimeSpecTest, UnknownDirectiveDoesNotCompile) {
  EXPECT_FALSE(TimeSpec::Compile("%Y-%Q").ok());
  EXPECT_FALSE(TimeSpec::Compile("no directives").ok());
  EXPECT_FALSE(TimeSpec::Compile("%").ok());
}

}  // namespace
}  // namespace abuseflow::ingest
