#pragma once

#include <memory>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

#include "core/kv_store.h"
#include "core/result.h"
#include "notify/report.h"

namespace abuseflow::notify {

// What the monthly report needs of one mail ("w" + Message-ID).
struct MailSummary {
  int64_t window_start_us = 0;
  std::string contact;
  std::string ticket;
  uint64_t addresses = 0;
  uint64_t repeat_addresses = 0;       // addresses with notice_number > 1
  std::vector<std::string> countries;  // distinct owner countries, sorted
  // Distinct owner names (OwnerRecord.owner) of the mail's addresses, sorted,
  // control characters as spaces; empty for summaries written before they
  // were kept (and when no owner has a name).
  std::vector<std::string> owners;
};
MailSummary SummaryOf(const Report& report);
// Tab-separated (the owners, the 7th field, joined by 0x1E); Decode reads
// the 6 fields of older summaries too and gives nullopt for a malformed value.
std::string EncodeMailSummary(const MailSummary& summary);
std::optional<MailSummary> DecodeMailSummary(std::string_view text);

// Where a follow-up notice threads to: the Message-IDs of the latest earlier
// notice about each of its addresses (In-Reply-To) and the whole thread,
// oldest first (References).
struct Threading {
  std::vector<std::string> in_reply_to;
  std::vector<std::string> references;
};

// notify's own durable index of address -> the Message-IDs of the notices
// written about it (oldest first, the last kMaxIdsPerAddress), in RocksDB at
// `<state_dir>/notify` (key "t" + address bytes, value the ids joined by
// "\n"), and the reverse: "m" + Message-ID -> the addresses, "k" + ticket ->
// the Message-IDs, "w" + Message-ID -> its MailSummary. It is how a repeat notice finds the notice it follows: dedup's
// history records notices before notify has written them. Record is called
// right after the mail is on disk (outbox) and syncs, so an index entry never
// names a mail that was not written; a crash between the two loses only the
// threading of the next notice, never a mail. Keys start with "t"; the
// same database holds the delivery state (DeliveryStore). `*store` must
// outlive the index. Not thread-safe: one notify stage's main thread owns
// it (RocksDB's lock keeps a second process out).
class ThreadIndex {
 public:
  static constexpr size_t kMaxIdsPerAddress = 10;

  explicit ThreadIndex(core::KvStore* store) : store_(store) {}

  // The threading of a notice with Message-ID `own_id` about `report`'s
  // addresses: for every address with earlier notices (other than `own_id`,
  // so that writing the same report again does not thread to itself), its
  // latest id joins In-Reply-To and its ids References. Ids appear once, in
  // address order. Fails with IoError when the database cannot be read.
  core::Result<Threading> Lookup(const Report& report, const std::string& own_id) const;

  // Adds to `batch` the puts that append `message_id` to the list of every
  // address of `report` (once), for the caller to write with other state in
  // one step. Fails with IoError when the database cannot be read.
  core::Status AddToBatch(const Report& report, const std::string& message_id,
                          core::KvStore::Batch* batch) const;
  // AddToBatch, written at once. Fails with IoError.
  core::Status Record(const Report& report, const std::string& message_id);

  // The reverse direction, for linking replies: the addresses a notice
  // listed ("m" + Message-ID), empty if it is not ours.
  core::Result<std::vector<core::IpAddress>> AddressesOf(const std::string& message_id) const;
  // The Message-IDs written under a ticket ("k" + ticket; every part of a
  // split report), empty if none.
  core::Result<std::vector<std::string>> IdsOfTicket(const std::string& ticket) const;

 private:
  core::Result<std::vector<std::string>> IdsOf(const ReportEntry& entry) const;

  core::KvStore* store_;
};

}  // namespace abuseflow::notify
