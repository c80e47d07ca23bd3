#pragma once

#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace abuseflow::core {

// An spdlog sink that writes each message to the systemd journal as one
// structured entry (sd_journal_sendv): MESSAGE (the text as on stderr,
// without time and level), PRIORITY (syslog level), SYSLOG_IDENTIFIER
// "abuseflow", ABUSEFLOW_MODULE (the logger: "ingest", "enrich", ...), and
// one ABUSEFLOW_<KEY> field per `key=value` of the message (quoted values
// unquoted), so `journalctl ABUSEFLOW_SERVER=whois.ripe.net` finds them.
// A message the journal does not take is dropped (the journal is gone);
// never blocks the caller for long. Thread-safe (spdlog's sink mutex).
class JournaldSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override {}
};

// The key=value fields of a log message: keys [a-z_][a-z0-9_]* after a
// space or at the start, values up to the next space or, when quoted, to
// the closing quote (\" inside stays a quote). Pure.
std::vector<std::pair<std::string, std::string>> LogFields(std::string_view message);

// True when standard error is the journal's stream for this process
// (systemd sets JOURNAL_STREAM to its device:inode), as in a unit.
bool StderrIsJournal();

}  // namespace abuseflow::core
