#include "ingest/loginvain_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT
const std::string kHead = "Sep 18 09:12:44 bsd kernel: ";

class LogInVainParserTest : public ::testing::Test {
 protected:
  LogInVainParserTest() {
    ctx_ = testing_util::EdtContext();
  }
  static Expected Want(v1::Protocol proto, uint32_t sport, uint32_t dport, std::string src = "198.18.0.7",
                       std::string dst = "192.0.2.1") {
    Expected e;
    e.sensor = "bsd";
    e.observed_unix_seconds = kStamp;
    e.src = std::move(src);
    e.dst = std::move(dst);
    e.src_port = sport;
    e.dst_port = dport;
    e.proto = proto;
    e.kind = v1::KIND_CONNECTION_ATTEMPT;
    e.format = "log_in_vain";
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  LogInVainParser parser_;
  ParseContext ctx_;
};

TEST_F(LogInVainParserTest, DestinationFirstWithAndWithoutFlags) {
  ExpectParsed(parser_, ctx_, kHead + "Connection attempt to TCP 192.0.2.1:23 from 198.18.0.7:4321 flags:0x02",
               Want(v1::PROTOCOL_TCP, 4321, 23));
  ExpectParsed(parser_, ctx_, kHead + "Connection attempt to TCP 192.0.2.1:23 from 198.18.0.7:4321",
               Want(v1::PROTOCOL_TCP, 4321, 23));
  ExpectParsed(parser_, ctx_, kHead + "Connection attempt to UDP 192.0.2.1:137 from 198.18.0.7:1025",
               Want(v1::PROTOCOL_UDP, 1025, 137));
}

TEST_F(LogInVainParserTest, SourceFirstOrderAndIpv6) {
  ExpectParsed(parser_, ctx_, kHead + "Connection attempt from 198.18.0.7:4321 to TCP 192.0.2.1:23",
               Want(v1::PROTOCOL_TCP, 4321, 23));
  ExpectParsed(parser_, ctx_,
               kHead + "Connection attempt to TCP [2001:db8::1]:22 from [2001:db8::7]:4321 flags:0x02",
               Want(v1::PROTOCOL_TCP, 4321, 22, "2001:db8::7", "2001:db8::1"));
}

TEST_F(LogInVainParserTest, OtherKernelLinesAreNotProbes) {
  ExpectOutcome(parser_, ctx_, kHead + "fxp0: link state changed to UP", ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(LogInVainParserTest, BadInputIsRejectedWithItsReason) {
  ExpectOutcome(parser_, ctx_, kHead + "Connection attempt to TCP 999.0.2.1:23 from 198.18.0.7:4321",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, kHead + "Connection attempt to ICMP 192.0.2.1:23 from 198.18.0.7:4321",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, kHead + "Connection attempt to TCP 192.0.2.1:23 from", ParseOutcome::kRejected,
                kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "Sep 18 29:12:44 bsd kernel: Connection attempt to TCP 192.0.2.1:23 from 198.18.0.7:1",
                ParseOutcome::kRejected, kReasonBadTime);
}

}  // namespace
}  // namespace abuseflow::ingest
