#include "enrich/delegated_stats.h"

#include <gtest/gtest.h>

#include <sstream>

namespace abuseflow::enrich {
namespace {

constexpr const char* kRipe = ABUSEFLOW_OFFLINE_FIXTURES "/delegated-ripencc-extended-20241130";
constexpr const char* kArin = ABUSEFLOW_OFFLINE_FIXTURES "/delegated-arin-extended-20241130";

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

std::string CountryOf(const DelegatedStats& stats, std::string_view address) {
  auto match = stats.Lookup(Ip(address));
  return match ? std::string(match->country) : "";
}

std::vector<std::string> Cidrs(const DelegatedLine& line) {
  std::vector<std::string> out;
  for (const core::IpPrefix& p : line.prefixes) out.push_back(p.ToString());
  return out;
}

TEST(DelegatedLineTest, Ipv4CountThatIsNoPowerOfTwoIsSplitIntoCidrs) {
  auto line = ParseDelegatedLine("ripencc|SK|ipv4|194.160.0.0|768|19940420|allocated|x");
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(line->kind, DelegatedLine::Kind::kRange);
  EXPECT_EQ(line->registry, "ripencc");
  EXPECT_EQ(line->country, "SK");
  EXPECT_EQ(Cidrs(*line), (std::vector<std::string>{"194.160.0.0/23", "194.160.2.0/24"}));
  line = ParseDelegatedLine("apnic|jp|ipv4|1.0.16.0|4096|20110412|allocated");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->country, "JP");
  EXPECT_EQ(Cidrs(*line), (std::vector<std::string>{"1.0.16.0/20"}));
  line = ParseDelegatedLine("arin|US|ipv4|8.0.0.3|5|19921201|assigned");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(Cidrs(*line), (std::vector<std::string>{"8.0.0.3/32", "8.0.0.4/30"}));
}

TEST(DelegatedLineTest, Ipv6ValueIsAPrefixLength) {
  auto line = ParseDelegatedLine("ripencc|DE|ipv6|2001:db8::|32|20021014|allocated|x|ext");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(Cidrs(*line), (std::vector<std::string>{"2001:db8::/32"}));
}

TEST(DelegatedLineTest, HeaderSummaryCommentAsnAndNoCountryAreRecognised) {
  using Kind = DelegatedLine::Kind;
  auto kind = [](std::string_view text) { return ParseDelegatedLine(text)->kind; };
  EXPECT_EQ(kind("2.3|ripencc|20241130|9|19830705|20241130|+0100"), Kind::kHeader);
  EXPECT_EQ(kind("2|arin|1733029200|4|19700101|20241130|-0500"), Kind::kHeader);
  EXPECT_EQ(kind("ripencc|*|ipv4|*|6|summary"), Kind::kSummary);
  EXPECT_EQ(kind("# a comment"), Kind::kComment);
  EXPECT_EQ(kind(""), Kind::kBlank);
  EXPECT_EQ(kind("  \t"), Kind::kBlank);
  EXPECT_EQ(kind("ripencc|NL|asn|3333|1|19930901|allocated|x"), Kind::kAsn);
  EXPECT_EQ(kind("ripencc||ipv4|195.0.8.0|256||available|"), Kind::kNoCountry);
  EXPECT_EQ(kind("ripencc|ZZ|ipv6|2001:db8::|32||reserved|ripencc"), Kind::kNoCountry);
}

TEST(DelegatedLineTest, MalformedLinesGiveTheReason) {
  const char* bad[] = {
      "ripencc|NL|ipv4|193.0.0.0|2048",                     // too few fields
      "ripencc|NL|ipx|193.0.0.0|2048|19930901|allocated",   // unknown type
      "ripencc|NL|ipv4|193.0.0|2048|19930901|allocated",    // bad address
      "ripencc|NL|ipv4|2001:db8::|2048|19930901|allocated", // wrong family
      "ripencc|NL|ipv4|193.0.0.0|0|19930901|allocated",     // empty range
      "ripencc|NL|ipv4|255.255.255.0|257|19930901|allocated",  // past the end
      "ripencc|NL|ipv4|193.0.0.0|-5|19930901|allocated",
      "ripencc|NL|ipv4|193.0.0.0|99999999999999999999|19930901|allocated",
      "ripencc|DE|ipv6|2001:db8::|129|20021014|allocated",
      "ripencc|DE|ipv6|2001:db8::1|32|20021014|allocated",  // host bits
      "ripencc|NLD|ipv4|193.0.0.0|2048|19930901|allocated",
      "ripencc|N1|ipv4|193.0.0.0|2048|19930901|allocated",
      "ripe ncc|NL|ipv4|193.0.0.0|2048|19930901|allocated",
      "\x01\xff|garbage",
  };
  for (const char* text : bad) {
    auto line = ParseDelegatedLine(text);
    ASSERT_FALSE(line.ok()) << text;
    EXPECT_FALSE(line.status().message().empty());
  }
}

TEST(DelegatedStatsTest, FixtureFilesGiveTheCountryOfTheMostSpecificRange) {
  DelegatedStats stats;
  ASSERT_TRUE(stats.Load(kRipe).ok());
  ASSERT_TRUE(stats.Load(kArin).ok());
  EXPECT_EQ(CountryOf(stats, "193.0.7.255"), "NL");
  EXPECT_EQ(CountryOf(stats, "193.0.8.0"), "");
  EXPECT_EQ(CountryOf(stats, "194.160.2.200"), "SK");  // the /24 of the 768
  EXPECT_EQ(CountryOf(stats, "194.160.3.0"), "");
  EXPECT_EQ(CountryOf(stats, "195.0.5.1"), "EU");
  EXPECT_EQ(CountryOf(stats, "195.0.8.1"), "");  // available
  EXPECT_EQ(CountryOf(stats, "2001:db8:1::1"), "DE");
  EXPECT_EQ(CountryOf(stats, "2001:db8:8000::1"), "FR");  // the /33 inside the /32
  EXPECT_EQ(CountryOf(stats, "8.8.8.8"), "US");
  EXPECT_EQ(CountryOf(stats, "8.18.1.1"), "CA");  // the /16 inside the /8
  auto match = stats.Lookup(Ip("8.18.1.1"));
  ASSERT_TRUE(match);
  EXPECT_EQ(match->registry, "arin");
  EXPECT_EQ(match->prefix.ToString(), "8.18.0.0/16");
  EXPECT_EQ(stats.stats().files, 2u);
  EXPECT_EQ(stats.stats().ranges, 8u);
  EXPECT_EQ(stats.stats().asn_lines, 2u);
  EXPECT_EQ(stats.stats().no_country, 2u);
  EXPECT_EQ(stats.stats().malformed, 0u);
}

TEST(DelegatedStatsTest, MalformedLinesAreCountedAndSkippedNotFatal) {
  std::istringstream in(
      "2|apnic|20241130|3|19830613|20241129|+1000\n"
      "apnic|AU|ipv4|1.0.0.0|256|20110811|assigned|A91872ED\r\n"
      "apnic|AU|ipv4|1.0.1.0|banana|20110811|assigned\n"
      "apnic|CN|ipv4|1.0.2.0|512|20110414|allocated\n" +
      std::string(10000, 'x') + "\n" +
      "apnic|JP|ipv6|2001:200::|35|19990813|allocated");  // no final newline
  DelegatedStats stats;
  ASSERT_TRUE(stats.Add(&in, "test").ok());
  EXPECT_EQ(stats.stats().malformed, 2u);
  EXPECT_EQ(stats.stats().ranges, 3u);
  EXPECT_EQ(CountryOf(stats, "1.0.0.1"), "AU");
  EXPECT_EQ(CountryOf(stats, "1.0.1.1"), "");
  EXPECT_EQ(CountryOf(stats, "1.0.3.1"), "CN");
  EXPECT_EQ(CountryOf(stats, "2001:200:1::1"), "JP");
}

TEST(DelegatedStatsTest, MissingFileIsAnIoErrorNamingIt) {
  DelegatedStats stats;
  core::Status s = stats.Load("/nonexistent/delegated-x");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/delegated-x"), std::string::npos);
  EXPECT_FALSE(stats.Load(ABUSEFLOW_OFFLINE_FIXTURES).ok());  // a directory
}

}  // namespace
}  // namespace abuseflow::enrich
