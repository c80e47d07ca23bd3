#include "ingest/portsentry_parser.h"

#include <gtest/gtest.h>

#include <string>

#include "ingest/parser_test_util.h"

namespace abuseflow::ingest {
namespace {

using testing_util::ExpectOutcome;
using testing_util::ExpectParsed;
using testing_util::Expected;

// 2001-09-18 09:12:44 EDT is 13:12:44 UTC.
constexpr int64_t kStamp = 1000818764;

class PortsentryParserTest : public ::testing::Test {
 protected:
  PortsentryParserTest() {
    ctx_ = testing_util::EdtContext();
  }
  Expected Want(std::string src, uint32_t port, v1::Protocol proto, v1::Kind kind, std::string sig) {
    Expected e;
    e.sensor = "gw";
    e.observed_unix_seconds = kStamp;
    e.src = std::move(src);
    e.dst_port = port;
    e.proto = proto;
    e.kind = kind;
    e.signature = std::move(sig);
    e.format = "portsentry";
    e.utc_offset_minutes = -240;
    e.tz_name = "EDT";
    return e;
  }

  PortsentryParser parser_;
  ParseContext ctx_;
};

TEST_F(PortsentryParserTest, ConnectLineIsAConnectionAttempt) {
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44 gw portsentry[412]: attackalert: Connect from host: "
               "dialup-7.example.net/198.18.0.7 to TCP port: 143",
               Want("198.18.0.7", 143, v1::PROTOCOL_TCP, v1::KIND_CONNECTION_ATTEMPT, "connect"));
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44 gw portsentry[412]: attackalert: Connect from host: 198.18.0.8/198.18.0.8 "
               "to UDP port: 31337",
               Want("198.18.0.8", 31337, v1::PROTOCOL_UDP, v1::KIND_CONNECTION_ATTEMPT, "connect"));
}

TEST_F(PortsentryParserTest, ExtraSpacesAfterTheTagAsRsyslogForwardsThem) {
  // rsyslog's RFC 5424 forwarding keeps a traditional message's leading space.
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44 gw portsentry[412]:  attackalert: Connect from host: "
               "198.18.0.9/198.18.0.9 to TCP port: 143",
               Want("198.18.0.9", 143, v1::PROTOCOL_TCP, v1::KIND_CONNECTION_ATTEMPT, "connect"));
}

TEST_F(PortsentryParserTest, StealthScansArePortScansNamedByType) {
  const std::string head = "Sep 18 09:12:44 gw portsentry[412]: attackalert: ";
  ExpectParsed(parser_, ctx_, head + "SYN/Normal scan from host: 198.18.0.7/198.18.0.7 to TCP port: 23",
               Want("198.18.0.7", 23, v1::PROTOCOL_TCP, v1::KIND_PORT_SCAN, "syn-scan"));
  ExpectParsed(parser_, ctx_, head + "TCP SYN/Normal scan from host: scanner.example.org/198.18.0.9 to TCP port: 79",
               Want("198.18.0.9", 79, v1::PROTOCOL_TCP, v1::KIND_PORT_SCAN, "syn-scan"));
  ExpectParsed(parser_, ctx_, head + "FIN stealth scan from host: 198.18.0.7/198.18.0.7 to TCP port: 111",
               Want("198.18.0.7", 111, v1::PROTOCOL_TCP, v1::KIND_PORT_SCAN, "fin-scan"));
  ExpectParsed(parser_, ctx_, head + "XMAS stealth scan from host: 198.18.0.7/198.18.0.7 to TCP port: 1",
               Want("198.18.0.7", 1, v1::PROTOCOL_TCP, v1::KIND_PORT_SCAN, "xmas-scan"));
  ExpectParsed(parser_, ctx_, head + "NULL stealth scan from host: 198.18.0.7/198.18.0.7 to TCP port: 12345",
               Want("198.18.0.7", 12345, v1::PROTOCOL_TCP, v1::KIND_PORT_SCAN, "null-scan"));
  ExpectParsed(parser_, ctx_, head + "UDP scan from host: 198.18.0.7/198.18.0.7 to UDP port: 137",
               Want("198.18.0.7", 137, v1::PROTOCOL_UDP, v1::KIND_PORT_SCAN, "udp-scan"));
  ExpectParsed(parser_, ctx_,
               head + "Unknown Type: TCP Packet Flags: SYN: 1 FIN: 1 ACK: 0 PSH: 0 URG: 0 RST: 0 from host: "
                      "198.18.0.7/198.18.0.7 to TCP port: 6000",
               Want("198.18.0.7", 6000, v1::PROTOCOL_TCP, v1::KIND_PORT_SCAN, "unknown-scan"));
}

TEST_F(PortsentryParserTest, BlockedHostLinesAreEvents) {
  const std::string head = "Sep 18 09:12:44 gw portsentry[412]: attackalert: ";
  ExpectParsed(parser_, ctx_, head + "Host 198.18.0.7 has been blocked via wrappers with string: \"ALL: 198.18.0.7\"",
               Want("198.18.0.7", 0, v1::PROTOCOL_UNSPECIFIED, v1::KIND_PORT_SCAN, "blocked"));
  ExpectParsed(parser_, ctx_,
               head + "Host 198.18.0.7 has been blocked via dropped route using command: "
                      "\"/sbin/iptables -I INPUT -s 198.18.0.7 -j DROP\"",
               Want("198.18.0.7", 0, v1::PROTOCOL_UNSPECIFIED, v1::KIND_PORT_SCAN, "blocked"));
  ExpectParsed(parser_, ctx_, head + "Host: dialup-7.example.net/198.18.0.7 is already blocked. Ignoring",
               Want("198.18.0.7", 0, v1::PROTOCOL_UNSPECIFIED, v1::KIND_PORT_SCAN, "already-blocked"));
}

TEST_F(PortsentryParserTest, Release2ScanLinesInSyslogAndInTheirOwnFile) {
  const std::string body =
      "Scan from: [198.18.0.7] (198.18.0.7) protocol: [TCP] port: [23] type: [Connect] IP opts: [unknown] "
      "ignored: [false] triggered: [true] noblock: [true] blocked: [false]";
  ExpectParsed(parser_, ctx_, "Sep 18 09:12:44 gw portsentry[9]: " + body,
               Want("198.18.0.7", 23, v1::PROTOCOL_TCP, v1::KIND_CONNECTION_ATTEMPT, "connect"));
  ctx_.sensor = "sentry1";
  Expected own = Want("198.18.0.7", 23, v1::PROTOCOL_TCP, v1::KIND_CONNECTION_ATTEMPT, "connect");
  own.sensor = "sentry1";
  own.micros = 123000;
  own.utc_offset_minutes = 0;
  own.tz_name = "GMT+0000";
  ExpectParsed(parser_, ctx_, "2001-09-18T13:12:44.123+0000 " + body, own);
  Expected udp = Want("2001:db8::7", 53, v1::PROTOCOL_UDP, v1::KIND_PORT_SCAN, "udp-scan");
  udp.sensor = "sentry1";
  ExpectParsed(parser_, ctx_,
               "Sep 18 09:12:44 gw portsentry[9]: Scan from: [2001:db8::7] (2001:db8::7) protocol: [UDP] "
               "port: [53] type: [UDP scan] IP opts: [unknown] ignored: [false] triggered: [true]",
               udp);
}

TEST_F(PortsentryParserTest, OtherMessagesAreNotProbes) {
  ExpectOutcome(parser_, ctx_, "Sep 18 09:12:44 gw portsentry[412]: adminalert: PortSentry is now active and listening.",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_,
                "Sep 18 09:12:44 gw portsentry[9]: Scan from: [198.18.0.7] (x) protocol: [TCP] port: [23] "
                "type: [Connect] IP opts: [unknown] ignored: [true] triggered: [false]",
                ParseOutcome::kNotProbe, kReasonNoProbe);
  ExpectOutcome(parser_, ctx_, "", ParseOutcome::kNotProbe, kReasonEmpty);
}

TEST_F(PortsentryParserTest, BadInputIsRejectedWithItsReason) {
  const std::string head = "Sep 18 09:12:44 gw portsentry[412]: attackalert: ";
  testing_util::ExpectHostName(parser_, ctx_,
                               head + "Connect from host: dialup-7.example.net/dialup-7.example.net to TCP port: 1",
                               "dialup-7.example.net");
  ExpectOutcome(parser_, ctx_, head + "Connect from host: 999.1.1.1/999.1.1.1 to TCP port: 1",
                ParseOutcome::kRejected, kReasonBadAddress);
  ExpectOutcome(parser_, ctx_, head + "Connect from host: 198.18.0.7/198.18.0.7 to TCP port: 70000",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, head + "Connect from host: 198.18.0.7/198.18.0.7 to TCP",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, "Feb 30 09:12:44 gw portsentry[1]: attackalert: Connect from host: 1.2.3.4/1.2.3.4 to TCP port: 1",
                ParseOutcome::kRejected, kReasonBadTime);
  ExpectOutcome(parser_, ctx_, "attackalert: Connect from host: 1.2.3.4/1.2.3.4 to TCP port: 1",
                ParseOutcome::kRejected, kReasonMalformed);
  ExpectOutcome(parser_, ctx_, std::string("Sep 18 09:12:44 gw portsentry\0", 30), ParseOutcome::kRejected,
                kReasonBinary);
}

}  // namespace
}  // namespace abuseflow::ingest
