#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/kv_store.h"
#include "core/result.h"
#include "notify/delivery_store.h"

namespace abuseflow::notify {

// One mail of `abuseflow outbox list`: its delivery record and Message-ID.
struct OutboxListRow {
  std::string message_id;
  std::string file;  // the .eml file's name in the outbox (the record's path without folders)
  DeliveryRecord record;
};

// The delivery state name ("queued", "sending", "sent", "failed") as a
// State; nullopt for any other text.
std::optional<DeliveryRecord::State> ParseStateName(const std::string& name);

// Every mail of notify's delivery state (DeliveryStore::All), or only those
// in `only`, ordered by file name (the window start first), then Message-ID.
// Fails with Corruption when a record does not decode, IoError when the
// database cannot be read. Read-only.
core::Result<std::vector<OutboxListRow>> ListDeliveries(const DeliveryStore& store,
                                                        std::optional<DeliveryRecord::State> only);

// Tab-separated, one line per mail after a header line: file, state,
// attempts, next attempt (UTC; "-" unless queued), last error (the reply
// code and reason; "-" if none or sent), recipients (", "); then a summary line
// "N mails: a queued, b sending, c sent, d failed". Controls in values are
// shown as spaces, so a line is always one mail.
std::string OutboxListText(const std::vector<OutboxListRow>& rows);
// A JSON array, one object per mail: message_id, file, path, contact,
// recipients, state, attempts, last_code, last_error, queued,
// next_attempt (null unless queued), done (null unless sent or failed);
// times as "2001-09-18 13:12:44 UTC".
std::string OutboxListJson(const std::vector<OutboxListRow>& rows);

}  // namespace abuseflow::notify
