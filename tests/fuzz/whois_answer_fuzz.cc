// libFuzzer target for every WHOIS answer parser: the input is converted to
// UTF-8 (with each registry's charset) and parsed in every format for a few
// addresses. Checks the contract of ParseWhoisAnswer: no crash, valid UTF-8
// out of core::ToUtf8, at most 8 abuse mailboxes, each one core::IsValidMailbox
// accepts, a record only for a block containing the address, and referrals
// with a host name and a valid port; the more-specific answer parsers
// (RPSL "-m", ARIN "n >") list only prefixes strictly inside the block, at
// most 4096; the RWhois parser (ParseRwhoisAnswer) holds the same record
// contract. Built with tests/fuzz/fuzz_driver.cc
// (label fuzz) over the answer fixtures in tests/fixtures/whois.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/mailbox.h"
#include "core/charset.h"
#include "enrich/rwhois_parser.h"
#include "enrich/whois_more_specific.h"
#include "enrich/whois_parser.h"

namespace {

using namespace abuseflow;

void Check(bool ok) {
  if (!ok) std::abort();
}

void CheckAnswer(const enrich::WhoisAnswer& a, const core::IpAddress& address) {
  if (a.referral) {
    Check(!a.referral->host.empty() && a.referral->port > 0 && a.referral->port < 65536);
  }
  if (!a.record) return;
  Check(a.record->abuse_size() <= 8);
  for (const std::string& m : a.record->abuse()) Check(core::IsValidMailbox(m));
  auto first = core::IpAddress::FromBytes(a.record->first());
  auto last = core::IpAddress::FromBytes(a.record->last());
  Check(first && last && *first <= address && address <= *last);
  Check(core::IsValidUtf8(a.record->owner()) || a.record->owner().empty());
}

void CheckChildren(const std::optional<std::vector<core::IpPrefix>>& children,
                   const core::IpAddress& first, const core::IpAddress& last) {
  if (!children) return;
  Check(children->size() <= 4096);
  for (const core::IpPrefix& p : *children) {
    Check(first <= p.first() && p.last() <= last && !(p.first() == first && p.last() == last));
  }
}

// The more-specific parsers over `text`, for one IPv4 and one IPv6 block.
void CheckMoreSpecific(std::string_view text) {
  for (const char* cidr : {"8.18.0.0/22", "2001:db8::/32"}) {
    auto prefix = *core::IpPrefix::Parse(cidr);
    v1::OwnerRecord block;
    block.set_first(prefix.first().ToBytes());
    block.set_last(prefix.last().ToBytes());
    block.add_cidrs(cidr);
    CheckChildren(enrich::ParseMoreSpecificAnswer(text, block), prefix.first(), prefix.last());
    CheckChildren(enrich::ParseArinMoreSpecificAnswer(text, block), prefix.first(), prefix.last());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view raw(reinterpret_cast<const char*>(data), size);
  static const core::IpAddress kAddresses[] = {*core::IpAddress::Parse("194.160.1.1"),
                                               *core::IpAddress::Parse("211.234.100.7"),
                                               *core::IpAddress::Parse("2001:67c:2e8::1"),
                                               *core::IpAddress::Parse("24.90.9.7")};
  for (std::string_view charset : {"", "BIG5"}) {
    std::string text = core::ToUtf8(raw, charset);
    Check(core::IsValidUtf8(text) || text.empty());
    CheckMoreSpecific(text);
    for (int f = 0; f <= static_cast<int>(enrich::WhoisFormat::kTwnic); ++f) {
      for (const core::IpAddress& address : kAddresses) {
        CheckAnswer(enrich::ParseWhoisAnswer(static_cast<enrich::WhoisFormat>(f), text, address),
                    address);
      }
    }
    for (const core::IpAddress& address : kAddresses) {
      enrich::WhoisAnswer rw;
      rw.record = enrich::ParseRwhoisAnswer(text, address).record;
      CheckAnswer(rw, address);
    }
    (void)enrich::RwhoisAnswerComplete(text);
  }
  return 0;
}
