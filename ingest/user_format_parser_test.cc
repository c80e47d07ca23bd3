#include "ingest/user_format_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "core/config.h"
#include "ingest/local_time.h"
#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::Expected;
using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT

// fail2ban's sshd failregex, reduced: matched after the syslog header.
core::FormatConfig SshdFilter() {
  core::FormatConfig f;
  f.name = "f2b-sshd";
  f.pattern =
      R"(^(?:Failed \S+ for (?:invalid user )?\S+|Invalid user \S+) from (?P<host>\S+)(?: port (?P<src_port>\d+))?)";
  f.kind = "brute-force";
  f.syslog = true;
  f.signature = "sshd-auth";
  return f;
}

// fail2ban's postfix-sasl failregex.
core::FormatConfig PostfixSasl() {
  core::FormatConfig f;
  f.name = "postfix-sasl";
  f.pattern =
      R"(^warning: [-._\w]+\[(?P<host>[^\]]+)\]: SASL (?P<signature>(?:LOGIN|PLAIN|(?:CRAM|DIGEST)-MD5) authentication failed))";
  f.kind = "brute-force";
  f.syslog = true;
  return f;
}

// A firewall with its own line format and stamp.
core::FormatConfig CustomFirewall() {
  core::FormatConfig f;
  f.name = "edgefw";
  f.pattern =
      R"(^(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) DROP proto=(?P<proto>\w+) )"
      R"(src=(?P<host>[0-9a-fA-F.:]+?):(?P<src_port>\d+) dst=(?P<dst>[0-9a-fA-F.:]+?):(?P<dst_port>\d+)$)";
  f.kind = "connection-attempt";
  f.time_format = "%Y-%m-%d %H:%M:%S";
  return f;
}

std::unique_ptr<UserFormatParser> Compiled(const core::FormatConfig& f) {
  auto parser = UserFormatParser::Compile(f);
  EXPECT_TRUE(parser.ok()) << parser.status().message();
  return parser.ok() ? std::move(parser).value() : nullptr;
}

class UserFormatParserTest : public ::testing::Test {
 protected:
  UserFormatParserTest() {
    ctx_ = testing_util::EdtContext();
  }
  Expected Want(std::string format, std::string sensor, std::string src, v1::Kind kind) const {
    Expected e;
    e.format = std::move(format);
    e.sensor = std::move(sensor);
    e.observed_unix_seconds = kStamp;
    e.src = std::move(src);
    e.kind = kind;
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }
  ParseContext ctx_;
};

TEST_F(UserFormatParserTest, Fail2banSshdFilterAfterTheSyslogHeader) {
  auto parser = Compiled(SshdFilter());
  Expected want = Want("f2b-sshd", "gw", "192.0.2.7", v1::KIND_BRUTE_FORCE);
  want.src_port = 4711;
  want.signature = "sshd-auth";
  ExpectParsed(*parser, ctx_,
               "Sep 18 09:12:44 gw sshd[4242]: Failed password for invalid user admin from "
               "192.0.2.7 port 4711 ssh2",
               want);
  want.src = "2001:db8::7";
  want.src_port = 0;
  ExpectParsed(*parser, ctx_, "Sep 18 09:12:44 gw sshd[4242]: Invalid user oracle from 2001:db8::7",
               want);
  want.src = "";
  want.src_host = "dialup-7.example.net";
  ExpectParsed(*parser, ctx_,
               "Sep 18 09:12:44 gw sshd[4242]: Invalid user oracle from dialup-7.example.net",
               want);
  ExpectOutcome(
      *parser, ctx_,
      "Sep 18 09:12:44 gw sshd[4242]: Accepted publickey for ops from 192.0.2.8 port 22 ssh2",
      ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(*parser, ctx_, "Sep 18 09:12:44 gw sshd[4242]: Invalid user oracle from 999.1.1.1",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(*parser, ctx_, "Feb 30 09:12:44 gw sshd[4242]: Invalid user oracle from 192.0.2.7",
                ParseOutcome::kRejected, kReasonBadTime);
}

TEST_F(UserFormatParserTest, PostfixSaslSignatureFromTheMatch) {
  auto parser = Compiled(PostfixSasl());
  Expected want = Want("postfix-sasl", "mx", "192.0.2.9", v1::KIND_BRUTE_FORCE);
  want.signature = "LOGIN authentication failed";
  ExpectParsed(*parser, ctx_,
               "Sep 18 09:12:44 mx postfix/smtpd[1234]: warning: unknown[192.0.2.9]: SASL LOGIN "
               "authentication "
               "failed: UGFzc3dvcmQ6",
               want);
  ctx_.sensor = "mail-relay";  // a configured sensor wins over the header's host
  want.sensor = "mail-relay";
  want.signature = "CRAM-MD5 authentication failed";
  ExpectParsed(
      *parser, ctx_,
      "Sep 18 09:12:44 mx postfix/smtpd[1234]: warning: host.example.com[192.0.2.9]: SASL CRAM-MD5 "
      "authentication failed: authentication failure",
      want);
}

TEST_F(UserFormatParserTest, CustomFirewallWithItsOwnStamp) {
  auto parser = Compiled(CustomFirewall());
  ctx_.sensor = "edge1";
  Expected want = Want("edgefw", "edge1", "192.0.2.7", v1::KIND_CONNECTION_ATTEMPT);
  want.dst = "198.51.100.2";
  want.src_port = 4242;
  want.dst_port = 23;
  want.proto = v1::PROTOCOL_TCP;
  ExpectParsed(*parser, ctx_,
               "2001-09-18 09:12:44 DROP proto=TCP src=192.0.2.7:4242 dst=198.51.100.2:23", want);
  // UDP/1434 is Slammer's: the port table makes it a worm event.
  v1::ProbeEvent event;
  ASSERT_EQ(
      parser
          ->Parse("2001-09-18 09:12:44 DROP proto=udp src=192.0.2.7:4242 dst=198.51.100.2:1434",
                  ctx_, &event)
          .outcome,
      ParseOutcome::kEvent);
  EXPECT_EQ(event.kind(), v1::KIND_WORM);
  EXPECT_EQ(event.signature(), "sql-slammer");
  ExpectOutcome(*parser, ctx_,
                "2001-09-18 09:12:44 DROP proto=TCP src=192.0.2.7:99999 dst=198.51.100.2:23",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(*parser, ctx_,
                "2001-13-18 09:12:44 DROP proto=TCP src=192.0.2.7:1 dst=198.51.100.2:23",
                ParseOutcome::kRejected, kReasonBadTime);
  ExpectOutcome(*parser, ctx_, std::string("2001-09-18 09:12:44 DROP\0", 25),
                ParseOutcome::kRejected, kReasonBinary);
  ExpectOutcome(*parser, ctx_, "", ParseOutcome::kNotProbe, kReasonEmpty);
}

TEST_F(UserFormatParserTest, TimeZoneAppliesToStampsWithoutOffset) {
  auto parser = Compiled(CustomFirewall());
  ParseContext ctx;
  ctx.sensor = "edge1";
  ctx.time_zone = *TimeZone::Find("America/New_York");
  v1::ProbeEvent event;
  ASSERT_EQ(parser
                ->Parse("2001-10-28 00:30:00 DROP proto=TCP src=192.0.2.7:1 dst=198.51.100.2:23",
                        ctx, &event)
                .outcome,
            ParseOutcome::kEvent);
  EXPECT_EQ(event.tz_name(), "EDT");
  ASSERT_EQ(parser
                ->Parse("2001-10-28 03:00:00 DROP proto=TCP src=192.0.2.7:1 dst=198.51.100.2:23",
                        ctx, &event)
                .outcome,
            ParseOutcome::kEvent);
  EXPECT_EQ(event.tz_name(), "EST");
  EXPECT_EQ(event.utc_offset_minutes(), -300);
  EXPECT_EQ(event.observed_us(), int64_t{1004256000} * 1000000);  // 08:00 UTC
}

TEST(UserFormatCompileTest, ErrorsNameTheKey) {
  core::FormatConfig f = CustomFirewall();
  f.pattern = "(?P<host>[0-9.]+";
  auto bad = UserFormatParser::Compile(f);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'pattern'"), std::string::npos) << bad.status().message();
  f = CustomFirewall();
  f.pattern = "(?P<src>[0-9.]+) (?P<time>.*)";
  EXPECT_FALSE(UserFormatParser::Compile(f).ok());
  f = CustomFirewall();
  f.time_format = "%Y-%q";
  bad = UserFormatParser::Compile(f);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'time_format'"), std::string::npos);
}

TEST(UserFormatCompileTest, MakeParserFindsUserFormatsAndBuiltInsWin) {
  const std::vector<core::FormatConfig> formats = {CustomFirewall(), SshdFilter()};
  auto parser = MakeParser("edgefw", formats);
  ASSERT_NE(parser, nullptr);
  EXPECT_EQ(parser->name(), "edgefw");
  EXPECT_EQ(MakeParser("sshd", formats)->name(), "sshd");
  EXPECT_EQ(MakeParser("nope", formats), nullptr);
  EXPECT_TRUE(CheckUserFormats(formats).ok());
  core::FormatConfig shadow = SshdFilter();
  shadow.name = "netfilter";
  core::Status s = CheckUserFormats({shadow});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("ingest.format[0].name"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace abuseflow::ingest
