#include "notify/delivery_worker.h"

#include <chrono>
#include <fstream>
#include <iterator>

#include "core/log.h"
#include "core/metrics.h"
#include "core/shutdown.h"
#include "core/time_format.h"
#include "notify/mail_header.h"
#include "notify/report.h"

namespace abuseflow::notify {
namespace {

constexpr int64_t kStopPollUs = 250 * 1000;

std::string_view TrimmedFrom(std::string_view from) {
  size_t begin = from.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  return from.substr(begin, from.find_last_not_of(" \t") - begin + 1);
}

core::Result<std::string> ReadMail(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return core::Status::IoError("cannot read " + path);
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (in.bad() || text.empty()) return core::Status::IoError("cannot read " + path);
  return text;
}

}  // namespace

DeliveryWorker::DeliveryWorker(const core::NotifyConfig& config, DeliveryStore* store,
                               SendFunction send)
    : smtp_(config.smtp),
      from_(TrimmedFrom(config.from)),
      store_(store),
      send_(std::move(send)),
      domains_(config.smtp.domain_per_minute),
      contacts_(config.smtp.contact_per_day) {}

core::Result<std::unique_ptr<DeliveryWorker>> DeliveryWorker::Start(
    const core::NotifyConfig& config, DeliveryStore* store, SendFunction send) {
  auto w = std::make_unique<DeliveryWorker>(config, store, std::move(send));
  auto queued = store->Queued();
  if (!queued.ok()) return queued.status();
  auto times = store->ContactTimes();
  if (!times.ok()) return times.status();
  for (auto& [contact, list] : *times) {
    for (int64_t t : list) w->contacts_.Record(contact, t);
  }
  auto log = core::Logger("notify");
  for (auto& [id, record] : *queued) {
    if (record.state == DeliveryRecord::State::kSending) {
      // Stopped between marking it sending and recording the answer: if the
      // server had taken it, this is a duplicate the stable Message-ID shows.
      ++w->stats_.resumed;
      log->warn("mail was being sent when notify stopped, sending again message_id={} path={}",
                id, record.path);
      record.state = DeliveryRecord::State::kQueued;
    }
    w->queue_.emplace(id, std::move(record));
  }
  w->thread_ = std::thread([p = w.get()] { p->Loop(); });
  return w;
}

DeliveryWorker::~DeliveryWorker() {
  if (thread_.joinable()) (void)Stop(false);
}

void DeliveryWorker::Submit(const std::string& id, const DeliveryRecord& record) {
  {
    std::lock_guard lock(mu_);
    queue_.emplace(id, record);
  }
  cv_.notify_one();
}

core::Status DeliveryWorker::Stop(bool drain) {
  {
    std::lock_guard lock(mu_);
    drain_deadline_us_ = SaturatingAdd(core::NowMicros(), smtp_.drain_timeout_us);
    drain_ = drain;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  stats_.left_queued = queue_.size();
  return error_;
}

std::string DeliveryWorker::PickReady(int64_t now_us, int64_t* wake_us) const {
  *wake_us = INT64_MAX;
  for (const auto& [id, record] : queue_) {
    int64_t ready = std::max(record.next_attempt_us,
                             domains_.ReadyAt(MailDomain(record.contact), now_us));
    ready = std::max(ready, contacts_.ReadyAt(record.contact, now_us));
    if (ready <= now_us) return id;
    *wake_us = std::min(*wake_us, ready);
  }
  return "";
}

void DeliveryWorker::Loop() {
  std::unique_lock lock(mu_);
  while (true) {
    const int64_t now = core::NowMicros();
    // A stop request (SIGINT/SIGTERM, or a second one while draining) ends
    // delivery after the attempt under way; the queue stays for the next start.
    if (core::StopRequested()) return;
    if (stopping_ && (queue_.empty() || !drain_)) return;
    int64_t wake = INT64_MAX;
    const std::string id = PickReady(now, &wake);
    if (!id.empty()) {
      DeliveryRecord record = queue_.at(id);
      lock.unlock();
      core::Status s = Attempt(id, std::move(record));
      lock.lock();
      if (!s.ok()) {
        error_ = s;
        return;
      }
      continue;
    }
    // Draining: mails that are ready always go; the deadline only bounds
    // the wait for the others (backoff, rate limit, cap).
    if (stopping_ && now >= drain_deadline_us_) return;
    if (stopping_) wake = std::min(wake, drain_deadline_us_);
    // Woken by Submit and Stop; at least every kStopPollUs to see a stop request.
    wake = std::min(wake, now + kStopPollUs);
    cv_.wait_until(lock, std::chrono::system_clock::time_point(std::chrono::microseconds(wake)));
  }
}

core::Status DeliveryWorker::Attempt(const std::string& id, DeliveryRecord record) {
  record.state = DeliveryRecord::State::kSending;
  ++record.attempts;
  if (core::Status s = store_->Update(id, record); !s.ok()) return s;
  domains_.Take(MailDomain(record.contact), core::NowMicros());
  auto text = ReadMail(record.path);
  SmtpResult result;
  if (!text.ok()) {
    result = {SmtpOutcome::kPermanent, 0, text.status().message()};
  } else {
    result = send_(from_, record.recipients, *text);
  }
  return Settle(id, std::move(record), result);
}

namespace {

// The outcome of every delivery attempt on the metrics endpoint.
core::Counter& DeliveredCounter(const char* result) {
  return core::MetricsRegistry::Global().GetCounter(
      "abuseflow_notify_deliveries_total", "SMTP delivery attempts, by result (sent, failed, retried)",
      {{"result", result}});
}

}  // namespace

core::Status DeliveryWorker::Settle(const std::string& id, DeliveryRecord record,
                                    const SmtpResult& result) {
  auto log = core::Logger("notify");
  const int64_t now = core::NowMicros();
  record.last_code = result.code;
  record.reason = result.reason;
  bool done = true;
  if (result.outcome == SmtpOutcome::kSent) {
    record.state = DeliveryRecord::State::kSent;
    contacts_.Record(record.contact, now);
    ++stats_.sent;
    DeliveredCounter("sent").Increment();
  } else if (result.outcome == SmtpOutcome::kPermanent || record.attempts >= smtp_.max_attempts) {
    record.state = DeliveryRecord::State::kFailed;
    if (result.outcome == SmtpOutcome::kTemporary) {
      record.reason = "gave up after " + std::to_string(record.attempts) + " attempts: " +
                      result.reason;
    }
    ++stats_.failed;
    DeliveredCounter("failed").Increment();
    log->warn("mail given up message_id={} contact=\"{}\" code={} reason=\"{}\"", id,
              EscapeForLog(record.contact), result.code, EscapeForLog(record.reason));
  } else {
    record.state = DeliveryRecord::State::kQueued;
    record.next_attempt_us =
        SaturatingAdd(now, RetryDelay(record.attempts, smtp_.retry_initial_us, smtp_.retry_max_us));
    ++stats_.retries;
    DeliveredCounter("retried").Increment();
    done = false;
  }
  if (done) record.done_us = now;
  core::Status s = done ? store_->Finish(id, record, contacts_.TimesOf(record.contact))
                        : store_->Update(id, record);
  if (!s.ok()) return s;
  std::lock_guard lock(mu_);
  if (done) {
    queue_.erase(id);
  } else {
    queue_[id] = std::move(record);
  }
  return core::Status::Ok();
}

}  // namespace abuseflow::notify
