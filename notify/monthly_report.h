#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/kv_store.h"
#include "core/result.h"

namespace abuseflow::notify {

// One month (or the total) of the monthly report.
struct MonthRow {
  std::string month;           // "2001-09"; "total" for the sum
  uint64_t mails = 0;          // notices written (every part of a split report counts)
  uint64_t repeat_mails = 0;   // mails naming an address notified before (notice 2, 3, ...)
  uint64_t undelivered = 0;    // smtp delivery: given up or still queued
  uint64_t actual = 0;         // mails with a human reply
  uint64_t automated = 0;      // ... with only automated replies
  uint64_t bounced = 0;        // ... with only bounces
  uint64_t none = 0;           // ... with no reply
  uint64_t says_fixed = 0;     // mails with a reply saying it is fixed
  uint64_t admits_compromise = 0;  // mails with a reply saying the machine was compromised
};

// The numeric columns of a row, in output order, with their names
// ("mails", "repeat_mails", ...): the header of the text, CSV, JSON and HTML
// tables.
const std::vector<std::pair<const char*, uint64_t MonthRow::*>>& MonthRowColumns();

// The report: per month by the window start of each mail (event time),
// oldest first; the total; and mails per owner country and per contact
// domain and per owner name, most first (ties by name), at most `top` of each.
struct MonthlyReport {
  std::vector<MonthRow> months;
  MonthRow total;
  std::vector<std::pair<std::string, uint64_t>> countries;
  std::vector<std::pair<std::string, uint64_t>> domains;
  // Per owner name (OwnerRecord.owner) of the mail's addresses; a mail whose
  // summary has none (written before owners were kept, or no owner named)
  // counts as kUnknownOwner.
  std::vector<std::pair<std::string, uint64_t>> owners;
};

inline constexpr const char* kUnknownOwner = "(unknown)";

// Builds the report from notify's state (docs/notify-state.md: "w", "a"
// and "d" keys). `month` ("2001-09") restricts it to one month. Fails with
// IoError when the state cannot be read, InvalidArgument for a bad month.
core::Result<MonthlyReport> BuildMonthlyReport(const core::KvStore& state,
                                               const std::optional<std::string>& month,
                                               size_t top);

// Text (aligned table), CSV (RFC 4180, one row per month and the total) and JSON.
std::string MonthlyReportText(const MonthlyReport& report);
std::string MonthlyReportCsv(const MonthlyReport& report);
// One top list as CSV (RFC 4180, a header then one row per name, most
// first): `table` is "countries" (country,mails), "domains" (domain,mails)
// or "owners" (owner,mails); InvalidArgument for another name.
core::Result<std::string> MonthlyTopCsv(const MonthlyReport& report, const std::string& table);
std::string MonthlyReportJson(const MonthlyReport& report);

}  // namespace abuseflow::notify
