#include "ingest/tcpwrappers_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

constexpr int64_t kStamp = 1000818764;  // 2001-09-18 09:12:44 EDT

class TcpWrappersParserTest : public ::testing::Test {
 protected:
  TcpWrappersParserTest() {
    ctx_ = testing_util::EdtContext();
  }
  static Expected Want(std::string src, std::string daemon) {
    Expected e;
    e.sensor = "gw";
    e.observed_unix_seconds = kStamp;
    e.src = std::move(src);
    e.proto = v1::PROTOCOL_TCP;
    e.kind = v1::KIND_CONNECTION_ATTEMPT;
    e.signature = std::move(daemon);
    e.format = "tcpwrappers";
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  TcpWrappersParser parser_;
  ParseContext ctx_;
};

TEST_F(TcpWrappersParserTest, RefusalsNameTheDaemon) {
  ExpectParsed(parser_, ctx_, "Sep 18 09:12:44 gw in.telnetd[4567]: refused connect from 198.18.0.7",
               Want("198.18.0.7", "in.telnetd"));
  ExpectParsed(parser_, ctx_, "Sep 18 09:12:44 gw in.fingerd[4567]: refused connect from root@198.18.0.7",
               Want("198.18.0.7", "in.fingerd"));
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44 gw sshd[4567]: refused connect from ::ffff:198.18.0.7 (::ffff:198.18.0.7)",
               Want("198.18.0.7", "sshd"));
  ExpectParsed(parser_, ctx_, "Sep 18 09:12:44 gw portmap[77]: refused connect from scan.example.net (2001:db8::7)",
               Want("2001:db8::7", "portmap"));
}

TEST_F(TcpWrappersParserTest, AcceptedConnectionsAndWarningsAreNotProbes) {
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 gw in.telnetd[4567]: connect from 198.18.0.7",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 gw in.telnetd[4567]: warning: can't get client address",
                ParseOutcome::kNotProbe, kReasonNoProbe);
}

TEST_F(TcpWrappersParserTest, BadInputIsRejectedWithItsReason) {
  testing_util::ExpectHostName(parser_, ctx_, "Sep 18 09:12:44 gw in.telnetd[1]: refused connect from scan.example.net",
                               "scan.example.net");
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 gw in.telnetd[1]: refused connect from 999.1.1.1",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, "Sep 18 25:12:44 gw in.telnetd[1]: refused connect from 198.18.0.7",
                ParseOutcome::kRejected, kReasonBadTime);
  ExpectOutcome(parser_, ctx_, "refused connect from 198.18.0.7", ParseOutcome::kRejected, kReasonMalformed);
}

}  // namespace
}  // namespace abuseflow::ingest
