#include "ingest/eve_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT
const std::string kAlert =
    R"({"timestamp":"2001-09-18T09:12:44.123456-0400","flow_id":1234567,"in_iface":"eth0",)"
    R"("event_type":"alert","src_ip":"198.18.0.7","src_port":1046,"dest_ip":"192.0.2.10",)"
    R"("dest_port":1434,"proto":"UDP","alert":{"action":"allowed","gid":1,"signature_id":2003,)"
    R"("rev":8,"signature":"MS-SQL Worm propagation attempt","category":"Misc Attack","severity":2},)"
    R"("host":"ids1"})";

class EveParserTest : public ::testing::Test {
 protected:
  EveParserTest() {
    ctx_.utc_offset_minutes = -240;
    ctx_.tz_name = "EDT";
  }
  static Expected Want() {
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
    e.signature = "1:2003:8 MS-SQL Worm propagation attempt";
    e.format = "suricata-eve";
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  EveParser parser_;
  ParseContext ctx_;
};

TEST_F(EveParserTest, AlertHasEveryField) { ExpectParsed(parser_, ctx_, kAlert, Want()); }

TEST_F(EveParserTest, ConfiguredSensorWinsAndUtcStampsGetTheirLabel) {
  ctx_.sensor = "edge";
  Expected e = Want();
  e.sensor = "edge";
  e.utc_offset_minutes = 0;
  e.tz_name = "GMT+0000";
  e.micros = 0;
  e.proto = v1::PROTOCOL_ICMPV6;
  e.src = "2001:db8::7";
  e.dst = "2001:db8::10";
  e.src_port = 0;
  e.dst_port = 0;
  e.signature = "1:2200000:2 SURICATA ICMPv6 unknown type";
  ExpectParsed(parser_, ctx_,
               R"({"timestamp":"2001-09-18T13:12:44Z","event_type":"alert","src_ip":"2001:db8::7",)"
               R"("dest_ip":"2001:db8::10","proto":"IPv6-ICMP","icmp_type":200,"icmp_code":0,)"
               R"("alert":{"gid":1,"signature_id":2200000,"rev":2,"signature":"SURICATA ICMPv6 unknown type"}})",
               e);
}

TEST_F(EveParserTest, OtherEventTypesAreNotProbes) {
  ExpectOutcome(parser_, ctx_, R"({"timestamp":"2001-09-18T13:12:44Z","event_type":"flow","src_ip":"198.18.0.7"})",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, R"({"event_type":"stats","stats":{"uptime":5}})", ParseOutcome::kNotProbe,
                kReasonNoProbe);
}

TEST_F(EveParserTest, BadInputIsRejectedWithItsReason) {
  ExpectOutcome(parser_, ctx_, kAlert.substr(0, 120), ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "[1,2,3]", ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "{\"event_type\":\"alert\",\"x\":" + std::string(40, '[') + std::string(40, ']') + "}",
                ParseOutcome::kRejected, kReasonMalformed);
  std::string bad_address = kAlert;
  bad_address.replace(bad_address.find("198.18.0.7"), 10, "999.1.1.1");
  ExpectOutcome(parser_, ctx_, bad_address, ParseOutcome::kRejected, kReasonBadAddress);
  std::string bad_time = kAlert;
  bad_time.replace(bad_time.find("09-18T"), 5, "02-30");
  ExpectOutcome(parser_, ctx_, bad_time, ParseOutcome::kRejected, kReasonBadTime);
  std::string bad_port = kAlert;
  bad_port.replace(bad_port.find("1046"), 4, "99999");
  ExpectOutcome(parser_, ctx_, bad_port, ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "{\"event_type\":\"alert\",\"signature\":\"\xff\"}", ParseOutcome::kRejected,
                kReasonBadUtf8);
}

}  // namespace
}  // namespace abuseflow::ingest
