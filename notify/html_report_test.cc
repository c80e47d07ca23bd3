#include "notify/html_report.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

#include "notify/svg_chart.h"

namespace abuseflow::notify {
namespace {

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

MonthlyReport Sample() {
  MonthlyReport r;
  MonthRow sep{"2001-09", 10, 3, 1, 4, 3, 1, 2, 1};
  MonthRow oct{"2001-10", 5, 5, 0, 0, 0, 0, 5, 0};
  r.months = {sep, oct};
  r.total = {"total", 15, 8, 1, 4, 3, 1, 7, 1};
  r.countries = {{"US", 9}, {"KR", 4}};
  r.domains = {{"kestrel.example", 12}, {"heron.example", 3}};
  return r;
}

TEST(HtmlEscapeTest, EscapesMarkupAndReplacesControlAndInvalidBytes) {
  EXPECT_EQ(HtmlEscape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
  EXPECT_EQ(HtmlEscape(std::string("a\x01"
                                   "b\xff"
                                   "c\x7f",
                                   6)),
            "a?b?c?");
  EXPECT_EQ(HtmlEscape("Müller\tAG"), "Müller\tAG");
}

TEST(SvgChartTest, AxisMaximumIsRound) {
  EXPECT_EQ(RoundAxisMax(0), 1u);
  EXPECT_EQ(RoundAxisMax(1), 1u);
  EXPECT_EQ(RoundAxisMax(3), 5u);
  EXPECT_EQ(RoundAxisMax(10), 10u);
  EXPECT_EQ(RoundAxisMax(11), 20u);
  EXPECT_EQ(RoundAxisMax(727), 1000u);
}

TEST(SvgChartTest, StackedBarsHaveOneRectPerNonZeroSegmentScaledToTheAxis) {
  StackedBars chart;
  chart.categories = {"a", "b"};
  chart.series = {"x", "y"};
  chart.series_classes = {"first", "repeat"};
  chart.values = {{5, 5}, {0, 2}};  // axis max 10: the first bar fills the plot
  const std::string svg = StackedBarChartSvg(chart, "c", "label");
  EXPECT_EQ(Count(svg, "<rect class=\"bar first\""), 1u);
  EXPECT_EQ(Count(svg, "<rect class=\"bar repeat\""), 2u);
  // Plot height 320 - 16 - 48 = 256: 5 of 10 is 128 units high.
  EXPECT_NE(svg.find("height=\"128.0\"><title>a: x 5</title>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>b: y 2</title>"), std::string::npos);
  EXPECT_EQ(svg.find("b: x 0"), std::string::npos);
  // Grid lines at whole numbers: 0, 2, 4, 6, 8, 10.
  for (const char* tick :
       {">0</text>", ">2</text>", ">4</text>", ">6</text>", ">8</text>", ">10</text>"}) {
    EXPECT_NE(svg.find(tick), std::string::npos) << tick;
  }
  EXPECT_EQ(Count(svg, "class=\"grid\""), 6u);
}

TEST(SvgChartTest, LongNamesAreCutAtACharacterBoundaryButWholeInTheTooltip) {
  const std::string name = std::string(35, 'a') + "\xc3\xa9" + "tail";  // é straddles byte 36
  const std::string svg = HorizontalBarChartSvg({{name, 3}, {"b", 1}}, "h", "label");
  EXPECT_NE(svg.find(">" + std::string(35, 'a') + "\u2026</text>"), std::string::npos) << svg;
  EXPECT_NE(svg.find("<title>" + name + ": 3</title>"), std::string::npos);
  EXPECT_NE(svg.find("width=\"600.0\""), std::string::npos);  // the largest fills the bar area
  EXPECT_NE(svg.find("width=\"200.0\""), std::string::npos);
}

TEST(SvgChartTest, ManyCategoriesFitAndOnlySomeAreLabelled) {
  StackedBars chart;
  chart.series = {"x"};
  for (int i = 0; i < 240; ++i) {
    chart.categories.push_back("m" + std::to_string(i));
    chart.values.push_back({static_cast<uint64_t>(i + 1)});
  }
  const std::string svg = StackedBarChartSvg(chart, "c", "label");
  EXPECT_EQ(Count(svg, "<rect "), 240u);
  EXPECT_LE(Count(svg, "text-anchor=\"middle\""), 16u);
  std::smatch m;
  const std::string last = svg.substr(svg.rfind("<rect "));
  ASSERT_TRUE(
      std::regex_search(last, m, std::regex("x=\"([0-9.]+)\" y=\"[0-9.]+\" width=\"([0-9.]+)\"")));
  EXPECT_LE(std::stod(m[1]) + std::stod(m[2]), 960 - 16);
}

TEST(HtmlReportTest, PageHasEveryChartTheTableAndNoScriptOrExternalReference) {
  const std::string html = MonthlyReportHtml(Sample());
  for (const char* id :
       {"id=\"totals\"", "id=\"chart-notices\"", "id=\"chart-responses\"", "id=\"chart-countries\"",
        "id=\"chart-domains\"", "id=\"monthly-table\""}) {
    EXPECT_NE(html.find(id), std::string::npos) << id;
  }
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  // Table: a header, two months, the total.
  EXPECT_EQ(Count(html, "<tr"), 4u);
  EXPECT_NE(html.find("<tr class=\"total\"><td>total</td><td>15</td><td>8</td>"),
            std::string::npos);
  // First notices of 2001-09: 10 mails, 3 repeats.
  EXPECT_NE(html.find("<title>2001-09: first notices 7</title>"), std::string::npos);
  EXPECT_NE(html.find("no response: 7 (47%)"), std::string::npos);
  EXPECT_NE(html.find("<title>kestrel.example: 12</title>"), std::string::npos);
}

TEST(HtmlReportTest, DataTextIsEscapedEverywhere) {
  MonthlyReport r = Sample();
  r.countries.push_back({"<script>alert(1)</script>", 1});
  r.domains.push_back({"\"><img src=x onerror=alert(1)>", 1});
  HtmlReportOptions options;
  options.subtitle = "state </p><script>";
  const std::string html = MonthlyReportHtml(r, options);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
}

TEST(HtmlReportTest, EmptyReportRendersWithoutBars) {
  MonthlyReport r;
  r.total.month = "total";
  const std::string html = MonthlyReportHtml(r);
  EXPECT_EQ(Count(html, "<rect "), 0u);
  EXPECT_EQ(Count(html, ">no mails</text>"), 2u);
  EXPECT_EQ(Count(html, ">none</text>"), 3u);  // countries, contact domains, owners
  EXPECT_NE(html.find("no response: 0 (0%)"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::notify
