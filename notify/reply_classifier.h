#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::notify {

// The header fields of a message, unfolded, names lowercased, in order.
// Bounded: at most kMaxHeaderFields fields of at most kMaxHeaderBytes in all.
struct MessageHeaders {
  static constexpr size_t kMaxHeaderFields = 500;
  static constexpr size_t kMaxHeaderBytes = 256 * 1024;
  std::vector<std::pair<std::string, std::string>> fields;
  // The first value of `name` (lowercase), "" if absent.
  std::string Get(std::string_view name) const;
  bool Has(std::string_view name) const;
};

// Splits a raw message (CRLF or LF) into its unfolded header and its body.
std::pair<MessageHeaders, std::string_view> SplitMessage(std::string_view raw);

// What a reply to a notice is and which notice it answers.
struct ReplyInfo {
  v1::ReplyRecord::Kind kind = v1::ReplyRecord::KIND_HUMAN;
  bool says_fixed = false;       // a human reply saying it is fixed, cleaned, disconnected ...
  bool admits_compromise = false;  // a human reply saying the machine was compromised or infected
  std::string why;               // the rule that decided the kind, for the operator
  std::string message_id;        // the reply's own Message-ID ("" if none)
  std::vector<std::string> referenced;  // Message-IDs it points at: In-Reply-To, References,
                                        // and for a bounce those quoted in its body
  std::string ticket;            // "AF-1a2b3c4d" from the subject (or body), "" if none
  std::string ticket_source;     // where it was found: "subject", "decoded subject" (RFC 2047),
                                 // "decoded text", "returned subject", "returned message",
                                 // "body" (raw); "" when there is no ticket
  int64_t date_us = 0;           // its Date header, 0 if missing or unparseable
  std::string sender_domain;     // the domain of From, lowercased ("" if none)
  uint64_t text_hash = 0;        // of its own text with spaces collapsed (0 if empty), to spot
                                 // a desk's canned answer repeating across notices
  std::string delivery_status;   // a bounce's message/delivery-status parts, decoded ("" if none)
};

// Classifies a reply (pure, bounded: only the first 1 MiB is looked at).
// The text read is the decoded one (DecodeMail: base64 and quoted-printable
// parts, charsets to UTF-8, an alternative's text/plain; RFC 2047 subject
// and From), and so is the ticket's: the first one in the Subject raw,
// then decoded, the decoded text parts, a returned notice's decoded Subject
// and text, the raw body; the Message-IDs that link it come from the raw
// header (In-Reply-To, References) and, for a bounce, from the raw and the
// decoded returned message.
// - bounce: an RFC 3464 delivery status report (multipart/report;
//   report-type=delivery-status, or a message/delivery-status part
//   anywhere), a null or mailer-daemon/postmaster sender, or a typical
//   bounce subject ("Undelivered Mail Returned to Sender", "Delivery Status
//   Notification (Failure)", ...);
// - automated: RFC 3834 Auto-Submitted other than "no", X-Autoreply,
//   X-Autorespond, Precedence auto_reply/bulk/junk, unless the message
//   shows a help desk agent's answer (HelpDeskHumanAnswer: then human, the
//   reason in `why`); an auto-reply subject ("Automatic reply", "Out of
//   Office", "Auto:") or an abuse desk's acknowledgement text ("this is an
//   automated", "ticket has been created", "we have received your"); a
//   human reply quoting our notice is not fooled by the text quoted below it
//   (only unquoted lines count);
// - human otherwise; says_fixed when its unquoted text has a fixed keyword.
ReplyInfo ClassifyReply(std::string_view raw);

// The time of an RFC 5322 date ("Tue, 18 Sep 2001 13:12:44 +0000", the day
// name and seconds optional), nullopt if it is not one.
std::optional<int64_t> ParseMailDate(std::string_view text);

// The Message-IDs ("<...>") in a header value such as References, in order.
std::vector<std::string> MessageIdsIn(std::string_view value);

}  // namespace abuseflow::notify
