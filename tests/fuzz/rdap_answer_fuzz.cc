// libFuzzer target for the RDAP parsers: the input is parsed as an ip network
// answer and as a bootstrap file. Checks the contract of ParseRdapNetwork: no
// crash, at most 8 abuse mailboxes, each one core::IsValidMailbox accepts,
// first <= last of one family, every CIDR parseable. Built with
// tests/fuzz/fuzz_driver.cc (label fuzz) over the answers in tests/fixtures/rdap.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/ip_prefix.h"
#include "core/mailbox.h"
#include "enrich/rdap_parser.h"

namespace {

using namespace abuseflow;

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto record = enrich::ParseRdapNetwork(text);
  if (record.ok()) {
    Check(record->abuse_size() <= 8);
    for (const std::string& m : record->abuse()) Check(core::IsValidMailbox(m));
    auto first = core::IpAddress::FromBytes(record->first());
    auto last = core::IpAddress::FromBytes(record->last());
    Check(first && last && first->family() == last->family() && !(*last < *first));
    for (const std::string& cidr : record->cidrs()) Check(core::IpPrefix::Parse(cidr).has_value());
  }
  enrich::RdapBootstrap bootstrap;
  if (bootstrap.Add(text).ok() && bootstrap.size() > 0) {
    (void)bootstrap.BaseUrlFor(*core::IpAddress::Parse("192.0.2.1"));
  }
  return 0;
}
