// libFuzzer target for the delegated statistics parser: every line of the
// input through ParseDelegatedLine, and the whole input through
// DelegatedStats::Add. Checks the contract: no crash; a range has a two
// letter upper case country and at least one CIDR, of one family, in order
// and adjacent; a lookup of each CIDR's first address finds a country. Built
// with tests/fuzz/fuzz_driver.cc (label fuzz) over tests/fixtures/offline and
// seeds/delegated.
#include <cstddef>
#include <cstdint>
#include <cctype>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "enrich/delegated_stats.h"

namespace {

using namespace abuseflow;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Checks one line; adds the first address of a range to *ranges.
void CheckLine(std::string_view text, std::vector<core::IpAddress>* ranges) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  auto line = enrich::ParseDelegatedLine(text);
  if (!line.ok()) {
    Check(!line.status().message().empty());
    return;
  }
  if (line->kind != enrich::DelegatedLine::Kind::kRange) return;
  Check(line->country.size() == 2 && std::isupper(line->country[0]) && std::isupper(line->country[1]));
  Check(!line->prefixes.empty() && line->prefixes.size() <= 64);
  for (size_t i = 1; i < line->prefixes.size(); ++i) {
    Check(line->prefixes[i].first().family() == line->prefixes[0].first().family());
    Check(line->prefixes[i - 1].last() < line->prefixes[i].first());
  }
  if (text.size() <= 4096) ranges->push_back(line->prefixes[0].first());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = core::SetLogLevel("off");
  (void)quiet;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<core::IpAddress> ranges;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    CheckLine(std::string_view(text).substr(start, end - start), &ranges);
    start = end + 1;
  }
  enrich::DelegatedStats stats;
  std::istringstream in(text);
  Check(stats.Add(&in, "fuzz").ok());
  for (const core::IpAddress& first : ranges) Check(stats.Lookup(first).has_value());
  return 0;
}
