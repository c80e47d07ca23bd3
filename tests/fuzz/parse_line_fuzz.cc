// libFuzzer target for every line parser: the input is split at '\n' and
// each line is given to every built-in parser (header-learning ones see the
// lines in order, as from one input), to `auto`, and to three user-defined
// formats (RE2 patterns, strptime-like and built-in time formats), with a
// context that has an IANA zone and year inference. Checks the contract of
// LineParser::Parse: no crash, a reason for every non-event, an event with a
// source address, its format and its raw line as valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "ingest/line_parser.h"
#include "ingest/local_time.h"
#include "ingest/parser_support.h"
#include "ingest/user_format_parser.h"

namespace {

using abuseflow::ingest::LineParser;

void Check(bool ok) {
  if (!ok) std::abort();
}

abuseflow::core::FormatConfig UserFormat(const char* name, const char* pattern, const char* time_format,
                                         bool syslog) {
  abuseflow::core::FormatConfig f;
  f.name = name;
  f.pattern = pattern;
  f.kind = "connection-attempt";
  f.time_format = time_format;
  f.syslog = syslog;
  return f;
}

std::vector<std::unique_ptr<LineParser>> MakeAll() {
  std::vector<std::unique_ptr<LineParser>> parsers;
  for (const std::string& name : abuseflow::ingest::ParserNames()) {
    parsers.push_back(abuseflow::ingest::MakeParser(name));
  }
  const abuseflow::core::FormatConfig user[] = {
      UserFormat("u-syslog", R"(from (?P<host>\S+)(?: port (?P<src_port>\d+))?)", "", true),
      UserFormat("u-spec", R"(^(?P<time>\S+ \S+) \S+ (?P<proto>\w+) (?P<host>\S+) (?P<dst>\S+):(?P<dst_port>\d+))",
                 "%Y-%m-%d %H:%M:%S", false),
      UserFormat("u-syslog-time", R"(^(?P<time>\w+ +\d+ [\d:]+) (?P<host>\S+) (?P<signature>.*))", "syslog", false),
  };
  for (const auto& f : user) {
    auto parser = abuseflow::ingest::UserFormatParser::Compile(f);
    Check(parser.ok());
    parsers.push_back(std::move(parser).value());
  }
  return parsers;
}

// One instance per format for the whole run, as one input would have.
const std::vector<std::unique_ptr<LineParser>>& Parsers() {
  static const std::vector<std::unique_ptr<LineParser>> parsers = MakeAll();
  return parsers;
}

void ParseWithAll(std::string_view line, const abuseflow::ingest::ParseContext& ctx);

void ParseWithAll(std::string_view line) {
  static const abuseflow::ingest::ParseContext zoned = [] {
    abuseflow::ingest::ParseContext c;
    c.time_zone = *abuseflow::ingest::TimeZone::Find("America/New_York");
    c.clock = std::make_shared<abuseflow::ingest::InputClock>([] { return int64_t{1007164800} * 1000000; });
    return c;
  }();
  abuseflow::ingest::ParseContext fixed;
  fixed.default_year = 2001;
  fixed.utc_offset_minutes = -240;
  fixed.tz_name = "EDT";
  ParseWithAll(line, fixed);
  ParseWithAll(line, zoned);
}

void ParseWithAll(std::string_view line, const abuseflow::ingest::ParseContext& ctx) {
  for (const auto& parser : Parsers()) {
    abuseflow::v1::ProbeEvent event;
    const abuseflow::ingest::ParseResult r = parser->Parse(line, ctx, &event);
    if (r.outcome != abuseflow::ingest::ParseOutcome::kEvent) {
      Check(!r.reason.empty());
      Check(event.raw().empty());
      continue;
    }
    // A host name logged instead of an address: src empty, src_host set.
    Check(event.src().size() == 4 || event.src().size() == 16 || (event.src().empty() && !event.src_host().empty()));
    Check(abuseflow::ingest::IsValidUtf8(event.src_host()));
    Check(!event.tz_name().empty());
    Check(event.dst().empty() || event.dst().size() == 4 || event.dst().size() == 16);
    Check(event.src_port() <= 65535 && event.dst_port() <= 65535);
    Check(!event.format().empty());
    Check(abuseflow::ingest::IsValidUtf8(event.raw()));
    Check(abuseflow::ingest::IsValidUtf8(event.signature()));
    Check(abuseflow::ingest::IsValidUtf8(event.sensor()));
    Check(event.ByteSizeLong() > 0);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  while (true) {
    const size_t newline = input.find('\n');
    ParseWithAll(input.substr(0, newline));
    if (newline == std::string_view::npos) break;
    input.remove_prefix(newline + 1);
  }
  return 0;
}
