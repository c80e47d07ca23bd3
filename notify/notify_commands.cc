#include "notify/notify_commands.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "core/config.h"
#include "core/kv_store.h"
#include "core/time_format.h"
#include "notify/dshield_replay.h"
#include "notify/failing_contacts.h"
#include "notify/html_report.h"
#include "notify/monthly_report.h"
#include "notify/notify_stage.h"
#include "notify/outbox_list.h"
#include "notify/reply_import.h"

namespace abuseflow::notify {
namespace {

struct Options {
  std::string state = "state", month, format = "text", output, config, userid = "0", target;
  std::string table = "months";  // report monthly --format csv --table
  std::string only;              // outbox list --only STATE
  bool json = false;             // outbox list --json
  std::string clear;  // contacts failing --clear MAILBOX
  std::vector<std::string> mailboxes;
  std::vector<std::string> imap;  // replies import --imap URL
  bool state_given = false;       // replies import: --state given (else the config's state_dir)
  size_t top = 10;
  bool html = false;
};

int RepliesImport(const Options& o) {
  // [notify.imap] of --config (credentials, TLS, its mailboxes), plus --imap URLs.
  core::ImapConfig imap;
  std::string state = o.state;
  if (!o.config.empty()) {
    auto config = core::LoadConfig(o.config);
    if (!config.ok()) {
      std::cerr << "abuseflow replies import: " << config.status().message() << "\n";
      return 2;
    }
    imap = config->notify.imap;
    if (!o.state_given) state = config->state_dir;
  }
  imap.mailboxes.insert(imap.mailboxes.end(), o.imap.begin(), o.imap.end());
  if (o.mailboxes.empty() && imap.mailboxes.empty()) {
    std::cerr << "abuseflow replies import: no mailbox (give MAILBOX, --imap URL or a config "
                 "with [notify.imap] mailboxes)\n";
    return 2;
  }
  auto stats = ImportReplies(state, o.mailboxes, imap,
                             [](const std::string& line) { std::cout << line << "\n"; });
  if (!stats.ok()) {
    std::cerr << "abuseflow replies import: " << stats.status().message() << "\n";
    return 1;
  }
  const ReplyImportStats& s = *stats;
  std::cout << "messages " << s.messages << ", linked " << (s.bounces + s.automated + s.human)
            << " (bounces " << s.bounces << ", automated " << s.automated << ", human " << s.human
            << ", says fixed " << s.says_fixed << ", admit a compromise " << s.admits_compromise << "), unlinked " << s.unlinked
            << ", already imported " << s.already_imported << ", too large " << s.skipped_large
            << "; address replies recorded " << s.recorded << ", without history "
            << s.without_history << "; failing contacts marked " << s.failing_marked
            << "; fetched over IMAP " << s.imap_fetched << "\n";
  return 0;
}

// `contacts failing`: lists the failing abuse mailboxes, or clears one.
int ContactsFailing(const Options& o) {
  core::KvStore::Options options;
  options.create_if_missing = false;
  options.read_only = o.clear.empty();
  auto state = core::KvStore::Open(NotifyStateDir(o.state), options);
  if (!state.ok()) {
    std::cerr << "abuseflow contacts failing: " << state.status().message() << "\n";
    return 1;
  }
  FailingContactStore store(state->get());
  if (!o.clear.empty()) {
    auto cleared = store.Clear(o.clear);
    if (!cleared.ok()) {
      std::cerr << "abuseflow contacts failing: " << cleared.status().message() << "\n";
      return 1;
    }
    std::cout << (*cleared ? "cleared " : "not marked failing: ") << o.clear << "\n";
    return *cleared ? 0 : 1;
  }
  auto list = store.List();
  if (!list.ok()) {
    std::cerr << "abuseflow contacts failing: " << list.status().message() << "\n";
    return 1;
  }
  for (const FailingContact& c : *list) {
    std::cout << c.mailbox << "\tsince " << core::FormatUtc(c.since_us) << "\tbounces "
              << c.bounces << "\tlast " << c.bounce_id << "\tnotice " << c.notice_id
              << "\tfinal-recipient " << (c.final_recipient.empty() ? "-" : c.final_recipient)
              << "\tstatus " << (c.status.empty() ? "-" : c.status) << "\n";
  }
  std::cout << list->size() << " failing\n";
  return 0;
}

// Runs `write` on standard output (`path` empty or "-"), or on a temporary
// file beside `path` renamed over it once complete, so that a failed run
// leaves no partial file. False with *error set on failure.
bool WriteOutput(const std::string& path, const std::function<core::Status(std::ostream*)>& write,
                 std::string* error) {
  if (path.empty() || path == "-") {
    core::Status s = write(&std::cout);
    if (!s.ok()) *error = s.message();
    return s.ok();
  }
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::ofstream file(tmp, std::ios::binary | std::ios::trunc);
  core::Status s = file ? write(&file) : core::Status::IoError("cannot create " + tmp);
  if (s.ok()) {
    file.close();
    if (!file) s = core::Status::IoError("cannot write " + tmp);
  }
  std::error_code ec;
  if (s.ok()) std::filesystem::rename(tmp, path, ec);
  if (s.ok() && ec)
    s = core::Status::IoError("cannot rename " + tmp + " to " + path + ": " + ec.message());
  if (!s.ok()) {
    std::filesystem::remove(tmp, ec);
    *error = s.message();
  }
  return s.ok();
}

core::Status WriteText(std::ostream* out, const std::string& text) {
  out->write(text.data(), static_cast<std::streamsize>(text.size()));
  out->flush();
  return *out ? core::Status::Ok() : core::Status::IoError("cannot write the report");
}

int ReportMonthly(const Options& o, const std::string& format) {
  const std::string command = format == "html" && o.html ? "report --html" : "report monthly";
  core::KvStore::Options options;
  options.create_if_missing = false;
  options.read_only = true;
  auto state = core::KvStore::Open(NotifyStateDir(o.state), options);
  if (!state.ok()) {
    std::cerr << "abuseflow " << command << ": " << state.status().message() << "\n";
    return 1;
  }
  std::optional<std::string> month;
  if (!o.month.empty()) month = o.month;
  auto report = BuildMonthlyReport(**state, month, o.top);
  if (!report.ok()) {
    std::cerr << "abuseflow " << command << ": " << report.status().message() << "\n";
    return report.status().code() == core::Status::Code::kInvalidArgument ? 2 : 1;
  }
  std::string text;
  if (format == "csv" && o.table != "months") {
    auto csv = MonthlyTopCsv(*report, o.table);
    if (!csv.ok()) {
      std::cerr << "abuseflow " << command << ": " << csv.status().message() << "\n";
      return 2;
    }
    text = std::move(csv).value();
  } else if (format == "json") {
    text = MonthlyReportJson(*report);
  } else if (format == "csv") {
    text = MonthlyReportCsv(*report);
  } else if (format == "html") {
    text =
        MonthlyReportHtml(*report, {.subtitle = "state " + o.state + (month ? ", " + *month : "")});
  } else {
    text = MonthlyReportText(*report);
  }
  std::string error;
  if (!WriteOutput(
          o.output, [&](std::ostream* out) { return WriteText(out, text); }, &error)) {
    std::cerr << "abuseflow " << command << ": " << error << "\n";
    return 1;
  }
  return 0;
}

int ExportDShield(const Options& o) {
  DShieldOptions options;
  options.userid = o.userid;
  if (!o.target.empty()) {
    options.target = core::IpAddress::Parse(o.target);
    if (!options.target) {
      std::cerr << "abuseflow export dshield: --target '" << o.target << "' is not an address\n";
      return 2;
    }
  }
  auto config = core::LoadConfig(o.config);
  if (!config.ok()) {
    std::cerr << "abuseflow export dshield: " << config.status().message() << "\n";
    return 2;
  }
  core::Result<DShieldReplayStats> stats = core::Status::Internal("not run");
  std::string error;
  const bool ok = WriteOutput(
      o.output,
      [&](std::ostream* out) {
        stats = ReplayToDShield(*config, options, out);
        return stats.ok() ? core::Status::Ok() : stats.status();
      },
      &error);
  if (!ok) {
    std::cerr << "abuseflow export dshield: " << error << "\n";
    return stats.ok() || stats.status().code() != core::Status::Code::kInvalidArgument ? 1 : 2;
  }
  const DShieldReplayStats& s = *stats;
  std::cerr << "export dshield: " << s.inputs << " inputs, " << s.lines << " lines, " << s.events
            << " events, " << s.written << " lines written; not probes " << s.not_probe
            << ", rejected " << s.rejected;
  for (const auto& [reason, n] : s.skipped) std::cerr << ", skipped " << reason << " " << n;
  if (s.listeners > 0) std::cerr << "; " << s.listeners << " syslog inputs not read";
  std::cerr << "\n";
  return 0;
}

// `outbox list`: every mail's delivery state, from notify's state (read-only).
int OutboxList(const Options& o) {
  core::KvStore::Options options;
  options.create_if_missing = false;
  options.read_only = true;
  auto state = core::KvStore::Open(NotifyStateDir(o.state), options);
  if (!state.ok()) {
    std::cerr << "abuseflow outbox list: " << state.status().message() << "\n";
    return 1;
  }
  std::optional<DeliveryRecord::State> only;
  if (!o.only.empty()) only = ParseStateName(o.only);  // CLI11 checked the name
  DeliveryStore store(state->get());
  auto rows = ListDeliveries(store, only);
  if (!rows.ok()) {
    std::cerr << "abuseflow outbox list: " << rows.status().message() << "\n";
    return 1;
  }
  std::cout << (o.json ? OutboxListJson(*rows) : OutboxListText(*rows));
  return 0;
}

void AddOutboxCommands(CLI::App& app, const std::shared_ptr<Options>& o, int* exit_code) {
  CLI::App* outbox = app.add_subcommand("outbox", "The mails notify wrote and their delivery");
  outbox->require_subcommand(1);
  CLI::App* list = outbox->add_subcommand(
      "list", "Each mail's file, recipients, delivery state, attempts, last error, next attempt");
  list->add_option("--state", o->state, "the state folder")->capture_default_str();
  list->add_option("--only", o->only, "only mails in this delivery state")
      ->check(CLI::IsMember({"queued", "sending", "sent", "failed"}));
  list->add_flag("--json", o->json, "a JSON array instead of tab-separated lines");
  list->callback([o, exit_code] { *exit_code = OutboxList(*o); });
}

void AddReportCommands(CLI::App& app, const std::shared_ptr<Options>& o, int* exit_code) {
  CLI::App* report = app.add_subcommand("report", "Statistics of the notices sent");
  report->require_subcommand(0, 1);
  report->add_flag("--html", o->html,
                   "the HTML page of report monthly (report monthly --format html)");
  report->add_option("--state", o->state, "the state folder (with --html)")->capture_default_str();
  report->add_option("--month", o->month, "only this month, e.g. 2001-09 (with --html)");
  report->add_option("--top", o->top, "countries, contact domains and owners listed (with --html)")
      ->capture_default_str();
  report->add_option("--output", o->output,
                     "write to this file instead of standard output (with --html)");
  CLI::App* monthly = report->add_subcommand(
      "monthly", "Per month: mails, repeat notices, actual/automated/no responses");
  monthly->add_option("--state", o->state, "the state folder")->capture_default_str();
  monthly->add_option("--month", o->month, "only this month, e.g. 2001-09");
  monthly->add_option("--top", o->top, "countries, contact domains and owners listed")
      ->capture_default_str();
  monthly->add_option("--table", o->table,
                      "with --format csv: months, or one top list: countries, domains, owners")
      ->check(CLI::IsMember({"months", "countries", "domains", "owners"}))
      ->capture_default_str();
  monthly->add_option("--format", o->format, "text, csv, json or html (one self-contained page)")
      ->check(CLI::IsMember({"text", "csv", "json", "html"}))
      ->capture_default_str();
  monthly->add_option("--output", o->output, "write to this file instead of standard output");
  monthly->callback([o, exit_code] { *exit_code = ReportMonthly(*o, o->format); });
  report->callback([o, report, exit_code] {
    if (!report->get_subcommands().empty()) return;
    if (!o->html) {
      std::cerr << "abuseflow report: give a subcommand (monthly) or --html\n" << report->help();
      *exit_code = 2;
      return;
    }
    *exit_code = ReportMonthly(*o, "html");
  });
}

void AddExportCommands(CLI::App& app, const std::shared_ptr<Options>& o, int* exit_code) {
  CLI::App* exp = app.add_subcommand("export", "Events in other formats, for sharing");
  exp->require_subcommand(1);
  CLI::App* dshield = exp->add_subcommand(
      "dshield", "Replay the config's inputs and write DShield tab-separated submission lines");
  dshield->add_option("-c,--config", o->config, "the config whose [[ingest.input]] are read")
      ->required();
  dshield->add_option("--userid", o->userid, "DShield user id (0: anonymous)")
      ->check(CLI::Validator(
          [](std::string& v) {
            return !v.empty() && v.size() <= 20 &&
                           v.find_first_not_of("0123456789") == std::string::npos
                       ? std::string()
                       : std::string("the user id is digits");
          },
          "DIGITS"))
      ->capture_default_str();
  dshield->add_option("--target", o->target,
                      "our address for events whose log names none (web server logs)");
  dshield->add_option("--output", o->output, "write to this file instead of standard output");
  dshield->callback([o, exit_code] { *exit_code = ExportDShield(*o); });
}

}  // namespace

void AddNotifyCommands(CLI::App& app, int* exit_code) {
  auto o = std::make_shared<Options>();
  CLI::App* replies = app.add_subcommand("replies", "Replies to our notices");
  replies->require_subcommand(1);
  CLI::App* import = replies->add_subcommand(
      "import",
      "Classify the messages of Maildir folders, mbox files or IMAP mailboxes and record them");
  CLI::Option* state = import->add_option("--state", o->state, "the state folder (default: the "
                                          "config's state_dir with --config, else \"state\")");
  import->add_option("--config", o->config, "read [notify.imap] (and state_dir) from this config");
  import->add_option("--imap", o->imap, "an IMAP mailbox URL, imap://host[:port]/INBOX or imaps://");
  import->add_option("mailbox", o->mailboxes, "Maildir folder or mbox file");
  import->callback([o, exit_code, state] {
    o->state_given = state->count() > 0;
    *exit_code = RepliesImport(*o);
  });
  CLI::App* contacts = app.add_subcommand("contacts", "Abuse contacts our notices go to");
  contacts->require_subcommand(1);
  CLI::App* failing = contacts->add_subcommand(
      "failing", "List the abuse mailboxes marked failing by a bounce, or clear one");
  failing->add_option("--state", o->state, "the state folder")->capture_default_str();
  failing->add_option("--clear", o->clear, "remove the failing mark of this mailbox");
  failing->callback([o, exit_code] { *exit_code = ContactsFailing(*o); });
  AddReportCommands(app, o, exit_code);
  AddExportCommands(app, o, exit_code);
  AddOutboxCommands(app, o, exit_code);
}

}  // namespace abuseflow::notify
