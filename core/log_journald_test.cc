#include "core/log_journald.h"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace abuseflow::core {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

TEST(LogJournaldTest, FieldsAreTheKeyValuesOfTheMessage) {
  EXPECT_EQ(LogFields("rate limited server=whois.ripe.net wait_s=30"),
            (Fields{{"server", "whois.ripe.net"}, {"wait_s", "30"}}));
  EXPECT_EQ(LogFields(R"(history write failed error="disk \"full\" now" seq=3)"),
            (Fields{{"error", "disk \"full\" now"}, {"seq", "3"}}));
  EXPECT_EQ(LogFields("done events=5"), (Fields{{"events", "5"}}));
}

TEST(LogJournaldTest, TextThatIsNotAFieldIsLeftOut) {
  EXPECT_TRUE(LogFields("a=b=c is not two").size() == 1);
  EXPECT_EQ(LogFields("x=1")[0].second, "1");
  EXPECT_TRUE(LogFields("no fields here").empty());
  EXPECT_TRUE(LogFields("Key=upper not a key").empty());
  EXPECT_TRUE(LogFields("path=/a/b=c")[0].second == "/a/b=c");
  EXPECT_EQ(LogFields("open=\"never closed").at(0).second, "never closed");  // bounded by the text
  EXPECT_TRUE(LogFields("").empty());
  EXPECT_TRUE(LogFields("trailing=").at(0).second.empty());
}

TEST(LogJournaldTest, StderrIsTheJournalOnlyWhenJournalStreamNamesIt) {
  unsetenv("JOURNAL_STREAM");
  EXPECT_FALSE(StderrIsJournal());
  setenv("JOURNAL_STREAM", "1:2", 1);
  EXPECT_FALSE(StderrIsJournal());
  setenv("JOURNAL_STREAM", "garbage", 1);
  EXPECT_FALSE(StderrIsJournal());
  struct stat st{};
  ASSERT_EQ(fstat(STDERR_FILENO, &st), 0);
  const std::string mine = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  setenv("JOURNAL_STREAM", mine.c_str(), 1);
  EXPECT_TRUE(StderrIsJournal());
  unsetenv("JOURNAL_STREAM");
}

}  // namespace
}  // namespace abuseflow::core
