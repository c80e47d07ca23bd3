#pragma once

#include <string_view>

#include "ingest/line_parser.h"

namespace abuseflow::ingest {

// Zeek conn.log written as JSON (LogAscii::use_json), one object per line:
//
//   {"ts":1000818764.123456,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"192.0.2.7","id.orig_p":4321,
//    "id.resp_h":"198.51.100.1","id.resp_p":23,"proto":"tcp","conn_state":"S0",...}
//
// "ts" is epoch seconds, or an RFC 3339 string with JSON::TS_ISO8601.
// Records are judged as in ZeekParser (zeek_conn.h): never-established
// connections are KIND_CONNECTION_ATTEMPT, signature "conn_state S0"; other
// records, and objects without "conn_state" (other Zeek logs), are
// kNotProbe. Invalid JSON is "malformed". sensor is ctx.sensor. Stateless:
// thread-safe.
class ZeekJsonParser final : public LineParser {
 public:
  static constexpr std::string_view kName = "zeek-json";

  std::string_view name() const override { return kName; }
  ParseResult Parse(std::string_view line, const ParseContext& ctx,
                    v1::ProbeEvent* event) const override;
};

}  // namespace abuseflow::ingest
