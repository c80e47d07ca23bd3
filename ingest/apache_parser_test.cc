#include "ingest/apache_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/worm_classifier.h"

namespace abuseflow::ingest {
namespace {

using namespace std::string_literals;

constexpr int64_t kSec = 1000000;
const std::string kCodeRedShell =
    "%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u6858%ucbd3%u7801%u9090%u9090%u8190"
    "%u00c3%u0003%u8b00%u531b%u53ff%u0078%u0000%u00=a";
const std::string kNimdaLine =
    R"(198.18.0.7 - - [18/Sep/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 284 "-" "-")";

class ApacheParserTest : public ::testing::Test {
 protected:
  ApacheParserTest() {
    ctx_.sensor = "www1";
    ctx_.utc_offset_minutes = -300;
    ctx_.tz_name = "EST";
  }
  ParseResult Parse(const std::string& line) { return parser_.Parse(line, ctx_, &event_); }
  void ExpectRejected(const std::string& line, std::string_view reason) {
    const ParseResult r = Parse(line);
    EXPECT_EQ(r.outcome, ParseOutcome::kRejected) << line.substr(0, 120);
    EXPECT_EQ(r.reason, reason) << line.substr(0, 120);
  }
  // Checks every field of a worm event.
  void ExpectWorm(const std::string& src, int64_t unix_s, int offset, const std::string& tz,
                  std::string_view signature, const std::string& raw) {
    EXPECT_EQ(event_.sensor(), "www1");
    EXPECT_EQ(event_.observed_us(), unix_s * kSec);
    EXPECT_EQ(event_.src(), src);
    EXPECT_EQ(event_.dst(), "");
    EXPECT_EQ(event_.src_port(), 0u);
    EXPECT_EQ(event_.dst_port(), 0u);
    EXPECT_EQ(event_.proto(), v1::PROTOCOL_TCP);
    EXPECT_EQ(event_.kind(), v1::KIND_WORM);
    EXPECT_EQ(event_.signature(), signature);
    EXPECT_EQ(event_.format(), "apache");
    EXPECT_EQ(event_.raw(), raw);
    EXPECT_EQ(event_.utc_offset_minutes(), offset);
    EXPECT_EQ(event_.tz_name(), tz);
    EXPECT_FALSE(event_.has_id());
  }

  ApacheParser parser_;
  ParseContext ctx_;
  v1::ProbeEvent event_;
};

TEST_F(ApacheParserTest, CombinedNimdaLineIsAWormEvent) {
  ASSERT_EQ(Parse(kNimdaLine).outcome, ParseOutcome::kEvent);
  ExpectWorm("\xc6\x12\x00\x07"s, 1000818764, -240, "GMT-0400", kNimda, kNimdaLine);
}

TEST_F(ApacheParserTest, ZoneNameComesFromContextWhenOffsetsAgree) {
  ctx_.utc_offset_minutes = -240;
  ctx_.tz_name = "EDT";
  ASSERT_EQ(Parse(kNimdaLine).outcome, ParseOutcome::kEvent);
  ExpectWorm("\xc6\x12\x00\x07"s, 1000818764, -240, "EDT", kNimda, kNimdaLine);
}

TEST_F(ApacheParserTest, CommonLogCodeRedIWithPositiveOffset) {
  const std::string line = "192.0.2.12 - - [19/Jul/2001:16:55:47 +0100] \"GET /default.ida?" +
                           std::string(224, 'N') + kCodeRedShell + " HTTP/1.0\" 400 252";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  ExpectWorm("\xc0\x00\x02\x0c"s, 995558147, 60, "GMT+0100", kCodeRedI, line);
}

TEST_F(ApacheParserTest, CodeRedIIIsToldApartFromCodeRedI) {
  const std::string line = "203.0.113.9 - - [04/Aug/2001:07:17:01 -0500] \"GET /default.ida?" +
                           std::string(224, 'X') + kCodeRedShell + " HTTP/1.0\" 404 - \"-\" \"-\"";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  ExpectWorm("\xcb\x00\x71\x09"s, 996927421, -300, "EST", kCodeRedII, line);
}

TEST_F(ApacheParserTest, NginxCombinedWithUserAgent) {
  const std::string line =
      R"log(198.51.100.23 - - [18/Sep/2001:09:12:44 -0400] "GET /c/winnt/system32/cmd.exe?/c+dir HTTP/1.1" 404 162 "-" "Mozilla/4.0 (compatible; MSIE 5.01; Windows NT 5.0)")log";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  ExpectWorm("\xc6\x33\x64\x17"s, 1000818764, -240, "GMT-0400", kNimda, line);
}

TEST_F(ApacheParserTest, Ipv6SourceIsSixteenBytes) {
  const std::string line =
      R"(2001:db8::1 - - [18/Sep/2001:09:12:44 -0400] "GET /MSADC/root.exe?/c+dir HTTP/1.0" 404 1)";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  ExpectWorm("\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"s, 1000818764, -240, "GMT-0400", kNimda, line);
}

TEST_F(ApacheParserTest, MappedIpv4SourceIsFourBytes) {
  const std::string line =
      R"(::ffff:192.0.2.7 - - [18/Sep/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1)";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.src(), "\xc0\x00\x02\x07"s);
}

TEST_F(ApacheParserTest, EveryNimdaTraversalAsLogged) {
  for (const char* target :
       {"/scripts/..%255c../winnt/system32/cmd.exe?/c+dir",
        "/_vti_bin/..%255c../..%255c../..%255c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%c1%1c../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%%35%63../winnt/system32/cmd.exe?/c+dir",
        "/scripts/..%252f../winnt/system32/cmd.exe?/c+dir"}) {
    const std::string line = "192.0.2.7 - - [18/Sep/2001:09:12:44 -0400] \"GET " + std::string(target) +
                             " HTTP/1.0\" 400 1";
    ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent) << target;
    EXPECT_EQ(event_.signature(), kNimda) << target;
  }
}

TEST_F(ApacheParserTest, OrdinaryRequestIsNotAProbe) {
  const ParseResult r = Parse(
      R"(192.0.2.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326)");
  EXPECT_EQ(r.outcome, ParseOutcome::kNotProbe);
  EXPECT_EQ(r.reason, kReasonNoProbe);
  EXPECT_EQ(Parse(R"(192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] "-" 408 -)").outcome,
            ParseOutcome::kNotProbe);
  EXPECT_EQ(Parse(R"(192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] "\x16\x03\x01" 400 226)").outcome,
            ParseOutcome::kNotProbe);
}

TEST_F(ApacheParserTest, EmptyLineIsNotAProbe) {
  const ParseResult r = Parse("");
  EXPECT_EQ(r.outcome, ParseOutcome::kNotProbe);
  EXPECT_EQ(r.reason, kReasonEmpty);
}

TEST_F(ApacheParserTest, HostNameInsteadOfAddressIsKept) {  // HostnameLookups On
  const std::string line =
      R"(crawler.example.com - - [18/Sep/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1)";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.src(), "");
  EXPECT_EQ(event_.src_host(), "crawler.example.com");
  EXPECT_EQ(event_.kind(), v1::KIND_WORM);
  EXPECT_EQ(event_.tz_name(), "GMT-0400");
  ASSERT_EQ(Parse(R"(192.0.2.7 - - [18/Sep/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1)").outcome,
            ParseOutcome::kEvent);
  EXPECT_EQ(event_.src_host(), "");  // reused event: the name is cleared
}

TEST_F(ApacheParserTest, BadAddressIsRejected) {
  ExpectRejected(R"(999.1.1.1 - - [18/Sep/2001:09:12:44 -0400] "GET / HTTP/1.0" 200 1 "-" "-")",
                 kReasonBadAddress);
  ExpectRejected(R"(- - - [18/Sep/2001:09:12:44 -0400] "GET / HTTP/1.0" 200 1)", kReasonBadAddress);
  ExpectRejected(R"(2001:db8::zz - - [18/Sep/2001:09:12:44 -0400] "GET / HTTP/1.0" 200 1)",
                 kReasonBadAddress);
}

TEST_F(ApacheParserTest, ImpossibleDatesAreBadTime) {
  ExpectRejected(
      R"(198.18.0.8 - - [31/Feb/2001:09:12:44 -0400] "GET /scripts/root.exe?/c+dir HTTP/1.0" 404 1)",
      kReasonBadTime);
  ExpectRejected(R"(198.18.0.8 - - [18/Sep/2001:25:12:44 -0400] "GET / HTTP/1.0" 200 1)",
                 kReasonBadTime);
}

TEST_F(ApacheParserTest, TruncatedLinesAreMalformed) {
  ExpectRejected("198.18.0.9 - - [18/Sep/2001:09:1", kReasonMalformed);
  ExpectRejected("198.18.0.9 - - [18/Sep/2001:09:12:44 -0400]", kReasonMalformed);
  ExpectRejected(R"(198.18.0.9 - - [18/Sep/2001:09:12:44 -0400] "GET /index.ht)", kReasonMalformed);
  ExpectRejected(R"(198.18.0.9 - - [18/Sep/2001:09:12:44 -0400] "GET / HTTP/1.0" 20)",
                 kReasonMalformed);
  ExpectRejected("198.18.0.9", kReasonMalformed);
  ExpectRejected("not an access log line at all", kReasonMalformed);
  ExpectRejected(R"(198.18.0.9 - - [18/Sep/2001:09:12:44] "GET / HTTP/1.0" 200 1)",
                 kReasonMalformed);
}

TEST_F(ApacheParserTest, TruncatedWormRequestIsStillAnEvent) {
  const std::string code_red = "192.0.2.12 - - [19/Jul/2001:16:55:47 +0100] \"GET /default.ida?" +
                               std::string(224, 'N') + "%u9090%u68";
  ASSERT_EQ(Parse(code_red).outcome, ParseOutcome::kEvent);
  ExpectWorm("\xc0\x00\x02\x0c"s, 995558147, 60, "GMT+0100", kCodeRedI, code_red);
  const std::string nimda =
      R"(192.0.2.12 - - [19/Jul/2001:16:55:47 +0100] "GET /scripts/root.exe?/c+dir HTTP/1.0" 40)";
  ASSERT_EQ(Parse(nimda).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.signature(), kNimda);
}

TEST_F(ApacheParserTest, EscapedQuoteDoesNotEndTheRequest) {
  ExpectRejected(R"(192.0.2.7 - - [18/Sep/2001:09:12:44 -0400] "GET /index.html\" 200 5)",
                 kReasonMalformed);
  const std::string line =
      R"(192.0.2.7 - - [18/Sep/2001:09:12:44 -0400] "GET /a\" 200 1 \\" 404 1 "-" "x")";
  EXPECT_EQ(Parse(line).outcome, ParseOutcome::kNotProbe);
}

TEST_F(ApacheParserTest, OverLongLineIsTooLong) {
  ExpectRejected(kNimdaLine + " \"" + std::string(70 * 1024, 'A') + "\"", kReasonTooLong);
}

TEST_F(ApacheParserTest, ControlBytesAreBinary) {
  ExpectRejected("\x00\x01\x02"s "binary junk\xff\xfe", kReasonBinary);
  ExpectRejected(kNimdaLine + "\x1b[31m", kReasonBinary);
}

TEST_F(ApacheParserTest, InvalidUtf8IsReplacedInRaw) {
  const std::string line = kNimdaLine.substr(0, kNimdaLine.size() - 2) + "Mozilla\xff\xc3\x28\"";
  ASSERT_EQ(Parse(line).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.raw(), kNimdaLine.substr(0, kNimdaLine.size() - 2) +
                              "Mozilla\xef\xbf\xbd\xef\xbf\xbd(\"");
  const ParseResult not_worm =
      Parse("198.18.0.11 - - [18/Sep/2001:09:12:44 -0400] \"GET /\xc3\x28 HTTP/1.0\" 404 1");
  EXPECT_EQ(not_worm.outcome, ParseOutcome::kNotProbe);
}

TEST_F(ApacheParserTest, TrailingCarriageReturnIsNotPartOfRaw) {
  ASSERT_EQ(Parse(kNimdaLine + "\r").outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.raw(), kNimdaLine);
}

TEST_F(ApacheParserTest, SensorIsEmptyWhenContextHasNone) {
  ctx_.sensor.clear();
  ASSERT_EQ(Parse(kNimdaLine).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event_.sensor(), "");
}

TEST_F(ApacheParserTest, RejectedLineLeavesEventUntouched) {
  event_.set_raw("previous");
  event_.set_observed_us(42);
  Parse(R"(192.0.2.7 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1)");
  Parse("999.1.1.1 - - [18/Sep/2001:09:12:44 -0400] \"GET / HTTP/1.0\" 200 1");
  EXPECT_EQ(event_.raw(), "previous");
  EXPECT_EQ(event_.observed_us(), 42);
}

TEST_F(ApacheParserTest, ReusedEventIsFullyOverwritten) {
  event_.set_dst("\x01\x02\x03\x04");
  event_.set_src_port(1);
  event_.set_dst_port(2);
  event_.set_kind(v1::KIND_PORT_SCAN);
  event_.set_proto(v1::PROTOCOL_UDP);
  ASSERT_EQ(Parse(kNimdaLine).outcome, ParseOutcome::kEvent);
  ExpectWorm("\xc6\x12\x00\x07"s, 1000818764, -240, "GMT-0400", kNimda, kNimdaLine);
}

}  // namespace
}  // namespace abuseflow::ingest
