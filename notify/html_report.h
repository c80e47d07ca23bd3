#pragma once

#include <string>

#include "notify/monthly_report.h"

namespace abuseflow::notify {

// What the page says about itself.
struct HtmlReportOptions {
  std::string title = "abuseflow: notices and responses";  // <title> and heading
  std::string subtitle;  // a line under the heading, e.g. the state folder; default none
};

// The monthly report as one self-contained HTML5 page (docs/reports.md):
// inline CSS and inline SVG only, no script, nothing loaded from anywhere.
// Sections, each with a stable id: totals (#totals), notices per month,
// first and repeat (#chart-notices), the response mix per month, actual /
// automated / bounced / none (#chart-responses) with the totals' shares,
// top owner countries (#chart-countries), top contact domains
// (#chart-domains), and the monthly table with the total
// (#monthly-table). Every text from the data is HTML-escaped (HtmlEscape).
// Pure; safe from any thread.
std::string MonthlyReportHtml(const MonthlyReport& report, const HtmlReportOptions& options = {});

}  // namespace abuseflow::notify
