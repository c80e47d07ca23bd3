#include "notify/dshield_export.h"

#include <gtest/gtest.h>

namespace abuseflow::notify {
namespace {

// 2001-09-18T13:12:44Z
constexpr int64_t kT0 = int64_t{1000818764} * 1000000;

v1::ProbeEvent Event(const char* src, const char* dst, v1::Protocol proto, uint32_t sport,
                     uint32_t dport) {
  v1::ProbeEvent e;
  e.set_observed_us(kT0 + 250000);
  e.set_utc_offset_minutes(-240);
  if (src) e.set_src(core::IpAddress::Parse(src)->ToBytes());
  if (dst) e.set_dst(core::IpAddress::Parse(dst)->ToBytes());
  e.set_proto(proto);
  e.set_src_port(sport);
  e.set_dst_port(dport);
  return e;
}

TEST(DShieldExportTest, TimeIsTheLinesOwnOffset) {
  EXPECT_EQ(DShieldTime(kT0, -240), "2001-09-18 09:12:44 -04:00");
  EXPECT_EQ(DShieldTime(kT0, 0), "2001-09-18 13:12:44 +00:00");
  EXPECT_EQ(DShieldTime(kT0, 330), "2001-09-18 18:42:44 +05:30");
  EXPECT_EQ(DShieldTime(kT0 + 999999, 0), "2001-09-18 13:12:44 +00:00");
  EXPECT_EQ(DShieldTime(-1, 0), "1969-12-31 23:59:59 +00:00");
}

TEST(DShieldExportTest, TcpEventHasTheNineFieldsInOrder) {
  DShieldOptions o;
  o.userid = "12345";
  std::string_view skip;
  auto line = DShieldLine(Event("192.0.2.7", "198.51.100.1", v1::PROTOCOL_TCP, 4321, 80), o, &skip);
  ASSERT_TRUE(line);
  EXPECT_EQ(*line,
            "2001-09-18 09:12:44 -04:00\t12345\t1\t192.0.2.7\t4321\t198.51.100.1\t80\tTCP\t");
}

TEST(DShieldExportTest, UnknownPortsAndIcmpAreQuestionMarksAndIpv6IsKept) {
  DShieldOptions o;
  std::string_view skip;
  auto udp = DShieldLine(Event("2001:db8::7", "2001:db8::1", v1::PROTOCOL_UDP, 0, 137), o, &skip);
  ASSERT_TRUE(udp);
  EXPECT_EQ(*udp, "2001-09-18 09:12:44 -04:00\t0\t1\t2001:db8::7\t???\t2001:db8::1\t137\tUDP\t");
  auto icmp = DShieldLine(Event("192.0.2.7", "198.51.100.1", v1::PROTOCOL_ICMP, 8, 0), o, &skip);
  ASSERT_TRUE(icmp);
  EXPECT_EQ(*icmp, "2001-09-18 09:12:44 -04:00\t0\t1\t192.0.2.7\t???\t198.51.100.1\t???\tICMP\t");
}

TEST(DShieldExportTest, MissingTargetUsesTheConfiguredOneElseIsSkipped) {
  std::string_view skip;
  const v1::ProbeEvent e = Event("192.0.2.7", nullptr, v1::PROTOCOL_TCP, 1025, 80);
  EXPECT_FALSE(DShieldLine(e, DShieldOptions{}, &skip));
  EXPECT_EQ(skip, kDShieldNoTarget);
  DShieldOptions o;
  o.target = core::IpAddress::Parse("198.51.100.9");
  auto line = DShieldLine(e, o, &skip);
  ASSERT_TRUE(line);
  EXPECT_NE(line->find("\t198.51.100.9\t80\tTCP\t"), std::string::npos);
}

TEST(DShieldExportTest, EventsWithoutSourceOrKnownProtocolAreSkippedWithAReason) {
  std::string_view skip;
  EXPECT_FALSE(DShieldLine(Event(nullptr, "198.51.100.1", v1::PROTOCOL_TCP, 1, 2), {}, &skip));
  EXPECT_EQ(skip, kDShieldNoSource);
  EXPECT_FALSE(
      DShieldLine(Event("192.0.2.7", "198.51.100.1", v1::PROTOCOL_OTHER, 1, 2), {}, &skip));
  EXPECT_EQ(skip, kDShieldNoProtocol);
  EXPECT_FALSE(
      DShieldLine(Event("192.0.2.7", "198.51.100.1", v1::PROTOCOL_UNSPECIFIED, 1, 2), {}, &skip));
  EXPECT_EQ(skip, kDShieldNoProtocol);
}

}  // namespace
}  // namespace abuseflow::notify
