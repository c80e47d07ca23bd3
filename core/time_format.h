#pragma once

#include <cstdint>
#include <string>

namespace abuseflow::core {

// Microseconds since the epoch as "2001-09-18T13:12:44Z" (seconds precision).
std::string FormatUtc(int64_t unix_us);
// The same in compact form for file names: "20010918T131244Z".
std::string FormatUtcCompact(int64_t unix_us);
// The current wall-clock time in microseconds since the epoch.
int64_t NowMicros();

}  // namespace abuseflow::core
