#include "notify/notify_commands.h"

#include <iostream>
#include <memory>
#include <optional>

#include "core/kv_store.h"
#include "notify/monthly_report.h"
#include "notify/notify_stage.h"
#include "notify/reply_import.h"

namespace abuseflow::notify {
namespace {

struct Options {
  std::string state = "state", month, format = "text";
  std::vector<std::string> mailboxes;
  size_t top = 10;
};

int RepliesImport(const Options& o) {
  auto stats = ImportReplies(o.state, o.mailboxes,
                             [](const std::string& line) { std::cout << line << "\n"; });
  if (!stats.ok()) {
    std::cerr << "abuseflow replies import: " << stats.status().message() << "\n";
    return 1;
  }
  const ReplyImportStats& s = *stats;
  std::cout << "messages " << s.messages << ", linked " << (s.bounces + s.automated + s.human)
            << " (bounces " << s.bounces << ", automated " << s.automated << ", human "
            << s.human << ", says fixed " << s.says_fixed << "), unlinked " << s.unlinked
            << ", already imported " << s.already_imported << ", too large " << s.skipped_large
            << "; address replies recorded " << s.recorded << ", without history "
            << s.without_history << "\n";
  return 0;
}

int ReportMonthly(const Options& o) {
  core::KvStore::Options options;
  options.create_if_missing = false;
  options.read_only = true;
  auto state = core::KvStore::Open(NotifyStateDir(o.state), options);
  if (!state.ok()) {
    std::cerr << "abuseflow report monthly: " << state.status().message() << "\n";
    return 1;
  }
  std::optional<std::string> month;
  if (!o.month.empty()) month = o.month;
  auto report = BuildMonthlyReport(**state, month, o.top);
  if (!report.ok()) {
    std::cerr << "abuseflow report monthly: " << report.status().message() << "\n";
    return report.status().code() == core::Status::Code::kInvalidArgument ? 2 : 1;
  }
  if (o.format == "json") std::cout << MonthlyReportJson(*report);
  else if (o.format == "csv") std::cout << MonthlyReportCsv(*report);
  else std::cout << MonthlyReportText(*report);
  return 0;
}

}  // namespace

void AddNotifyCommands(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<Options>();
  CLI::App* replies = app.add_subcommand("replies", "Replies to our notices");
  replies->require_subcommand(1);
  CLI::App* import = replies->add_subcommand(
      "import", "Classify the messages of Maildir folders or mbox files and record them");
  import->add_option("--state", o->state, "the state folder")->capture_default_str();
  import->add_option("mailbox", o->mailboxes, "Maildir folder or mbox file")->required();
  import->callback([o, exit_code] { *exit_code = RepliesImport(*o); });
  CLI::App* report = app.add_subcommand("report", "Statistics of the notices sent");
  report->require_subcommand(1);
  CLI::App* monthly = report->add_subcommand(
      "monthly", "Per month: mails, repeat notices, actual/automated/no responses");
  monthly->add_option("--state", o->state, "the state folder")->capture_default_str();
  monthly->add_option("--month", o->month, "only this month, e.g. 2001-09");
  monthly->add_option("--top", o->top, "countries and contact domains listed")
      ->capture_default_str();
  monthly->add_option("--format", o->format, "text, csv or json")
      ->check(CLI::IsMember({"text", "csv", "json"}))
      ->capture_default_str();
  monthly->callback([o, exit_code] { *exit_code = ReportMonthly(*o); });
}

}  // namespace abuseflow::notify
