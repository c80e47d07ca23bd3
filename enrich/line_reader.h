#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace abuseflow::enrich {

// What ReadLines saw in one file.
struct LineReadStats {
  uint64_t lines = 0;
  uint64_t malformed = 0;  // lines the callback rejected, and overlong lines
};

// Calls `parse(line)` for every line of `*in` (without its "\n" or "\r\n"),
// in order. `parse` returns an error message for a malformed line, nullopt
// otherwise; lines longer than `max_line` bytes are malformed without being
// passed on (and are never held whole in memory). Malformed lines are logged
// as warnings "NAME:LINE: message" (logger "enrich"), the first 20 only, and
// counted. IoError naming `name` on a read error other than the end of file.
// Blocks on the stream only.
core::Status ReadLines(std::istream* in, std::string_view name, size_t max_line,
                       const std::function<std::optional<std::string>(std::string_view)>& parse,
                       LineReadStats* stats);

// ReadLines over the file at `path`, plain or gzip-compressed (InputFile);
// IoError naming `what` and `path` when it cannot be opened, is a directory or
// cannot be read (a read error, a truncated or corrupt .gz: lines read before
// it were passed on).
core::Status ReadLineFile(const std::string& path, std::string_view what, size_t max_line,
                          const std::function<std::optional<std::string>(std::string_view)>& parse,
                          LineReadStats* stats);

}  // namespace abuseflow::enrich
