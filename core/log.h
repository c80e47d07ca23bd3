#pragma once

#include <spdlog/spdlog.h>

#include <memory>
#include <string_view>

namespace abuseflow::core {

// The logging facade: one spdlog logger per module ("ingest", "enrich", ...),
// all writing to stderr with the same format. Messages carry key=value fields:
//   Logger("ingest")->warn("rejected line file={} line={} reason={}", ...);
// Thread-safe: loggers may be shared between threads.
std::shared_ptr<spdlog::logger> Logger(std::string_view module);

// Sets the level of every module's logger ("trace", "debug", "info", "warn",
// "error", "off"). Unknown names leave the level unchanged and return false.
bool SetLogLevel(std::string_view level);

}  // namespace abuseflow::core
