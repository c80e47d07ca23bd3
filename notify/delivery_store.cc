#include "notify/delivery_store.h"

#include <charconv>

#include "notify/mail_header.h"

namespace abuseflow::notify {
namespace {

constexpr std::string_view kStates[] = {"queued", "sending", "sent", "failed"};

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::vector<std::string> Split(std::string_view text, char sep) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t end = text.find(sep);
    if (end > 0) out.emplace_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

template <typename T>
bool ParseNumber(std::string_view text, T* out) {
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Sets one field of `r` from "key=value"; false if the key or value is bad.
bool SetField(std::string_view key, std::string_view value, DeliveryRecord* r) {
  if (key == "state") {
    for (size_t i = 0; i < std::size(kStates); ++i) {
      if (value == kStates[i]) r->state = static_cast<DeliveryRecord::State>(i);
    }
    return value == StateName(r->state);
  }
  if (key == "attempts") return ParseNumber(value, &r->attempts);
  if (key == "queued_us") return ParseNumber(value, &r->queued_us);
  if (key == "next_attempt_us") return ParseNumber(value, &r->next_attempt_us);
  if (key == "done_us") return ParseNumber(value, &r->done_us);
  if (key == "last_code") return ParseNumber(value, &r->last_code);
  if (key == "reason") r->reason = value;
  else if (key == "path") r->path = value;
  else if (key == "contact") r->contact = value;
  else if (key == "recipients") r->recipients = Split(value, ',');
  return true;  // unknown keys are skipped: newer versions may add some
}

std::string TimesValue(const std::vector<int64_t>& times) {
  std::string out;
  for (int64_t t : times) out += (out.empty() ? "" : ",") + std::to_string(t);
  return out;
}

}  // namespace

std::string_view StateName(DeliveryRecord::State state) {
  return kStates[static_cast<size_t>(state)];
}

std::string EncodeRecord(const DeliveryRecord& r) {
  std::string out;
  auto line = [&](std::string_view key, const std::string& value) {
    out.append(key);
    out += "=" + SanitizeHeaderValue(value) + "\n";
  };
  line("state", std::string(StateName(r.state)));
  line("attempts", std::to_string(r.attempts));
  line("queued_us", std::to_string(r.queued_us));
  line("next_attempt_us", std::to_string(r.next_attempt_us));
  line("done_us", std::to_string(r.done_us));
  line("last_code", std::to_string(r.last_code));
  line("reason", r.reason);
  line("path", r.path);
  line("contact", r.contact);
  line("recipients", Join(r.recipients));
  return out;
}

core::Result<DeliveryRecord> DecodeRecord(std::string_view text) {
  DeliveryRecord r;
  for (const std::string& line : Split(text, '\n')) {
    size_t eq = line.find('=');
    if (eq == std::string::npos ||
        !SetField(std::string_view(line).substr(0, eq), std::string_view(line).substr(eq + 1), &r)) {
      return core::Status::InvalidArgument("bad delivery record line \"" + EscapeForLog(line) + "\"");
    }
  }
  return r;
}

core::Result<std::optional<DeliveryRecord>> DeliveryStore::Get(const std::string& id) const {
  auto value = store_->Get("d" + id);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<DeliveryRecord>();
  auto record = DecodeRecord(**value);
  if (!record.ok()) return record.status();
  return std::optional<DeliveryRecord>(std::move(record).value());
}

void DeliveryStore::AddQueued(const std::string& id, const DeliveryRecord& record,
                              core::KvStore::Batch* batch) {
  batch->Put("d" + id, EncodeRecord(record));
  batch->Put("q" + id, "");
}

core::Status DeliveryStore::Update(const std::string& id, const DeliveryRecord& record) {
  core::KvStore::Batch batch;
  batch.Put("d" + id, EncodeRecord(record));
  return store_->Write(batch);
}

core::Status DeliveryStore::Finish(const std::string& id, const DeliveryRecord& record,
                                   const std::vector<int64_t>& contact_times) {
  core::KvStore::Batch batch;
  batch.Put("d" + id, EncodeRecord(record));
  batch.Delete("q" + id);
  if (record.state == DeliveryRecord::State::kSent && !record.contact.empty()) {
    batch.Put("c" + record.contact, TimesValue(contact_times));
  }
  return store_->Write(batch);
}

core::Result<std::vector<std::pair<std::string, DeliveryRecord>>> DeliveryStore::Queued() const {
  std::vector<std::string> ids;
  core::Status s = store_->Scan("q", [&](std::string_view key, std::string_view) {
    ids.emplace_back(key.substr(1));
    return true;
  });
  if (!s.ok()) return s;
  std::vector<std::pair<std::string, DeliveryRecord>> out;
  for (std::string& id : ids) {
    auto record = Get(id);
    if (!record.ok()) return record.status();
    if (record->has_value()) out.emplace_back(std::move(id), std::move(**record));
  }
  return out;
}

core::Result<std::vector<std::pair<std::string, std::vector<int64_t>>>>
DeliveryStore::ContactTimes() const {
  std::vector<std::pair<std::string, std::vector<int64_t>>> out;
  core::Status s = store_->Scan("c", [&](std::string_view key, std::string_view value) {
    std::vector<int64_t> times;
    for (const std::string& t : Split(value, ',')) {
      int64_t v = 0;
      if (ParseNumber(t, &v)) times.push_back(v);
    }
    out.emplace_back(std::string(key.substr(1)), std::move(times));
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

core::Result<std::vector<std::pair<std::string, DeliveryRecord>>> DeliveryStore::All() const {
  std::vector<std::pair<std::string, DeliveryRecord>> out;
  core::Status bad;
  core::Status s = store_->Scan("d", [&](std::string_view key, std::string_view value) {
    auto record = DecodeRecord(value);
    if (!record.ok()) {
      bad = record.status();
      return false;
    }
    out.emplace_back(std::string(key.substr(1)), std::move(record).value());
    return true;
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  return out;
}

}  // namespace abuseflow::notify
