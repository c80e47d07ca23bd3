#include "notify/owner_batcher.h"

#include <algorithm>
#include <limits>

namespace abuseflow::notify {
namespace {

// Keeps start + window far from overflow whatever the configuration says.
constexpr int64_t kMaxWindowUs = int64_t{1} << 60;

void SortReports(std::vector<Report>* reports) {
  std::sort(reports->begin(), reports->end(), [](const Report& a, const Report& b) {
    if (a.contact != b.contact) return a.contact < b.contact;
    return a.window_start_us < b.window_start_us;
  });
}

}  // namespace

OwnerBatcher::OwnerBatcher(int64_t window_us, ReportLimits limits)
    : window_us_(std::clamp<int64_t>(window_us, 1, kMaxWindowUs)),
      limits_(limits),
      watermark_us_(std::numeric_limits<int64_t>::min()) {}

std::vector<Report> OwnerBatcher::Add(const v1::Incident& incident,
                                      std::vector<v1::Incident>* unroutable) {
  ++stats_.incidents;
  last_merged_ = 0;
  auto address = core::IpAddress::FromBytes(incident.src());
  std::string contact = address ? ContactFor(incident.owner()) : std::string();
  if (contact.empty()) {
    ++(address ? stats_.unroutable : stats_.invalid_source);
    if (address && !ContactOf(incident.owner()).empty()) ++stats_.all_failing;
    if (unroutable != nullptr) unroutable->push_back(incident);
    return {};
  }
  std::vector<Report> closed;
  const int64_t first = incident.first_seen_us();
  auto it = open_.find(contact);
  if (it != open_.end() && first >= it->second.end_us()) {
    Close(contact, &closed);
    it = open_.end();
  }
  if (it != open_.end() && first < it->second.start_us() &&
      SaturatingAdd(first, window_us_) <= it->second.max_first_seen_us()) {
    // Its own window passed long ago: stretching this one to take it in
    // would make it longer than a window, so it goes out alone.
    ReportBuilder late(contact, first, window_us_, limits_);
    late.Add(incident, *address, &failing_);
    closed.push_back(late.Take());
    ++stats_.late;
    ++stats_.reports;
  } else if (it != open_.end()) {
    ReportBuilder& builder = it->second;
    by_end_.erase({builder.end_us(), contact});
    builder.Add(incident, *address, &failing_);
    by_end_.insert({builder.end_us(), contact});
    last_merged_ = generation_[contact];
  } else {
    if (SaturatingAdd(first, window_us_) <= watermark_us_) ++stats_.late;
    Open(contact, first).Add(incident, *address, &failing_);
    last_merged_ = generation_[contact];
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

ReportBuilder& OwnerBatcher::Open(const std::string& contact, int64_t start_us) {
  auto [it, inserted] =
      open_.try_emplace(contact, ReportBuilder(contact, start_us, window_us_, limits_));
  by_end_.insert({it->second.end_us(), contact});
  generation_[contact] = next_generation_++;
  return it->second;
}

void OwnerBatcher::Close(const std::string& contact, std::vector<Report>* out) {
  auto it = open_.find(contact);
  if (it == open_.end()) return;
  by_end_.erase({it->second.end_us(), contact});
  closed_generations_.push_back(generation_[contact]);
  generation_.erase(contact);
  out->push_back(it->second.Take());
  open_.erase(it);  // `contact` may refer to the erased key: not used after this
  ++stats_.reports;
}

void OwnerBatcher::CloseExpired(std::vector<Report>* out) {
  while (!by_end_.empty() && by_end_.begin()->first <= watermark_us_) {
    std::string contact = by_end_.begin()->second;
    Close(contact, out);
  }
}

}  // namespace abuseflow::notify
