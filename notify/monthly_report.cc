#include "notify/monthly_report.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <map>

#include "core/time_format.h"
#include "notify/delivery_policy.h"
#include "notify/csv_report.h"
#include "notify/delivery_store.h"
#include "notify/thread_index.h"

namespace abuseflow::notify {
namespace {

struct Responses {
  bool human = false, automated = false, bounce = false, fixed = false, admits = false;
};

void Add(const MailSummary& m, const Responses& r, bool undelivered, MonthRow* row) {
  ++row->mails;
  row->repeat_mails += m.repeat_addresses > 0 ? 1 : 0;
  row->undelivered += undelivered ? 1 : 0;
  if (r.human) ++row->actual;
  else if (r.automated) ++row->automated;
  else if (r.bounce) ++row->bounced;
  else ++row->none;
  row->says_fixed += r.fixed ? 1 : 0;
  row->admits_compromise += r.admits ? 1 : 0;
}

core::Result<Responses> ResponsesOf(const core::KvStore& state, const std::string& id) {
  Responses r;
  core::Status s = state.Scan("a" + id + '\x1f', [&](std::string_view, std::string_view value) {
    r.human = r.human || value.starts_with("human");
    r.automated = r.automated || value.starts_with("automated");
    r.bounce = r.bounce || value.starts_with("bounce");
    r.fixed = r.fixed || value.ends_with(" fixed");
    r.admits = r.admits || value.find(" admits") != std::string_view::npos;
    return true;
  });
  if (!s.ok()) return s;
  return r;
}

std::vector<std::pair<std::string, uint64_t>> Top(const std::map<std::string, uint64_t>& counts,
                                                  size_t top) {
  std::vector<std::pair<std::string, uint64_t>> out(counts.begin(), counts.end());
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (out.size() > top) out.resize(top);
  return out;
}

bool ValidMonth(const std::string& m) {
  return m.size() == 7 && m[4] == '-' && std::all_of(m.begin(), m.begin() + 4, ::isdigit) &&
         ::isdigit(m[5]) && ::isdigit(m[6]) && m.substr(5) >= "01" && m.substr(5) <= "12";
}

}  // namespace

const std::vector<std::pair<const char*, uint64_t MonthRow::*>>& MonthRowColumns() {
  static const std::vector<std::pair<const char*, uint64_t MonthRow::*>> kColumns = {
      {"mails", &MonthRow::mails},         {"repeat_mails", &MonthRow::repeat_mails},
      {"undelivered", &MonthRow::undelivered}, {"actual", &MonthRow::actual},
      {"automated", &MonthRow::automated}, {"bounced", &MonthRow::bounced},
      {"none", &MonthRow::none},           {"says_fixed", &MonthRow::says_fixed},
      {"admits_compromise", &MonthRow::admits_compromise}};
  return kColumns;
}

core::Result<MonthlyReport> BuildMonthlyReport(const core::KvStore& state,
                                               const std::optional<std::string>& month,
                                               size_t top) {
  if (month && !ValidMonth(*month)) {
    return core::Status::InvalidArgument("'" + *month + "' is not a month like 2001-09");
  }
  std::vector<std::pair<std::string, MailSummary>> mails;
  core::Status s = state.Scan("w", [&](std::string_view key, std::string_view value) {
    if (auto m = DecodeMailSummary(value)) mails.emplace_back(std::string(key.substr(1)), *m);
    return true;
  });
  if (!s.ok()) return s;
  DeliveryStore deliveries(const_cast<core::KvStore*>(&state));
  std::map<std::string, MonthRow> rows;
  std::map<std::string, uint64_t> countries, domains, owners;
  MonthlyReport report;
  report.total.month = "total";
  for (const auto& [id, m] : mails) {
    const std::string when = core::FormatUtc(m.window_start_us).substr(0, 7);
    if (month && when != *month) continue;
    auto responses = ResponsesOf(state, id);
    if (!responses.ok()) return responses.status();
    auto record = deliveries.Get(id);
    if (!record.ok()) return record.status();
    const bool undelivered = record->has_value() && (*record)->state != DeliveryRecord::State::kSent;
    MonthRow& row = rows[when];
    row.month = when;
    Add(m, *responses, undelivered, &row);
    Add(m, *responses, undelivered, &report.total);
    for (const std::string& c : m.countries) ++countries[c];
    ++domains[MailDomain(m.contact)];
    if (m.owners.empty()) ++owners[kUnknownOwner];
    for (const std::string& o : m.owners) ++owners[o];
  }
  for (auto& [when, row] : rows) report.months.push_back(row);
  report.countries = Top(countries, top);
  report.domains = Top(domains, top);
  report.owners = Top(owners, top);
  return report;
}

std::string MonthlyReportText(const MonthlyReport& report) {
  std::string out = fmt::format("{:<8}", "month");
  for (const auto& [name, field] : MonthRowColumns()) out += fmt::format(" {:>12}", name);
  out += "\n";
  std::vector<MonthRow> rows = report.months;
  rows.push_back(report.total);
  for (const MonthRow& row : rows) {
    out += fmt::format("{:<8}", row.month);
    for (const auto& [name, field] : MonthRowColumns()) out += fmt::format(" {:>12}", row.*field);
    out += "\n";
  }
  out += "\nmails by owner country:\n";
  for (const auto& [c, n] : report.countries) out += fmt::format("  {:<30} {:>8}\n", c, n);
  out += "\nmails by contact domain:\n";
  for (const auto& [d, n] : report.domains) out += fmt::format("  {:<30} {:>8}\n", d, n);
  out += "\nmails by owner:\n";
  for (const auto& [o, n] : report.owners) out += fmt::format("  {:<30} {:>8}\n", o, n);
  return out;
}

std::string MonthlyReportCsv(const MonthlyReport& report) {
  std::string out = "month";
  for (const auto& [name, field] : MonthRowColumns()) out += std::string(",") + name;
  out += "\r\n";
  std::vector<MonthRow> rows = report.months;
  rows.push_back(report.total);
  for (const MonthRow& row : rows) {
    out += row.month;
    for (const auto& [name, field] : MonthRowColumns()) out += "," + std::to_string(row.*field);
    out += "\r\n";
  }
  return out;
}

core::Result<std::string> MonthlyTopCsv(const MonthlyReport& report, const std::string& table) {
  using Rows = std::vector<std::pair<std::string, uint64_t>>;
  const std::map<std::string, std::pair<const char*, const Rows*>> kTables = {
      {"countries", {"country", &report.countries}},
      {"domains", {"domain", &report.domains}},
      {"owners", {"owner", &report.owners}}};
  auto it = kTables.find(table);
  if (it == kTables.end()) {
    return core::Status::InvalidArgument("no table '" + table +
                                         "' (months, countries, domains or owners)");
  }
  const auto& [header, rows] = it->second;
  std::string out = std::string(header) + ",mails\r\n";
  for (const auto& [name, n] : *rows) out += CsvField(name) + "," + std::to_string(n) + "\r\n";
  return out;
}

std::string MonthlyReportJson(const MonthlyReport& report) {
  auto row_json = [](const MonthRow& row) {
    nlohmann::json j = {{"month", row.month}};
    for (const auto& [name, field] : MonthRowColumns()) j[name] = row.*field;
    return j;
  };
  nlohmann::json j;
  j["months"] = nlohmann::json::array();
  for (const MonthRow& row : report.months) j["months"].push_back(row_json(row));
  j["total"] = row_json(report.total);
  j["countries"] = nlohmann::json::array();
  for (const auto& [c, n] : report.countries) j["countries"].push_back({{"country", c}, {"mails", n}});
  j["domains"] = nlohmann::json::array();
  for (const auto& [d, n] : report.domains) j["domains"].push_back({{"domain", d}, {"mails", n}});
  j["owners"] = nlohmann::json::array();
  for (const auto& [o, n] : report.owners) j["owners"].push_back({{"owner", o}, {"mails", n}});
  // Owner names come from registries: invalid UTF-8 becomes U+FFFD, not an exception.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace abuseflow::notify
