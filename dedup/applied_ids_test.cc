#include "dedup/applied_ids.h"

#include <gtest/gtest.h>

namespace abuseflow::dedup {
namespace {

TEST(AppliedIdsTest, InOrderIdsKeepOneRangeAndRepeatsAreRecognised) {
  AppliedIds ids;
  for (uint64_t s = 1; s <= 1000; ++s) EXPECT_TRUE(ids.Insert("apache:/a.log", s));
  EXPECT_EQ(ids.ranges("apache:/a.log"), 1u);
  EXPECT_FALSE(ids.Insert("apache:/a.log", 500));
  EXPECT_TRUE(ids.Contains("apache:/a.log", 1000));
  EXPECT_FALSE(ids.Contains("apache:/a.log", 1001));
  EXPECT_FALSE(ids.Contains("netfilter:/a.log", 5));
}

TEST(AppliedIdsTest, GapsFillAndRangesMerge) {
  AppliedIds ids;
  ids.Insert("o", 10);
  ids.Insert("o", 12);
  ids.Insert("o", 14);
  EXPECT_EQ(ids.ranges("o"), 3u);
  ids.Insert("o", 11);
  EXPECT_EQ(ids.ranges("o"), 2u);
  ids.Insert("o", 13);
  EXPECT_EQ(ids.ranges("o"), 1u);
  EXPECT_TRUE(ids.Contains("o", 12));
  EXPECT_FALSE(ids.Contains("o", 9));
}

TEST(AppliedIdsTest, SaveAndLoadRoundTrip) {
  AppliedIds ids;
  for (uint64_t s : {1, 2, 3, 7, 9}) ids.Insert("o", s);
  EXPECT_EQ(ids.dirty().count("o"), 1u);
  AppliedIds loaded;
  loaded.Load("o", ids.Save("o"));
  for (uint64_t s = 0; s < 12; ++s) EXPECT_EQ(loaded.Contains("o", s), ids.Contains("o", s)) << s;
}

TEST(AppliedIdsTest, BoundClosesTheOldestGapAndCountsIt) {
  AppliedIds ids(4);
  for (uint64_t s = 2; s <= 20; s += 2) ids.Insert("o", s);  // ten single ranges
  EXPECT_LE(ids.ranges("o"), 4u);
  EXPECT_EQ(ids.gaps_closed(), 6u);
  EXPECT_TRUE(ids.Contains("o", 3));    // closed gap: taken as applied
  EXPECT_FALSE(ids.Contains("o", 19));  // recent gaps stay open
  EXPECT_TRUE(ids.Insert("o", 19));
  AppliedIds loaded(4);
  loaded.Load("o", ids.Save("o"));
  EXPECT_TRUE(loaded.Contains("o", 1));
  EXPECT_TRUE(loaded.Contains("o", 19));
}

}  // namespace
}  // namespace abuseflow::dedup
