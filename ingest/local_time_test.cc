#include "ingest/local_time.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/config.h"
#include "ingest/host_resolver.h"
#include "ingest/netfilter_parser.h"
#include "ingest/parser_test_util.h"
#include "ingest/syslog_header.h"

namespace abuseflow::ingest {
namespace {

constexpr int64_t kUs = 1000000;

// A clock the test sets; counts its reads.
struct FakeClock {
  int64_t now_s = 0;
  int reads = 0;
};

ParseContext InferringContext(std::shared_ptr<FakeClock> clock) {
  ParseContext ctx;
  ctx.default_year = 1999;  // never used: the clock infers
  ctx.clock = std::make_shared<InputClock>([clock] {
    ++clock->reads;
    return clock->now_s * kUs;
  });
  return ctx;
}

int64_t SyslogSeconds(const std::string& stamp, const ParseContext& ctx) {
  const Stamp s = ParseSyslogStamp(stamp, ctx);
  EXPECT_EQ(s.status, StampStatus::kOk) << stamp;
  return s.unix_us / kUs;
}

ParseContext NewYorkContext() {
  ParseContext ctx;
  ctx.default_year = 2001;
  auto zone = TimeZone::Find("America/New_York");
  EXPECT_TRUE(zone.ok());
  ctx.time_zone = *zone;
  ctx.clock = std::make_shared<InputClock>([] { return int64_t{1007164800} * kUs; });  // 2001-12-01
  return ctx;
}

TEST(TimeZoneTest, UnknownNameIsNotFound) {
  auto zone = TimeZone::Find("America/Atlantis");
  ASSERT_FALSE(zone.ok());
  EXPECT_NE(zone.status().message().find("America/Atlantis"), std::string::npos);
}

TEST(TimeZoneTest, AbbreviationFollowsDaylightSaving) {
  auto zone = TimeZone::Find("America/New_York");
  ASSERT_TRUE(zone.ok());
  EXPECT_EQ((*zone)->AtUtc(986108399 * kUs).abbrev, "EST");
  EXPECT_EQ((*zone)->AtUtc(986108399 * kUs).minutes, -300);
  EXPECT_EQ((*zone)->AtUtc(986108400 * kUs).abbrev, "EDT");
  EXPECT_EQ((*zone)->AtUtc(986108400 * kUs).minutes, -240);
}

TEST(LocalTimeTest, SpringForwardSwitchesOffsetPerStamp) {
  const ParseContext ctx = NewYorkContext();
  EXPECT_EQ(SyslogSeconds("Apr  1 01:59:59", ctx), 986108399);  // EST
  EXPECT_EQ(SyslogSeconds("Apr  1 03:00:00", ctx), 986108400);  // EDT, one second later
  EXPECT_EQ(ParseSyslogStamp("Apr  1 03:00:00", ctx).utc_offset_minutes, -240);
  // 02:30 does not exist that day: read with the offset before the switch.
  EXPECT_EQ(SyslogSeconds("Apr  1 02:30:00", ctx), 986110200);
}

TEST(LocalTimeTest, FallBackTakesTheSecondHourOnceTheLogIsPastTheFirst) {
  const ParseContext ctx = NewYorkContext();
  EXPECT_EQ(SyslogSeconds("Oct 28 00:30:00", ctx), 1004243400);  // EDT
  EXPECT_EQ(SyslogSeconds("Oct 28 01:30:00", ctx), 1004247000);  // first 01:30, EDT
  EXPECT_EQ(SyslogSeconds("Oct 28 01:59:59", ctx), 1004248799);  // EDT
  const Stamp again = ParseSyslogStamp("Oct 28 01:10:00", ctx);  // the clocks went back
  EXPECT_EQ(again.unix_us / kUs, 1004249400);
  EXPECT_EQ(again.utc_offset_minutes, -300);
  EXPECT_EQ(SyslogSeconds("Oct 28 02:00:00", ctx), 1004252400);  // EST
}

TEST(LocalTimeTest, NetfilterEventsAreLabelledWithTheZoneAbbreviationOfTheirInstant) {
  const ParseContext ctx = NewYorkContext();
  NetfilterParser parser;
  const std::string tail =
      " fw kernel: IN=eth0 OUT= SRC=192.0.2.7 DST=198.51.100.2 LEN=60 PROTO=TCP SPT=4242 DPT=23 "
      "SYN";
  v1::ProbeEvent before, after;
  ASSERT_EQ(parser.Parse("Apr  1 01:59:59" + tail, ctx, &before).outcome, ParseOutcome::kEvent);
  ASSERT_EQ(parser.Parse("Apr  1 03:00:00" + tail, ctx, &after).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(before.tz_name(), "EST");
  EXPECT_EQ(before.utc_offset_minutes(), -300);
  EXPECT_EQ(after.tz_name(), "EDT");
  EXPECT_EQ(after.utc_offset_minutes(), -240);
  EXPECT_EQ(after.observed_us() - before.observed_us(), 1 * kUs);
}

TEST(YearInferenceTest, LiveLogAcrossNewYear) {
  auto clock = std::make_shared<FakeClock>();
  clock->now_s = 1798761900;  // 2027-01-01 00:05:00 UTC
  const ParseContext ctx = InferringContext(clock);
  EXPECT_EQ(SyslogSeconds("Dec 31 23:59:50", ctx), 1798761590);  // 2026
  EXPECT_EQ(SyslogSeconds("Jan  1 00:00:10", ctx), 1798761610);  // 2027
  EXPECT_EQ(SyslogSeconds("Dec 31 23:59:58", ctx), 1798761598);  // late line: still 2026
}

TEST(YearInferenceTest, LastYearsLogReplayedNowSpansItsNewYear) {
  auto clock = std::make_shared<FakeClock>();
  clock->now_s = 1796126400;  // 2026-12-01 12:00 UTC
  const ParseContext ctx = InferringContext(clock);
  EXPECT_EQ(SyslogSeconds("Dec 25 10:00:00", ctx),
            1766656800);  // 2025: Dec 25 2026 is in the future
  EXPECT_EQ(SyslogSeconds("Dec 31 23:59:59", ctx), 1767225599);  // 2025, a week after the last line
  EXPECT_EQ(SyslogSeconds("Jan  1 00:00:01", ctx), 1767225601);  // 2026
  EXPECT_EQ(SyslogSeconds("Mar  3 08:00:00", ctx), 1772524800);  // 2026
}

TEST(YearInferenceTest, NeverMoreThanADayAheadOfTheClock) {
  auto clock = std::make_shared<FakeClock>();
  clock->now_s = 1781524800;  // 2026-06-15 12:00 UTC
  const ParseContext ctx = InferringContext(clock);
  EXPECT_EQ(SyslogSeconds("Jun 17 08:00:00", ctx), 1750147200);  // 2025: 2026 would be 44 h ahead
  EXPECT_EQ(SyslogSeconds("Jun 18 08:00:00", ctx), 1750147200 + 86400);  // on from there: 2025 too
  const ParseContext fresh = InferringContext(clock);
  EXPECT_EQ(SyslogSeconds("Jun 16 08:00:00", fresh),
            1781524800 - 4 * 3600 + 86400);  // 20 h ahead: 2026
}

TEST(YearInferenceTest, ClockIsReadOnlyWhenAStampWouldBeInItsFuture) {
  auto clock = std::make_shared<FakeClock>();
  clock->now_s = 1796126400;
  const ParseContext ctx = InferringContext(clock);
  for (int i = 0; i < 100; ++i) SyslogSeconds("Nov 30 10:00:00", ctx);
  EXPECT_LE(clock->reads, 2);
}

TEST(YearInferenceTest, LeapDayFindsALeapYear) {
  auto clock = std::make_shared<FakeClock>();
  clock->now_s = 1773100800;  // 2026-03-10
  const ParseContext ctx = InferringContext(clock);
  EXPECT_EQ(SyslogSeconds("Feb 29 12:00:00", ctx), 1709208000);  // 2024
  EXPECT_EQ(ParseSyslogStamp("Feb 30 12:00:00", ctx).status, StampStatus::kBadTime);
}

TEST(YearInferenceTest, ConfiguredYearOverrides) {
  ParseContext ctx;  // no clock: the year is default_year
  ctx.default_year = 2001;
  EXPECT_EQ(SyslogSeconds("Sep 18 13:12:44", ctx), 1000818764);
  EXPECT_EQ(ParseSyslogStamp("Feb 29 12:00:00", ctx).status, StampStatus::kBadTime);  // not in 2001
}

TEST(YearInferenceTest, SyslogHeaderUsesTheInputClock) {
  auto clock = std::make_shared<FakeClock>();
  clock->now_s = 1796126400;  // 2026-12-01
  const ParseContext ctx = InferringContext(clock);
  const SyslogHeader h = ParseSyslogHeader("Dec 25 10:00:00 gw sshd[1]: x", ctx);
  ASSERT_EQ(h.stamp.status, StampStatus::kOk);
  EXPECT_EQ(h.stamp.unix_us / kUs, 1766656800);
  EXPECT_EQ(h.host, "gw");
}

TEST(ConfigureContextTest, InputSettingsBecomePerInputState) {
  core::InputConfig input;
  ParseContext inferring;
  ConfigureContext(input, &inferring);
  EXPECT_NE(inferring.clock, nullptr);  // no year configured: inferred
  EXPECT_EQ(inferring.time_zone, nullptr);
  EXPECT_EQ(inferring.resolver, nullptr);
  input.year = 2001;
  input.time_zone = "America/New_York";
  input.resolve_hosts = true;
  ParseContext configured;
  ConfigureContext(input, &configured);
  EXPECT_EQ(configured.clock, nullptr);  // the configured year overrides
  ASSERT_NE(configured.time_zone, nullptr);
  EXPECT_EQ(configured.time_zone->name(), "America/New_York");
  EXPECT_NE(configured.resolver, nullptr);
  ParseContext other;
  ConfigureContext(input, &other);
  EXPECT_NE(other.resolver, configured.resolver);  // one per input
}

}  // namespace
}  // namespace abuseflow::ingest
