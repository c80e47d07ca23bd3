#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/ip_address.h"
#include "core/kv_store.h"
#include "core/status.h"
#include "notify/delivery_store.h"
#include "notify/delivery_worker.h"
#include "notify/mail_writer.h"
#include "notify/notify_stage.h"
#include "notify/report_renderer.h"
#include "notify/thread_index.h"

namespace abuseflow::notify {

// Turns closed reports into mails: renders each part, adds the ticket, the
// threading (ThreadIndex) and the X-ARF and CSV parts, writes the .eml to
// the outbox and, in the same synced batch, the thread index and (with
// `worker`) the queued delivery record, then hands the mail to the worker.
// A mail whose Message-ID was queued before (a report written again after a
// restart) is not written or sent again: counted as already_queued.
// Every pointer must outlive the writer; `worker` may be null (outbox
// delivery). Not thread-safe: the stage's main thread uses it.
class ReportWriter {
 public:
  ReportWriter(const core::NotifyConfig& config, const ReportRenderer& renderer,
               core::KvStore* state, DeliveryWorker* worker, NotifyStageStats* stats);

  // Writes every report, each split into parts of at most
  // notify.max_addresses_per_mail addresses. Fails (and the stage stops)
  // with IoError when the outbox or the state cannot be written; a report
  // without a valid recipient is counted as unroutable and logged instead.
  core::Status Write(std::vector<Report> reports);

 private:
  core::Status WriteOne(const Report& report);
  core::Result<MailFields> Fields(const Report& report, RenderedReport rendered) const;
  // Writes the .eml and the state; false in `*written` for an already queued mail.
  core::Status Store(const Report& report, const Mail& mail, bool* written);

  const core::NotifyConfig& config_;
  const ReportRenderer& renderer_;
  core::KvStore* state_;
  ThreadIndex threads_;
  DeliveryStore deliveries_;
  DeliveryWorker* worker_;
  NotifyStageStats* stats_;
  std::set<std::string> contacts_;
  std::set<core::IpAddress> sources_;
};

}  // namespace abuseflow::notify
