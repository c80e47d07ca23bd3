#include "ingest/auto_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

// One real-looking line per format, and the format it must be read as.
const std::vector<std::pair<std::string, std::string>> kSamples = {
    {"198.18.0.7 - - [18/Sep/2001:09:12:44 -0400] \"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 284", "apache"},
    {"Sep 18 09:12:44 fw1 kernel: DROP: IN=eth0 OUT= SRC=198.18.0.7 DST=192.0.2.1 PROTO=TCP SPT=1 DPT=23", "netfilter"},
    {"Sep 18 09:12:44 gw portsentry[1]: attackalert: Connect from host: 198.18.0.7/198.18.0.7 to TCP port: 143",
     "portsentry"},
    {"2001-09-18T13:12:44.123+0000 Scan from: [198.18.0.7] (x) protocol: [TCP] port: [23] type: [Connect] "
     "IP opts: [unknown] ignored: [false] triggered: [true]",
     "portsentry"},
    {"Sep 18 09:12:44 gw sshd[4242]: Failed password for root from 198.18.0.7 port 40022 ssh2", "sshd"},
    {"Sep 18 09:12:44 gw sshd[4242]: refused connect from 198.18.0.7", "tcpwrappers"},
    {"Sep 18 09:12:44 gw xinetd[310]: START: telnet pid=4567 from=198.18.0.7", "xinetd"},
    {"01/9/18@09:12:44: START: telnet pid=4567 from=198.18.0.7", "xinetd"},
    {"09/18-09:12:44.123456  [**] [1:2003:8] MS-SQL Worm [**] [Priority: 2] {UDP} 198.18.0.7:1 -> 192.0.2.1:1434",
     "snort"},
    {"Sep 18 09:12:44 ids snort[1]: [1:2003:8] MS-SQL Worm [Priority: 2]: {UDP} 198.18.0.7:1 -> 192.0.2.1:1434",
     "snort"},
    {"09/18/2001-09:12:44.123456  [**] [1:2003:8] MS-SQL Worm [**] [Priority: 2] {UDP} 198.18.0.7:1 -> 192.0.2.1:1434",
     "suricata-fast"},
    {"09/18/2001-09:12:44.123456  [Drop] [**] [1:2003:8] MS-SQL Worm [**] {UDP} 198.18.0.7:1 -> 192.0.2.1:1434",
     "suricata-fast"},
    {R"({"timestamp":"2001-09-18T13:12:44Z","event_type":"alert","src_ip":"198.18.0.7"})", "suricata-eve"},
    {"Sep 18 09:12:44 bsd kernel: Connection attempt to TCP 192.0.2.1:23 from 198.18.0.7:4321 flags:0x02",
     "log_in_vain"},
    {"Sep 18 09:12:44.123456 rule 2/(match) block in on em0: 198.18.0.7.4321 > 192.0.2.1.23: S 1:1(0)", "pf"},
    {"Sep 18 09:12:44 fw kernel: ipfw: 100 Deny TCP 198.18.0.7:4321 192.0.2.1:23 in via fxp0", "ipfw"},
    {"#Fields: date time c-ip cs-method cs-uri-stem sc-status", "iis"},
    {"2001-09-18 13:12:44 198.18.0.7 GET /scripts/root.exe 404", "iis"},
    {"#fields\tts\tuid\tid.orig_h", "zeek"},
    {"1000818764.123456\tC1\t198.18.0.7\t4321\t192.0.2.1\t23\ttcp\t-\t-\t-\t-\tS0", "zeek"},
    {R"({"ts":1000818764.1,"id.orig_h":"198.18.0.7","conn_state":"S0"})", "zeek-json"},
    {"2001-09-18 09:12:44 -04:00\t12345\t1\t198.18.0.7\t4321\t192.0.2.1\t23\t6", "dshield"},
};

TEST(AutoParserTest, EveryBuiltInFormatIsRecognised) {
  for (const auto& [line, format] : kSamples) {
    EXPECT_EQ(AutoParser::DetectFormat(line), format) << line;
  }
}

TEST(AutoParserTest, EventsCarryTheFormatThatParsedThem) {
  AutoParser parser;
  ParseContext ctx;
  ctx.default_year = 2001;
  ctx.utc_offset_minutes = -240;
  ctx.tz_name = "EDT";
  testing_util::Expected want;
  want.sensor = "gw";
  want.observed_unix_seconds = 1000818764;
  want.src = "198.18.0.7";
  want.src_port = 40022;
  want.proto = v1::PROTOCOL_TCP;
  want.kind = v1::KIND_BRUTE_FORCE;
  want.signature = "failed-login";
  want.format = "sshd";
  want.utc_offset_minutes = -240;
  want.tz_name = "EDT";
  testing_util::ExpectParsed(parser, ctx, kSamples[4].first, want);
  for (const auto& [line, format] : kSamples) {
    v1::ProbeEvent event;
    if (parser.Parse(line, ctx, &event).outcome == ParseOutcome::kEvent) {
      EXPECT_EQ(event.format(), format) << line;
    }
  }
}

TEST(AutoParserTest, HeadersAreLearnedThroughAuto) {
  AutoParser parser;
  ParseContext ctx;
  v1::ProbeEvent event;
  EXPECT_TRUE(parser.learns_header());
  const std::string data = "2001-09-18 13:12:44 192.0.2.1 198.18.0.7 /scripts/root.exe";
  // The default IIS layout finds no request in it: not a probe.
  EXPECT_EQ(parser.Parse(data, ctx, &event).outcome, ParseOutcome::kNotProbe);
  EXPECT_EQ(parser.Parse("#Fields: date time s-ip c-ip cs-uri-stem", ctx, &event).outcome, ParseOutcome::kNotProbe);
  ASSERT_EQ(parser.Parse(data, ctx, &event).outcome, ParseOutcome::kEvent);
  EXPECT_EQ(event.src(), testing_util::AddressBytes("198.18.0.7"));
  EXPECT_EQ(event.dst(), testing_util::AddressBytes("192.0.2.1"));
  EXPECT_EQ(event.format(), "iis");
}

TEST(AutoParserTest, UnknownAndBadLinesAreCounted) {
  AutoParser parser;
  ParseContext ctx;
  testing_util::ExpectOutcome(parser, ctx, "Sep 18 09:12:44 gw cron[1]: (root) CMD (run-parts)", ParseOutcome::kNotProbe,
                              kReasonNoProbe);
  testing_util::ExpectOutcome(parser, ctx, "", ParseOutcome::kNotProbe, kReasonEmpty);
  testing_util::ExpectOutcome(parser, ctx, std::string("junk\0junk", 9), ParseOutcome::kRejected, kReasonBinary);
  testing_util::ExpectOutcome(parser, ctx, std::string(kMaxLineLength + 1, 'x'), ParseOutcome::kRejected,
                              kReasonTooLong);
}

}  // namespace
}  // namespace abuseflow::ingest
