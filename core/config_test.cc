#include "core/config.h"

#include <gtest/gtest.h>

namespace abuseflow::core {
namespace {

TEST(ConfigTest, ReadsEverySectionAndResolvesPaths) {
  auto c = ParseConfig(R"(
state_dir = "var/state"
[ingest]
batch_size = 64
[[ingest.input]]
format = "apache"
path = "logs/access.log"
sensor = "www1"
year = 2001
utc_offset = "-04:00"
tz_name = "EDT"
[enrich]
registry = ["reg/a.db", "/abs/b.db"]
[dedup]
sample_lines = 3
[notify]
outbox = "out"
window = "2h"
site = "Example Site"
[endpoints]
enrich = "tcp://127.0.0.1:9001"
)",
                       "/etc/af");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->state_dir, "/etc/af/var/state");
  ASSERT_EQ(c->ingest.inputs.size(), 1u);
  EXPECT_EQ(c->ingest.inputs[0].path, "/etc/af/logs/access.log");
  EXPECT_EQ(c->ingest.inputs[0].utc_offset_minutes, -240);
  EXPECT_EQ(c->ingest.inputs[0].year, 2001);
  EXPECT_EQ(c->ingest.batch_size, 64);
  EXPECT_EQ(c->enrich.registry, (std::vector<std::string>{"/etc/af/reg/a.db", "/abs/b.db"}));
  EXPECT_EQ(c->dedup.sample_lines, 3);
  EXPECT_EQ(c->notify.outbox, "/etc/af/out");
  EXPECT_EQ(c->notify.window_us, 2LL * 3600 * 1000000);
  EXPECT_EQ(c->endpoints.enrich, "tcp://127.0.0.1:9001");
  EXPECT_EQ(c->endpoints.dedup, "tcp://127.0.0.1:7302");
}

TEST(ConfigTest, DefaultsApplyToAnEmptyFile) {
  auto c = ParseConfig("", "/srv");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->state_dir, "/srv/state");
  EXPECT_EQ(c->notify.window_us, 86400LL * 1000000);
}

TEST(ConfigTest, UnknownKeyIsRejectedByName) {
  auto c = ParseConfig("[notify]\nwindwo = \"1h\"\n", "/srv", "my.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("notify.windwo"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("my.toml"), std::string::npos);
  auto d = ParseConfig("[[ingest.input]]\nformat=\"apache\"\npath=\"x\"\ncolour=1\n", "/srv");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("ingest.input[0].colour"), std::string::npos);
}

TEST(ConfigTest, WrongTypesAndValuesAreErrors) {
  EXPECT_FALSE(ParseConfig("state_dir = 3\n", "/").ok());
  EXPECT_FALSE(ParseConfig("[notify]\nwindow = \"soon\"\n", "/").ok());
  EXPECT_FALSE(ParseConfig("[[ingest.input]]\nformat=\"apache\"\npath=\"x\"\nutc_offset=\"-4\"\n", "/").ok());
  EXPECT_FALSE(ParseConfig("[[ingest.input]]\nformat=\"apache\"\n", "/").ok());  // no path
  auto syntax = ParseConfig("[notify\n", "/", "bad.toml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_NE(syntax.status().message().find("bad.toml:1"), std::string::npos);
}

TEST(ConfigTest, DurationsAndOffsets) {
  EXPECT_EQ(*ParseDuration("90s"), 90LL * 1000000);
  EXPECT_EQ(*ParseDuration("7d"), 7LL * 86400 * 1000000);
  EXPECT_FALSE(ParseDuration("0h").ok());
  EXPECT_FALSE(ParseDuration("h").ok());
  EXPECT_EQ(*ParseUtcOffset("+05:30"), 330);
  EXPECT_EQ(*ParseUtcOffset("-05:00"), -300);
  EXPECT_FALSE(ParseUtcOffset("+25:00").ok());
}

TEST(ConfigTest, MissingFileNamesThePath) {
  auto c = LoadConfig("/nonexistent/abuseflow.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/abuseflow.toml"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::core
