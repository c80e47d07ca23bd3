#include "notify/report_writer.h"

#include "core/log.h"
#include "core/time_format.h"
#include "notify/csv_report.h"
#include "notify/mail_header.h"
#include "notify/xarf_parts.h"

namespace abuseflow::notify {

ReportWriter::ReportWriter(const core::NotifyConfig& config, const ReportRenderer& renderer,
                           core::KvStore* state, DeliveryWorker* worker, NotifyStageStats* stats)
    : config_(config),
      renderer_(renderer),
      state_(state),
      threads_(state),
      deliveries_(state),
      worker_(worker),
      stats_(stats) {}

core::Status ReportWriter::Write(std::vector<Report> reports) {
  for (Report& report : reports) {
    const size_t limit = static_cast<size_t>(config_.max_addresses_per_mail);
    for (const Report& part : SplitReport(std::move(report), limit)) {
      if (core::Status s = WriteOne(part); !s.ok()) return s;
    }
  }
  return core::Status::Ok();
}

core::Result<MailFields> ReportWriter::Fields(const Report& report, RenderedReport rendered) const {
  MailFields f;
  f.from = config_.from;
  f.to = report.recipients;
  f.subject = std::move(rendered.subject);
  f.body = std::move(rendered.body);
  f.contact = report.contact;
  f.window_start_us = report.window_start_us;
  f.window_end_us = report.window_end_us;
  f.date_us = core::NowMicros();
  f.part = report.part;
  f.kind = report.kind;
  f.ticket = ReportTicket(report);
  auto threading = threads_.Lookup(report, ReportMessageId(report.contact, report.window_start_us,
                                                           config_.from, report.part, report.kind));
  if (!threading.ok()) return threading.status();
  f.in_reply_to = std::move(threading->in_reply_to);
  f.references = std::move(threading->references);
  f.attachments = XarfParts(report, config_.from, f.ticket);
  f.attachments.push_back(CsvPart(report, f.ticket));
  f.xarf = true;
  f.instead_of = report.instead_of;
  return f;
}

core::Status ReportWriter::Store(const Report& report, const Mail& mail, bool* written) {
  *written = false;
  if (worker_) {
    auto existing = deliveries_.Get(mail.message_id);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) {
      ++stats_->already_queued;
      core::Logger("notify")->info("mail already {}, not written again message_id={}",
                                   StateName((*existing)->state), mail.message_id);
      return core::Status::Ok();
    }
  }
  auto path = WriteToOutbox(config_.outbox, mail);
  if (!path.ok()) return path.status();
  // After the mail is on disk, in one batch: the index never names a mail
  // that was not written, and a queued record always has its file.
  core::KvStore::Batch batch;
  if (core::Status s = threads_.AddToBatch(report, mail.message_id, &batch); !s.ok()) return s;
  DeliveryRecord record;
  if (worker_) {
    record.queued_us = core::NowMicros();
    record.next_attempt_us = record.queued_us;
    record.path = *path;
    record.contact = mail.contact;
    record.recipients = mail.recipients;
    DeliveryStore::AddQueued(mail.message_id, record, &batch);
  }
  if (!batch.empty()) {
    if (core::Status s = state_->Write(batch); !s.ok()) return s;
  }
  if (worker_) worker_->Submit(mail.message_id, record);
  stats_->paths.push_back(*path);
  *written = true;
  return core::Status::Ok();
}

core::Status ReportWriter::WriteOne(const Report& report) {
  auto log = core::Logger("notify");
  auto rendered = renderer_.Render(report);
  if (!rendered.ok()) return rendered.status();
  auto fields = Fields(report, std::move(rendered).value());
  if (!fields.ok()) return fields.status();
  auto mail = ComposeMail(*fields);
  if (!mail.ok()) {
    // No valid mailbox for this owner: the report cannot be sent. Counted and
    // shown to the operator, never silently dropped.
    stats_->unroutable += report.incidents;
    log->error("report not written contact=\"{}\" addresses={} reason=\"{}\"",
               EscapeForLog(report.contact), report.entries.size(), mail.status().message());
    return core::Status::Ok();
  }
  for (const std::string& bad : mail->rejected) {
    ++stats_->invalid_recipients;
    log->warn("recipient refused contact=\"{}\" value=\"{}\"", EscapeForLog(report.contact), bad);
  }
  bool written = false;
  if (core::Status s = Store(report, *mail, &written); !s.ok()) return s;
  if (!written) return core::Status::Ok();
  if (report.upstream) {
    ++stats_->rerouted;
    log->warn("every abuse contact of the owner failing, report sent to the upstream's "
              "failing=\"{}\" to=\"{}\" addresses={}",
              EscapeForLog(report.instead_of.front()), EscapeForLog(report.contact),
              report.entries.size());
  } else if (!report.instead_of.empty()) {
    ++stats_->rerouted;
    log->warn("abuse contact failing, report sent to the next contact failing=\"{}\" to=\"{}\" "
              "addresses={}",
              EscapeForLog(report.instead_of.front()), EscapeForLog(report.contact),
              report.entries.size());
  }
  ++stats_->mails;
  contacts_.insert(report.contact);
  for (const ReportEntry& entry : report.entries) sources_.insert(entry.address);
  stats_->contacts = contacts_.size();
  stats_->sources = sources_.size();
  return core::Status::Ok();
}

}  // namespace abuseflow::notify
