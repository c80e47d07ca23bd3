#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace abuseflow::enrich {

// An HTTP-date (RFC 9110 section 5.6.7) as Unix seconds: the preferred
// IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" and the two obsolete forms a
// recipient must also accept, RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT" (a
// two-digit year 00-69 is 20yy, 70-99 is 19yy) and asctime "Sun Nov  6
// 08:49:37 1994". Day and month names are case-sensitive as in the grammar;
// the day of the week must be a valid name but is not checked against the
// date. nullopt for anything else (other zones, out-of-range fields, a day
// the month does not have, trailing text, a year before 1970). Pure.
std::optional<int64_t> ParseHttpDate(std::string_view text);

// Reads a Retry-After header value (RFC 9110 section 10.2.3): delta-seconds
// (digits only) or an HTTP-date. Sets *delta_s or *date_s (Unix seconds);
// leaves both alone and returns false for garbage or an empty value.
// Delta-seconds too large for int64_t give INT64_MAX (the caller caps it).
bool ParseRetryAfter(std::string_view value, int64_t* delta_s, int64_t* date_s);

}  // namespace abuseflow::enrich
