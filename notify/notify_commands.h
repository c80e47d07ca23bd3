#pragma once

#include <CLI/CLI.hpp>

namespace abuseflow::notify {

// `replies import --state DIR MAILBOX...` (ImportReplies) and
// `report monthly --state DIR [--month YYYY-MM] [--top N] [--format text|csv|json]`
// (BuildMonthlyReport). Exit codes: 0 done, 1 state or mailbox error, 2 usage.
void AddNotifyCommands(CLI::App& app, int* exit_code);

}  // namespace abuseflow::notify
