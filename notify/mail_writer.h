#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "notify/mime_part.h"

namespace abuseflow::notify {

// What goes into one notice mail. Recipients, subject and body may come from
// registries and logs: ComposeMail treats them as untrusted.
struct MailFields {
  std::string from;              // the sender mailbox; its domain names the Message-ID
  std::vector<std::string> to;   // recipient mailboxes as found, the contact first
  std::string subject;           // UTF-8; RFC 2047 encoded when not ASCII
  std::string body;              // UTF-8 plain text, any line endings
  std::string contact;           // the report's contact: Message-ID and file name
  int64_t window_start_us = 0;   // the report's window: Message-ID, file name, header
  int64_t window_end_us = 0;
  int64_t date_us = 0;           // the Date header (the caller's wall clock)
  int part = 1;                  // the part of a split report: Message-ID and file name
  std::string kind;              // Report::kind of a per-kind window: Message-ID and file name
  std::string ticket;            // "AF-1a2b3c4d": the Subject starts "[ticket] "; empty: none
  std::vector<std::string> in_reply_to;  // Message-IDs "<...>" of the notices this one follows
  std::vector<std::string> references;   // the thread, oldest first; invalid ids are left out
  // Parts after the notice. Empty: a single text/plain mail. Otherwise the
  // mail is multipart/mixed with the notice as its first (inline) part.
  std::vector<MimePart> attachments;
  bool xarf = false;             // adds the X-ARF headers (X-ARF, X-XARF, Auto-Submitted)
  // Failing mailboxes this mail goes instead of (Report::instead_of): an
  // X-Abuseflow-Instead-Of header lists the valid ones; others are left out.
  std::vector<std::string> instead_of;
};

// A composed RFC 5322 message. A value type.
struct Mail {
  std::string contact;
  int64_t window_start_us = 0;
  int part = 1;                         // of a split report
  std::string kind;                     // Report::kind ("" for the default window)
  std::vector<std::string> recipients;  // the valid To mailboxes, deduplicated (case-insensitively)
  std::vector<std::string> rejected;    // refused as mailboxes, escaped for logs (EscapeForLog)
  std::string message_id;               // "<af-<16 hex>@<domain of From>>"
  std::string text;                     // headers and body, CRLF line endings
};

// Recipients split into valid mailboxes and rejected values.
struct RecipientCheck {
  std::vector<std::string> valid;     // trimmed, in the given order, without repeats
  std::vector<std::string> rejected;  // escaped for logs
};

// Checks each recipient with IsValidMailbox after trimming surrounding
// spaces and tabs. A value carrying a second address or a header
// ("a@b.example, c@d.example", "a@b.example\r\nBcc: c@d.example") is
// rejected as a whole; it is never split or repaired.
RecipientCheck CheckRecipients(const std::vector<std::string>& to);

// The Message-ID of a report: a stable function of (contact, window start,
// part, and `kind` for a per-kind report), so that re-rendering the same
// report gives the same id. Part 1 has the id an unsplit report has; with
// kind "" the id is the one of the reports of the default window.
std::string ReportMessageId(const std::string& contact, int64_t window_start_us,
                            const std::string& from, int part = 1, const std::string& kind = "");

// True if `id` is one Message-ID "<left@right>" of printable ASCII without
// spaces or further angle brackets, at most 250 characters.
bool IsValidMessageId(std::string_view id);

// Composes the message: Date, From, To, Subject, Message-ID, In-Reply-To and
// References (when given), MIME-Version, Content-Type, the X-ARF headers
// (when `xarf`), X-Abuseflow-Window (start/end, ISO 8601 UTC) and
// X-Abuseflow-Ticket (and X-Abuseflow-Instead-Of when given), then the
// body. Without attachments the body is the notice (text/plain;
// charset=utf-8, 8bit); with them the mail is multipart/mixed: the notice
// first (inline), then each attachment, under a boundary derived from the
// Message-ID that occurs in no part. Header values are sanitized (no
// control characters, so no injected headers), invalid recipients are
// dropped and listed in Mail::rejected. In the body, control characters
// other than tab and invalid UTF-8 become "?", and lines longer than 998
// bytes are wrapped at a character boundary (nothing is lost). Fails with
// InvalidArgument when From is not a valid mailbox or no recipient is valid
// (the message lists the rejected ones).
core::Result<Mail> ComposeMail(const MailFields& fields);

// The outbox file name of a mail: "<window start as YYYYMMDDTHHMMSSZ>-
// <contact>.eml" ("...-<contact>-part2.eml" for later parts, "...-<contact>-worm.eml"
// for a per-kind report, its kind before the part) with every character of the contact other than letters,
// digits and "@._+-" replaced by "_" (and at most 128 of them).
std::string OutboxFileName(const Mail& mail);

// Writes `mail` into the folder `dir` (created if missing) under
// OutboxFileName, atomically: a temporary file in the same folder, fsync,
// rename, fsync of the folder. A reader never sees a partial file. If the
// name is taken by a different mail (another Message-ID), "-2", "-3", ...
// is added before ".eml"; a file with the same Message-ID is replaced (the
// same report written again). Returns the path written. Fails with IoError
// naming the path and the system's reason (disk full, permission, ...);
// nothing is left behind then. Assumes one writer per outbox folder.
core::Result<std::string> WriteToOutbox(const std::string& dir, const Mail& mail);

}  // namespace abuseflow::notify
