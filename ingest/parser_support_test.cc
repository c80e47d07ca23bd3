#include "ingest/parser_support.h"

#include <gtest/gtest.h>

#include <string>

namespace abuseflow::ingest {
namespace {

using namespace std::string_literals;

class ParserSupportTest : public ::testing::Test {};

TEST_F(ParserSupportTest, PlainLinePassesAndIsAscii) {
  const LineCheck check = CheckLine("a perfectly\tordinary line of text");
  EXPECT_TRUE(check.reject.empty());
  EXPECT_TRUE(check.ascii);
  EXPECT_EQ(check.line, "a perfectly\tordinary line of text");
}

TEST_F(ParserSupportTest, OneTrailingCarriageReturnIsDropped) {
  const LineCheck check = CheckLine("text\r");
  EXPECT_TRUE(check.reject.empty());
  EXPECT_EQ(check.line, "text");
  EXPECT_EQ(CheckLine("text\r\r").reject, kReasonBinary);
}

TEST_F(ParserSupportTest, ControlBytesAnywhereAreBinary) {
  const std::string base = "0123456789abcdefghijklmnopqrstuvwxyz";
  for (size_t pos = 0; pos < base.size(); ++pos) {
    for (char bad : {'\0', '\x01', '\x1b', '\x7f', '\n', '\x1f'}) {
      std::string line = base;
      line[pos] = bad;
      EXPECT_EQ(CheckLine(line).reject, kReasonBinary) << "pos " << pos << " byte " << int(bad);
    }
  }
}

TEST_F(ParserSupportTest, NonAsciiBytesAreNotBinary) {
  const LineCheck check = CheckLine("caf\xc3\xa9 \xff\xfe latin-1 \xe9t\xe9");
  EXPECT_TRUE(check.reject.empty());
  EXPECT_FALSE(check.ascii);
  EXPECT_FALSE(CheckLine("0123456789\xe9").ascii);
}

TEST_F(ParserSupportTest, LinesOverTheLimitAreTooLong) {
  EXPECT_TRUE(CheckLine(std::string(kMaxLineLength, 'a')).reject.empty());
  EXPECT_EQ(CheckLine(std::string(kMaxLineLength + 1, 'a')).reject, kReasonTooLong);
}

TEST_F(ParserSupportTest, InvalidBytesBecomeReplacementCharacters) {
  std::string out = "old contents";
  AssignUtf8("GET /\xc3\x28 x\xff\xfe\xe2\x82\xac", false, &out);
  EXPECT_EQ(out, "GET /\xef\xbf\xbd( x\xef\xbf\xbd\xef\xbf\xbd\xe2\x82\xac");
  EXPECT_TRUE(IsValidUtf8(out));
  AssignUtf8("caf\xc3\xa9", false, &out);
  EXPECT_EQ(out, "caf\xc3\xa9");
  AssignUtf8("ascii", true, &out);
  EXPECT_EQ(out, "ascii");
  AssignUtf8("\xe2\x82", false, &out);
  EXPECT_EQ(out, "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST_F(ParserSupportTest, AddressesParseToNetworkOrderBytes) {
  std::string bytes;
  auto v4 = ParseAddress("192.0.2.7");
  ASSERT_TRUE(v4);
  AssignAddress(*v4, &bytes);
  EXPECT_EQ(bytes, "\xc0\x00\x02\x07"s);
  auto v6 = ParseAddress("2001:db8::1");
  ASSERT_TRUE(v6);
  AssignAddress(*v6, &bytes);
  EXPECT_EQ(bytes, "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"s);
}

TEST_F(ParserSupportTest, MappedIpv4BecomesIpv4) {
  auto mapped = ParseAddress("::ffff:192.0.2.7");
  ASSERT_TRUE(mapped);
  EXPECT_TRUE(mapped->is_v4());
  EXPECT_EQ(mapped->ToString(), "192.0.2.7");
  EXPECT_FALSE(ParseAddress("::1")->is_v4());
}

TEST_F(ParserSupportTest, BadAddressesDoNotParse) {
  EXPECT_FALSE(ParseAddress("999.1.1.1"));
  EXPECT_FALSE(ParseAddress("1.2.3"));
  EXPECT_FALSE(ParseAddress("2001:db8::zz"));
  EXPECT_FALSE(ParseAddress(""));
  EXPECT_FALSE(ParseAddress("host.example.com"));
}

TEST_F(ParserSupportTest, ZoneNameComesFromContextWhenOffsetsAgree) {
  ParseContext ctx;
  ctx.utc_offset_minutes = -300;
  ctx.tz_name = "EST";
  v1::ProbeEvent event;
  SetZone(ctx, -300, &event);
  EXPECT_EQ(event.utc_offset_minutes(), -300);
  EXPECT_EQ(event.tz_name(), "EST");
  SetZone(ctx, -240, &event);
  EXPECT_EQ(event.utc_offset_minutes(), -240);
  EXPECT_EQ(event.tz_name(), "GMT-0400");
}

TEST_F(ParserSupportTest, CaseInsensitiveComparisons) {
  EXPECT_TRUE(EqualsIgnoreCase("CMD.exe", "cmd.EXE"));
  EXPECT_FALSE(EqualsIgnoreCase("cmd", "cmd.exe"));
  EXPECT_TRUE(StartsWithIgnoreCase("/Default.IDA?x", "/default.ida?"));
  EXPECT_FALSE(StartsWithIgnoreCase("/def", "/default.ida?"));
  EXPECT_TRUE(EndsWithIgnoreCase("/WINNT/System32/CMD.EXE", "/winnt/system32/cmd.exe"));
  EXPECT_FALSE(EndsWithIgnoreCase("exe", "cmd.exe"));
}

}  // namespace
}  // namespace abuseflow::ingest
