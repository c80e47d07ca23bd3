#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace abuseflow::notify {

// `text` for HTML or SVG text and attribute values: & < > " ' as entities;
// control characters other than tab and newline, and bytes that are not
// part of well-formed UTF-8, become '?'. Pure.
std::string HtmlEscape(std::string_view text);

// A stacked vertical bar chart: one bar per category (a month), each bar the
// sum of its segments, one segment per series (values[category][series]).
// `series_classes` are the CSS classes of the segments (colours come from the
// page's style sheet), in series order.
struct StackedBars {
  std::vector<std::string> categories;
  std::vector<std::string> series;
  std::vector<std::string> series_classes;
  std::vector<std::vector<uint64_t>> values;
};

// Inline <svg> of `chart`, id `id`, role="img" with `label` as its
// <title>: a y axis scaled to a round maximum with up to 5 grid lines at
// whole numbers, one <rect
// class="bar SERIES_CLASS"> per non-empty segment with a <title> tooltip,
// the category under each bar (every k-th when they are crowded). Bars
// shrink to fit 1000 categories in the fixed width; no bar is drawn for
// zero. Every text is escaped. Pure.
std::string StackedBarChartSvg(const StackedBars& chart, std::string_view id,
                               std::string_view label);

// Inline <svg> of horizontal bars, one row per (name, count) in order: the
// name left (cut after 36 bytes with "…"; whole in the bar's <title>
// tooltip), a <rect class="bar hbar"> scaled to the largest count, the count
// at its end. Height grows with the rows. Every text is escaped. Pure.
std::string HorizontalBarChartSvg(const std::vector<std::pair<std::string, uint64_t>>& rows,
                                  std::string_view id, std::string_view label);

// The smallest 1, 2 or 5 times a power of ten that is >= max(value, 1).
uint64_t RoundAxisMax(uint64_t value);

}  // namespace abuseflow::notify
