#include "ingest/pf_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT

class PfParserTest : public ::testing::Test {
 protected:
  PfParserTest() {
    ctx_ = testing_util::EdtContext("obsd");
  }
  static Expected Want(v1::Protocol proto, uint32_t sport, uint32_t dport, std::string rule,
                       std::string src = "198.18.0.7", std::string dst = "192.0.2.1") {
    Expected e;
    e.sensor = "obsd";
    e.observed_unix_seconds = kStamp;
    e.micros = 123456;
    e.src = std::move(src);
    e.dst = std::move(dst);
    e.src_port = sport;
    e.dst_port = dport;
    e.proto = proto;
    e.kind = v1::KIND_CONNECTION_ATTEMPT;
    e.signature = "pf rule " + rule;
    e.format = "pf";
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  PfParser parser_;
  ParseContext ctx_;
};

TEST_F(PfParserTest, BlockedTcpUdpAndIcmp) {
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44.123456 rule 2/(match) block in on em0: 198.18.0.7.4321 > 192.0.2.1.23: "
               "S 2413906:2413906(0) win 16384 <mss 1460> (DF)",
               Want(v1::PROTOCOL_TCP, 4321, 23, "2/(match)"));
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44.123456 rule 3/0(match): block in on fxp0: 198.18.0.7.1025 > 192.0.2.1.137: udp 50",
               Want(v1::PROTOCOL_UDP, 1025, 137, "3/0(match)"));
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44.123456 rule 4/(match) [uid 0, pid 1] block in on em0: 198.18.0.7 > 192.0.2.1: "
               "icmp: echo request",
               Want(v1::PROTOCOL_ICMP, 0, 0, "4/(match)"));
}

TEST_F(PfParserTest, Ipv6AndTheSyslogWrapper) {
  ctx_.sensor.clear();
  Expected e = Want(v1::PROTOCOL_TCP, 4321, 22, "2/(match)", "2001:db8::7", "2001:db8::1");
  e.sensor = "fw";
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44 fw pf: Sep 18 09:12:44.123456 rule 2/(match) block in on em0: "
               "2001:db8::7.4321 > 2001:db8::1.22: S 1:1(0) win 16384",
               e);
}

TEST_F(PfParserTest, PassedAndOutboundPacketsAreNotProbes) {
  ExpectOutcome(parser_, ctx_,
                "Sep 18 09:12:44.123456 rule 5/(match) pass in on em0: 198.18.0.7.4321 > 192.0.2.1.80: S 1:1(0)",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_,
                "Sep 18 09:12:44.123456 rule 6/(match) block out on em0: 192.0.2.1.4321 > 198.18.0.7.80: S 1:1(0)",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 fw sshd[1]: Accepted publickey", ParseOutcome::kNotProbe,
                kReasonNoProbe);
}

TEST_F(PfParserTest, BadInputIsRejectedWithItsReason) {
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44.123456 rule 2/(match) block in on em0: 999.1.1.1.1 > 192.0.2.1.23: S",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44.123456 rule 2/(match) block in on em0: 198.18.0.7.4321",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "Sep 31 09:12:44.123456 rule 2/(match) block in on em0: 198.18.0.7.1 > 192.0.2.1.23: S",
                ParseOutcome::kRejected, kReasonBadTime);
  ExpectOutcome(parser_, ctx_, "rule 2/(match) block in on em0: 198.18.0.7.1 > 192.0.2.1.23: S",
                ParseOutcome::kRejected, kReasonMalformed);
}

}  // namespace
}  // namespace abuseflow::ingest
