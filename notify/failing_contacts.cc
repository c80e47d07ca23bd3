#include "notify/failing_contacts.h"

#include <charconv>

#include "core/ascii.h"
#include "notify/mail_header.h"

namespace abuseflow::notify {
namespace {

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

// A value on one line: control characters become spaces.
std::string OneLine(std::string_view text) { return SanitizeHeaderValue(text); }

bool ParseNumber(std::string_view text, auto* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// "rfc822; x@y.example" -> "x@y.example".
std::string_view WithoutType(std::string_view value) {
  if (size_t semi = value.find(';'); semi != std::string_view::npos) value.remove_prefix(semi + 1);
  return Trim(value);
}

// "rfc822; <Abuse@Host.example>" -> "abuse@host.example"; "" unless it is one
// plain mailbox.
std::string DsnMailbox(std::string_view value) {
  value = WithoutType(value);
  if (value.size() >= 2 && value.front() == '<' && value.back() == '>') {
    value = value.substr(1, value.size() - 2);
  }
  std::string mailbox = core::AsciiLower(value);
  return IsValidMailbox(mailbox) ? mailbox : std::string();
}

// The fields of one blank-line separated block of a delivery status.
struct DsnBlock {
  std::string final_recipient, original, action, status;
  bool has_final = false;
};

void Finish(DsnBlock* block, std::vector<BounceRecipient>* out) {
  if (block->has_final && (block->action.empty() || block->action == "failed")) {
    BounceRecipient r;
    r.mailbox = DsnMailbox(block->original);
    if (r.mailbox.empty()) r.mailbox = DsnMailbox(block->final_recipient);
    r.final_recipient = OneLine(WithoutType(block->final_recipient));
    r.status = OneLine(block->status);
    if (!r.mailbox.empty()) out->push_back(std::move(r));
  }
  *block = DsnBlock();
}

}  // namespace

std::string EncodeFailingContact(const FailingContact& c) {
  return "mailbox=" + OneLine(c.mailbox) + "\nsince_us=" + std::to_string(c.since_us) +
         "\nlast_us=" + std::to_string(c.last_us) + "\nbounces=" + std::to_string(c.bounces) +
         "\nbounce=" + OneLine(c.bounce_id) + "\nnotice=" + OneLine(c.notice_id) +
         "\nfinal_recipient=" + OneLine(c.final_recipient) + "\nstatus=" + OneLine(c.status) + "\n";
}

std::optional<FailingContact> DecodeFailingContact(std::string_view text) {
  FailingContact c;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    bool ok = true;
    if (key == "mailbox") c.mailbox = value;
    else if (key == "since_us") ok = ParseNumber(value, &c.since_us);
    else if (key == "last_us") ok = ParseNumber(value, &c.last_us);
    else if (key == "bounces") ok = ParseNumber(value, &c.bounces);
    else if (key == "bounce") c.bounce_id = value;
    else if (key == "notice") c.notice_id = value;
    else if (key == "final_recipient") c.final_recipient = value;
    else if (key == "status") c.status = value;
    if (!ok) return std::nullopt;
  }
  if (c.mailbox.empty()) return std::nullopt;
  return c;
}

std::vector<BounceRecipient> FailedRecipients(std::string_view raw, bool* has_dsn) {
  std::vector<BounceRecipient> out;
  DsnBlock block;
  *has_dsn = false;
  while (!raw.empty()) {
    size_t end = raw.find('\n');
    std::string_view line = raw.substr(0, end);
    raw.remove_prefix(end == std::string_view::npos ? raw.size() : end + 1);
    if (Trim(line).empty()) {
      Finish(&block, &out);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string name = core::AsciiLower(Trim(line.substr(0, colon)));
    const std::string_view value = Trim(line.substr(colon + 1));
    if (name == "final-recipient") {
      block.final_recipient = value;
      block.has_final = true;
      *has_dsn = true;
    } else if (name == "original-recipient") {
      block.original = value;
    } else if (name == "action") {
      block.action = core::AsciiLower(value);
    } else if (name == "status") {
      block.status = value;
    }
  }
  Finish(&block, &out);
  return out;
}

core::Status FailingContactStore::Mark(const FailingContact& bounce,
                                       core::KvStore::Batch* batch) const {
  const std::string key = "f" + core::AsciiLower(bounce.mailbox);
  auto stored = store_->Get(key);
  if (!stored.ok()) return stored.status();
  FailingContact record = bounce;
  record.mailbox = core::AsciiLower(bounce.mailbox);
  record.bounces = 1;
  if (stored->has_value()) {
    if (auto old = DecodeFailingContact(**stored)) {
      record.since_us = old->since_us;
      record.bounces = old->bounces + 1;
      if (record.notice_id.empty()) record.notice_id = old->notice_id;
    }
  }
  batch->Put(key, EncodeFailingContact(record));
  return core::Status::Ok();
}

core::Result<std::vector<FailingContact>> FailingContactStore::List() const {
  std::vector<FailingContact> out;
  core::Status s = store_->Scan("f", [&](std::string_view, std::string_view value) {
    if (auto c = DecodeFailingContact(value)) out.push_back(std::move(*c));
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

core::Result<std::set<std::string>> FailingContactStore::Mailboxes() const {
  auto list = List();
  if (!list.ok()) return list.status();
  std::set<std::string> out;
  for (const FailingContact& c : *list) out.insert(c.mailbox);
  return out;
}

core::Result<bool> FailingContactStore::Clear(const std::string& mailbox) {
  const std::string key = "f" + core::AsciiLower(Trim(mailbox));
  auto stored = store_->Get(key);
  if (!stored.ok()) return stored.status();
  if (!stored->has_value()) return false;
  core::KvStore::Batch batch;
  batch.Delete(key);
  if (core::Status s = store_->Write(batch); !s.ok()) return s;
  return true;
}

}  // namespace abuseflow::notify
