#include "ingest/syslog_message.h"

#include <gtest/gtest.h>

namespace abuseflow::ingest {
namespace {

constexpr int64_t kNow = 1764576000LL * 1000000;  // 2025-12-01T08:00:00Z

TEST(ToLogLineTest, Rfc5424BecomesAFileLineWithAppAndProcid) {
  ReceivedLine r = ToLogLine(
      "<4>1 2026-12-01T07:12:00.123+01:00 fw kernel 42 - - IN=eth0 SRC=192.0.2.7", "127.0.0.1", kNow);
  EXPECT_EQ(r.line, "2026-12-01T07:12:00.123+01:00 fw kernel[42]: IN=eth0 SRC=192.0.2.7");
  EXPECT_EQ(r.host, "fw");
}

TEST(ToLogLineTest, Rfc5424StructuredDataAndBomAreDropped) {
  ReceivedLine r = ToLogLine(
      "<13>1 2026-12-01T07:12:00Z h1 app - ID7 [timeQuality tzKnown=\"1\" x=\"a\\]b\"][o k=\"v\"] \xEF\xBB\xBFhello",
      "10.0.0.1", kNow);
  EXPECT_EQ(r.line, "2026-12-01T07:12:00Z h1 app: hello");
}

TEST(ToLogLineTest, Rfc5424NilFieldsUseThePeerAndTheReceiveTime) {
  ReceivedLine r = ToLogLine("<13>1 - - - - - - just text", "192.0.2.9", kNow);
  EXPECT_EQ(r.line, "2025-12-01T08:00:00Z 192.0.2.9 just text");
  EXPECT_EQ(r.host, "192.0.2.9");
}

TEST(ToLogLineTest, Rfc3164KeepsItsHeader) {
  ReceivedLine r = ToLogLine("<4>Dec  1 07:12:00 fw kernel: [1.2] IN=eth0", "127.0.0.1", kNow);
  EXPECT_EQ(r.line, "Dec  1 07:12:00 fw kernel: [1.2] IN=eth0");
  EXPECT_EQ(r.host, "fw");
}

TEST(ToLogLineTest, Rfc3164WithoutHostnameGetsThePeer) {
  EXPECT_EQ(ToLogLine("<4>Dec 11 07:12:00 kernel: x", "::1", kNow).line, "Dec 11 07:12:00 ::1 kernel: x");
  ReceivedLine r = ToLogLine("<30>Dec 11 07:12:00 sshd[77]: Failed", "198.51.100.4", kNow);
  EXPECT_EQ(r.line, "Dec 11 07:12:00 198.51.100.4 sshd[77]: Failed");
  EXPECT_EQ(r.host, "198.51.100.4");
}

TEST(ToLogLineTest, RsyslogForwardFormatWithIsoStampIsKept) {
  ReceivedLine r = ToLogLine("<4>2026-12-01T07:12:00.5+00:00 gw kernel: x", "127.0.0.1", kNow);
  EXPECT_EQ(r.line, "2026-12-01T07:12:00.5+00:00 gw kernel: x");
  EXPECT_EQ(r.host, "gw");
}

TEST(ToLogLineTest, MessageWithoutHeaderGetsTimeAndPeer) {
  EXPECT_EQ(ToLogLine("<13>hello", "127.0.0.1", kNow).line, "2025-12-01T08:00:00Z 127.0.0.1 hello");
  EXPECT_EQ(ToLogLine("no pri", "127.0.0.1", kNow).line, "2025-12-01T08:00:00Z 127.0.0.1 no pri");
  EXPECT_EQ(ToLogLine("<99999>x", "h", kNow).line, "2025-12-01T08:00:00Z h <99999>x");
}

TEST(ToLogLineTest, TruncatedMessagesDoNotCrash) {
  for (std::string_view m : {"", "<", "<1", "<1>", "<1>1 ", "<1>1 -", "<1>1 - h a p m [x", "<1>Dec  1 07:",
                            "<1>1 - h a p m [x k=\"\\"}) {
    ReceivedLine r = ToLogLine(m, "p", kNow);
    EXPECT_FALSE(r.host.empty()) << m;
  }
}

}  // namespace
}  // namespace abuseflow::ingest
