#include "ingest/progress_meter.h"

#include <gtest/gtest.h>

namespace abuseflow::ingest {
namespace {

TEST(ProgressMeterTest, KnownSizeShowsPercentAndTimeLeft) {
  EXPECT_EQ(ProgressMeter::Format(25'000'000, 100'000'000, 200000, 10.0),
            "ingest: 25.0 MB of 100.0 MB (25%), 200000 lines, 20000 lines/s, 0:30 left");
}

TEST(ProgressMeterTest, UnknownSizeShowsOnlyBytesLinesAndRate) {
  EXPECT_EQ(ProgressMeter::Format(1'500'000, 0, 3000, 2.0), "ingest: 1.5 MB, 3000 lines, 1500 lines/s");
}

TEST(ProgressMeterTest, DoneOrJustStartedHasNoTimeLeft) {
  EXPECT_EQ(ProgressMeter::Format(10, 10, 1, 1.0), "ingest: 0.0 MB of 0.0 MB (100%), 1 lines, 1 lines/s");
  EXPECT_EQ(ProgressMeter::Format(0, 10, 0, 0.0), "ingest: 0.0 MB of 0.0 MB (0%), 0 lines, 0 lines/s");
}

}  // namespace
}  // namespace abuseflow::ingest
