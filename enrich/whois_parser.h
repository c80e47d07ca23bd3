#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"

namespace abuseflow::enrich {

// The answer formats of the WHOIS servers abuseflow asks (docs/whois.md).
enum class WhoisFormat {
  kIana,    // whois.iana.org: "refer:" names the registry of the range
  kRpsl,    // RIPE, AFRINIC, APNIC, CNNIC: RPSL objects, "% Abuse contact for"
  kArin,    // NetRange/CIDR/OrgName/OrgAbuseEmail/ReferralServer
  kLacnic,  // LACNIC and registro.br: inetnum "200.3.12/22", owner, abuse-c
  kJpnic,   // whois.nic.ad.jp with "/e": "a. [Network Number] ..."
  kKrnic,   // whois.kisa.or.kr: the "# ENGLISH" section, "IPv4 Address : ..."
  kTwnic,   // whois.twnic.net.tw: "Netblock:", "Netname:", contact sections
};

// "iana", "rpsl", ... for logs and config; nullopt for an unknown name.
std::optional<WhoisFormat> WhoisFormatFromName(std::string_view name);
std::string_view WhoisFormatName(WhoisFormat format);

// Where an answer sends the client next.
struct WhoisReferral {
  std::string host;              // server name as the answer gives it, lower case
  int port = 43;                 // 43 unless the answer names another
  std::string scheme = "whois";  // "whois" or "rwhois"
};

// What one server's answer said about one address. Any mix is possible: ARIN
// gives a record for the RIR's allocation together with a referral, APNIC a
// record for a national registry's block with a referral to that registry.
struct WhoisAnswer {
  // The most specific block containing the address that the answer describes
  // as the server's own (no provenance set): range, CIDRs, owner, netname,
  // country, valid abuse mailboxes best first.
  std::optional<v1::OwnerRecord> record;
  std::optional<WhoisReferral> referral;
  bool not_managed = false;   // "not managed by this registry" / whole-space placeholder
  bool rate_limited = false;  // the server says the query limit is exceeded
};

// Parses one answer (already UTF-8, see core::ToUtf8) about `address`. Pure,
// thread-safe; time and memory linear in the text (at most the first
// kMaxWhoisParseBytes are read), whatever the text holds. Garbage gives an
// empty answer; a mailbox is only taken if core::IsValidMailbox accepts it.
WhoisAnswer ParseWhoisAnswer(WhoisFormat format, std::string_view text,
                             const core::IpAddress& address);

constexpr size_t kMaxWhoisParseBytes = 4 * 1024 * 1024;

// True if the text is one of the registries' "query limit exceeded" or
// "access denied for excessive querying" messages (RIPE, APNIC, AFRINIC
// %ERROR:201, ARIN, LACNIC and generic ones).
bool IsRateLimitAnswer(std::string_view text);

}  // namespace abuseflow::enrich
