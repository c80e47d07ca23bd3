#pragma once

#include <string>
#include <string_view>

#include "notify/mime_part.h"
#include "notify/report.h"

namespace abuseflow::notify {

// The CSV attachment of a report (RFC 4180): a header row
// "address,first_seen,last_seen,count,kind,signature,sample_line", then one
// row per address in report order. Times are ISO 8601 UTC; kind and
// signature list the address's kinds and signatures, ";"-separated, in the
// report's order; sample_line is its earliest sample ("" when none). Rows end
// in CRLF; fields with a comma, quote, CR, LF or surrounding space are
// quoted, with quotes doubled. Invalid UTF-8 and control characters other
// than tab become "?". Pure; safe from any thread.
std::string ReportCsv(const Report& report);

// `field` as one RFC 4180 field (quoted only when it has to be).
std::string CsvField(std::string_view field);

// The CSV as a base64 attachment "abuseflow-<ticket>.csv" (text/csv).
MimePart CsvPart(const Report& report, std::string_view ticket);

}  // namespace abuseflow::notify
