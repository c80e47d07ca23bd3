#include "ingest/netfilter_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "core/ip_address.h"

namespace abuseflow::ingest {
namespace {

constexpr int64_t kSec = 1000000;
// 2001-09-18 09:12:44 EDT is 13:12:44 UTC.
constexpr int64_t kStamp = 1000818764;
const std::string kTcpLine =
    "Sep 18 09:12:44 fw1 kernel: [1234567.123456] DROP-IN: IN=eth0 OUT= "
    "MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=198.18.0.7 DST=192.0.2.10 LEN=48 "
    "TOS=0x00 PREC=0x00 TTL=113 ID=12345 DF PROTO=TCP SPT=3127 DPT=80 WINDOW=8192 RES=0x00 SYN URGP=0";

std::string Bytes(const std::string& text) { return core::IpAddress::Parse(text)->ToBytes(); }

class NetfilterParserTest : public ::testing::Test {
 protected:
  NetfilterParserTest() {
    ctx_.default_year = 2001;
    ctx_.utc_offset_minutes = -240;
    ctx_.tz_name = "EDT";
  }
  ParseResult Parse(const std::string& line) { return parser_.Parse(line, ctx_, &event_); }
  void ExpectRejected(const std::string& line, std::string_view reason) {
    const ParseResult r = Parse(line);
    EXPECT_EQ(r.outcome, ParseOutcome::kRejected) << line;
    EXPECT_EQ(r.reason, reason) << line;
  }

  NetfilterParser parser_;
  ParseContext ctx_;
  v1::ProbeEvent event_;
};

TEST_F(NetfilterParserTest, TcpSynIsAConnectionAttemptWithEveryField) {
  ASSERT_EQ(Parse(kTcpLine).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.sensor(), "fw1");
  EXPECT_EQ(event_.observed_us(), kStamp * kSec);
  EXPECT_EQ(event_.src(), Bytes("198.18.0.7"));
  EXPECT_EQ(event_.dst(), Bytes("192.0.2.10"));
  EXPECT_EQ(event_.src_port(), 3127u);
  EXPECT_EQ(event_.dst_port(), 80u);
  EXPECT_EQ(event_.proto(), v1::PROTOCOL_TCP);
  EXPECT_EQ(event_.kind(), v1::KIND_CONNECTION_ATTEMPT);
  EXPECT_EQ(event_.signature(), "");
  EXPECT_EQ(event_.format(), "netfilter");
  EXPECT_EQ(event_.raw(), kTcpLine);
  EXPECT_EQ(event_.utc_offset_minutes(), -240);
  EXPECT_EQ(event_.tz_name(), "EDT");
}

TEST_F(NetfilterParserTest, ConfiguredSensorReplacesTheSyslogHost) {
  ctx_.sensor = "border";
  ASSERT_EQ(Parse(kTcpLine).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.sensor(), "border");
}

TEST_F(NetfilterParserTest, PrefixWithoutSpaceBeforeInIsUnderstood) {
  const std::string line =
      "Sep 18 09:12:44 fw1 kernel: FW-DROPIN=eth0 OUT= SRC=198.18.1.2 DST=192.0.2.11 LEN=40 "
      "PROTO=UDP SPT=1025 DPT=137 LEN=20";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.src(), Bytes("198.18.1.2"));
  EXPECT_EQ(event_.proto(), v1::PROTOCOL_UDP);
  EXPECT_EQ(event_.dst_port(), 137u);
}

TEST_F(NetfilterParserTest, IcmpErrorTakesTheOuterPacketNotTheQuotedOne) {
  const std::string line =
      "Sep 18 09:12:44 fw1 kernel: DROP: IN=eth0 OUT= SRC=198.18.2.3 DST=192.0.2.12 LEN=56 "
      "PROTO=ICMP TYPE=3 CODE=3 [SRC=192.0.2.12 DST=198.18.2.3 LEN=28 PROTO=UDP SPT=53 DPT=1024 LEN=8 ]";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.src(), Bytes("198.18.2.3"));
  EXPECT_EQ(event_.dst(), Bytes("192.0.2.12"));
  EXPECT_EQ(event_.proto(), v1::PROTOCOL_ICMP);
  EXPECT_EQ(event_.src_port(), 0u);
  EXPECT_EQ(event_.dst_port(), 0u);
}

TEST_F(NetfilterParserTest, Ipv6PacketInTheKernelsFullForm) {
  const std::string line =
      "Sep 18 09:12:44 fw1 kernel: IN=eth0 OUT= SRC=2001:0db8:0000:0000:0000:0000:0000:0007 "
      "DST=2001:0db8:0001:0000:0000:0000:0000:0001 LEN=80 PROTO=TCP SPT=5000 DPT=22 SYN URGP=0";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.src(), Bytes("2001:db8::7"));
  EXPECT_EQ(event_.dst(), Bytes("2001:db8:1::1"));
}

TEST_F(NetfilterParserTest, Rfc3339StampUsesItsOwnOffset) {
  const std::string line =
      "2001-09-18T13:12:44+00:00 fw1 kernel: IN=eth0 OUT= SRC=198.18.0.7 DST=192.0.2.10 PROTO=TCP "
      "SPT=1 DPT=80";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.observed_us(), kStamp * kSec);
  EXPECT_EQ(event_.utc_offset_minutes(), 0);
  EXPECT_EQ(event_.tz_name(), "GMT+0000");
}

TEST_F(NetfilterParserTest, OtherKernelLinesAreNotProbes) {
  EXPECT_EQ(Parse("Sep 18 09:12:44 fw1 kernel: eth0: link up, 100Mbps").outcome,
            ParseOutcome::kNotProbe);
  EXPECT_EQ(Parse("Sep 18 09:12:44 fw1 sshd[42]: Accepted publickey for pat").outcome,
            ParseOutcome::kNotProbe);
  EXPECT_EQ(Parse("").outcome, ParseOutcome::kNotProbe);
}

TEST_F(NetfilterParserTest, BadInputIsRejectedWithItsReason) {
  ExpectRejected("Sep 18 09:12:44 fw1 kernel: IN=eth0 OUT= SRC=999.1.1.1 DST=192.0.2.1 PROTO=TCP SPT=1 DPT=2",
                 kReasonBadAddress);
  ExpectRejected("Sep 18 09:12:44 fw1 kernel: IN=eth0 OUT= SRC=198.18.0.7 DST=192.0.2.1 PROTO=TCP SPT=1 DPT=70000",
                 kReasonMalformed);
  ExpectRejected("Sep 18 09:12:44 fw1 kernel: IN=eth0 OUT= SRC=198.18.0.7 LEN=40", kReasonMalformed);
  ExpectRejected("Sep 31 09:12:44 fw1 kernel: IN=eth0 OUT= SRC=198.18.0.7 DST=192.0.2.1 PROTO=TCP SPT=1 DPT=2",
                 kReasonBadTime);
  ExpectRejected("garbage IN=eth0 OUT= SRC=198.18.0.7 DST=192.0.2.1 PROTO=TCP", kReasonMalformed);
  ExpectRejected(std::string("Sep 18 09:12:44 fw1 kernel: IN=eth0\x01 OUT="), kReasonBinary);
  ExpectRejected(std::string(kMaxLineLength + 1, 'a'), kReasonTooLong);
}

TEST_F(NetfilterParserTest, RejectedLineLeavesTheEventUntouched) {
  event_.set_raw("before");
  ExpectRejected("Sep 18 09:12:44 fw1 kernel: IN=eth0 OUT= SRC=1.2.3 DST=192.0.2.1 PROTO=TCP", kReasonBadAddress);
  EXPECT_EQ(event_.raw(), "before");
}

}  // namespace
}  // namespace abuseflow::ingest
