#include "notify/html_report.h"

#include <fmt/format.h>

#include <algorithm>

#include "notify/svg_chart.h"

namespace abuseflow::notify {
namespace {

// The whole style sheet: the page never loads anything.
constexpr std::string_view kStyle = R"(
body { font-family: sans-serif; margin: 2em; color: #222; background: #fff; max-width: 1100px; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ccc; }
p.subtitle { color: #555; margin-top: 0; }
ul.totals { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1em; }
ul.totals li { border: 1px solid #ccc; border-radius: 4px; padding: 0.5em 1em; }
ul.totals b { display: block; font-size: 1.4em; }
ul.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1.5em; }
span.swatch { display: inline-block; width: 0.9em; height: 0.9em; margin-right: 0.3em; vertical-align: -0.1em; }
svg.chart { display: block; max-width: 100%; height: auto; margin: 0.5em 0; }
svg .grid { stroke: #ddd; stroke-width: 1; }
svg text { font-size: 12px; fill: #333; }
svg text.empty { fill: #888; font-style: italic; }
.first { fill: #4878a8; background: #4878a8; }
.repeat { fill: #e0a030; background: #e0a030; }
.actual { fill: #3c9a50; background: #3c9a50; }
.automated { fill: #7a6fb8; background: #7a6fb8; }
.bounced { fill: #c84a3c; background: #c84a3c; }
.none { fill: #a8a8a8; background: #a8a8a8; }
.hbar { fill: #4878a8; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.total td { font-weight: bold; background: #f2f2f2; }
)";

struct Segment {
  const char* name;
  const char* css;
  uint64_t MonthRow::*field;
};

const std::vector<Segment>& ResponseSegments() {
  static const std::vector<Segment> kSegments = {{"actual", "actual", &MonthRow::actual},
                                                 {"automated", "automated", &MonthRow::automated},
                                                 {"bounced", "bounced", &MonthRow::bounced},
                                                 {"no response", "none", &MonthRow::none}};
  return kSegments;
}

std::string Percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "0%";
  return fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string Totals(const MonthRow& t) {
  std::string out = "<ul class=\"totals\" id=\"totals\">\n";
  auto item = [&](std::string_view name, uint64_t n) {
    out += fmt::format("<li><b>{}</b>{}</li>\n", n, name);
  };
  item("mails sent", t.mails);
  item("repeat notices", t.repeat_mails);
  item("actual responses", t.actual);
  item("automated responses", t.automated);
  item("bounced", t.bounced);
  item("no response", t.none);
  item("say it is fixed", t.says_fixed);
  item("admit a compromise", t.admits_compromise);
  item("undelivered", t.undelivered);
  return out + "</ul>\n";
}

std::string NoticesChart(const MonthlyReport& report) {
  StackedBars chart;
  chart.series = {"first notices", "repeat notices"};
  chart.series_classes = {"first", "repeat"};
  for (const MonthRow& row : report.months) {
    chart.categories.push_back(row.month);
    chart.values.push_back({row.mails - std::min(row.mails, row.repeat_mails), row.repeat_mails});
  }
  return "<h2>Notices per month</h2>\n"
         "<ul class=\"legend\"><li><span class=\"swatch first\"></span>first notices</li>"
         "<li><span class=\"swatch repeat\"></span>repeat notices</li></ul>\n" +
         StackedBarChartSvg(chart, "chart-notices", "Notices per month: first and repeat notices");
}

std::string ResponsesChart(const MonthlyReport& report) {
  StackedBars chart;
  std::string legend = "<ul class=\"legend\" id=\"response-mix\">";
  for (const Segment& s : ResponseSegments()) {
    chart.series.push_back(s.name);
    chart.series_classes.push_back(s.css);
    const uint64_t n = report.total.*s.field;
    legend += fmt::format("<li><span class=\"swatch {}\"></span>{}: {} ({})</li>", s.css, s.name, n,
                          Percent(n, report.total.mails));
  }
  for (const MonthRow& row : report.months) {
    chart.categories.push_back(row.month);
    std::vector<uint64_t> values;
    for (const Segment& s : ResponseSegments()) values.push_back(row.*s.field);
    chart.values.push_back(std::move(values));
  }
  return "<h2>Response mix</h2>\n" + legend + "</ul>\n" +
         StackedBarChartSvg(chart, "chart-responses",
                            "Responses per month: actual, automated, bounced, no response");
}

std::string Table(const MonthlyReport& report) {
  std::string out = "<h2>Per month</h2>\n<table id=\"monthly-table\">\n<thead><tr><th>month</th>";
  for (const auto& [name, field] : MonthRowColumns()) out += fmt::format("<th>{}</th>", name);
  out += "</tr></thead>\n<tbody>\n";
  auto row_html = [](const MonthRow& row, std::string_view css) {
    std::string r = fmt::format("<tr{}><td>{}</td>", css, HtmlEscape(row.month));
    for (const auto& [name, field] : MonthRowColumns()) r += fmt::format("<td>{}</td>", row.*field);
    return r + "</tr>\n";
  };
  for (const MonthRow& row : report.months) out += row_html(row, "");
  out += row_html(report.total, " class=\"total\"");
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string MonthlyReportHtml(const MonthlyReport& report, const HtmlReportOptions& options) {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'; img-src data:\">\n"
      "<title>{0}</title>\n<style>{1}</style>\n</head>\n<body>\n<h1>{0}</h1>\n",
      HtmlEscape(options.title), kStyle);
  if (!options.subtitle.empty()) {
    out += fmt::format("<p class=\"subtitle\">{}</p>\n", HtmlEscape(options.subtitle));
  }
  out += Totals(report.total) + NoticesChart(report) + ResponsesChart(report);
  out += "<h2>Top owner countries</h2>\n" +
         HorizontalBarChartSvg(report.countries, "chart-countries", "Mails per owner country");
  out += "<h2>Top contact domains</h2>\n" +
         HorizontalBarChartSvg(report.domains, "chart-domains", "Mails per contact domain");
  out += "<h2>Top owners</h2>\n" +
         HorizontalBarChartSvg(report.owners, "chart-owners", "Mails per owner");
  out += Table(report);
  return out + "</body>\n</html>\n";
}

}  // namespace abuseflow::notify
