#include "notify/outbox_list.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "core/time_format.h"

namespace abuseflow::notify {
namespace {

constexpr DeliveryRecord::State kStates[] = {
    DeliveryRecord::State::kQueued, DeliveryRecord::State::kSending, DeliveryRecord::State::kSent,
    DeliveryRecord::State::kFailed};

// One field of a tab-separated line: tabs, line ends and other controls as spaces.
std::string Field(std::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  }
  return out.empty() ? "-" : out;
}

std::string Joined(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// The last failure; none once the mail is sent (its last code is the 250).
std::string LastError(const DeliveryRecord& r) {
  if (r.state == DeliveryRecord::State::kSent) return "";
  if (r.last_code == 0) return r.reason;
  return std::to_string(r.last_code) + (r.reason.empty() ? "" : " " + r.reason);
}

bool Queued(const DeliveryRecord& r) { return r.state == DeliveryRecord::State::kQueued; }
bool Done(const DeliveryRecord& r) {
  return r.state == DeliveryRecord::State::kSent || r.state == DeliveryRecord::State::kFailed;
}

}  // namespace

std::optional<DeliveryRecord::State> ParseStateName(const std::string& name) {
  for (DeliveryRecord::State state : kStates) {
    if (StateName(state) == name) return state;
  }
  return std::nullopt;
}

core::Result<std::vector<OutboxListRow>> ListDeliveries(const DeliveryStore& store,
                                                        std::optional<DeliveryRecord::State> only) {
  auto all = store.All();
  if (!all.ok()) return all.status();
  std::vector<OutboxListRow> rows;
  for (auto& [id, record] : *all) {
    if (only && record.state != *only) continue;
    std::string file = std::filesystem::path(record.path).filename().string();
    rows.push_back({id, std::move(file), std::move(record)});
  }
  std::sort(rows.begin(), rows.end(), [](const OutboxListRow& a, const OutboxListRow& b) {
    return a.file != b.file ? a.file < b.file : a.message_id < b.message_id;
  });
  return rows;
}

std::string OutboxListText(const std::vector<OutboxListRow>& rows) {
  std::string out = "file\tstate\tattempts\tnext_attempt\tlast_error\trecipients\n";
  std::map<DeliveryRecord::State, size_t> counts;
  for (const OutboxListRow& row : rows) {
    const DeliveryRecord& r = row.record;
    ++counts[r.state];
    out += Field(row.file) + "\t" + std::string(StateName(r.state)) + "\t" +
           std::to_string(r.attempts) + "\t" +
           (Queued(r) ? core::FormatUtc(r.next_attempt_us) : "-") + "\t" + Field(LastError(r)) +
           "\t" + Field(Joined(r.recipients)) + "\n";
  }
  out += std::to_string(rows.size()) + (rows.size() == 1 ? " mail: " : " mails: ");
  for (DeliveryRecord::State state : kStates) {
    out += std::to_string(counts[state]) + " " + std::string(StateName(state)) +
           (state == DeliveryRecord::State::kFailed ? "\n" : ", ");
  }
  return out;
}

std::string OutboxListJson(const std::vector<OutboxListRow>& rows) {
  nlohmann::json out = nlohmann::json::array();
  for (const OutboxListRow& row : rows) {
    const DeliveryRecord& r = row.record;
    out.push_back(
        {{"message_id", row.message_id},
         {"file", row.file},
         {"path", r.path},
         {"contact", r.contact},
         {"recipients", r.recipients},
         {"state", std::string(StateName(r.state))},
         {"attempts", r.attempts},
         {"last_code", r.last_code},
         {"last_error", r.reason},
         {"queued", core::FormatUtc(r.queued_us)},
         {"next_attempt",
          Queued(r) ? nlohmann::json(core::FormatUtc(r.next_attempt_us)) : nlohmann::json()},
         {"done", Done(r) ? nlohmann::json(core::FormatUtc(r.done_us)) : nlohmann::json()}});
  }
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace abuseflow::notify
