#pragma once

#include <cstdint>
#include <string>

#include "core/result.h"

namespace abuseflow::enrich {

// One HTTP answer of an RDAP server, as the RdapSource needs it.
struct RdapResponse {
  long status = 0;             // HTTP status code
  std::string body;            // at most the configured size cap
  std::string location;        // Location of a redirect (3xx), else empty
  int64_t retry_after_s = -1;  // Retry-After in seconds (delta form), -1 if absent
  // Retry-After as an HTTP-date (IMF-fixdate, RFC 850 or asctime), in Unix
  // seconds; -1 if absent, unparsable or given as delta-seconds.
  int64_t retry_after_date_s = -1;
};

struct RdapClientOptions {
  int64_t timeout_us = 15LL * 1000000;  // the whole request, connect to last byte
  size_t max_body_bytes = 1 << 20;      // a longer body fails the request
  std::string ca_file;                  // PEM CAs to trust; empty: the system's
};

// GETs `url` over HTTPS with libcurl (https:// only, redirects NOT followed:
// the caller maps and follows them; Accept: application/rdap+json). Blocks
// up to the timeout. Errors (Unavailable) name the URL: not https, connect or
// TLS failure (an untrusted certificate included), timeout, a body over the
// cap (by Content-Length or as it arrives). Thread-safe (one easy handle per
// call; libcurl is initialised once).
core::Result<RdapResponse> RdapGet(const std::string& url, const RdapClientOptions& options);

}  // namespace abuseflow::enrich
