#pragma once

// Test helpers shared by the parser tests: build the expected event, compare
// every field. Test-only.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "ingest/line_parser.h"

namespace abuseflow::ingest::testing_util {

// The bytes of a textual address; "" for "".
inline std::string AddressBytes(const std::string& text) {
  return text.empty() ? std::string() : core::IpAddress::Parse(text)->ToBytes();
}

// The context most parser tests use: a log of 2001 whose stamps without an
// offset are EDT (-04:00), with an optional configured sensor.
inline ParseContext EdtContext(std::string sensor = "") {
  ParseContext ctx;
  ctx.default_year = 2001;
  ctx.utc_offset_minutes = -240;
  ctx.tz_name = "EDT";
  ctx.sensor = std::move(sensor);
  return ctx;
}

// Every field a parser sets; raw is the line given to ExpectParsed.
struct Expected {
  std::string sensor;
  int64_t observed_unix_seconds = 0;
  std::string src;
  std::string dst;
  uint32_t src_port = 0;
  uint32_t dst_port = 0;
  v1::Protocol proto = v1::PROTOCOL_UNSPECIFIED;
  v1::Kind kind = v1::KIND_UNSPECIFIED;
  std::string signature;
  std::string format;
  int utc_offset_minutes = 0;
  std::string tz_name;
  int64_t micros = 0;  // added to observed_unix_seconds
  std::string src_host;  // a host name logged instead of an address
};

// Parses `line` and checks the outcome and every field of the event.
inline void ExpectParsed(const LineParser& parser, const ParseContext& ctx, const std::string& line,
                         const Expected& want) {
  v1::ProbeEvent event;
  const ParseResult r = parser.Parse(line, ctx, &event);
  ASSERT_EQ(r.outcome, ParseOutcome::kEvent) << line << " reason=" << r.reason;
  EXPECT_EQ(event.sensor(), want.sensor) << line;
  EXPECT_EQ(event.observed_us(), want.observed_unix_seconds * 1000000 + want.micros) << line;
  EXPECT_EQ(event.src(), AddressBytes(want.src)) << line;
  EXPECT_EQ(event.src_host(), want.src_host) << line;
  EXPECT_EQ(event.dst(), AddressBytes(want.dst)) << line;
  EXPECT_EQ(event.src_port(), want.src_port) << line;
  EXPECT_EQ(event.dst_port(), want.dst_port) << line;
  EXPECT_EQ(event.proto(), want.proto) << line;
  EXPECT_EQ(event.kind(), want.kind) << line;
  EXPECT_EQ(event.signature(), want.signature) << line;
  EXPECT_EQ(event.format(), want.format) << line;
  EXPECT_EQ(event.raw(), line) << line;
  EXPECT_EQ(event.utc_offset_minutes(), want.utc_offset_minutes) << line;
  EXPECT_EQ(event.tz_name(), want.tz_name) << line;
  EXPECT_FALSE(event.has_id()) << line;
}

// Parses `line` and checks that it is not an event, with `reason`.
inline void ExpectOutcome(const LineParser& parser, const ParseContext& ctx, const std::string& line,
                          ParseOutcome outcome, std::string_view reason) {
  v1::ProbeEvent event;
  event.set_raw("untouched");
  const ParseResult r = parser.Parse(line, ctx, &event);
  EXPECT_EQ(r.outcome, outcome) << line;
  EXPECT_EQ(r.reason, reason) << line;
  EXPECT_EQ(event.raw(), "untouched") << line;
}

// Parses `line`, whose source is the host name `host`: an event with the
// name in src_host and an empty src (no resolver in ctx).
inline void ExpectHostName(const LineParser& parser, const ParseContext& ctx, const std::string& line,
                           const std::string& host) {
  v1::ProbeEvent event;
  const ParseResult r = parser.Parse(line, ctx, &event);
  ASSERT_EQ(r.outcome, ParseOutcome::kEvent) << line << " reason=" << r.reason;
  EXPECT_EQ(event.src(), "") << line;
  EXPECT_EQ(event.src_host(), host) << line;
  EXPECT_EQ(event.raw(), line) << line;
}

}  // namespace abuseflow::ingest::testing_util
