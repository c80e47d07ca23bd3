// ASN overrides of OverrideSource ([[enrich.override]] asns, enrich.asn_table).
#include <gtest/gtest.h>

#include "enrich/override_source.h"

namespace abuseflow::enrich {
namespace {

constexpr const char* kTable = ABUSEFLOW_OFFLINE_FIXTURES "/routeviews-rv2-20241130-1200.pfx2as";

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

AsnTable Table() {
  AsnTable table;
  EXPECT_TRUE(table.Load(kTable).ok());
  return table;
}

core::OwnerOverrideConfig Entry(std::vector<std::string> prefixes, std::vector<uint32_t> asns,
                                std::string contact) {
  core::OwnerOverrideConfig entry;
  entry.prefixes = std::move(prefixes);
  entry.asns = std::move(asns);
  entry.contact = std::move(contact);
  return entry;
}

std::string ContactOf(const OverrideSource& overrides, std::string_view address) {
  const v1::OwnerRecord* record = overrides.Lookup(Ip(address));
  return record == nullptr ? "" : record->abuse(0);
}

TEST(OverrideAsnTest, EveryAddressAnnouncedByTheAsnGetsTheFixedContact) {
  OverrideSource overrides({Entry({}, {64500}, "isp@example.net")}, Table());
  EXPECT_EQ(ContactOf(overrides, "198.51.100.7"), "isp@example.net");
  EXPECT_EQ(ContactOf(overrides, "198.51.200.1"), "isp@example.net");  // the /16
  EXPECT_EQ(ContactOf(overrides, "192.0.2.1"), "isp@example.net");
  EXPECT_EQ(ContactOf(overrides, "2001:db8:1ff::1"), "isp@example.net");
  EXPECT_EQ(ContactOf(overrides, "8.18.3.4"), "isp@example.net");  // 3356_64500
  const v1::OwnerRecord* record = overrides.Lookup(Ip("198.51.100.7"));
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->cidrs(0), "198.51.100.0/24");
  EXPECT_EQ(record->netname(), "override-AS64500");
  EXPECT_EQ(record->provenance().source(), "override");
  EXPECT_EQ(record->provenance().server(), "config");
  EXPECT_EQ(overrides.size(), 5u);
}

TEST(OverrideAsnTest, AMoreSpecificAnnouncementOfAnotherAsnIsNotOverridden) {
  OverrideSource overrides({Entry({}, {64500}, "isp@example.net")}, Table());
  EXPECT_EQ(ContactOf(overrides, "198.51.7.7"), "");  // 198.51.7.0/24 is AS64999's
  EXPECT_EQ(ContactOf(overrides, "10.0.0.1"), "");    // not announced
  EXPECT_EQ(ContactOf(overrides, "203.0.113.1"), "");
}

TEST(OverrideAsnTest, MultiOriginAndAsSetMatchAnyOriginTheFirstListedWinning) {
  OverrideSource overrides({Entry({}, {64502}, "second@example.net"),
                            Entry({}, {64511}, "set@example.net")},
                           Table());
  EXPECT_EQ(ContactOf(overrides, "203.0.113.9"), "second@example.net");  // 64501_64502
  EXPECT_EQ(ContactOf(overrides, "203.0.112.9"), "set@example.net");     // 64510,64511
  OverrideSource both({Entry({}, {64502}, "second@example.net"),
                       Entry({}, {64501}, "first@example.net")},
                      Table());
  EXPECT_EQ(ContactOf(both, "203.0.113.9"), "first@example.net");
  // A later entry wins for the same ASN.
  OverrideSource twice({Entry({}, {64511}, "old@example.net"), Entry({}, {64511}, "new@example.net")},
                       Table());
  EXPECT_EQ(ContactOf(twice, "203.0.112.9"), "new@example.net");
}

TEST(OverrideAsnTest, APrefixOverrideWinsOverAnAsnOverrideEvenWhenLessSpecific) {
  OverrideSource overrides({Entry({}, {64500}, "isp@example.net"),
                            Entry({"198.51.100.128/25"}, {}, "customer@example.net"),
                            Entry({"192.0.0.0/8"}, {}, "wide@example.net")},
                           Table());
  EXPECT_EQ(ContactOf(overrides, "198.51.100.200"), "customer@example.net");
  EXPECT_EQ(ContactOf(overrides, "198.51.100.1"), "isp@example.net");
  EXPECT_EQ(ContactOf(overrides, "192.0.2.1"), "wide@example.net");  // /8 over the announced /24
}

TEST(OverrideAsnTest, AsnsWithoutATableOverrideNothing) {
  OverrideSource overrides({Entry({}, {64500}, "isp@example.net")});
  EXPECT_TRUE(overrides.empty());
  EXPECT_EQ(overrides.Lookup(Ip("198.51.100.7")), nullptr);
}

TEST(OverrideAsnTest, FreeScopeAvoidsAnnouncedPrefixesAndStaysInsideAnotherOrigins) {
  OverrideSource overrides({Entry({}, {64500}, "isp@example.net")}, Table());
  EXPECT_EQ(overrides.FreeScope(Ip("10.1.1.1")).ToString(), "10.0.0.0/7");  // clear of 8.18/16
  EXPECT_EQ(overrides.FreeScope(Ip("198.51.7.7")).ToString(), "198.51.7.0/24");
  EXPECT_EQ(overrides.FreeScope(Ip("2001:db8:200::1")).ToString(), "2001:db8:200::/39");
}

}  // namespace
}  // namespace abuseflow::enrich
