#include "notify/notify_stage.h"

#include <algorithm>
#include <set>
#include <string_view>

#include "core/log.h"
#include "core/time_format.h"
#include "notify/mail_header.h"
#include "notify/mail_writer.h"
#include "notify/owner_batcher.h"
#include "notify/report_renderer.h"

namespace abuseflow::notify {
namespace {

constexpr uint64_t kLoggedUnroutable = 10;

// Renders, composes and writes closed reports; keeps the counts.
class ReportWriter {
 public:
  ReportWriter(const core::NotifyConfig& config, const ReportRenderer& renderer,
               NotifyStageStats* stats)
      : config_(config), renderer_(renderer), stats_(stats), log_(core::Logger("notify")) {}

  core::Status Write(const std::vector<Report>& reports) {
    for (const Report& report : reports) {
      if (core::Status s = WriteOne(report); !s.ok()) return s;
    }
    return core::Status::Ok();
  }

 private:
  core::Status WriteOne(const Report& report) {
    auto rendered = renderer_.Render(report);
    if (!rendered.ok()) return rendered.status();
    MailFields fields{config_.from,  report.recipients,     rendered->subject,
                      rendered->body, report.contact,        report.window_start_us,
                      report.window_end_us, core::NowMicros()};
    auto mail = ComposeMail(fields);
    if (!mail.ok()) {
      // No valid mailbox for this owner: the report cannot be sent. Counted and
      // shown to the operator, never silently dropped.
      stats_->unroutable += report.incidents;
      log_->error("report not written contact=\"{}\" addresses={} reason=\"{}\"",
                  EscapeForLog(report.contact), report.entries.size(), mail.status().message());
      return core::Status::Ok();
    }
    for (const std::string& bad : mail->rejected) {
      ++stats_->invalid_recipients;
      log_->warn("recipient refused contact=\"{}\" value=\"{}\"", EscapeForLog(report.contact), bad);
    }
    auto path = WriteToOutbox(config_.outbox, *mail);
    if (!path.ok()) return path.status();
    ++stats_->mails;
    stats_->paths.push_back(*path);
    contacts_.insert(report.contact);
    for (const ReportEntry& entry : report.entries) sources_.insert(entry.address);
    stats_->contacts = contacts_.size();
    stats_->sources = sources_.size();
    return core::Status::Ok();
  }

  const core::NotifyConfig& config_;
  const ReportRenderer& renderer_;
  NotifyStageStats* stats_;
  std::shared_ptr<spdlog::logger> log_;
  std::set<std::string> contacts_;
  std::set<core::IpAddress> sources_;
};

}  // namespace

core::Status NotifyStage::Run() {
  auto log = core::Logger("notify");
  // Checked here, not per mail: a bad sender would fail every report, and
  // those failures are counted as unroutable owners rather than stopping.
  std::string_view from = config_.notify.from;
  from.remove_prefix(std::min(from.size(), from.find_first_not_of(" \t")));
  from = from.substr(0, from.find_last_not_of(" \t") + 1);
  if (!IsValidMailbox(from)) {
    return core::Status::InvalidArgument("notify.from is not a valid mailbox: \"" +
                                         EscapeForLog(config_.notify.from) + "\"");
  }
  RenderOptions options;
  options.site = config_.notify.site;
  options.from = config_.notify.from;
  options.signature = config_.notify.signature;
  options.template_path = config_.notify.template_path;
  auto renderer = ReportRenderer::Create(options);
  if (!renderer.ok()) return renderer.status();
  auto receiver = core::BatchReceiver::Bind(*links_.context, links_.input);
  if (!receiver.ok()) return receiver.status();
  OwnerBatcher batcher(config_.notify.window_us);
  ReportWriter writer(config_.notify, *renderer, &stats_);
  std::vector<v1::Incident> unroutable;
  core::Status status =
      core::ReceiveUntilEnd(**receiver, links_.producers, [&](v1::Envelope& envelope) {
        if (!envelope.has_incidents()) return core::Status::Ok();
        for (const v1::Incident& incident : envelope.incidents().incidents()) {
          ++stats_.incidents;
          unroutable.clear();
          std::vector<Report> closed = batcher.Add(incident, &unroutable);
          for (const v1::Incident& u : unroutable) {
            if (stats_.unroutable++ < kLoggedUnroutable) {
              auto address = core::IpAddress::FromBytes(u.src());
              log->warn("no abuse contact, not reported source={} owner=\"{}\"",
                        address ? address->ToString() : "?", EscapeForLog(u.owner().owner()));
            }
          }
          if (core::Status s = writer.Write(closed); !s.ok()) return s;
        }
        return core::Status::Ok();
      });
  if (!status.ok()) return status;
  if (core::Status s = writer.Write(batcher.Flush()); !s.ok()) return s;
  log->info("done incidents={} mails={} contacts={} sources={} unroutable={} outbox={}",
            stats_.incidents, stats_.mails, stats_.contacts, stats_.sources, stats_.unroutable,
            config_.notify.outbox);
  return core::Status::Ok();
}

}  // namespace abuseflow::notify
