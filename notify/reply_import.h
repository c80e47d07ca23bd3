#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/result.h"

namespace abuseflow::notify {

// What `abuseflow replies import` did.
struct ReplyImportStats {
  uint64_t messages = 0;          // messages read
  uint64_t skipped_large = 0;     // larger than the limit, not read (nor parsed)
  uint64_t imap_fetched = 0;      // of `messages`, fetched over IMAP (new UIDs only)
  uint64_t already_imported = 0;  // imported before (same Message-ID): not recorded again
  uint64_t unlinked = 0;          // no notice of ours found by id or ticket
  uint64_t bounces = 0, automated = 0, human = 0, says_fixed = 0,
           admits_compromise = 0;  // of the linked ones
  uint64_t recorded = 0;           // address replies written to dedup's history
  uint64_t without_history = 0;    // linked addresses dedup has no history for
  uint64_t failing_marked = 0;     // abuse mailboxes a bounce marked failing (f keys)
};

// Reads every mailbox (Maildir folder or mbox file), classifies each
// message (ClassifyReply), links it to our notices (In-Reply-To/References,
// a bounce's quoted Message-ID, else the ticket in the Subject or text, raw
// or decoded: LinkedNotices, reply_link.h) through
// notify's state at `<state_dir>/notify`, and records it for every address
// of those notices with dedup's HistoryStore::RecordReply in
// `<state_dir>/history` (a says-fixed reply lifts a block there). A
// human-looking reply whose own text a reply from the same sender domain
// already sent about another notice counts as automated (a desk's canned
// answer without headers). Each
// linked reply is also kept in notify's state ("r" + reply id, "a" + notice
// id + 0x1f + reply id) for the monthly report; importing the same mailbox
// again records nothing twice. A bounce marks the mailboxes that failed
// (its delivery status's recipients, else the notice's contact) failing in
// notify's state ("f" + mailbox, FailingContactStore): the next notice to
// that owner goes to the next mailbox of its abuse list. `line` gets one
// human-readable line per message. Both databases must not be open in a running stage (RocksDB
// lock). Then every IMAP mailbox of `imap.mailboxes` (reply_imap.h) the
// same way: only the messages whose UID is above the last one imported from
// that mailbox under its current UIDVALIDITY ("i" + server/mailbox + 0x1f +
// UIDVALIDITY -> the UID, written after each message), so a second import
// fetches only new ones; a new UIDVALIDITY starts again from UID 1 (already
// imported messages are still recognised by Message-ID). Fails with
// IoError (unreadable mailbox or state), Unavailable (IMAP server) or
// InvalidArgument (a bad IMAP URL); what was imported before the failure
// stays recorded.
core::Result<ReplyImportStats> ImportReplies(const std::string& state_dir,
                                             const std::vector<std::string>& mailboxes,
                                             const core::ImapConfig& imap,
                                             const std::function<void(const std::string&)>& line);

}  // namespace abuseflow::notify
