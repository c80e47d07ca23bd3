#include "ingest/iis_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 13:12:44 UTC
const std::string kCodeRedQuery =
    std::string(224, 'N') +
    "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190%u00c3"
    "%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";

Expected Want(std::string sig, std::string dst = "192.0.2.1", uint32_t dport = 80) {
  Expected e;
  e.sensor = "web1";
  e.observed_unix_seconds = kStamp;
  e.src = "198.18.0.7";
  e.dst = std::move(dst);
  e.dst_port = dport;
  e.proto = v1::PROTOCOL_TCP;
  e.kind = v1::KIND_WORM;
  e.signature = std::move(sig);
  e.format = "iis";
  e.utc_offset_minutes = 0;
  e.tz_name = "GMT+0000";
  return e;
}

class IisParserTest : public ::testing::Test {
 protected:
  IisParserTest() {
    ctx_.sensor = "web1";
    ctx_.utc_offset_minutes = -240;
    ctx_.tz_name = "EDT";
  }
  IisParser parser_;
  ParseContext ctx_;
};

TEST_F(IisParserTest, Iis5HeaderWithDateColumn) {
  EXPECT_TRUE(parser_.learns_header());
  for (const char* header : {"#Software: Microsoft Internet Information Services 5.0", "#Version: 1.0",
                             "#Date: 2001-09-18 00:00:12",
                             "#Fields: date time c-ip cs-username s-ip s-port cs-method cs-uri-stem cs-uri-query "
                             "sc-status cs(User-Agent)"}) {
    ExpectOutcome(parser_, ctx_, header, ParseOutcome::kNotProbe, kReasonNoProbe);
  }
  ExpectParsed(parser_, ctx_, "2001-09-18 13:12:44 198.18.0.7 - 192.0.2.1 80 GET /default.ida " + kCodeRedQuery + " 404 -",
               Want("code-red-i"));
  ExpectParsed(parser_, ctx_, "2001-09-18 13:12:44 198.18.0.7 - 192.0.2.1 80 GET /scripts/root.exe /c+dir 404 -",
               Want("nimda"));
  ExpectParsed(parser_, ctx_,
               "2001-09-18 13:12:44 198.18.0.7 - 192.0.2.1 80 GET /scripts/..%255c../winnt/system32/cmd.exe /c+dir "
               "404 -",
               Want("nimda"));
  ExpectOutcome(parser_, ctx_, "2001-09-18 13:12:44 198.18.0.7 - 192.0.2.1 80 GET /index.htm - 200 Mozilla/4.0",
                ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(IisParserTest, TimeOnlyLayoutTakesTheDateFromTheHeader) {
  ExpectOutcome(parser_, ctx_, "#Date: 2001-09-18 00:00:12", ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "#Fields: time c-ip cs-method cs-uri-stem sc-status", ParseOutcome::kNotProbe,
                kReasonNoProbe);
  ExpectParsed(parser_, ctx_, "13:12:44 198.18.0.7 GET /MSADC/root.exe 404", Want("nimda", "", 0));
}

TEST_F(IisParserTest, DefaultIis6LayoutBeforeAnyHeader) {
  ExpectParsed(parser_, ctx_,
               "2001-09-18 13:12:44 W3SVC1 192.0.2.1 GET /c/winnt/system32/cmd.exe /c+dir 80 - 198.18.0.7 "
               "- 404 0 2",
               Want("nimda"));
}

TEST_F(IisParserTest, BadInputIsRejectedWithItsReason) {
  ExpectOutcome(parser_, ctx_, "#Fields: date time c-ip s-ip s-port cs-uri-stem cs-uri-query", ParseOutcome::kNotProbe,
                kReasonNoProbe);
  testing_util::ExpectHostName(parser_, ctx_, "2001-09-18 13:12:44 scan.example.net 192.0.2.1 80 /scripts/root.exe -",
                               "scan.example.net");
  ExpectOutcome(parser_, ctx_, "2001-09-18 13:12:44 999.18.0.7 192.0.2.1 80 /scripts/root.exe -",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, "2001-02-30 13:12:44 198.18.0.7 192.0.2.1 80 /scripts/root.exe -",
                ParseOutcome::kRejected, kReasonBadTime);
  ExpectOutcome(parser_, ctx_, "2001-09-18 13:12 198.18.0.7 192.0.2.1 80 /scripts/root.exe -",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "2001-09-18 13:12:44 198.18.0.7 192.0.2.1 99999 /scripts/root.exe -",
                ParseOutcome::kRejected, kReasonMalformed);
}

}  // namespace
}  // namespace abuseflow::ingest
