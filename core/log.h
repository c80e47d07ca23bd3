#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

namespace abuseflow::core {

// The logging facade: one spdlog logger per module ("ingest", "enrich", ...),
// all writing to one place (SetLogTarget): stderr with the same format, or
// the systemd journal with the fields as journal fields. Messages carry key=value fields:
//   Logger("ingest")->warn("rejected line file={} line={} reason={}", ...);
// Thread-safe: loggers may be shared between threads.
std::shared_ptr<spdlog::logger> Logger(std::string_view module);

// Sets the level of every module's logger ("trace", "debug", "info", "warn",
// "error", "off"). Unknown names leave the level unchanged and return false.
bool SetLogLevel(std::string_view level);

// Where every module's logger writes: "stderr" (time, level, module,
// message), "journald" (structured entries, core/log_journald.h) or "auto"
// (the default: journald when stderr is the journal's stream, as under
// systemd, else stderr). Unknown names change nothing and return false.
bool SetLogTarget(std::string_view target);

}  // namespace abuseflow::core
