#include "ingest/snort_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT
const std::string kSlammer = "1:2003:8 MS-SQL Worm propagation attempt";
const std::string kTail =
    " [**] [Classification: Misc Attack] [Priority: 2] {UDP} 198.18.0.7:1046 -> 192.0.2.10:1434";

class SnortParserTest : public ::testing::Test {
 protected:
  SnortParserTest() {
    ctx_ = testing_util::EdtContext("ids1");
  }
  static Expected Want(std::string format = "snort") {
    Expected e;
    e.sensor = "ids1";
    e.observed_unix_seconds = kStamp;
    e.micros = 123456;
    e.src = "198.18.0.7";
    e.dst = "192.0.2.10";
    e.src_port = 1046;
    e.dst_port = 1434;
    e.proto = v1::PROTOCOL_UDP;
    e.kind = v1::KIND_IDS_ALERT;
    e.signature = kSlammer;
    e.format = std::move(format);
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  SnortParser parser_;
  ParseContext ctx_;
};

TEST_F(SnortParserTest, FastAlertWithAndWithoutYear) {
  ExpectParsed(parser_, ctx_, "09/18-09:12:44.123456  [**] [1:2003:8] MS-SQL Worm propagation attempt" + kTail,
               Want());
  ExpectParsed(parser_, ctx_, "09/18/01-09:12:44.123456  [**] [1:2003:8] MS-SQL Worm propagation attempt" + kTail,
               Want());
}

TEST_F(SnortParserTest, FastAlertTcpIcmpAndIpv6) {
  Expected tcp = Want();
  tcp.signature = "1:1256:8 WEB-IIS CodeRed v2 root.exe access";
  tcp.proto = v1::PROTOCOL_TCP;
  tcp.src_port = 3127;
  tcp.dst_port = 80;
  ExpectParsed(parser_, ctx_,
               "09/18-09:12:44.123456  [**] [1:1256:8] WEB-IIS CodeRed v2 root.exe access [**] "
               "[Classification: Web Application Attack] [Priority: 1] {TCP} 198.18.0.7:3127 -> 192.0.2.10:80",
               tcp);
  Expected icmp = Want();
  icmp.signature = "1:469:3 ICMP PING NMAP";
  icmp.proto = v1::PROTOCOL_ICMP;
  icmp.src_port = icmp.dst_port = 0;
  ExpectParsed(parser_, ctx_,
               "09/18-09:12:44.123456  [**] [1:469:3] ICMP PING NMAP [**] [Classification: Attempted "
               "Information Leak] [Priority: 2] {ICMP} 198.18.0.7 -> 192.0.2.10",
               icmp);
  Expected v6 = Want();
  v6.src = "2001:db8::7";
  v6.dst = "2001:db8:1::10";
  ExpectParsed(parser_, ctx_,
               "09/18-09:12:44.123456  [**] [1:2003:8] MS-SQL Worm propagation attempt [**] [Priority: 2] "
               "{UDP} 2001:db8::7:1046 -> [2001:db8:1::10]:1434",
               v6);
}

TEST_F(SnortParserTest, SyslogAlertTakesTheHostUnlessASensorIsNamed) {
  ctx_.sensor.clear();
  Expected e = Want();
  e.sensor = "ids";
  e.micros = 0;
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44 ids snort[1234]: [1:2003:8] MS-SQL Worm propagation attempt "
               "[Classification: Misc Attack] [Priority: 2]: {UDP} 198.18.0.7:1046 -> 192.0.2.10:1434",
               e);
}

TEST_F(SnortParserTest, SuricataFastLogWithDropMark) {
  SnortParser suricata(SnortParser::kSuricataFastName);
  ExpectParsed(suricata, ctx_,
               "09/18/2001-09:12:44.123456  [Drop] [**] [1:2003:8] MS-SQL Worm propagation attempt" + kTail,
               Want("suricata-fast"));
  Expected icmp6 = Want("suricata-fast");
  icmp6.signature = "1:2200000:2 SURICATA ICMPv6 unknown type";
  icmp6.proto = v1::PROTOCOL_ICMPV6;
  icmp6.src = "2001:db8::7";
  icmp6.dst = "2001:db8::10";
  icmp6.src_port = 200;
  icmp6.dst_port = 0;
  ExpectParsed(suricata, ctx_,
               "09/18/2001-09:12:44.123456  [**] [1:2200000:2] SURICATA ICMPv6 unknown type [**] "
               "[Classification: Generic Protocol Command Decode] [Priority: 3] {IPV6-ICMP} "
               "2001:db8::7:200 -> 2001:db8::10:0",
               icmp6);
}

TEST_F(SnortParserTest, OtherLinesAreNotProbes) {
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 ids snort[1234]: Initializing rule chains...",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "09/18-09:12:44.123456 something else", ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(SnortParserTest, BadInputIsRejectedWithItsReason) {
  ExpectOutcome(parser_, ctx_, "02/30-09:12:44.123456  [**] [1:2003:8] x" + kTail, ParseOutcome::kRejected,
                kReasonBadTime);
  ExpectOutcome(parser_, ctx_, "09/18-09:12:44.123456  [**] [1:2003] x" + kTail, ParseOutcome::kRejected,
                kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "09/18-09:12:44.123456  [**] [1:2003:8] x [**] {UDP} 999.1.1.1:1 -> 192.0.2.1:2",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, "09/18-09:12:44.123456  [**] [1:2003:8] x [**] {UDP} 198.18.0.7:1", ParseOutcome::kRejected,
                kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "[1:2003:8] x [Priority: 2]: {UDP} 198.18.0.7:1 -> 192.0.2.1:2",
                ParseOutcome::kRejected, kReasonMalformed);
}

}  // namespace
}  // namespace abuseflow::ingest
