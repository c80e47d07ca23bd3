// The Enricher with offline data: delegated statistics for the country and
// ASN overrides.
#include <gtest/gtest.h>

#include <sstream>

#include "enrich/enricher.h"

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

// Answers for 194.160.0.0/16 with `country`, knows nothing else.
class OneBlockSource : public OwnerSource {
 public:
  explicit OneBlockSource(std::string country) : country_(std::move(country)) {}
  std::string_view name() const override { return "one"; }
  std::optional<v1::OwnerRecord> Lookup(const core::IpAddress& address) override {
    ++asked_;
    if (!block_.Contains(address)) return std::nullopt;
    v1::OwnerRecord record;
    record.set_first(block_.first().ToBytes());
    record.set_last(block_.last().ToBytes());
    record.add_cidrs(block_.ToString());
    record.set_country(country_);
    record.add_abuse("abuse@one.example");
    return record;
  }
  int asked_ = 0;

 private:
  core::IpPrefix block_ = *core::IpPrefix::Parse("194.160.0.0/16");
  std::string country_;
};

DelegatedStats Delegated() {
  std::istringstream in(
      "2.3|ripencc|20241130|3|19830705|20241130|+0100\n"
      "ripencc|SK|ipv4|194.160.0.0|768|19940420|allocated|x\n"
      "ripencc|CZ|ipv4|194.160.3.0|256|19940420|allocated|y\n"
      "ripencc|DE|ipv4|203.0.113.0|256|19940420|allocated|z\n");
  DelegatedStats stats;
  EXPECT_TRUE(stats.Add(&in, "test").ok());
  return stats;
}

TEST(EnricherOfflineTest, DelegatedCountryFillsARecordWithoutOnePerAddress) {
  OwnerCache cache;
  OneBlockSource source("");
  DelegatedStats delegated = Delegated();
  Enricher enricher({&source}, &cache);
  enricher.set_delegated(&delegated, false);
  EXPECT_EQ(enricher.Resolve(Ip("194.160.2.1")).country(), "SK");
  EXPECT_EQ(enricher.Resolve(Ip("194.160.3.1")).country(), "CZ");  // same cached block
  EXPECT_EQ(enricher.Resolve(Ip("194.160.9.1")).country(), "");   // no delegated range
  EXPECT_EQ(source.asked_, 1);
  EXPECT_EQ(enricher.stats().country_from_delegated, 2u);
  // The cached block keeps the source's answer.
  EXPECT_EQ(cache.Lookup(Ip("194.160.2.1"))->country(), "");
}

TEST(EnricherOfflineTest, FillKeepsTheRecordsCountryAlwaysReplacesIt) {
  OwnerCache cache;
  OneBlockSource source("AT");
  DelegatedStats delegated = Delegated();
  Enricher fill({&source}, &cache);
  fill.set_delegated(&delegated, false);
  EXPECT_EQ(fill.Resolve(Ip("194.160.2.1")).country(), "AT");
  OwnerCache other;
  Enricher always({&source}, &other);
  always.set_delegated(&delegated, true);
  EXPECT_EQ(always.Resolve(Ip("194.160.2.1")).country(), "SK");
  EXPECT_EQ(always.Resolve(Ip("194.160.9.1")).country(), "AT");  // no range: kept
}

TEST(EnricherOfflineTest, UnresolvedAddressesGetTheCountryOverridesDoNot) {
  OwnerCache cache;
  OneBlockSource source("");
  DelegatedStats delegated = Delegated();
  core::OwnerOverrideConfig lab;
  lab.prefixes = {"194.160.3.0/24"};
  lab.contact = "liaison@example.net";
  OverrideSource overrides({lab});
  Enricher enricher({&source}, &cache);
  enricher.set_overrides(&overrides);
  enricher.set_delegated(&delegated, true);
  v1::OwnerRecord unknown = enricher.Resolve(Ip("203.0.113.5"));
  EXPECT_TRUE(unknown.unresolved());
  EXPECT_EQ(unknown.country(), "DE");
  EXPECT_EQ(enricher.Resolve(Ip("203.0.113.6")).country(), "DE");  // from the negative cache
  EXPECT_EQ(enricher.Resolve(Ip("194.160.3.1")).country(), "");    // the override's own
}

TEST(EnricherOfflineTest, AsnOverrideAnswersBeforeTheSourcesAndIsNotCachedOver) {
  std::istringstream in("194.160.2.0\t24\t64500\n194.160.0.0\t16\t64999\n");
  AsnTable table;
  ASSERT_TRUE(table.Add(&in, "test").ok());
  core::OwnerOverrideConfig isp;
  isp.asns = {64500};
  isp.contact = "isp@example.net";
  OverrideSource overrides({isp}, std::move(table));
  OwnerCache cache;
  OneBlockSource source("SK");
  Enricher enricher({&source}, &cache);
  enricher.set_overrides(&overrides);
  v1::OwnerRecord fixed = enricher.Resolve(Ip("194.160.2.9"));
  EXPECT_EQ(fixed.abuse(0), "isp@example.net");
  EXPECT_EQ(source.asked_, 0);
  EXPECT_EQ(enricher.Resolve(Ip("194.160.1.9")).abuse(0), "abuse@one.example");
  EXPECT_EQ(enricher.Resolve(Ip("194.160.2.10")).abuse(0), "isp@example.net");
  EXPECT_EQ(enricher.stats().overridden, 2u);
  // The source's /16 was cached only for the /23 around the address clear of
  // the announced /24.
  EXPECT_EQ(cache.Lookup(Ip("194.160.2.9")), nullptr);
  EXPECT_NE(cache.Lookup(Ip("194.160.0.1")), nullptr);
  EXPECT_EQ(cache.Lookup(Ip("194.160.200.1")), nullptr);
}

}  // namespace
}  // namespace abuseflow::enrich
