#pragma once

#include <string>

#include "core/config.h"
#include "core/status.h"

namespace abuseflow::core {

// Checks of the ingest config that need a library: the RE2 pattern of a
// user-defined format and the IANA zone names. Used by LoadConfig, so a bad
// value is a config error naming its key. Thread-safe.

// The kinds a user-defined format may give its events.
inline constexpr const char* kFormatKinds[] = {
    "connection-attempt", "port-scan", "brute-force", "exploit", "ids-alert", "worm"};
// The named groups a pattern may use (host is required).
inline constexpr const char* kFormatGroups[] = {"host",     "time",  "src_port", "dst",
                                                "dst_port", "proto", "signature"};
// The built-in stamp kinds `time_format` may name instead of a spec.
inline constexpr const char* kStampKinds[] = {"syslog", "apache", "iso8601", "epoch"};

// `format` read from the table at `path` ("ingest.format[0]"): kind known,
// pattern compiles with RE2 and names only known groups (host required),
// time_format given exactly when there is a time group (or a syslog header
// supplies the time), a spec of the directives docs/formats.md lists.
Status CheckFormat(const FormatConfig& format, const std::string& path);

// True if `spec` is a stamp kind or uses only the supported % directives.
bool IsValidTimeFormat(const std::string& spec, std::string* why);

// InvalidArgument naming `key` unless the system tzdata has zone `name`.
Status CheckTimeZone(const std::string& name, const std::string& key);

}  // namespace abuseflow::core
