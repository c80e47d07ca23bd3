#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/kv_store.h"
#include "core/result.h"

namespace abuseflow::notify {

// The delivery state of one mail, keyed by its Message-ID. A value type.
struct DeliveryRecord {
  enum class State {
    kQueued,   // on disk, waiting for its (next) attempt
    kSending,  // an attempt was under way; found at start: the process stopped mid-send
    kSent,     // the server took it (250)
    kFailed,   // given up: a 5xx, or max_attempts temporary failures
  };
  State state = State::kQueued;
  int attempts = 0;              // attempts made
  int64_t queued_us = 0;         // wall time it was queued
  int64_t next_attempt_us = 0;   // wall time of the next attempt (kQueued)
  int64_t done_us = 0;           // wall time it was sent or given up
  long last_code = 0;            // the last SMTP reply code; 0 if none
  std::string reason;            // the last failure, one line
  std::string path;              // the .eml file in the outbox
  std::string contact;           // the report's contact (per-contact cap)
  std::vector<std::string> recipients;  // the envelope recipients, valid mailboxes

  friend bool operator==(const DeliveryRecord&, const DeliveryRecord&) = default;
};

std::string_view StateName(DeliveryRecord::State state);  // "queued", "sending", "sent", "failed"

// The record as "key=value" lines (docs/notify-state.md), and back. Decode
// fails with InvalidArgument on a malformed record.
std::string EncodeRecord(const DeliveryRecord& record);
core::Result<DeliveryRecord> DecodeRecord(std::string_view text);

// notify's durable delivery state in the notify database (beside the
// ThreadIndex): "d<id>" the record of every mail ever queued, "q<id>" while it
// is queued or being sent, "c<contact>" the send times counted by the
// per-contact cap. Every method writes one atomic, synced batch (the store is
// opened with sync_writes). `*store` must outlive this. Thread-safety: the
// stage's main thread calls Get and AddQueued, the delivery worker the rest,
// on different keys; RocksDB is internally synchronised.
class DeliveryStore {
 public:
  explicit DeliveryStore(core::KvStore* store) : store_(store) {}

  // The record of `message_id`, nullopt if it was never queued.
  core::Result<std::optional<DeliveryRecord>> Get(const std::string& message_id) const;
  // Adds the puts that queue `record` to `batch` (written by the caller
  // together with the thread index).
  static void AddQueued(const std::string& message_id, const DeliveryRecord& record,
                        core::KvStore::Batch* batch);
  // Writes a record that stays in the queue (kSending, or kQueued for a retry).
  core::Status Update(const std::string& message_id, const DeliveryRecord& record);
  // Writes a final record (kSent or kFailed), takes the mail out of the queue
  // and, for kSent, stores `contact_times` (the contact's send times).
  core::Status Finish(const std::string& message_id, const DeliveryRecord& record,
                      const std::vector<int64_t>& contact_times);
  // Every mail in the queue, in Message-ID order.
  core::Result<std::vector<std::pair<std::string, DeliveryRecord>>> Queued() const;
  // The send times stored for every contact.
  core::Result<std::vector<std::pair<std::string, std::vector<int64_t>>>> ContactTimes() const;
  // Every record (for `abuseflow` tools and tests), in Message-ID order.
  core::Result<std::vector<std::pair<std::string, DeliveryRecord>>> All() const;

 private:
  core::KvStore* store_;
};

}  // namespace abuseflow::notify
