#include "ingest/syslog_framing.h"

#include <gtest/gtest.h>

#include <vector>

namespace abuseflow::ingest {
namespace {

struct Split {
  std::vector<std::string> messages;
  int oversize = 0;
  int bad = 0;
};

Split SplitAll(std::string_view stream, size_t max = 100) {
  Split s;
  SplitSyslogStream(stream, max, [&](FrameResult r, std::string_view m) {
    if (r == FrameResult::kMessage) s.messages.emplace_back(m);
    if (r == FrameResult::kOversize) ++s.oversize;
    if (r == FrameResult::kBadFrame) ++s.bad;
  });
  return s;
}

using Messages = std::vector<std::string>;

TEST(SyslogFramerTest, SplitsOctetCountedFrames) {
  // As rsyslog's omfwd (TCP_Framing="octet-counted") sends them: no LF between.
  Split s = SplitAll("11 <13>1 - a b14 <13>Dec  1 x:y");
  EXPECT_EQ(s.messages, (Messages{"<13>1 - a b", "<13>Dec  1 x:y"}));
}

TEST(SyslogFramerTest, OctetCountedMessageMayHoldNewlinesAndSpaces) {
  Split s = SplitAll("9 <1>a\nb c\n5 <1>zz");
  EXPECT_EQ(s.messages, (Messages{"<1>a\nb c", "<1>zz"}));
}

TEST(SyslogFramerTest, SplitsNewlineFramesAndDropsCrAndEmptyLines) {
  Split s = SplitAll("<13>one\r\n\n<13>two\n<13>cut");
  EXPECT_EQ(s.messages, (Messages{"<13>one", "<13>two"}));
}

TEST(SyslogFramerTest, MixedFramingIsDecidedPerFrame) {
  Split s = SplitAll("<13>nl\n4 <1>x<2>y\n");
  EXPECT_EQ(s.messages, (Messages{"<13>nl", "<1>x", "<2>y"}));
}

TEST(SyslogFramerTest, OversizeCountedFrameIsSkippedWithoutBufferingIt) {
  std::string big = "500 <1>" + std::string(497, 'x');
  Split s = SplitAll(big + "5 <1>ok", 100);
  EXPECT_EQ(s.oversize, 1);
  EXPECT_EQ(s.messages, (Messages{"<1>ok"}));
}

TEST(SyslogFramerTest, OversizeNewlineFrameIsSkippedToItsEnd) {
  Split s = SplitAll("<1>" + std::string(300, 'y') + "\n<1>next\n", 100);
  EXPECT_EQ(s.oversize, 1);
  EXPECT_EQ(s.messages, (Messages{"<1>next"}));
}

TEST(SyslogFramerTest, BadOctetCountResyncsAtTheNextNewline) {
  Split s = SplitAll("12x junk\n0 \n1234567890 <1>a\n<1>good\n");
  EXPECT_EQ(s.bad, 3);
  EXPECT_EQ(s.messages, (Messages{"<1>good"}));
}

TEST(SyslogFramerTest, FrameCutAcrossFeedsWaitsForTheRest) {
  SyslogFramer framer(100);
  std::string_view m;
  framer.Feed("1");
  EXPECT_EQ(framer.Next(&m), FrameResult::kNeedMore);
  framer.Feed("0 <13>ab");
  EXPECT_EQ(framer.Next(&m), FrameResult::kNeedMore);
  EXPECT_GT(framer.pending(), 0u);
  framer.Feed("cdeXX");
  ASSERT_EQ(framer.Next(&m), FrameResult::kMessage);
  EXPECT_EQ(m, "<13>abcdeX");
}

TEST(SyslogFramerTest, JunkNeverCrashesAndStaysBounded) {
  std::string junk;
  for (int i = 0; i < 20000; ++i) junk += static_cast<char>((i * 7919) % 256);
  size_t total = 0;
  SplitSyslogStream(junk, 64, [&](FrameResult r, std::string_view m) {
    EXPECT_LE(m.size(), 64u);
    total += r == FrameResult::kMessage;
  });
  SUCCEED() << total;
}

}  // namespace
}  // namespace abuseflow::ingest
