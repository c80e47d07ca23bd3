#include "ingest/xinetd_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT
const std::string kHead = "Sep 18 09:12:44 gw xinetd[310]: ";

class XinetdParserTest : public ::testing::Test {
 protected:
  XinetdParserTest() {
    ctx_ = testing_util::EdtContext();
  }
  static Expected Want(std::string src, std::string sig, std::string sensor = "gw") {
    Expected e;
    e.sensor = std::move(sensor);
    e.observed_unix_seconds = kStamp;
    e.src = std::move(src);
    e.proto = v1::PROTOCOL_TCP;
    e.kind = v1::KIND_CONNECTION_ATTEMPT;
    e.signature = std::move(sig);
    e.format = "xinetd";
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  XinetdParser parser_;
  ParseContext ctx_;
};

TEST_F(XinetdParserTest, StartLinesWithAndWithoutPid) {
  ExpectParsed(parser_, ctx_, kHead + "START: telnet pid=4567 from=198.18.0.7", Want("198.18.0.7", "telnet start"));
  ExpectParsed(parser_, ctx_, kHead + "START: ftp from=::ffff:198.18.0.7", Want("198.18.0.7", "ftp start"));
  ExpectParsed(parser_, ctx_, kHead + "START: shell pid=9 from=2001:db8::7", Want("2001:db8::7", "shell start"));
}

TEST_F(XinetdParserTest, FailAndLibwrapRefusals) {
  ExpectParsed(parser_, ctx_, kHead + "FAIL: telnet libwrap from=198.18.0.7", Want("198.18.0.7", "telnet fail libwrap"));
  ExpectParsed(parser_, ctx_, kHead + "FAIL: ftp connections per second from=198.18.0.7",
               Want("198.18.0.7", "ftp fail connections per second"));
  ExpectParsed(parser_, ctx_, kHead + "FAIL: imap address from=198.18.0.7", Want("198.18.0.7", "imap fail address"));
  ExpectParsed(parser_, ctx_, kHead + "libwrap refused connection to telnet (libwrap=in.telnetd) from 198.18.0.7",
               Want("198.18.0.7", "telnet libwrap"));
}

TEST_F(XinetdParserTest, OwnLogFileUsesItsStampAndTheContextZone) {
  ctx_.sensor = "gw2";
  ExpectParsed(parser_, ctx_, "01/9/18@09:12:44: START: telnet pid=4567 from=198.18.0.7",
               Want("198.18.0.7", "telnet start", "gw2"));
  ExpectParsed(parser_, ctx_, "01/9/18@09:12:44: FAIL: telnet libwrap from=198.18.0.7",
               Want("198.18.0.7", "telnet fail libwrap", "gw2"));
}

TEST_F(XinetdParserTest, OtherLinesAreNotProbes) {
  ExpectOutcome(parser_, ctx_, kHead + "EXIT: telnet status=0 pid=4567 duration=3(sec)", ParseOutcome::kNotProbe,
                kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, kHead + "Reading included configuration file", ParseOutcome::kNotProbe,
                kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 gw sshd[1]: START: x from=198.18.0.7", ParseOutcome::kNotProbe,
                kReasonNoProbe);
}

TEST_F(XinetdParserTest, BadInputIsRejectedWithItsReason) {
  ExpectOutcome(parser_, ctx_, kHead + "START: telnet pid=1 from=999.1.1.1", ParseOutcome::kRejected,
                kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, kHead + "START: telnet pid=1", ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "01/2/30@09:12:44: START: telnet from=198.18.0.7", ParseOutcome::kRejected,
                kReasonBadTime);
  ExpectOutcome(parser_, ctx_, "START: telnet from=198.18.0.7", ParseOutcome::kRejected, kReasonMalformed);
}

}  // namespace
}  // namespace abuseflow::ingest
