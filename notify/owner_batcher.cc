#include "notify/owner_batcher.h"

#include <algorithm>
#include <limits>

#include "notify/report_kind.h"

namespace abuseflow::notify {
namespace {

// Keeps start + window far from overflow whatever the configuration says.
constexpr int64_t kMaxWindowUs = int64_t{1} << 60;

void SortReports(std::vector<Report>* reports) {
  std::sort(reports->begin(), reports->end(), [](const Report& a, const Report& b) {
    if (a.contact != b.contact) return a.contact < b.contact;
    if (a.window_start_us != b.window_start_us) return a.window_start_us < b.window_start_us;
    return a.kind < b.kind;
  });
}

constexpr char kKindSeparator = '\x1f';

}  // namespace

std::string ReportKey(const std::string& contact, const std::string& kind) {
  return kind.empty() ? contact : contact + kKindSeparator + kind;
}

std::pair<std::string, std::string> SplitReportKey(const std::string& key) {
  const size_t at = key.rfind(kKindSeparator);
  if (at == std::string::npos) return {key, ""};
  return {key.substr(0, at), key.substr(at + 1)};
}

OwnerBatcher::OwnerBatcher(int64_t window_us, ReportLimits limits,
                           const std::map<std::string, int64_t>& window_by_kind)
    : window_us_(std::clamp<int64_t>(window_us, 1, kMaxWindowUs)),
      limits_(limits),
      watermark_us_(std::numeric_limits<int64_t>::min()) {
  for (const auto& [kind, us] : window_by_kind) {
    if (!kind.empty()) window_by_kind_[kind] = std::clamp<int64_t>(us, 1, kMaxWindowUs);
  }
}

OwnerBatcher OwnerBatcher::FromConfig(const core::NotifyConfig& config) {
  ReportLimits limits;
  limits.samples_per_address = config.samples_per_address;
  return OwnerBatcher(config.window_us, limits, config.window_by_kind);
}

std::string OwnerBatcher::KindFor(const v1::Incident& incident) const {
  if (window_by_kind_.empty()) return "";
  std::string kind = IncidentVariant(incident);
  return window_by_kind_.contains(kind) ? kind : "";
}

int64_t OwnerBatcher::WindowOf(const std::string& kind) const {
  auto it = window_by_kind_.find(kind);
  return it == window_by_kind_.end() ? window_us_ : it->second;
}

std::string OwnerBatcher::ChooseKind(const v1::Incident& incident,
                                     const std::string* restored_kind) const {
  if (restored_kind != nullptr &&
      (restored_kind->empty() || window_by_kind_.contains(*restored_kind))) {
    return *restored_kind;
  }
  return KindFor(incident);
}

std::vector<Report> OwnerBatcher::Add(const v1::Incident& incident,
                                      std::vector<v1::Incident>* unroutable,
                                      const std::string* restored_kind) {
  ++stats_.incidents;
  last_merged_ = 0;
  last_key_.clear();
  auto address = core::IpAddress::FromBytes(incident.src());
  std::string contact = address ? ContactFor(incident.owner()) : std::string();
  if (contact.empty()) {
    ++(address ? stats_.unroutable : stats_.invalid_source);
    if (address && !ContactOf(incident.owner()).empty()) ++stats_.all_failing;
    if (unroutable != nullptr) unroutable->push_back(incident);
    return {};
  }
  const std::string kind = ChooseKind(incident, restored_kind);
  const std::string key = ReportKey(contact, kind);
  const int64_t window_us = WindowOf(kind);
  std::vector<Report> closed;
  const int64_t first = incident.first_seen_us();
  auto it = open_.find(key);
  if (it != open_.end() && first >= it->second.end_us()) {
    Close(key, &closed);
    it = open_.end();
  }
  if (it != open_.end() && first < it->second.start_us() &&
      SaturatingAdd(first, window_us) <= it->second.max_first_seen_us()) {
    // Its own window passed long ago: stretching this one to take it in
    // would make it longer than a window, so it goes out alone.
    ReportBuilder late(contact, first, window_us, limits_);
    late.SetKind(kind);
    late.Add(incident, *address, &failing_);
    closed.push_back(late.Take());
    ++stats_.late;
    ++stats_.reports;
  } else if (it != open_.end()) {
    ReportBuilder& builder = it->second;
    by_end_.erase({builder.end_us(), key});
    builder.Add(incident, *address, &failing_);
    by_end_.insert({builder.end_us(), key});
    last_merged_ = generation_[key];
    last_key_ = key;
  } else {
    if (SaturatingAdd(first, window_us) <= watermark_us_) ++stats_.late;
    Open(key, contact, kind, first).Add(incident, *address, &failing_);
    last_merged_ = generation_[key];
    last_key_ = key;
  }
  watermark_us_ =
      std::max({watermark_us_, incident.first_seen_us(), incident.last_seen_us()});
  CloseExpired(&closed);
  SortReports(&closed);
  return closed;
}

std::vector<Report> OwnerBatcher::Flush() {
  std::vector<Report> closed;
  while (!open_.empty()) Close(open_.begin()->first, &closed);
  SortReports(&closed);
  return closed;
}

ReportBuilder& OwnerBatcher::Open(const std::string& key, const std::string& contact,
                                  const std::string& kind, int64_t start_us) {
  auto [it, inserted] =
      open_.try_emplace(key, ReportBuilder(contact, start_us, WindowOf(kind), limits_));
  it->second.SetKind(kind);
  by_end_.insert({it->second.end_us(), key});
  generation_[key] = next_generation_++;
  return it->second;
}

void OwnerBatcher::Close(const std::string& key, std::vector<Report>* out) {
  auto it = open_.find(key);
  if (it == open_.end()) return;
  by_end_.erase({it->second.end_us(), key});
  closed_generations_.push_back(generation_[key]);
  generation_.erase(key);
  out->push_back(it->second.Take());
  open_.erase(it);  // `key` may refer to the erased key: not used after this
  ++stats_.reports;
}

void OwnerBatcher::CloseExpired(std::vector<Report>* out) {
  while (!by_end_.empty() && by_end_.begin()->first <= watermark_us_) {
    std::string key = by_end_.begin()->second;
    Close(key, out);
  }
}

}  // namespace abuseflow::notify
