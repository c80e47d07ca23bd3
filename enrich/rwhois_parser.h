#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"

namespace abuseflow::enrich {

// What an RWhois server (RFC 2167, e.g. Network Solutions' rwhoisd or
// Ubersmith's, the servers ARIN's `ReferralServer: rwhois://` names) said
// about one address (docs/whois.md, "RWhois").
struct RwhoisAnswer {
  // The most specific `network` object containing the address (no
  // provenance set): range or CIDR, owner, netname, country, valid abuse
  // mailboxes best first (Abuse-Contact/Abuse-Email, else Tech-Contact, then
  // Admin-Contact; a handle is resolved through a `contact` object of the
  // same answer, else ignored). nullopt when no object contains the address.
  std::optional<v1::OwnerRecord> record;
  bool no_objects = false;  // "%error 230 No Objects Found" (or no object at all)
  std::string error;        // any other "%error NNN text" line, "" if none
  // The server asks us to come back later (then `record` is nullopt):
  // "%error 501 Service Not Available", or an "%error" line, or an answer
  // without objects, that carries one of the WHOIS limit phrases
  // (IsRateLimitAnswer, e.g. "%error 401 ...: query rate limit exceeded").
  // RFC 2167 has no code of its own for a rate limit; docs/whois.md.
  bool rate_limited = false;
};

// The query line sent for `address`: the bare address, as the Debian whois
// client sends it (rwhoisd and Ubersmith both answer it with the networks
// containing it).
std::string RwhoisQueryFor(const core::IpAddress& address);

// True when `text` (the bytes read so far) ends with the response's final
// line, "%ok" or "%error ...", after the "%rwhois" banner: the client can
// stop reading although the server may hold the connection. Looks at the
// last line only (constant work per call on a growing answer).
bool RwhoisAnswerComplete(std::string_view text);

// Parses one RWhois answer (UTF-8) about `address`: banner and `%` lines,
// then blank-line separated objects of `class:Attribute[;type]:value`
// lines. Pure, thread-safe; reads at most kMaxWhoisParseBytes, bounded
// lines, objects and attributes (whois_parse_util.h). Garbage gives an
// empty answer; a mailbox is only taken if core::IsValidMailbox accepts it.
RwhoisAnswer ParseRwhoisAnswer(std::string_view text, const core::IpAddress& address);

}  // namespace abuseflow::enrich
