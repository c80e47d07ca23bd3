#include "enrich/override_source.h"

#include <gtest/gtest.h>

namespace abuseflow::enrich {
namespace {

core::IpAddress Ip(std::string_view text) { return *core::IpAddress::Parse(text); }

std::vector<core::OwnerOverrideConfig> Campus() {
  core::OwnerOverrideConfig campus;
  campus.prefixes = {"10.0.0.0/8", "2001:db8::/32"};
  campus.contact = "liaison@example.edu";
  campus.owner = "Campus network";
  core::OwnerOverrideConfig lab;
  lab.prefixes = {"10.1.0.0/16"};
  lab.contact = "lab-admin@example.edu";
  lab.owner = "Physics lab";
  lab.country = "US";
  return {campus, lab};
}

TEST(OverrideSourceTest, MostSpecificOverrideAnswersWithProvenanceOverride) {
  OverrideSource overrides(Campus());
  const v1::OwnerRecord* lab = overrides.Lookup(Ip("10.1.2.3"));
  ASSERT_NE(lab, nullptr);
  EXPECT_EQ(lab->owner(), "Physics lab");
  EXPECT_EQ(lab->country(), "US");
  ASSERT_EQ(lab->abuse_size(), 1);
  EXPECT_EQ(lab->abuse(0), "lab-admin@example.edu");
  EXPECT_EQ(lab->cidrs(0), "10.1.0.0/16");
  EXPECT_EQ(lab->provenance().source(), "override");
  EXPECT_FALSE(lab->unresolved());
  const v1::OwnerRecord* campus = overrides.Lookup(Ip("10.200.0.1"));
  ASSERT_NE(campus, nullptr);
  EXPECT_EQ(campus->abuse(0), "liaison@example.edu");
  ASSERT_NE(overrides.Lookup(Ip("2001:db8:5::1")), nullptr);
  EXPECT_EQ(overrides.Lookup(Ip("192.0.2.1")), nullptr);
  EXPECT_EQ(overrides.Lookup(Ip("2001:db9::1")), nullptr);
}

TEST(OverrideSourceTest, FreeScopeMeetsNoOverride) {
  OverrideSource overrides(Campus());
  // 11.0.0.0/8 is next to 10/8: the largest prefix around 11.1.1.1 that
  // avoids 10/8 is 11.0.0.0/8.
  EXPECT_EQ(overrides.FreeScope(Ip("11.1.1.1")).ToString(), "11.0.0.0/8");
  EXPECT_EQ(overrides.FreeScope(Ip("192.0.2.1")).ToString(), "128.0.0.0/1");
  EXPECT_EQ(overrides.FreeScope(Ip("2001:db9::1")).ToString(), "2001:db9::/32");
  OverrideSource none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.FreeScope(Ip("192.0.2.1")).ToString(), "0.0.0.0/0");
}

}  // namespace
}  // namespace abuseflow::enrich
