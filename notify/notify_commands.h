#pragma once

#include <CLI/CLI.hpp>

namespace abuseflow::notify {

// `replies import --state DIR MAILBOX...` (ImportReplies),
// `report monthly --state DIR [--month YYYY-MM] [--top N] [--format text|csv|json|html]
// [--output PATH]` (BuildMonthlyReport; html: MonthlyReportHtml), `report --html`
// (the same as `report monthly --format html`) and `export dshield --config F
// [--userid N] [--target ADDRESS] [--output PATH]` (ReplayToDShield), and
// `outbox list --state DIR [--only queued|sending|sent|failed] [--json]`
// (ListDeliveries, OutboxListText/Json; report monthly --format csv takes
// `--table months|countries|domains|owners`). With
// --output the file is written whole or not at all. Exit codes: 0 done, 1
// state, mailbox, input or output error, 2 usage.
void AddNotifyCommands(CLI::App& app, int* exit_code);

}  // namespace abuseflow::notify
