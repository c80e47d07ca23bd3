#include "ingest/zeek_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"
#include "ingest/zeek_json_parser.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 13:12:44 UTC
const std::string kFields =
    "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\t"
    "resp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\t"
    "resp_pkts\tresp_ip_bytes\ttunnel_parents";
const std::string kS0 =
    "1000818764.123456\tCHhAvVGS1DHFjwGM9\t198.18.0.7\t4321\t192.0.2.1\t23\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0\tS\t1\t48\t0\t0\t-";

Expected Want(std::string format, std::string state, uint32_t sport = 4321, uint32_t dport = 23,
              v1::Protocol proto = v1::PROTOCOL_TCP) {
  Expected e;
  e.sensor = "zeek1";
  e.observed_unix_seconds = kStamp;
  e.micros = 123456;
  e.src = "198.18.0.7";
  e.dst = "192.0.2.1";
  e.src_port = sport;
  e.dst_port = dport;
  e.proto = proto;
  e.kind = v1::KIND_CONNECTION_ATTEMPT;
  e.signature = "conn_state " + state;
  e.format = std::move(format);
  e.utc_offset_minutes = 0;
  e.tz_name = "UTC";
  return e;
}

class ZeekParserTest : public ::testing::Test {
 protected:
  ZeekParserTest() { ctx_.sensor = "zeek1"; }
  ZeekParser parser_;
  ParseContext ctx_;
};

TEST_F(ZeekParserTest, HeaderLinesAreLearnedAndAttemptsBecomeEvents) {
  EXPECT_TRUE(parser_.learns_header());
  ExpectOutcome(parser_, ctx_, "#separator \\x09", ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "#path\tconn", ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, kFields, ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectParsed(parser_, ctx_, kS0, Want("zeek", "S0"));
  ExpectParsed(parser_, ctx_,
               "1000818764.123456\tC2\t198.18.0.7\t1025\t192.0.2.1\t137\tudp\t-\t-\t-\t-\tREJ\t-\t-\t0\tD\t1\t404\t0\t0\t-",
               Want("zeek", "REJ", 1025, 137, v1::PROTOCOL_UDP));
  ExpectOutcome(parser_, ctx_,
                "1000818764.123456\tC3\t198.18.0.7\t4321\t192.0.2.1\t80\ttcp\thttp\t1.2\t300\t5000\tSF\t-\t-\t0\tShADadFf\t8\t700\t9\t5400\t-",
                ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(ZeekParserTest, ALearnedHeaderWithOtherColumnOrderIsFollowed) {
  ExpectOutcome(parser_, ctx_, "#fields\tconn_state\tproto\tid.resp_p\tid.resp_h\tid.orig_p\tid.orig_h\tts",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectParsed(parser_, ctx_, "S0\ttcp\t23\t192.0.2.1\t4321\t198.18.0.7\t1000818764.123456", Want("zeek", "S0"));
}

TEST_F(ZeekParserTest, DefaultLayoutBeforeAnyHeaderAndOtherLogsAreNotProbes) {
  ExpectParsed(parser_, ctx_, kS0, Want("zeek", "S0"));
  ExpectOutcome(parser_, ctx_, "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tquery",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, kS0, ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(ZeekParserTest, BadInputIsRejectedWithItsReason) {
  std::string bad = kS0;
  bad.replace(bad.find("198.18.0.7"), 10, "999.18.0.7");
  ExpectOutcome(parser_, ctx_, bad, ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, "x1000818764\tC\t198.18.0.7\t1\t192.0.2.1\t2\ttcp\t-\t-\t-\t-\tS0",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "1000818764\tC\t198.18.0.7\t1", ParseOutcome::kRejected, kReasonMalformed);
}

class ZeekJsonParserTest : public ::testing::Test {
 protected:
  ZeekJsonParserTest() { ctx_.sensor = "zeek1"; }
  ZeekJsonParser parser_;
  ParseContext ctx_;
};

TEST_F(ZeekJsonParserTest, EpochAndIsoStamps) {
  ExpectParsed(parser_, ctx_,
               R"({"ts":1000818764.123456,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"198.18.0.7","id.orig_p":4321,)"
               R"("id.resp_h":"192.0.2.1","id.resp_p":23,"proto":"tcp","conn_state":"S0","history":"S"})",
               Want("zeek-json", "S0"));
  Expected icmp = Want("zeek-json", "OTH", 0, 0, v1::PROTOCOL_ICMP);
  icmp.signature = "conn_state SH";
  ExpectParsed(parser_, ctx_,
               R"({"ts":"2001-09-18T13:12:44.123456Z","id.orig_h":"198.18.0.7","id.orig_p":8,)"
               R"("id.resp_h":"192.0.2.1","id.resp_p":0,"proto":"icmp","conn_state":"SH"})",
               icmp);
}

TEST_F(ZeekJsonParserTest, EstablishedAndOtherLogsAreNotProbes) {
  ExpectOutcome(parser_, ctx_,
                R"({"ts":1000818764.1,"id.orig_h":"198.18.0.7","id.orig_p":1,"id.resp_h":"192.0.2.1",)"
                R"("id.resp_p":80,"proto":"tcp","conn_state":"SF"})",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, R"({"ts":1000818764.1,"query":"example.com","qtype_name":"A"})",
                ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(ZeekJsonParserTest, BadInputIsRejectedWithItsReason) {
  ExpectOutcome(parser_, ctx_, R"({"ts":1000818764.1,"conn_state":"S0")", ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_,
                R"({"ts":1000818764.1,"id.orig_h":"198.18.0.300","id.orig_p":1,"id.resp_h":"192.0.2.1",)"
                R"("id.resp_p":80,"proto":"tcp","conn_state":"S0"})",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_,
                R"({"ts":"2001-02-30T13:12:44Z","id.orig_h":"198.18.0.7","id.orig_p":1,"id.resp_h":"192.0.2.1",)"
                R"("id.resp_p":80,"proto":"tcp","conn_state":"S0"})",
                ParseOutcome::kRejected, kReasonBadTime);
}

}  // namespace
}  // namespace abuseflow::ingest
