#include "ingest/sshd_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT
const std::string kHead = "Sep 18 09:12:44 gw sshd[4242]: ";

class SshdParserTest : public ::testing::Test {
 protected:
  SshdParserTest() {
    ctx_ = testing_util::EdtContext();
  }
  static Expected Want(std::string src, uint32_t port, std::string sig,
                       v1::Kind kind = v1::KIND_BRUTE_FORCE) {
    Expected e;
    e.sensor = "gw";
    e.observed_unix_seconds = kStamp;
    e.src = std::move(src);
    e.src_port = port;
    e.proto = v1::PROTOCOL_TCP;
    e.kind = kind;
    e.signature = std::move(sig);
    e.format = "sshd";
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  SshdParser parser_;
  ParseContext ctx_;
};

TEST_F(SshdParserTest, FailedLoginsAreBruteForce) {
  ExpectParsed(parser_, ctx_, kHead + "Failed password for root from 198.18.0.7 port 40022 ssh2",
               Want("198.18.0.7", 40022, "failed-login"));
  ExpectParsed(parser_, ctx_, kHead + "Failed keyboard-interactive/pam for root from 2001:db8::7 port 5 ssh2",
               Want("2001:db8::7", 5, "failed-login"));
  ExpectParsed(parser_, ctx_, kHead + "Failed password for invalid user admin from 198.18.0.7 port 40022 ssh2",
               Want("198.18.0.7", 40022, "invalid-user"));
  ExpectParsed(parser_, ctx_, kHead + "Failed none for invalid user  from ::ffff:198.18.0.7 port 1 ssh2",
               Want("198.18.0.7", 1, "invalid-user"));
}

TEST_F(SshdParserTest, InvalidUserInEveryReleasesWording) {
  ExpectParsed(parser_, ctx_, kHead + "Invalid user oracle from 198.18.0.7 port 40022",
               Want("198.18.0.7", 40022, "invalid-user"));
  ExpectParsed(parser_, ctx_, kHead + "Invalid user oracle from 198.18.0.7", Want("198.18.0.7", 0, "invalid-user"));
  ExpectParsed(parser_, ctx_, kHead + "Illegal user test from 198.18.0.7", Want("198.18.0.7", 0, "invalid-user"));
  ExpectParsed(parser_, ctx_, kHead + "Disconnected from invalid user oracle 198.18.0.7 port 40022 [preauth]",
               Want("198.18.0.7", 40022, "invalid-user"));
  ExpectParsed(parser_, ctx_, kHead + "Connection closed by invalid user oracle 198.18.0.7 port 40022 [preauth]",
               Want("198.18.0.7", 40022, "invalid-user"));
}

TEST_F(SshdParserTest, PreauthClosesAttemptLimitsAndPam) {
  ExpectParsed(parser_, ctx_, kHead + "Connection closed by authenticating user root 198.18.0.7 port 40022 [preauth]",
               Want("198.18.0.7", 40022, "closed-preauth"));
  ExpectParsed(parser_, ctx_, kHead + "Disconnected from authenticating user root 198.18.0.7 port 40022 [preauth]",
               Want("198.18.0.7", 40022, "closed-preauth"));
  ExpectParsed(parser_, ctx_,
               kHead + "error: maximum authentication attempts exceeded for root from 198.18.0.7 port 40022 ssh2 [preauth]",
               Want("198.18.0.7", 40022, "max-auth-attempts"));
  ExpectParsed(parser_, ctx_,
               kHead + "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
                       "rhost=198.18.0.7  user=root",
               Want("198.18.0.7", 0, "pam-auth-failure"));
  ExpectParsed(parser_, ctx_, kHead + "Did not receive identification string from 198.18.0.7 port 40022",
               Want("198.18.0.7", 40022, "no-identification", v1::KIND_CONNECTION_ATTEMPT));
}

TEST_F(SshdParserTest, NewerOpenSshProgramNames) {
  ExpectParsed(parser_, ctx_, "Sep 18 09:12:44 gw sshd-session[4242]: Invalid user oracle from 198.18.0.7 port 40022",
               Want("198.18.0.7", 40022, "invalid-user"));
}

TEST_F(SshdParserTest, RepeatedMessagesAreUnwrapped) {
  ExpectParsed(parser_, ctx_,
               kHead + "message repeated 5 times: [ Failed password for root from 198.18.0.7 port 40022 ssh2]",
               Want("198.18.0.7", 40022, "failed-login"));
}

TEST_F(SshdParserTest, AUserNameCannotPlantAnotherAddress) {
  ExpectParsed(parser_, ctx_,
               kHead + "Invalid user x from 192.0.2.99 port 1 from 198.18.0.7 port 40022",
               Want("198.18.0.7", 40022, "invalid-user"));
}

TEST_F(SshdParserTest, OtherLinesAreNotProbes) {
  ExpectOutcome(parser_, ctx_, kHead + "Accepted publickey for pat from 198.18.0.7 port 40022 ssh2",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, kHead + "pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=  user=pat",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 gw su[1]: Failed password for root from 198.18.0.7 port 1 ssh2",
                ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(SshdParserTest, BadInputIsRejectedWithItsReason) {
  testing_util::ExpectHostName(parser_, ctx_, kHead + "Invalid user a from scanner.example.net port 1",
                               "scanner.example.net");
  ExpectOutcome(parser_, ctx_, kHead + "Invalid user a from 999.1.1.1 port 1", ParseOutcome::kRejected,
                kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, kHead + "Invalid user a from 198.18.0.7 port 70000", ParseOutcome::kRejected,
                kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "Sep 31 09:12:44 gw sshd[1]: Invalid user a from 198.18.0.7", ParseOutcome::kRejected,
                kReasonBadTime);
  ExpectOutcome(parser_, ctx_, "Invalid user a from 198.18.0.7", ParseOutcome::kRejected, kReasonMalformed);
}

}  // namespace
}  // namespace abuseflow::ingest
