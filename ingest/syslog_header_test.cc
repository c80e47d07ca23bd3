#include "ingest/syslog_header.h"

#include <gtest/gtest.h>

namespace abuseflow::ingest {
namespace {

constexpr int64_t kSec = kMicrosPerSecond;

class SyslogHeaderTest : public ::testing::Test {};

TEST_F(SyslogHeaderTest, BsdHeaderGivesStampHostAndMessage) {
  const SyslogHeader h = ParseSyslogHeader("Nov 25 07:17:01 fw kernel: hello", 2001, -300);
  ASSERT_EQ(h.stamp.status, StampStatus::kOk);
  EXPECT_EQ(h.stamp.unix_us, 1006690621 * kSec);
  EXPECT_EQ(h.stamp.utc_offset_minutes, -300);
  EXPECT_EQ(h.host, "fw");
  EXPECT_EQ(h.message, "kernel: hello");
}

TEST_F(SyslogHeaderTest, Rfc3339HeaderUsesItsOwnOffset) {
  const SyslogHeader h =
      ParseSyslogHeader("2001-08-04T07:17:01.123456-05:00 fw.example.net kernel: x", 1970, 0);
  ASSERT_EQ(h.stamp.status, StampStatus::kOk);
  EXPECT_EQ(h.stamp.unix_us, 996927421 * kSec + 123456);
  EXPECT_EQ(h.stamp.utc_offset_minutes, -300);
  EXPECT_EQ(h.host, "fw.example.net");
  EXPECT_EQ(h.message, "kernel: x");
}

TEST_F(SyslogHeaderTest, PriorityAndRfc5424VersionAreSkipped) {
  const SyslogHeader bsd = ParseSyslogHeader("<4>Nov 25 07:17:01 fw kernel: x", 2001, 0);
  ASSERT_EQ(bsd.stamp.status, StampStatus::kOk);
  EXPECT_EQ(bsd.host, "fw");
  const SyslogHeader v1 = ParseSyslogHeader("<4>1 2001-08-04T07:17:01Z fw kernel - - - x", 1970, 0);
  ASSERT_EQ(v1.stamp.status, StampStatus::kOk);
  EXPECT_EQ(v1.stamp.unix_us, 996909421 * kSec);
  EXPECT_EQ(v1.host, "fw");
  EXPECT_EQ(v1.message, "kernel - - - x");
}

TEST_F(SyslogHeaderTest, ImpossibleDateIsBadTimeButStillSplit) {
  const SyslogHeader h = ParseSyslogHeader("Feb 30 07:17:01 fw kernel: x", 2001, 0);
  EXPECT_EQ(h.stamp.status, StampStatus::kBadTime);
  EXPECT_EQ(h.host, "fw");
  EXPECT_EQ(h.message, "kernel: x");
}

TEST_F(SyslogHeaderTest, LineWithoutHeaderIsMalformedAndWholeMessage) {
  const SyslogHeader h = ParseSyslogHeader("[12345.678901] DROP-IN: IN=eth0", 2001, 0);
  EXPECT_EQ(h.stamp.status, StampStatus::kMalformed);
  EXPECT_EQ(h.message, "[12345.678901] DROP-IN: IN=eth0");
  EXPECT_EQ(ParseSyslogHeader("Nov 25 07:17:01", 2001, 0).stamp.status, StampStatus::kMalformed);
  EXPECT_EQ(ParseSyslogHeader("Nov 25 07:17:01 fw", 2001, 0).stamp.status, StampStatus::kMalformed);
  EXPECT_EQ(ParseSyslogHeader("Nov 25 07:17:01  fw x", 2001, 0).stamp.status,
            StampStatus::kMalformed);
  EXPECT_EQ(ParseSyslogHeader("", 2001, 0).stamp.status, StampStatus::kMalformed);
  EXPECT_EQ(ParseSyslogHeader("<999999>x", 2001, 0).stamp.status, StampStatus::kMalformed);
}

}  // namespace
}  // namespace abuseflow::ingest
