#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace abuseflow::ingest {

// Reading one JSON object per line (Suricata EVE, Zeek JSON logs) without
// exceptions. Pure, thread-safe.

// Deeper nesting than this is refused before parsing, which bounds the
// parser's work and stack on hostile lines.
inline constexpr int kMaxJsonDepth = 16;

// Parses `text` as one JSON object; nullopt if it is not valid JSON (or
// UTF-8), not an object, or nested deeper than kMaxJsonDepth.
std::optional<nlohmann::json> ParseJsonObject(std::string_view text);

// The string member `key` of `object`, or nullopt (absent or not a string).
std::optional<std::string_view> JsonString(const nlohmann::json& object, std::string_view key);

// The unsigned integer member `key`, or nullopt (absent, negative, not an
// integer).
std::optional<uint64_t> JsonUnsigned(const nlohmann::json& object, std::string_view key);

}  // namespace abuseflow::ingest
