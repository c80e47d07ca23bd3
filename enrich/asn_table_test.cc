#include "enrich/asn_table.h"

#include <gtest/gtest.h>

#include <sstream>

namespace abuseflow::enrich {
namespace {

constexpr const char* kTable = ABUSEFLOW_OFFLINE_FIXTURES "/routeviews-rv2-20241130-1200.pfx2as";

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

std::vector<uint32_t> Origins(const AsnTable& table, std::string_view address) {
  auto match = table.Lookup(Ip(address));
  if (!match) return {};
  return {match->origins.begin(), match->origins.end()};
}

TEST(Prefix2AsLineTest, SingleMultiOriginAndAsSetForms) {
  auto line = ParsePrefix2AsLine("1.0.0.0\t24\t13335");
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_TRUE(line->entry);
  EXPECT_EQ(line->prefix.ToString(), "1.0.0.0/24");
  EXPECT_EQ(line->origins, (std::vector<uint32_t>{13335}));
  line = ParsePrefix2AsLine("1.0.4.0\t22\t4847_58851_4808");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->origins, (std::vector<uint32_t>{4847, 58851, 4808}));
  line = ParsePrefix2AsLine("2001:db8::\t32\t64496,64497");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->prefix.ToString(), "2001:db8::/32");
  EXPECT_EQ(line->origins, (std::vector<uint32_t>{64496, 64497}));
  line = ParsePrefix2AsLine("192.0.2.0 24  64500_64501,64502_64500");  // spaces, mixed, repeat
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->origins, (std::vector<uint32_t>{64500, 64501, 64502}));
  line = ParsePrefix2AsLine("0.0.0.0\t0\t4294967295");
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(line->origins, (std::vector<uint32_t>{4294967295u}));
}

TEST(Prefix2AsLineTest, BlankAndCommentLinesAreNoEntry) {
  for (const char* text : {"", " \t ", "# comment"}) {
    auto line = ParsePrefix2AsLine(text);
    ASSERT_TRUE(line.ok()) << text;
    EXPECT_FALSE(line->entry);
  }
}

TEST(Prefix2AsLineTest, GarbageIsRejectedWithTheReason) {
  std::string many = "192.0.2.0\t24\t1";
  for (int i = 2; i <= 70; ++i) many += "_" + std::to_string(i);
  const std::string bad[] = {
      "192.0.2.0\t24",                 // two fields
      "192.0.2.0\t24\t64500\textra",   // four
      "192.0.2\t24\t64500",            // not an address
      "192.0.2.0\t33\t64500",          // length past the family
      "192.0.2.0\t-1\t64500",
      "192.0.2.1\t24\t64500",          // host bits set
      "192.0.2.0\t24\tAS64500",
      "192.0.2.0\t24\t4294967296",     // past 32 bits
      "192.0.2.0\t24\t64500_",         // empty origin
      "192.0.2.0\t24\t_64500",
      "192.0.2.0\t24\t64500,,64501",
      "192.0.2.0\t24\t1.5",            // asdot
      "2001:db8::\t129\t64500",
      "\xff\xfe\t\x01\t\x02",
      many,                             // over 64 origins
  };
  for (const std::string& text : bad) {
    auto line = ParsePrefix2AsLine(text);
    EXPECT_FALSE(line.ok()) << text;
  }
}

TEST(AsnTableTest, FixtureGivesTheOriginsOfTheMostSpecificPrefix) {
  AsnTable table;
  ASSERT_TRUE(table.Load(kTable).ok());
  EXPECT_EQ(table.stats().prefixes, 8u);
  EXPECT_EQ(table.stats().malformed, 0u);
  EXPECT_EQ(Origins(table, "198.51.100.7"), (std::vector<uint32_t>{64500}));
  EXPECT_EQ(Origins(table, "198.51.7.7"), (std::vector<uint32_t>{64999}));
  EXPECT_EQ(Origins(table, "198.51.200.1"), (std::vector<uint32_t>{64500}));
  EXPECT_EQ(Origins(table, "203.0.113.9"), (std::vector<uint32_t>{64501, 64502}));
  EXPECT_EQ(Origins(table, "203.0.112.9"), (std::vector<uint32_t>{64510, 64511}));
  EXPECT_EQ(Origins(table, "2001:db8:100:1::1"), (std::vector<uint32_t>{64500}));
  EXPECT_TRUE(Origins(table, "10.0.0.1").empty());
  EXPECT_EQ(table.Lookup(Ip("198.51.7.7"))->prefix.ToString(), "198.51.7.0/24");
}

TEST(AsnTableTest, MalformedLinesAreCountedAndSkipped) {
  std::istringstream in("192.0.2.0\t24\t64500\nnonsense\n198.51.100.0\t24\tx\n" +
                        std::string(9000, '1') + "\n2001:db8::\t32\t64501\n");
  AsnTable table;
  ASSERT_TRUE(table.Add(&in, "test").ok());
  EXPECT_EQ(table.stats().malformed, 3u);
  EXPECT_EQ(table.stats().prefixes, 2u);
  EXPECT_EQ(Origins(table, "2001:db8::1"), (std::vector<uint32_t>{64501}));
}

TEST(AsnTableTest, TheSamePrefixListedTwiceKeepsTheLaterLine) {
  std::istringstream in("192.0.2.0\t24\t64500\n192.0.2.0\t24\t64501_64502\n");
  AsnTable table;
  ASSERT_TRUE(table.Add(&in, "test").ok());
  EXPECT_EQ(Origins(table, "192.0.2.1"), (std::vector<uint32_t>{64501, 64502}));
}

TEST(AsnTableTest, MissingFileIsAnIoErrorNamingIt) {
  AsnTable table;
  core::Status s = table.Load("/nonexistent/pfx2as");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/pfx2as"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::enrich
