#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "core/result.h"
#include "notify/delivery_policy.h"
#include "notify/delivery_store.h"
#include "notify/smtp_sender.h"

namespace abuseflow::notify {

// Counts of the delivery worker, read after Stop.
struct DeliveryStats {
  uint64_t sent = 0;        // mails the server took
  uint64_t failed = 0;      // mails given up (5xx, or too many temporary failures)
  uint64_t retries = 0;     // temporary failures that were scheduled again
  uint64_t resumed = 0;     // mails found mid-send at start (sent again; see README)
  uint64_t left_queued = 0;  // mails still queued when the worker stopped
};

// Sends one mail: (from, envelope recipients, message text) -> result.
using SendFunction = std::function<SmtpResult(const std::string&, const std::vector<std::string>&,
                                              const std::string&)>;

// Delivers the durable outbox queue (DeliveryStore) on its own thread: every
// queued mail is read from its .eml file and sent, in Message-ID order as
// the per-domain rate limit, the per-contact daily cap and each mail's
// backoff allow. Before an attempt the record is marked sending (synced);
// right after the server's answer it is marked sent, failed or queued for a
// retry (synced), so a restart never repeats a mail whose send was
// recorded. A process stop request (core::StopRequested) ends delivery
// after the attempt under way. Lifetime: Start loads the queue and starts the thread; Submit
// adds mails the stage has just queued; Stop drains (up to
// smtp.drain_timeout) and joins. `*store` must outlive the worker.
// Submit and Stop are called from the stage's thread.
class DeliveryWorker {
 public:
  // Loads the queue and the per-contact send times and starts the thread.
  // Fails with IoError when the store cannot be read.
  static core::Result<std::unique_ptr<DeliveryWorker>> Start(const core::NotifyConfig& config,
                                                             DeliveryStore* store,
                                                             SendFunction send);
  // Use Start; public only for std::make_unique.
  DeliveryWorker(const core::NotifyConfig& config, DeliveryStore* store, SendFunction send);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  // Adds a mail whose queued record the stage has written.
  void Submit(const std::string& message_id, const DeliveryRecord& record);
  // With `drain`, keeps delivering until the queue is empty: mails that are
  // ready go at once, and it waits at most drain_timeout for the others
  // (backoff, rate limit, cap). Without, stops after the attempt under way.
  // What is left stays queued for the next start. Joins the thread and
  // returns the first store error the worker met (it stops at one). The
  // destructor stops without draining.
  core::Status Stop(bool drain = true);
  // Valid after Stop.
  const DeliveryStats& stats() const { return stats_; }

 private:
  void Loop();
  // The id of a mail that may go at `now_us`, or "" and the earliest time
  // one may (INT64_MAX if none). Called with mu_ held.
  std::string PickReady(int64_t now_us, int64_t* wake_us) const;
  // One attempt; called without mu_.
  core::Status Attempt(const std::string& id, DeliveryRecord record);
  core::Status Settle(const std::string& id, DeliveryRecord record, const SmtpResult& result);

  const core::SmtpConfig smtp_;
  const std::string from_;
  DeliveryStore* store_;
  SendFunction send_;
  DomainRateLimiter domains_;
  ContactDailyCap contacts_;  // touched by the worker thread only (after Start)
  DeliveryStats stats_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, DeliveryRecord> queue_;  // guarded by mu_
  bool stopping_ = false;                        // guarded by mu_
  bool drain_ = true;                            // guarded by mu_
  int64_t drain_deadline_us_ = 0;                // guarded by mu_
  core::Status error_;                           // set by the worker before it exits
  std::thread thread_;
};

}  // namespace abuseflow::notify
