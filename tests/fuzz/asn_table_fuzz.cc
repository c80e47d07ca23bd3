// libFuzzer target for the prefix2as parser: every line of the input through
// ParsePrefix2AsLine, and the whole input through AsnTable::Add. Checks the
// contract: no crash; an entry has 1 to 64 distinct origins; a lookup of an
// entry's first address finds a prefix of the same family containing it.
// Built with tests/fuzz/fuzz_driver.cc (label fuzz) over tests/fixtures/offline
// and seeds/asn_table.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/log.h"
#include "enrich/asn_table.h"

namespace {

using namespace abuseflow;

void Check(bool ok) {
  if (!ok) std::abort();
}

// Checks one line; adds the first address of an entry to *entries.
void CheckLine(std::string_view text, std::vector<core::IpAddress>* entries) {
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  auto line = enrich::ParsePrefix2AsLine(text);
  if (!line.ok()) {
    Check(!line.status().message().empty());
    return;
  }
  if (!line->entry) return;
  const std::vector<uint32_t>& o = line->origins;
  Check(!o.empty() && o.size() <= 64);
  for (size_t i = 0; i < o.size(); ++i) Check(std::count(o.begin(), o.end(), o[i]) == 1);
  if (text.size() <= 4096) entries->push_back(line->prefix.first());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = core::SetLogLevel("off");
  (void)quiet;
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<core::IpAddress> entries;
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    CheckLine(std::string_view(text).substr(start, end - start), &entries);
    start = end + 1;
  }
  enrich::AsnTable table;
  std::istringstream in(text);
  Check(table.Add(&in, "fuzz").ok());
  for (const core::IpAddress& first : entries) {
    auto match = table.Lookup(first);
    Check(match.has_value() && match->prefix.Contains(first) && !match->origins.empty());
  }
  return 0;
}
