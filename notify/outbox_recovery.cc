#include "notify/outbox_recovery.h"

#include <filesystem>
#include <fstream>
#include <system_error>

#include "core/log.h"
#include "core/mailbox.h"
#include "core/time_format.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

// The header fields of a mail file, unfolded, as (lower-case name, value).
std::vector<std::pair<std::string, std::string>> ReadHeader(const fs::path& path) {
  std::vector<std::pair<std::string, std::string>> fields;
  std::ifstream in(path, std::ios::binary);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;
    if ((line[0] == ' ' || line[0] == '\t') && !fields.empty()) {
      fields.back().second += " " + line.substr(line.find_first_not_of(" \t"));
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const size_t begin = line.find_first_not_of(' ', colon + 1);
    fields.emplace_back(name, begin == std::string::npos ? "" : line.substr(begin));
  }
  return fields;
}

std::vector<std::string> SplitRecipients(const std::string& value) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= value.size()) {
    size_t end = value.find(',', begin);
    if (end == std::string::npos) end = value.size();
    std::string item = value.substr(begin, end - begin);
    const size_t first = item.find_first_not_of(" \t");
    if (first != std::string::npos) {
      item = item.substr(first, item.find_last_not_of(" \t") - first + 1);
      if (core::IsValidMailbox(item)) out.push_back(item);
    }
    begin = end + 1;
  }
  return out;
}

}  // namespace

core::Result<std::vector<OutboxMail>> ListOutbox(const std::string& dir) {
  std::vector<OutboxMail> mails;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return mails;
  fs::directory_iterator it(dir, ec);
  if (ec) return core::Status::IoError("cannot list outbox " + dir + ": " + ec.message());
  for (const fs::directory_entry& entry : it) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || entry.path().extension() != ".eml") continue;
    OutboxMail mail;
    mail.path = entry.path().string();
    for (const auto& [field, value] : ReadHeader(entry.path())) {
      if (field == "message-id" && mail.message_id.empty()) mail.message_id = value;
      if (field == "to" && mail.recipients.empty()) mail.recipients = SplitRecipients(value);
    }
    if (!mail.message_id.empty() && !mail.recipients.empty()) mails.push_back(std::move(mail));
  }
  return mails;
}

core::Result<int> QueueUnrecordedMails(const std::string& dir, DeliveryStore* store,
                                       core::KvStore* state, DeliveryWorker* worker) {
  auto mails = ListOutbox(dir);
  if (!mails.ok()) return mails.status();
  int queued = 0;
  for (const OutboxMail& mail : *mails) {
    auto existing = store->Get(mail.message_id);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) continue;
    DeliveryRecord record;
    record.queued_us = core::NowMicros();
    record.next_attempt_us = record.queued_us;
    record.path = mail.path;
    record.contact = mail.recipients.front();
    record.recipients = mail.recipients;
    core::KvStore::Batch batch;
    DeliveryStore::AddQueued(mail.message_id, record, &batch);
    if (core::Status s = state->Write(batch); !s.ok()) return s;
    worker->Submit(mail.message_id, record);
    core::Logger("notify")->warn("queued a mail found in the outbox without a record path={}",
                                 mail.path);
    ++queued;
  }
  return queued;
}

}  // namespace abuseflow::notify
