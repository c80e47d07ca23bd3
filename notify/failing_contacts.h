#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/kv_store.h"
#include "core/result.h"

namespace abuseflow::notify {

// An abuse mailbox that bounced one of our notices. A value type.
struct FailingContact {
  std::string mailbox;          // lowercased, the key
  int64_t since_us = 0;         // when its first bounce was imported (wall time)
  int64_t last_us = 0;          // when its latest bounce was imported
  uint64_t bounces = 0;         // bounces imported for it
  std::string bounce_id;        // the latest bounce's Message-ID (or "hash:...")
  std::string notice_id;        // the notice that bounced (the first linked)
  std::string final_recipient;  // the DSN's Final-Recipient, "" if the bounce had none
  std::string status;           // the DSN's Status ("5.1.1"), "" if none

  friend bool operator==(const FailingContact&, const FailingContact&) = default;
};

// The record as "key=value" lines (docs/notify-state.md, `f` keys), and back.
// Decode gives nullopt for a record without a mailbox; unknown keys are skipped.
std::string EncodeFailingContact(const FailingContact& contact);
std::optional<FailingContact> DecodeFailingContact(std::string_view text);

// What a bounce says about its recipients (pure, bounded by the message).
struct BounceRecipient {
  std::string mailbox;          // Original-Recipient if given, else Final-Recipient; lowercased
  std::string final_recipient;  // as the DSN gives it, without "rfc822;"
  std::string status;           // "5.1.1", "" if none
};

// The recipients of an RFC 3464 delivery status in `raw` whose Action is
// "failed" (or that give no Action): per recipient block, Original-Recipient
// when present, else Final-Recipient, only values that are one plain mailbox.
// `*has_dsn` is set when the message has any Final-Recipient field at all, so
// that a DSN about delayed mail marks nothing.
std::vector<BounceRecipient> FailedRecipients(std::string_view raw, bool* has_dsn);

// The failing abuse mailboxes in notify's state database ("f" + mailbox).
// `replies import` marks them, the notify stage reads them at start (the
// import runs while the pipeline is stopped), `abuseflow contacts failing`
// lists and clears them. `*store` must outlive this. Not thread-safe.
class FailingContactStore {
 public:
  explicit FailingContactStore(core::KvStore* store) : store_(store) {}

  // Adds to `batch` the put that marks `bounce.mailbox` failing: a new record
  // from `bounce`, or the stored one with its count, time and latest bounce
  // moved on. Fails with IoError when the database cannot be read.
  core::Status Mark(const FailingContact& bounce, core::KvStore::Batch* batch) const;
  // Every record, by mailbox. Corrupt records are skipped.
  core::Result<std::vector<FailingContact>> List() const;
  // Just the mailboxes, for the batcher.
  core::Result<std::set<std::string>> Mailboxes() const;
  // Removes the mark of `mailbox` (case ignored); false if it was not marked.
  core::Result<bool> Clear(const std::string& mailbox);

 private:
  core::KvStore* store_;
};

}  // namespace abuseflow::notify
