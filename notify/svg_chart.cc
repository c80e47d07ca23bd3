#include "notify/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>

#include "notify/mail_header.h"

namespace abuseflow::notify {
namespace {

// The drawing area of the vertical charts, in SVG user units.
constexpr int kWidth = 960, kHeight = 320, kLeft = 56, kRight = 16, kTop = 16, kBottom = 48;
// Horizontal bars: the name column, the bar area and one row's height.
constexpr int kNameWidth = 260, kBarWidth = 600, kRowHeight = 24;
// Grid lines above the base line: 5 (a 1, 2 or 5 maximum divides by 5 into
// whole numbers), fewer when the maximum is smaller.
constexpr uint64_t kGridLines = 5;

std::string SvgOpen(std::string_view id, std::string_view label, int width, int height) {
  return fmt::format(
      "<svg id=\"{0}\" class=\"chart\" role=\"img\" aria-labelledby=\"{0}-title\" "
      "xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {1} {2}\" width=\"{1}\" height=\"{2}\">"
      "<title id=\"{0}-title\">{3}</title>\n",
      HtmlEscape(id), width, height, HtmlEscape(label));
}

std::string YAxis(uint64_t axis_max) {
  std::string out;
  const int plot_height = kHeight - kTop - kBottom;
  const uint64_t lines = std::min(kGridLines, axis_max);
  for (uint64_t i = 0; i <= lines; ++i) {
    const int y =
        kTop + plot_height - static_cast<int>(static_cast<uint64_t>(plot_height) * i / lines);
    const uint64_t value = axis_max / lines * i;
    out += fmt::format(
        "<line class=\"grid\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\"/>"
        "<text class=\"axis\" x=\"{3}\" y=\"{4}\" text-anchor=\"end\">{5}</text>\n",
        kLeft, y, kWidth - kRight, kLeft - 6, y + 4, value);
  }
  return out;
}

// At most kMaxNameBytes of `name` (cut at a character boundary) and "…".
std::string Shorten(std::string_view name) {
  constexpr size_t kMaxNameBytes = 36;
  if (name.size() <= kMaxNameBytes) return std::string(name);
  size_t end = 0;
  while (end < name.size()) {
    const size_t n = std::max<size_t>(1, Utf8SequenceLength(name, end));
    if (end + n > kMaxNameBytes) break;
    end += n;
  }
  return std::string(name.substr(0, end)) + "\u2026";
}

uint64_t SumOf(const std::vector<uint64_t>& values) {
  uint64_t sum = 0;
  for (uint64_t v : values) sum += v;
  return sum;
}

// One category's bar: its segments bottom up, then its label.
std::string Bar(const StackedBars& chart, size_t c, double x, double bar_width, uint64_t axis_max,
                bool label) {
  const double plot_height = kHeight - kTop - kBottom;
  std::string out;
  double base = kTop + plot_height;
  for (size_t s = 0; s < chart.series.size() && s < chart.values[c].size(); ++s) {
    const uint64_t v = chart.values[c][s];
    if (v == 0) continue;
    const double h = plot_height * static_cast<double>(v) / static_cast<double>(axis_max);
    base -= h;
    const std::string& css = s < chart.series_classes.size() ? chart.series_classes[s] : "";
    out += fmt::format(
        "<rect class=\"bar {}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\">"
        "<title>{}: {} {}</title></rect>\n",
        HtmlEscape(css), x, base, bar_width, h, HtmlEscape(chart.categories[c]),
        HtmlEscape(chart.series[s]), v);
  }
  if (label) {
    out +=
        fmt::format("<text class=\"axis\" x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{}</text>\n",
                    x + bar_width / 2, kHeight - kBottom + 18, HtmlEscape(chart.categories[c]));
  }
  return out;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0 || (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f) {
      out += '?';
      i += n == 0 ? 1 : n;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

uint64_t RoundAxisMax(uint64_t value) {
  value = std::max<uint64_t>(value, 1);
  for (uint64_t scale = 1;; scale *= 10) {
    for (uint64_t step : {1, 2, 5}) {
      if (step * scale >= value) return step * scale;
    }
    if (scale > UINT64_MAX / 100) return value;
  }
}

std::string StackedBarChartSvg(const StackedBars& chart, std::string_view id,
                               std::string_view label) {
  uint64_t largest = 0;
  for (const auto& values : chart.values) largest = std::max(largest, SumOf(values));
  const uint64_t axis_max = RoundAxisMax(largest);
  std::string out = SvgOpen(id, label, kWidth, kHeight) + YAxis(axis_max);
  const size_t n = std::min(chart.categories.size(), chart.values.size());
  const double slot =
      n == 0 ? 0 : static_cast<double>(kWidth - kLeft - kRight) / static_cast<double>(n);
  const double bar_width = std::max(1.0, std::min(48.0, slot * 0.7));
  // At most about 16 labels: every k-th category.
  const size_t every = std::max<size_t>(1, (n + 15) / 16);
  for (size_t c = 0; c < n; ++c) {
    out += Bar(chart, c, kLeft + slot * static_cast<double>(c) + (slot - bar_width) / 2, bar_width,
               axis_max, c % every == 0);
  }
  if (n == 0) {
    out += fmt::format(
        "<text class=\"empty\" x=\"{}\" y=\"{}\" text-anchor=\"middle\">no mails</text>\n",
        kWidth / 2, kHeight / 2);
  }
  return out + "</svg>\n";
}

std::string HorizontalBarChartSvg(const std::vector<std::pair<std::string, uint64_t>>& rows,
                                  std::string_view id, std::string_view label) {
  const int height = kRowHeight * static_cast<int>(std::max<size_t>(rows.size(), 1)) + 8;
  const int width = kNameWidth + kBarWidth + 80;
  uint64_t largest = 1;
  for (const auto& [name, count] : rows) largest = std::max(largest, count);
  std::string out = SvgOpen(id, label, width, height);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& [name, count] = rows[i];
    const int y = 4 + kRowHeight * static_cast<int>(i);
    const double w = kBarWidth * static_cast<double>(count) / static_cast<double>(largest);
    out += fmt::format(
        "<text class=\"name\" x=\"{0}\" y=\"{1}\" text-anchor=\"end\">{2}</text>"
        "<rect class=\"bar hbar\" x=\"{3}\" y=\"{4}\" width=\"{5:.1f}\" height=\"{6}\">"
        "<title>{9}: {7}</title></rect>"
        "<text class=\"value\" x=\"{8:.1f}\" y=\"{1}\">{7}</text>\n",
        kNameWidth - 8, y + 16, HtmlEscape(Shorten(name)), kNameWidth, y + 3, w, kRowHeight - 6,
        count, kNameWidth + w + 6, HtmlEscape(name));
  }
  if (rows.empty()) {
    out += fmt::format("<text class=\"empty\" x=\"{}\" y=\"20\">none</text>\n", kNameWidth);
  }
  return out + "</svg>\n";
}

}  // namespace abuseflow::notify
