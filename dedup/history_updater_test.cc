#include "dedup/history_updater.h"

#include <gtest/gtest.h>

#include "core/ip_address.h"

namespace abuseflow::dedup {
namespace {

v1::EnrichedEvent Event(int64_t t, v1::Kind kind, const std::string& sig, const std::string& raw,
                        const std::string& sensor = "www1") {
  v1::EnrichedEvent e;
  e.mutable_event()->set_src(core::IpAddress::Parse("198.18.4.9")->ToBytes());
  e.mutable_event()->set_observed_us(t);
  e.mutable_event()->set_kind(kind);
  e.mutable_event()->set_signature(sig);
  e.mutable_event()->set_raw(raw);
  e.mutable_event()->set_sensor(sensor);
  e.mutable_owner()->set_owner("Kestrel Net");
  return e;
}

TEST(HistoryUpdaterTest, TracksFirstLastAndCountsByKindAndSignature) {
  v1::AddressHistory h;
  HistoryLimits limits;
  ApplyEvent(Event(200, v1::KIND_WORM, "nimda", "b"), limits, &h);
  ApplyEvent(Event(100, v1::KIND_WORM, "code-red-ii", "a"), limits, &h);
  ApplyEvent(Event(300, v1::KIND_WORM, "nimda", "c", "fw1"), limits, &h);
  ApplyEvent(Event(250, v1::KIND_CONNECTION_ATTEMPT, "", "d", "fw1"), limits, &h);
  EXPECT_EQ(h.first_seen_us(), 100);
  EXPECT_EQ(h.last_seen_us(), 300);
  EXPECT_EQ(h.count(), 4u);
  ASSERT_EQ(h.kinds_size(), 3);
  EXPECT_EQ(h.kinds(0).kind(), v1::KIND_CONNECTION_ATTEMPT);
  EXPECT_EQ(h.kinds(1).signature(), "code-red-ii");
  EXPECT_EQ(h.kinds(2).signature(), "nimda");
  EXPECT_EQ(h.kinds(2).count(), 2u);
  EXPECT_EQ(h.sensors_size(), 2);
  EXPECT_EQ(h.owner().owner(), "Kestrel Net");
}

TEST(HistoryUpdaterTest, SamplesAreBoundedInNumberAndLength) {
  v1::AddressHistory h;
  HistoryLimits limits{.sample_lines = 2, .max_line_length = 20};
  ApplyEvent(Event(1, v1::KIND_WORM, "nimda", std::string(100, 'x')), limits, &h);
  ApplyEvent(Event(2, v1::KIND_WORM, "nimda", "short"), limits, &h);
  ApplyEvent(Event(3, v1::KIND_WORM, "nimda", "dropped from sample"), limits, &h);
  ASSERT_EQ(h.samples_size(), 2);
  EXPECT_EQ(h.samples(0).line(), std::string(17, 'x') + "...");
  EXPECT_EQ(h.samples(1).line(), "short");
  EXPECT_EQ(h.count(), 3u);
}

TEST(HistoryUpdaterTest, CutNeverSplitsAUtf8Character) {
  std::string line = "ab\xC3\xA9\xC3\xA9\xC3\xA9zzzz";  // ab é é é zzzz
  EXPECT_EQ(CutLine(line, 7), "ab\xC3\xA9...");
  // Keeping 5 bytes would split the second é: back off to the boundary before it.
  EXPECT_EQ(CutLine(line, 8), "ab\xC3\xA9...");
  EXPECT_EQ(CutLine("short", 7), "short");
}

}  // namespace
}  // namespace abuseflow::dedup
