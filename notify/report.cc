#include "notify/report.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "core/ip_prefix.h"

namespace abuseflow::notify {
namespace {

std::string Lowered(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t");
  size_t end = text.find_last_not_of(" \t");
  if (begin == std::string_view::npos) return "";
  std::string out(text.substr(begin, end - begin + 1));
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Identifies an owner summary; also its tie-breaking order.
std::string OwnerKey(const v1::OwnerRecord& owner) {
  std::string key = owner.owner() + '\x1f' + owner.netname() + '\x1f' + owner.country();
  for (const std::string& cidr : owner.cidrs()) key += '\x1f' + cidr;
  return key;
}

OwnerSummary Summarise(const v1::OwnerRecord& owner) {
  return OwnerSummary{owner.owner(), owner.netname(), owner.country(),
                      std::vector<std::string>(owner.cidrs().begin(), owner.cidrs().end())};
}

// Orders owners by their first prefix (numerically), owners without a
// parseable prefix last.
bool OwnerLess(const std::pair<std::string, OwnerSummary>& a,
               const std::pair<std::string, OwnerSummary>& b) {
  auto prefix = [](const OwnerSummary& o) -> std::optional<core::IpPrefix> {
    return o.cidrs.empty() ? std::nullopt : core::IpPrefix::Parse(o.cidrs.front());
  };
  auto pa = prefix(a.second), pb = prefix(b.second);
  if (pa.has_value() != pb.has_value()) return pa.has_value();
  if (pa && *pa != *pb) return *pa < *pb;
  return a.first < b.first;
}

void MergeKinds(const v1::Incident& incident, std::vector<v1::KindCount>* kinds) {
  for (const v1::KindCount& add : incident.kinds()) {
    auto it = std::find_if(kinds->begin(), kinds->end(), [&](const v1::KindCount& k) {
      return k.kind() == add.kind() && k.signature() == add.signature();
    });
    if (it != kinds->end()) {
      it->set_count(it->count() + add.count());
    } else {
      kinds->push_back(add);
    }
  }
  std::sort(kinds->begin(), kinds->end(), [](const v1::KindCount& a, const v1::KindCount& b) {
    if (a.kind() != b.kind()) return a.kind() < b.kind();
    return a.signature() < b.signature();
  });
}

using SampleKey =
    std::tuple<int64_t, const std::string&, const std::string&, const std::string&, int32_t>;

SampleKey SampleOrder(const v1::SampleLine& s) {
  return SampleKey(s.observed_us(), s.sensor(), s.line(), s.tz_name(), s.utc_offset_minutes());
}

void MergeSamples(const v1::Incident& incident, size_t limit, std::vector<v1::SampleLine>* out) {
  out->insert(out->end(), incident.samples().begin(), incident.samples().end());
  auto less = [](const v1::SampleLine& a, const v1::SampleLine& b) {
    return SampleOrder(a) < SampleOrder(b);
  };
  auto equal = [](const v1::SampleLine& a, const v1::SampleLine& b) {
    return SampleOrder(a) == SampleOrder(b);
  };
  std::sort(out->begin(), out->end(), less);
  out->erase(std::unique(out->begin(), out->end(), equal), out->end());
  if (out->size() > limit) out->resize(limit);
}

void MergePorts(const v1::Incident& incident, size_t limit, std::vector<uint32_t>* ports) {
  for (uint32_t port : incident.dst_ports()) {
    if (port != 0) ports->push_back(port);
  }
  std::sort(ports->begin(), ports->end());
  ports->erase(std::unique(ports->begin(), ports->end()), ports->end());
  if (ports->size() > limit) ports->resize(limit);
}

}  // namespace

std::string ContactOf(const v1::OwnerRecord& owner) {
  for (const std::string& abuse : owner.abuse()) {
    std::string contact = Lowered(abuse);
    if (!contact.empty()) return contact;
  }
  return "";
}

void MergeIntoEntry(const v1::Incident& incident, const ReportLimits& limits, ReportEntry* entry) {
  const bool first = entry->incidents == 0;
  // The owner of the latest incident wins; equal times break on the record
  // itself so that arrival order never matters.
  if (first || incident.last_seen_us() > entry->last_seen_us ||
      (incident.last_seen_us() == entry->last_seen_us &&
       incident.owner().SerializeAsString() > entry->owner.SerializeAsString())) {
    entry->owner = incident.owner();
  }
  entry->first_seen_us =
      first ? incident.first_seen_us() : std::min(entry->first_seen_us, incident.first_seen_us());
  entry->last_seen_us =
      first ? incident.last_seen_us() : std::max(entry->last_seen_us, incident.last_seen_us());
  entry->count += incident.count();
  entry->notice_number = std::max(entry->notice_number, incident.notice_number());
  MergeKinds(incident, &entry->kinds);
  MergeSamples(incident, static_cast<size_t>(std::max(0, limits.samples_per_address)),
               &entry->samples);
  MergePorts(incident, static_cast<size_t>(std::max(0, limits.ports_per_address)),
             &entry->dst_ports);
  ++entry->incidents;
}

ReportBuilder::ReportBuilder(std::string contact, int64_t start_us, int64_t window_us,
                             ReportLimits limits)
    : contact_(std::move(contact)),
      start_us_(start_us),
      window_us_(window_us),
      max_first_seen_us_(start_us),
      limits_(limits) {}

void ReportBuilder::Add(const v1::Incident& incident, const core::IpAddress& address) {
  if (incidents_ == 0) {
    max_first_seen_us_ = incident.first_seen_us();
  } else {
    max_first_seen_us_ = std::max(max_first_seen_us_, incident.first_seen_us());
  }
  start_us_ = std::min(start_us_, incident.first_seen_us());
  auto [it, inserted] = entries_.try_emplace(address);
  if (inserted) it->second.address = address;
  MergeIntoEntry(incident, limits_, &it->second);
  for (const std::string& abuse : incident.owner().abuse()) {
    std::string mailbox = Lowered(abuse);
    if (!mailbox.empty() && mailbox != contact_) recipients_.insert(std::move(mailbox));
  }
  owners_.try_emplace(OwnerKey(incident.owner()), Summarise(incident.owner()));
  ++incidents_;
}

Report ReportBuilder::Build() const {
  Report report;
  report.contact = contact_;
  report.recipients.push_back(contact_);
  report.recipients.insert(report.recipients.end(), recipients_.begin(), recipients_.end());
  std::vector<std::pair<std::string, OwnerSummary>> owners(owners_.begin(), owners_.end());
  std::sort(owners.begin(), owners.end(), OwnerLess);
  for (auto& [key, owner] : owners) report.owners.push_back(std::move(owner));
  report.window_start_us = start_us_;
  report.window_end_us = end_us();
  report.entries.reserve(entries_.size());
  for (const auto& [address, entry] : entries_) report.entries.push_back(entry);
  report.incidents = incidents_;
  return report;
}

}  // namespace abuseflow::notify
