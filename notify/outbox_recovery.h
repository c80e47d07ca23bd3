#pragma once

#include <string>
#include <vector>

#include "core/kv_store.h"
#include "core/result.h"
#include "notify/delivery_store.h"
#include "notify/delivery_worker.h"

namespace abuseflow::notify {

// The headers of an outbox mail that delivery needs.
struct OutboxMail {
  std::string path;
  std::string message_id;
  std::vector<std::string> recipients;  // the To mailboxes, the contact first
};

// Reads the Message-ID and To of every .eml file in `dir` (unfolding folded
// header lines; temporary files are skipped). A file without a Message-ID or
// a recipient is skipped. IoError naming the folder when it cannot be listed;
// a missing folder is empty. Pure over the file system.
core::Result<std::vector<OutboxMail>> ListOutbox(const std::string& dir);

// Queues every mail of the outbox that has no delivery record. The .eml is
// written before its queue record is committed, so a notify stopped in
// between leaves a mail on disk that nothing would send; this finds it at the
// next start. Records and the worker as in ReportWriter; returns how many
// were queued. `store`, `state` and `worker` must outlive the call.
core::Result<int> QueueUnrecordedMails(const std::string& dir, DeliveryStore* store,
                                       core::KvStore* state, DeliveryWorker* worker);

}  // namespace abuseflow::notify
