#include "core/metrics.h"

#include "core/metrics_textfile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace abuseflow::core {
namespace {

// Checks `text` line by line against the text format 0.0.4: HELP and TYPE
// before the samples of their family, names and labels well-formed, values
// floats, a final newline. Returns the first problem, or "".
std::string CheckExposition(const std::string& text) {
  static const std::regex help(R"(# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*)");
  static const std::regex type(R"(# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|untyped))");
  static const std::regex sample(
      R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")"
      R"((,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.eE+-]+|\+Inf|-Inf|NaN))");
  if (!text.empty() && text.back() != '\n') return "no final newline";
  std::istringstream in(text);
  std::string line, family;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, help)) continue;
    if (std::regex_match(line, m, type)) { family = m[1]; continue; }
    if (!std::regex_match(line, m, sample)) return "bad line: " + line;
    if (m[1] != family) return "sample before its TYPE: " + line;
  }
  return "";
}

TEST(MetricsTest, RendersHelpTypeAndSortedSeries) {
  MetricsRegistry r;
  r.GetCounter("abuseflow_events_total", "Events out", {{"stage", "ingest"}}).Increment(3);
  r.GetCounter("abuseflow_events_total", "Events out", {{"stage", "enrich"}}).Increment();
  r.GetGauge("abuseflow_queue_depth", "Queued\nbatches \\ now").Set(2.5);
  EXPECT_EQ(r.Render(),
            "# HELP abuseflow_events_total Events out\n"
            "# TYPE abuseflow_events_total counter\n"
            "abuseflow_events_total{stage=\"enrich\"} 1\n"
            "abuseflow_events_total{stage=\"ingest\"} 3\n"
            "# HELP abuseflow_queue_depth Queued\\nbatches \\\\ now\n"
            "# TYPE abuseflow_queue_depth gauge\n"
            "abuseflow_queue_depth 2.5\n");
  EXPECT_EQ(CheckExposition(r.Render()), "");
}

TEST(MetricsTest, SameNameAndLabelsShareOneSeriesWhateverTheLabelOrder) {
  MetricsRegistry r;
  Counter& a = r.GetCounter("x_total", "x", {{"a", "1"}, {"b", "2"}});
  Counter& b = r.GetCounter("x_total", "x", {{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(&a, &b);
  a.Increment(5);
  EXPECT_NE(r.Render().find("x_total{a=\"1\",b=\"2\"} 5\n"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsRegistry r;
  r.GetGauge("g", "g", {{"path", "C:\\logs\n\"x\""}}).Set(1);
  EXPECT_NE(r.Render().find("g{path=\"C:\\\\logs\\n\\\"x\\\"\"} 1\n"), std::string::npos) << r.Render();
  EXPECT_EQ(CheckExposition(r.Render()), "");
}

TEST(MetricsTest, BadNamesAndConflictsAreErrors) {
  MetricsRegistry r;
  EXPECT_FALSE(r.RegisterCounter("", "h").ok());
  EXPECT_FALSE(r.RegisterCounter("9lives", "h").ok());
  EXPECT_FALSE(r.RegisterCounter("has-dash", "h").ok());
  EXPECT_FALSE(r.RegisterCounter("ok_total", "h", {{"__reserved", "v"}}).ok());
  EXPECT_FALSE(r.RegisterCounter("ok_total", "h", {{"bad label", "v"}}).ok());
  EXPECT_FALSE(r.RegisterCounter("ok_total", "h", {{"a", "1"}, {"a", "2"}}).ok());
  ASSERT_TRUE(r.RegisterCounter("ok_total", "h").ok());
  EXPECT_FALSE(r.RegisterGauge("ok_total", "h").ok());        // another type
  EXPECT_FALSE(r.RegisterCounter("ok_total", "other").ok());  // another help text
  EXPECT_TRUE(r.RegisterGauge("ns:sub_total", "colons are allowed").ok());
}

TEST(MetricsTest, ConcurrentIncrementsAndRegistrationsLoseNothing) {
  MetricsRegistry r;
  constexpr int kThreads = 8, kIncrements = 20000;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&r, t] {
        Counter& shared = r.GetCounter("shared_total", "s");
        Gauge& gauge = r.GetGauge("depth", "d");
        for (int i = 0; i < kIncrements; ++i) {
          shared.Increment();
          gauge.Add(1);
          if (i % 1000 == 0) {
            r.GetCounter("per_thread_total", "p", {{"t", std::to_string(t)}}).Increment();
            (void)r.Render();
          }
        }
      });
    }
  }
  EXPECT_EQ(r.GetCounter("shared_total", "s").value(), uint64_t{kThreads} * kIncrements);
  EXPECT_EQ(r.GetGauge("depth", "d").value(), double{kThreads} * kIncrements);
  EXPECT_NE(r.Render().find("per_thread_total{t=\"7\"} 20\n"), std::string::npos);
  EXPECT_EQ(CheckExposition(r.Render()), "");
}

TEST(MetricsTest, ProcessMetricsAreRegisteredOnce) {
  MetricsRegistry r;
  RegisterProcessMetrics(r);
  RegisterProcessMetrics(r);
  const std::string text = r.Render();
  EXPECT_NE(text.find("# TYPE abuseflow_up gauge\nabuseflow_up 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("abuseflow_build_info{version=\""), std::string::npos);
  EXPECT_NE(text.find("abuseflow_start_time_seconds 1"), std::string::npos);  // 10 digits, 2001..2286
  EXPECT_GT(ProcessStartTimeSeconds(), 1e9);
  EXPECT_EQ(CheckExposition(text), "");
}

TEST(MetricsTest, ValuesUseTheFormatsSpellings) {
  MetricsRegistry r;
  r.GetGauge("v", "values", {{"k", "neg"}}).Set(-3);
  r.GetGauge("v", "values", {{"k", "inf"}}).Set(1e300 * 1e300);
  r.GetGauge("v", "values", {{"k", "nan"}}).Set(std::nan(""));
  r.GetGauge("v", "values", {{"k", "tenth"}}).Set(0.1);
  const std::string text = r.Render();
  EXPECT_NE(text.find("v{k=\"neg\"} -3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("v{k=\"inf\"} +Inf\n"), std::string::npos) << text;
  EXPECT_NE(text.find("v{k=\"nan\"} Nan\n"), std::string::npos) << text;
  EXPECT_NE(text.find("v{k=\"tenth\"} 0.1\n"), std::string::npos) << text;
}

TEST(MetricsTest, TextfileHoldsTheFinalCountsAfterItIsDestroyed) {
  const std::string path = ::testing::TempDir() + "/metrics_textfile_test.prom";
  MetricsRegistry r;
  Counter& c = r.GetCounter("done_total", "d");
  {
    auto file = MetricsTextfile::Start(path, std::chrono::hours(1), &r);
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    c.Increment(3);  // after the first write: only the last one has it
  }
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_NE(text.str().find("done_total 3\n"), std::string::npos) << text.str();
  EXPECT_EQ(CheckExposition(text.str()), "");
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  EXPECT_FALSE(MetricsTextfile::Start("/nonexistent/dir/m.prom", std::chrono::hours(1), &r).ok());
}

}  // namespace
}  // namespace abuseflow::core
