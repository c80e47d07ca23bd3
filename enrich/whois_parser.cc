#include "enrich/whois_parser.h"

#include <array>
#include <utility>

#include "enrich/whois_parse_util.h"

namespace abuseflow::enrich {
namespace {

using namespace whois_internal;

constexpr std::array<std::pair<WhoisFormat, std::string_view>, 7> kFormatNames = {{
    {WhoisFormat::kIana, "iana"},
    {WhoisFormat::kRpsl, "rpsl"},
    {WhoisFormat::kArin, "arin"},
    {WhoisFormat::kLacnic, "lacnic"},
    {WhoisFormat::kJpnic, "jpnic"},
    {WhoisFormat::kKrnic, "krnic"},
    {WhoisFormat::kTwnic, "twnic"},
}};

// Phrases of the registries' limit messages, matched without regard to case.
constexpr std::array<std::string_view, 9> kRateLimitPhrases = {
    "%error:201",                      // RIPE, APNIC, AFRINIC: access denied
    "access denied for",               // RIPE-style, with the client address
    "access from your host has been",  // "... temporarily/permanently denied"
    "excessive querying",
    "query rate limit exceeded",  // LACNIC, ARIN
    "rate limit exceeded",
    "query limit exceeded",
    "daily limit",  // RIPE personal-data limit
    "too many queries",
};

}  // namespace

std::optional<WhoisFormat> WhoisFormatFromName(std::string_view name) {
  for (const auto& [format, text] : kFormatNames) {
    if (text == name) return format;
  }
  return std::nullopt;
}

std::string_view WhoisFormatName(WhoisFormat format) {
  for (const auto& [f, text] : kFormatNames) {
    if (f == format) return text;
  }
  return "?";
}

bool IsRateLimitAnswer(std::string_view text) {
  // Limit messages are short and come first; a long answer that merely
  // mentions a phrase in its terms of use is not one.
  std::string_view head = text.substr(0, std::min<size_t>(text.size(), 2048));
  for (std::string_view line : Lines(head)) {
    if (line.empty() || (line[0] != '%' && line[0] != '#' && !ContainsNoCase(line, "limit") &&
                         !ContainsNoCase(line, "denied"))) {
      continue;
    }
    for (std::string_view phrase : kRateLimitPhrases) {
      if (ContainsNoCase(line, phrase)) return true;
    }
  }
  return false;
}

WhoisAnswer ParseWhoisAnswer(WhoisFormat format, std::string_view text,
                             const core::IpAddress& address) {
  if (IsRateLimitAnswer(text)) {
    WhoisAnswer answer;
    answer.rate_limited = true;
    return answer;
  }
  std::vector<std::string_view> lines = Lines(text);
  switch (format) {
    case WhoisFormat::kIana:
      return ParseIana(lines);
    case WhoisFormat::kRpsl:
      return ParseRpsl(lines, address);
    case WhoisFormat::kArin:
      return ParseArin(lines, address);
    case WhoisFormat::kLacnic:
      return ParseLacnic(lines, address);
    case WhoisFormat::kJpnic:
      return ParseJpnic(lines, address);
    case WhoisFormat::kKrnic:
      return ParseKrnic(lines, address);
    case WhoisFormat::kTwnic:
      return ParseTwnic(lines, address);
  }
  return {};
}

namespace whois_internal {

WhoisAnswer ParseIana(const std::vector<std::string_view>& lines) {
  WhoisAnswer answer;
  for (const Object& object : SplitObjects(lines)) {
    std::string_view refer = Get(object, "refer");
    if (refer.empty()) refer = Get(object, "whois");
    if (!refer.empty()) {
      answer.referral = ParseReferral(refer);
      if (answer.referral) return answer;
    }
  }
  return answer;  // reserved space (private use, multicast...): a dead end
}

}  // namespace whois_internal
}  // namespace abuseflow::enrich
