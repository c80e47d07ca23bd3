#include "notify/reply_import.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <set>

#include "core/kv_store.h"
#include "core/time_format.h"
#include "dedup/dedup_stage.h"
#include "dedup/history_store.h"
#include "notify/failing_contacts.h"
#include "notify/mail_header.h"
#include "notify/mailbox_reader.h"
#include "notify/notify_stage.h"
#include "notify/reply_classifier.h"
#include "notify/reply_imap.h"
#include "notify/reply_link.h"
#include "notify/thread_index.h"

namespace abuseflow::notify {
namespace {

constexpr size_t kMaxMessageBytes = 4 << 20;

std::string KindName(v1::ReplyRecord::Kind kind) {
  switch (kind) {
    case v1::ReplyRecord::KIND_BOUNCE:
      return "bounce";
    case v1::ReplyRecord::KIND_AUTOMATED:
      return "automated";
    default:
      return "human";
  }
}

class Importer {
 public:
  Importer(core::KvStore* state, dedup::HistoryStore* history,
           const std::function<void(const std::string&)>& line)
      : state_(state), index_(state), failing_(state), history_(history), line_(line) {}

  core::Status One(const std::string& name, std::string_view raw) {
    ++stats_.messages;
    ReplyInfo info = ClassifyReply(raw);
    std::string key = info.message_id;
    if (key.empty()) {
      char hex[24];
      std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(StableHash64(raw)));
      key = std::string("hash:") + hex;
    }
    auto seen = state_->Get("r" + key);
    if (!seen.ok()) return seen.status();
    if (seen->has_value()) {
      ++stats_.already_imported;
      return core::Status::Ok();
    }
    auto notices = LinkedNotices(index_, info);
    if (!notices.ok()) return notices.status();
    if (notices->empty()) {
      ++stats_.unlinked;
      line_(name + ": " + KindName(info.kind) + " (" + info.why + "), linked to no notice");
      return core::Status::Ok();
    }
    if (core::Status s = CheckCanned(*notices, &info); !s.ok()) return s;
    return Record(name, key, info, *notices, raw);
  }

  const ReplyImportStats& stats() const { return stats_; }

 private:
  // A desk that answers every notice with the same text and no header: the
  // second time the same text comes from the same domain about another
  // notice, it counts as automated ("s" + domain + 0x1f + text hash -> the
  // first notice it answered).
  core::Status CheckCanned(const std::vector<std::string>& notices, ReplyInfo* info) {
    if (info->kind != v1::ReplyRecord::KIND_HUMAN || info->text_hash == 0 ||
        info->sender_domain.empty()) {
      return core::Status::Ok();
    }
    char hex[24];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(info->text_hash));
    const std::string key = "s" + info->sender_domain + '\x1f' + hex;
    auto first = state_->Get(key);
    if (!first.ok()) return first.status();
    if (!first->has_value()) {
      core::KvStore::Batch batch;
      batch.Put(key, notices.front());
      return state_->Write(batch);
    }
    if (std::find(notices.begin(), notices.end(), **first) == notices.end()) {
      info->kind = v1::ReplyRecord::KIND_AUTOMATED;
      info->says_fixed = false;
      info->admits_compromise = false;
      info->why = "same text as an earlier reply from " + info->sender_domain;
    }
    return core::Status::Ok();
  }

  // A bounce marks its failed recipients failing (FailingContactStore): the
  // DSN's Original- or Final-Recipient, else (a bounce without a DSN) the
  // contact of the first notice it answers. Adds to `batch`, appends to `*line`.
  // `dsn` is the decoded delivery status when the bounce has one as a MIME
  // part (it may be base64), else the raw message.
  core::Status MarkFailing(const std::string& key, const std::vector<std::string>& notices,
                           std::string_view dsn, core::KvStore::Batch* batch, std::string* line) {
    bool has_dsn = false;
    std::vector<BounceRecipient> failed = FailedRecipients(dsn, &has_dsn);
    if (failed.empty() && !has_dsn) {
      auto summary = state_->Get("w" + notices.front());
      if (!summary.ok()) return summary.status();
      std::optional<MailSummary> mail;
      if (summary->has_value()) mail = DecodeMailSummary(**summary);
      if (mail && !mail->contact.empty()) failed.push_back({mail->contact, "", ""});
    }
    for (const BounceRecipient& r : failed) {
      FailingContact contact;
      contact.mailbox = r.mailbox;
      contact.since_us = contact.last_us = core::NowMicros();
      contact.bounce_id = key;
      contact.notice_id = notices.front();
      contact.final_recipient = r.final_recipient;
      contact.status = r.status;
      if (core::Status s = failing_.Mark(contact, batch); !s.ok()) return s;
      ++stats_.failing_marked;
      *line += (line->empty() ? "" : ", ") + r.mailbox;
    }
    return core::Status::Ok();
  }

  core::Status Record(const std::string& name, const std::string& key, const ReplyInfo& info,
                      const std::vector<std::string>& notices, std::string_view raw) {
    const std::string kind = KindName(info.kind);
    if (info.kind == v1::ReplyRecord::KIND_BOUNCE) ++stats_.bounces;
    if (info.kind == v1::ReplyRecord::KIND_AUTOMATED) ++stats_.automated;
    if (info.kind == v1::ReplyRecord::KIND_HUMAN) ++stats_.human;
    if (info.says_fixed) ++stats_.says_fixed;
    if (info.admits_compromise) ++stats_.admits_compromise;
    v1::ReplyRecord reply;
    reply.set_kind(info.kind);
    reply.set_says_fixed(info.says_fixed);
    reply.set_admits_compromise(info.admits_compromise);
    reply.set_message_id(key);
    reply.set_received_us(info.date_us != 0 ? info.date_us : core::NowMicros());
    std::set<core::IpAddress> addresses;
    core::KvStore::Batch batch;
    // "human", "human admits", "human fixed", "human admits fixed": the
    // monthly report reads these words (notify/monthly_report.cc).
    const std::string value =
        kind + (info.admits_compromise ? " admits" : "") + (info.says_fixed ? " fixed" : "");
    for (const std::string& id : notices) {
      auto list = index_.AddressesOf(id);
      if (!list.ok()) return list.status();
      addresses.insert(list->begin(), list->end());
      batch.Put("a" + id + '\x1f' + key, value);
    }
    for (const core::IpAddress& address : addresses) {
      core::Status s = history_->RecordReply(address, reply);
      if (s.code() == core::Status::Code::kNotFound) {
        ++stats_.without_history;
      } else if (!s.ok()) {
        return s;
      } else {
        ++stats_.recorded;
      }
    }
    batch.Put("r" + key, value);
    std::string failing;
    if (info.kind == v1::ReplyRecord::KIND_BOUNCE) {
      std::string_view dsn = info.delivery_status.empty() ? raw : info.delivery_status;
      if (core::Status s = MarkFailing(key, notices, dsn, &batch, &failing); !s.ok()) return s;
    }
    line_(name + ": " + value + " (" + info.why + "), " + std::to_string(notices.size()) +
          " notice(s), " + std::to_string(addresses.size()) + " address(es)" +
          (failing.empty() ? "" : "; failing: " + failing));
    return state_->Write(batch);
  }

  core::KvStore* state_;
  ThreadIndex index_;
  FailingContactStore failing_;
  dedup::HistoryStore* history_;
  const std::function<void(const std::string&)>& line_;
  ReplyImportStats stats_;
};

// Imports the messages of one IMAP mailbox above its last imported UID.
core::Status ImportImap(const std::string& url_text, const core::ImapConfig& config,
                        core::KvStore* state, Importer* importer, uint64_t* skipped,
                        uint64_t* fetched) {
  auto url = ParseImapUrl(url_text);
  if (!url.ok()) return url.status();
  auto client = ImapClient::Open(config, *url);
  if (!client.ok()) return client.status();
  auto validity = (*client)->UidValidity();
  if (!validity.ok()) return validity.status();
  const std::string key = "i" + url->MailboxUrl() + '\x1f' + std::to_string(*validity);
  auto last = state->Get(key);
  if (!last.ok()) return last.status();
  const uint64_t after = last->has_value() ? std::strtoull((*last)->c_str(), nullptr, 10) : 0;
  auto messages = (*client)->MessagesAfter(after);
  if (!messages.ok()) return messages.status();
  for (const ImapMessage& m : *messages) {
    std::optional<std::string> raw;
    if (m.size <= kMaxMessageBytes) {  // refused before it is fetched or parsed
      auto text = (*client)->Fetch(m.uid, kMaxMessageBytes);
      if (!text.ok()) return text.status();
      raw = std::move(*text);
    }
    if (!raw) {
      ++*skipped;
    } else {
      ++*fetched;
      core::Status s = importer->One(url->MailboxUrl() + ";UID=" + std::to_string(m.uid), *raw);
      if (!s.ok()) return s;
    }
    core::KvStore::Batch batch;
    batch.Put(key, std::to_string(m.uid));
    if (core::Status s = state->Write(batch); !s.ok()) return s;
  }
  return core::Status::Ok();
}

}  // namespace

core::Result<ReplyImportStats> ImportReplies(const std::string& state_dir,
                                             const std::vector<std::string>& mailboxes,
                                             const core::ImapConfig& imap,
                                             const std::function<void(const std::string&)>& line) {
  core::KvStore::Options options;
  options.create_if_missing = false;
  options.sync_writes = true;
  auto state = core::KvStore::Open(NotifyStateDir(state_dir), options);
  if (!state.ok()) return state.status();
  auto history = dedup::HistoryStore::Open(dedup::HistoryDir(state_dir), false);
  if (!history.ok()) return history.status();
  Importer importer(state->get(), history->get(), line);
  uint64_t skipped = 0;
  for (const std::string& mailbox : mailboxes) {
    core::Status failed;
    core::Status s = ForEachMessage(mailbox, kMaxMessageBytes, &skipped,
                                    [&](const std::string& name, std::string_view raw) {
                                      failed = importer.One(name, raw);
                                      return failed.ok();
                                    });
    if (!s.ok()) return s;
    if (!failed.ok()) return failed;
  }
  uint64_t fetched = 0;
  for (const std::string& url : imap.mailboxes) {
    core::Status s = ImportImap(url, imap, state->get(), &importer, &skipped, &fetched);
    if (!s.ok()) return s;
  }
  ReplyImportStats stats = importer.stats();
  stats.skipped_large = skipped;
  stats.imap_fetched = fetched;
  return stats;
}

}  // namespace abuseflow::notify
