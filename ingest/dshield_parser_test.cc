#include "ingest/dshield_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT

Expected Want(v1::Protocol proto, uint32_t sport, uint32_t dport, std::string sensor = "dshield:12345") {
  Expected e;
  e.sensor = std::move(sensor);
  e.observed_unix_seconds = kStamp;
  e.src = "198.18.0.7";
  e.dst = "192.0.2.1";
  e.src_port = sport;
  e.dst_port = dport;
  e.proto = proto;
  e.kind = v1::KIND_CONNECTION_ATTEMPT;
  e.format = "dshield";
  e.utc_offset_minutes = -240;
  e.tz_name = "EDT";
  return e;
}

class DShieldParserTest : public ::testing::Test {
 protected:
  DShieldParserTest() {
    ctx_.utc_offset_minutes = -240;
    ctx_.tz_name = "EDT";
  }
  DShieldParser parser_;
  ParseContext ctx_;
};

TEST_F(DShieldParserTest, NumericAndNamedProtocols) {
  ExpectParsed(parser_, ctx_, "2001-09-18 09:12:44 -04:00\t12345\t1\t198.18.0.7\t4321\t192.0.2.1\t23\t6\tS",
               Want(v1::PROTOCOL_TCP, 4321, 23));
  ExpectParsed(parser_, ctx_, "2001-09-18 09:12:44-0400\t12345\t3\t198.18.0.7\t1025\t192.0.2.1\t137\tUDP",
               Want(v1::PROTOCOL_UDP, 1025, 137));
  ExpectParsed(parser_, ctx_, "2001-09-18 09:12:44\t12345\t1\t198.18.0.7\t???\t192.0.2.1\t???\t1",
               Want(v1::PROTOCOL_ICMP, 0, 0));
}

TEST_F(DShieldParserTest, ConfiguredSensorReplacesTheUserId) {
  ctx_.sensor = "fw";
  ExpectParsed(parser_, ctx_, "2001-09-18 09:12:44 -04:00\t12345\t1\t198.18.0.7\t4321\t192.0.2.1\t23\t6",
               Want(v1::PROTOCOL_TCP, 4321, 23, "fw"));
}

TEST_F(DShieldParserTest, CommentsAreNotProbesAndBadLinesAreRejected) {
  ExpectOutcome(parser_, ctx_, "# DShield submission", ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "2001-09-18 09:12:44 -04:00\t12345\t1\t198.18.0.7\t4321", ParseOutcome::kRejected,
                kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "2001-09-18 09:12:44 -04:00\t1\t1\t999.18.0.7\t1\t192.0.2.1\t23\t6",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, "2001-09-31 09:12:44 -04:00\t1\t1\t198.18.0.7\t1\t192.0.2.1\t23\t6",
                ParseOutcome::kRejected, kReasonBadTime);
  ExpectOutcome(parser_, ctx_, "2001-09-18 09:12:44 -04:00\t1\t1\t198.18.0.7\t1\t192.0.2.1\t99999\t6",
                ParseOutcome::kRejected, kReasonMalformed);
}

}  // namespace
}  // namespace abuseflow::ingest
