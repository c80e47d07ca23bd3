#include "ingest/ipfw_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT
const std::string kHead = "Sep 18 09:12:44 fw kernel: ipfw: ";

class IpfwParserTest : public ::testing::Test {
 protected:
  IpfwParserTest() {
    ctx_ = testing_util::EdtContext();
  }
  static Expected Want(v1::Protocol proto, uint32_t sport, uint32_t dport, std::string rule,
                       std::string src = "198.18.0.7", std::string dst = "192.0.2.1") {
    Expected e;
    e.sensor = "fw";
    e.observed_unix_seconds = kStamp;
    e.src = std::move(src);
    e.dst = std::move(dst);
    e.src_port = sport;
    e.dst_port = dport;
    e.proto = proto;
    e.kind = v1::KIND_CONNECTION_ATTEMPT;
    e.signature = "ipfw rule " + rule;
    e.format = "ipfw";
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  IpfwParser parser_;
  ParseContext ctx_;
};

TEST_F(IpfwParserTest, DeniedPacketsOfEachProtocol) {
  ExpectParsed(parser_, ctx_, kHead + "100 Deny TCP 198.18.0.7:4321 192.0.2.1:23 in via fxp0",
               Want(v1::PROTOCOL_TCP, 4321, 23, "100"));
  ExpectParsed(parser_, ctx_, kHead + "200 Unreach 3 UDP 198.18.0.7:1025 192.0.2.1:137 in via fxp0",
               Want(v1::PROTOCOL_UDP, 1025, 137, "200"));
  ExpectParsed(parser_, ctx_, kHead + "300 Deny ICMP:8.0 198.18.0.7 192.0.2.1 in via fxp0",
               Want(v1::PROTOCOL_ICMP, 0, 0, "300"));
  ExpectParsed(parser_, ctx_, kHead + "350 Deny P:47 198.18.0.7 192.0.2.1 in via fxp0",
               Want(v1::PROTOCOL_OTHER, 0, 0, "350"));
  ExpectParsed(parser_, ctx_, kHead + "400 Reset TCP [2001:db8::7]:4321 [2001:db8::1]:22 in via em0",
               Want(v1::PROTOCOL_TCP, 4321, 22, "400", "2001:db8::7", "2001:db8::1"));
  ExpectParsed(parser_, ctx_, kHead + "100 Deny TCP 198.18.0.7 192.0.2.1 in via fxp0 Fragment = 4711",
               Want(v1::PROTOCOL_TCP, 0, 0, "100"));
}

TEST_F(IpfwParserTest, AcceptedAndOutboundPacketsAreNotProbes) {
  ExpectOutcome(parser_, ctx_, kHead + "500 Accept TCP 198.18.0.7:4321 192.0.2.1:80 in via fxp0",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, kHead + "100 Deny TCP 192.0.2.1:4321 198.18.0.7:80 out via fxp0",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 fw kernel: ipfw2 (+ipv6) initialized, divert loadable",
                ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(IpfwParserTest, BadInputIsRejectedWithItsReason) {
  ExpectOutcome(parser_, ctx_, kHead + "100 Deny TCP 999.18.0.7:4321 192.0.2.1:23 in via fxp0",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, kHead + "100 Deny TCP 198.18.0.7:99999 192.0.2.1:23 in via fxp0",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, kHead + "100 Deny TCP 198.18.0.7:1", ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "Sep 18 09:72:44 fw kernel: ipfw: 100 Deny TCP 198.18.0.7:1 192.0.2.1:2 in via x",
                ParseOutcome::kRejected, kReasonBadTime);
}

}  // namespace
}  // namespace abuseflow::ingest
