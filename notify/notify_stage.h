#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/stage_links.h"
#include "notify/delivery_worker.h"

namespace abuseflow::notify {

struct NotifyStageStats {
  uint64_t incidents = 0;
  uint64_t unroutable = 0;     // incidents whose owner has no abuse contact (counted, logged)
  uint64_t all_failing = 0;    // of those, owners whose every abuse mailbox is failing (held)
  uint64_t rerouted = 0;       // mails sent to the next contact instead of a failing one
  uint64_t sources = 0;        // distinct source addresses reported
  uint64_t contacts = 0;       // distinct abuse contacts written to
  uint64_t mails = 0;          // mails written to the outbox
  uint64_t invalid_recipients = 0;  // registry addresses refused as mailboxes
  std::vector<std::string> paths;   // the .eml files written, in order
  uint64_t already_queued = 0;      // mails not written again: their Message-ID was queued before
  DeliveryStats delivery;           // notify.delivery = "smtp": what the worker did
  uint64_t restored = 0;            // incidents of open reports restored at start
};

// notify's durable state folder under the state dir: "<state_dir>/notify".
std::string NotifyStateDir(const std::string& state_dir);

// The notify stage: receives incident batches, groups them per abuse contact
// over the batching window (event time), renders one mail per contact and
// window and writes it as an .eml file to the outbox folder; with
// notify.delivery = "smtp" it also queues it durably and a delivery worker
// thread sends it. At the end of the stream every open window is flushed and
// the queue drained (up to notify.smtp.drain_timeout). Runs on the calling
// thread (plus the worker).
//
// Incident batches are applied in the order ingest cut the batches they
// follow from, one from each dedup shard per turn (CauseOrder); the open
// reports are kept durable (WindowStore) and a batch is acknowledged to
// dedup once its incidents and mails are safe. See notify/README.md and
// docs/guarantees.md.
class NotifyStage {
 public:
  NotifyStage(const core::Config& config, core::StageLinks links)
      : config_(config), links_(std::move(links)) {}
  core::Status Run();
  const NotifyStageStats& stats() const { return stats_; }

 private:
  const core::Config& config_;
  core::StageLinks links_;
  NotifyStageStats stats_;
};

}  // namespace abuseflow::notify
