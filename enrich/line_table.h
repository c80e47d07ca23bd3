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

// How a table built from line files (DelegatedStats, AsnTable) reads one:
// the parser that adds a line to the table and the table's counters. The
// pointers must outlive the LoadLineTable/AddLineTable call.
struct LineTable {
  std::string_view what;      // the kind of file in errors: "delegated file"
  std::string_view log_name;  // in the load's log line: "delegated"
  size_t max_line = 0;        // a longer line is malformed (ReadLines)
  // Adds one line to the table; an error message for a malformed line.
  std::function<std::optional<std::string>(std::string_view)> parse;
  uint64_t* files = nullptr;      // +1 per file or stream read
  uint64_t* malformed = nullptr;  // + its malformed lines
};

// Reads the file at `path` through table.parse (ReadLineFile), counts it
// and logs "loaded LOG_NAME file=PATH lines=N malformed=M prefixes=P" (INFO,
// logger "enrich"; P is prefixes() after the load). IoError naming `what`
// and `path` when it cannot be opened or read: then nothing is counted.
core::Status LoadLineTable(const std::string& path, const LineTable& table,
                           const std::function<size_t()>& prefixes);

// The same over a stream (`name` names it in warnings), without the log
// line; counted even when reading fails (what was read stays added).
core::Status AddLineTable(std::istream* in, std::string_view name, const LineTable& table);

}  // namespace abuseflow::enrich
