#include "notify/notify_stage.h"

#include <algorithm>
#include <memory>
#include <string_view>

#include "core/kv_store.h"
#include "core/log.h"
#include "core/stage_metrics.h"
#include "notify/delivery_worker.h"
#include "notify/failing_contacts.h"
#include "notify/outbox_recovery.h"
#include "notify/mail_header.h"
#include "notify/owner_batcher.h"
#include "notify/report_renderer.h"
#include "notify/report_writer.h"
#include "notify/smtp_sender.h"
#include "notify/window_store.h"
#include "core/cause_order.h"
#include "core/shutdown.h"
#include <map>
#include <set>

namespace abuseflow::notify {
namespace {

constexpr uint64_t kLoggedUnroutable = 10;

core::Status CheckFrom(const std::string& configured) {
  // Checked here, not per mail: a bad sender would fail every report, and
  // those failures are counted as unroutable owners rather than stopping.
  std::string_view from = configured;
  from.remove_prefix(std::min(from.size(), from.find_first_not_of(" \t")));
  from = from.substr(0, from.find_last_not_of(" \t") + 1);
  if (!IsValidMailbox(from)) {
    return core::Status::InvalidArgument("notify.from is not a valid mailbox: \"" +
                                         EscapeForLog(configured) + "\"");
  }
  return core::Status::Ok();
}

core::Result<ReportRenderer> MakeRenderer(const core::NotifyConfig& config) {
  RenderOptions options;
  options.site = config.site;
  options.from = config.from;
  options.signature = config.signature;
  options.template_path = config.template_path;
  options.variant_paths = config.templates;
  return ReportRenderer::Create(options);
}

core::Result<std::unique_ptr<core::KvStore>> OpenState(const std::string& state_dir) {
  core::KvStore::Options options;
  options.sync_writes = true;
  return core::KvStore::Open(NotifyStateDir(state_dir), options);
}

// The delivery worker for notify.delivery = "smtp"; null for "outbox".
core::Result<std::unique_ptr<DeliveryWorker>> StartDelivery(const core::NotifyConfig& config,
                                                            DeliveryStore* store) {
  if (config.delivery != "smtp") return std::unique_ptr<DeliveryWorker>();
  auto sender = std::make_shared<SmtpSender>(config.smtp);
  return DeliveryWorker::Start(config, store,
                               [sender](const std::string& from,
                                        const std::vector<std::string>& to,
                                        const std::string& text) {
                                 return sender->Send(from, to, text);
                               });
}

void LogUnroutable(const std::vector<v1::Incident>& unroutable, NotifyStageStats* stats) {
  for (const v1::Incident& u : unroutable) {
    // ContactOf without the failing set: the owner has mailboxes, all failing.
    const bool failing = !ContactOf(u.owner()).empty();
    if (failing) ++stats->all_failing;
    if (stats->unroutable++ < kLoggedUnroutable) {
      auto address = core::IpAddress::FromBytes(u.src());
      core::Logger("notify")->warn("{}, not reported source={} owner=\"{}\"",
                                   failing ? "every abuse mailbox is failing" : "no abuse contact",
                                   address ? address->ToString() : "?",
                                   EscapeForLog(u.owner().owner()));
    }
  }
}

// The failing abuse mailboxes `replies import` marked; the batcher skips them.
core::Status LoadFailing(core::KvStore* state, OwnerBatcher* batcher) {
  auto failing = FailingContactStore(state).Mailboxes();
  if (!failing.ok()) return failing.status();
  if (!failing->empty()) {
    core::Logger("notify")->info("failing abuse mailboxes skipped count={}", failing->size());
  }
  batcher->SetFailing(std::move(failing).value());
  return core::Status::Ok();
}

// Sets abuseflow_notify_replies{kind} from the replies recorded in the state
// (`replies import` runs while notify is stopped, so at start is current).
core::Status PublishReplies(const core::KvStore& state) {
  std::map<std::string, uint64_t> kinds{{"bounce", 0}, {"automated", 0}, {"human", 0}};
  core::Status s = state.Scan("r", [&](std::string_view, std::string_view value) {
    ++kinds[std::string(value.substr(0, value.find(' ')))];
    return true;
  });
  if (!s.ok()) return s;
  for (const auto& [kind, n] : kinds) {
    core::MetricsRegistry::Global()
        .GetGauge("abuseflow_notify_replies", "Replies to notices recorded by replies import, by kind",
                  {{"kind", kind}})
        .Set(static_cast<double>(n));
  }
  return core::Status::Ok();
}

}  // namespace

std::string NotifyStateDir(const std::string& state_dir) { return state_dir + "/notify"; }

core::Status NotifyStage::Run() {
  if (core::Status s = CheckFrom(config_.notify.from); !s.ok()) return s;
  auto renderer = MakeRenderer(config_.notify);
  if (!renderer.ok()) return renderer.status();
  auto state = OpenState(config_.state_dir);
  if (!state.ok()) return state.status();
  if (core::Status s = PublishReplies(**state); !s.ok()) return s;
  core::StageMetrics metrics("notify");
  DeliveryStore deliveries(state->get());
  auto worker = StartDelivery(config_.notify, &deliveries);
  if (!worker.ok()) return worker.status();
  if (*worker) {
    auto recovered =
        QueueUnrecordedMails(config_.notify.outbox, &deliveries, state->get(), worker->get());
    if (!recovered.ok()) return recovered.status();
  }
  OwnerBatcher batcher = OwnerBatcher::FromConfig(config_.notify);
  if (core::Status s = LoadFailing(state->get(), &batcher); !s.ok()) return s;
  WindowStore windows(state->get());
  core::CauseOrder order(/*by_shard=*/true);
  std::set<std::string> ended;  // streams whose end is applied, reports not flushed yet
  std::set<std::string> acknowledged_ends;
  std::map<std::string, std::vector<core::Received>> held_ends;
  if (core::Status s = windows.Restore(&batcher, &order, &ended); !s.ok()) return s;
  stats_.restored = windows.open_incidents();
  auto receiver = core::BatchReceiver::Bind(*links_.context, links_.input, links_.security);
  if (!receiver.ok()) return receiver.status();
  ReportWriter writer(config_.notify, *renderer, state->get(), worker->get(), &stats_);
  std::vector<v1::Incident> unroutable;
  // Applies one turn of a stream: every shard's incidents, the mails of the
  // reports they close, then the open reports and the cursor in one write.
  auto apply = [&](core::CauseOrder::Ready& ready) -> core::Status {
    core::KvStore::Batch batch;
    bool end = false;
    for (core::Received& part : ready.parts) {
      end = end || part.envelope.has_end_of_stream();
      for (const v1::Incident& incident : part.envelope.incidents().incidents()) {
        ++stats_.incidents;
        metrics.events_in.Increment();
        unroutable.clear();
        std::vector<Report> closed = batcher.Add(incident, &unroutable);
        windows.Track(batcher, incident, &batch);
        LogUnroutable(unroutable, &stats_);
        if (core::Status s = writer.Write(std::move(closed)); !s.ok()) return s;
      }
    }
    if (end) ended.insert(ready.stream);
    windows.Advance(ready.stream, ready.seq + 1, end, batcher, &batch);
    if (core::Status s = (*state)->Write(batch); !s.ok()) return s;
    if (end) {
      // An end is acknowledged only once its reports are flushed.
      for (core::Received& r : ready.parts) held_ends[ready.stream].push_back(std::move(r));
      for (core::Received& r : ready.copies) held_ends[ready.stream].push_back(std::move(r));
      return core::Status::Ok();
    }
    for (const core::Received& r : ready.parts) (*receiver)->Ack(r);
    for (const core::Received& r : ready.copies) (*receiver)->Ack(r);
    return core::Status::Ok();
  };
  // Once every stream has ended: the last mails, then the open reports and
  // the end marks go in one write, and only then are the ends acknowledged.
  auto flush = [&]() -> core::Status {
    if (core::Status s = writer.Write(batcher.Flush()); !s.ok()) return s;
    core::KvStore::Batch batch;
    windows.ForgetAll(&batch);
    for (const std::string& stream : ended) batch.Delete("p/e/" + stream);  // the next run waits for new streams
    if (core::Status s = (*state)->Write(batch); !s.ok()) return s;
    for (const std::string& stream : ended) {
      // Restored ends have no envelope yet: dedup sends them again, and they
      // are acknowledged (and counted) as they come.
      if (held_ends[stream].empty()) continue;
      for (const core::Received& r : held_ends[stream]) (*receiver)->Ack(r);
      acknowledged_ends.insert(stream);
    }
    held_ends.clear();
    ended.clear();
    return core::Status::Ok();
  };
  core::Status status;
  // Ends until notify has acknowledged `streams` of them in this run: after
  // a restart with reports of an ended stream still open, they are flushed
  // first and the end, sent again by dedup, is acknowledged then.
  while (static_cast<int>(acknowledged_ends.size()) < links_.streams) {
    if (core::StopRequested()) {
      status = core::Status::Unavailable("stop requested");
      break;
    }
    if (static_cast<int>(ended.size()) >= links_.streams) {
      const uint64_t mails_before = stats_.mails;
      if (status = flush(); !status.ok()) break;
      metrics.events_out.Increment(stats_.mails - mails_before);
      continue;
    }
    auto received = (*receiver)->Receive(std::chrono::milliseconds(50));
    if (received && order.Offer(&*received) == core::CauseOrder::Offered::kDone) {
      const std::string& stream = received->envelope.cause_origin();
      if (received->envelope.has_end_of_stream() && ended.count(stream)) {
        held_ends[stream].push_back(std::move(*received));
      } else {
        if (received->envelope.has_end_of_stream()) acknowledged_ends.insert(stream);
        (*receiver)->Ack(*received);
      }
    }
    const uint64_t mails_before = stats_.mails;
    while (auto ready = order.Pop()) {
      if (status = apply(*ready); !status.ok()) break;
    }
    metrics.events_out.Increment(stats_.mails - mails_before);
    metrics.held_batches.Set(static_cast<double>(order.held()));
    if (!status.ok()) break;
  }
  if (*worker) {
    // Drains up to notify.smtp.drain_timeout, unless the stage is failing.
    core::Status stopped = (*worker)->Stop(status.ok());
    stats_.delivery = (*worker)->stats();
    if (status.ok()) status = stopped;
  }
  if (!status.ok()) return status;
  auto log = core::Logger("notify");
  log->info(
      "done incidents={} mails={} contacts={} sources={} unroutable={} all_failing={} "
      "rerouted={} restored={} outbox={}",
      stats_.incidents, stats_.mails, stats_.contacts, stats_.sources, stats_.unroutable,
      stats_.all_failing, stats_.rerouted, stats_.restored, config_.notify.outbox);
  if (*worker) {
    log->info("delivery sent={} failed={} retries={} resumed={} left_queued={} already_queued={}",
              stats_.delivery.sent, stats_.delivery.failed, stats_.delivery.retries,
              stats_.delivery.resumed, stats_.delivery.left_queued, stats_.already_queued);
  }
  return core::Status::Ok();
}

}  // namespace abuseflow::notify
