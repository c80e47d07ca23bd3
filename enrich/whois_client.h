#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "enrich/whois_servers.h"

namespace abuseflow::enrich {

struct WhoisClientOptions {
  int64_t timeout_us = 15LL * 1000000;  // for the whole query: connect, send, read; default 15s
  size_t max_answer_bytes = 1 << 20;    // a longer answer is an error; default 1 MiB
  // When set, called with the bytes read so far after each read: true ends
  // the read before the server closes (RWhois servers may hold the
  // connection after their final "%ok"; RwhoisAnswerComplete). Unset: read
  // until the server closes (RFC 3912).
  std::function<bool(std::string_view answer)> complete;
};

// One WHOIS query over TCP (RFC 3912): connects to `endpoint` (every address
// the host name resolves to, in turn), sends `query` and CR LF, and reads
// until the server closes the connection (or options.complete says the
// answer is whole).
//
// Blocks the calling thread for at most options.timeout_us once the host name
// is resolved (name resolution itself uses the system resolver and its own
// timeouts; numeric hosts do not block). Fails with Unavailable naming the
// endpoint when it cannot connect, when the deadline passes before the
// server closes (slow or endless answers), or when the answer grows past
// max_answer_bytes (memory stays bounded by it). Thread-safe.
core::Result<std::string> WhoisQuery(const WhoisEndpoint& endpoint, std::string_view query,
                                     const WhoisClientOptions& options);

}  // namespace abuseflow::enrich
