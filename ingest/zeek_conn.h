#pragma once

#include <string_view>

#include "ingest/line_parser.h"
#include "ingest/parser_support.h"
#include "ingest/timestamp.h"

namespace abuseflow::ingest {

// What Zeek's conn.log TSV and JSON forms share: the fields of a connection
// record that make a probe, and which records are probes. Pure, thread-safe.

// The conn.log fields as text ("-" is Zeek's unset value).
struct ZeekConnFields {
  std::string_view ts;          // "1000818764.123456", or RFC 3339 (JSON::TS_ISO8601)
  std::string_view orig_h;      // id.orig_h: the source
  std::string_view orig_p;      // id.orig_p
  std::string_view resp_h;      // id.resp_h
  std::string_view resp_p;      // id.resp_p
  std::string_view proto;       // tcp, udp, icmp
  std::string_view conn_state;  // S0, REJ, SF, ...
};

// True for the states of a connection that was attempted but never
// established: S0 (no answer), REJ (refused), RSTOS0, RSTRH, SH, SHR.
bool IsAttemptState(std::string_view conn_state);

// Fills *fields (src, dst, ports, proto, kind KIND_CONNECTION_ATTEMPT,
// observed time; signature left to the caller: "conn_state S0") and *stamp.
// kNotProbe for established and other states; rejected for bad addresses,
// ports or stamps.
ParseResult ZeekConnToFields(const ZeekConnFields& conn, Stamp* stamp, EventFields* fields);

}  // namespace abuseflow::ingest
