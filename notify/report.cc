#include "notify/report.h"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <tuple>
#include <utility>

#include "core/ip_prefix.h"
#include "notify/mail_header.h"

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

using OccurrenceKey = std::tuple<int64_t, int64_t, uint64_t, std::string>;

OccurrenceKey OccurrenceOrder(const v1::Occurrence& o) {
  return OccurrenceKey(o.first_seen_us(), o.last_seen_us(), o.count(), o.SerializeAsString());
}

// Keeps the latest `limit` distinct occurrences, ordered by first_seen_us.
void MergeEarlier(const v1::Incident& incident, size_t limit, std::vector<v1::Occurrence>* out) {
  out->insert(out->end(), incident.earlier_occurrences().begin(),
              incident.earlier_occurrences().end());
  auto less = [](const v1::Occurrence& a, const v1::Occurrence& b) {
    return OccurrenceOrder(a) < OccurrenceOrder(b);
  };
  auto equal = [](const v1::Occurrence& a, const v1::Occurrence& b) {
    return OccurrenceOrder(a) == OccurrenceOrder(b);
  };
  std::sort(out->begin(), out->end(), less);
  out->erase(std::unique(out->begin(), out->end(), equal), out->end());
  if (out->size() > limit) out->erase(out->begin(), out->end() - static_cast<ptrdiff_t>(limit));
}

}  // namespace

std::string ReportTicket(const Report& report) {
  char hex[24];
  std::string key = "ticket\n" + report.contact + '\n' + std::to_string(report.window_start_us);
  if (!report.kind.empty()) key += "\nkind " + report.kind;  // the default's tickets unchanged
  const uint64_t hash = StableHash64(key);
  std::snprintf(hex, sizeof hex, "%08llx", static_cast<unsigned long long>(hash >> 32));
  return std::string("AF-") + hex;
}

std::string ContactOf(const v1::OwnerRecord& owner) { return ContactOf(owner, {}); }

std::string ContactOf(const v1::OwnerRecord& owner, const std::set<std::string>& failing) {
  for (const std::string& abuse : owner.abuse()) {
    std::string contact = Lowered(abuse);
    if (!contact.empty() && !failing.contains(contact)) return contact;
  }
  if (!AllOwnFailing(owner, failing)) return "";
  for (const std::string& abuse : owner.upstream_abuse()) {
    std::string contact = Lowered(abuse);
    if (!contact.empty() && !failing.contains(contact)) return contact;
  }
  return "";
}

bool AllOwnFailing(const v1::OwnerRecord& owner, const std::set<std::string>& failing) {
  bool any = false;
  for (const std::string& abuse : owner.abuse()) {
    std::string mailbox = Lowered(abuse);
    if (mailbox.empty()) continue;
    if (!failing.contains(mailbox)) return false;
    any = true;
  }
  return any;
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
  MergeEarlier(incident, static_cast<size_t>(std::max(0, limits.earlier_per_address)),
               &entry->earlier);
  ++entry->incidents;
}

ReportBuilder::ReportBuilder(std::string contact, int64_t start_us, int64_t window_us,
                             ReportLimits limits)
    : contact_(std::move(contact)),
      start_us_(start_us),
      window_us_(window_us),
      max_first_seen_us_(start_us),
      limits_(limits) {}

void ReportBuilder::Add(const v1::Incident& incident, const core::IpAddress& address,
                        const std::set<std::string>* failing) {
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
    if (failing != nullptr && failing->contains(mailbox)) {
      instead_of_.insert(std::move(mailbox));
    } else if (!mailbox.empty() && mailbox != contact_) {
      recipients_.insert(std::move(mailbox));
    }
  }
  if (failing != nullptr && AllOwnFailing(incident.owner(), *failing)) {
    upstream_ = true;
    for (const std::string& abuse : incident.owner().upstream_abuse()) {
      std::string mailbox = Lowered(abuse);
      if (failing->contains(mailbox)) instead_of_.insert(std::move(mailbox));
    }
  }
  owners_.try_emplace(OwnerKey(incident.owner()), Summarise(incident.owner()));
  ++incidents_;
}

Report ReportBuilder::Build() const { return ReportBuilder(*this).Take(); }

Report ReportBuilder::Take() {
  Report report;
  report.contact = contact_;
  report.recipients.push_back(contact_);
  report.recipients.insert(report.recipients.end(), recipients_.begin(), recipients_.end());
  std::vector<std::pair<std::string, OwnerSummary>> owners(std::make_move_iterator(owners_.begin()),
                                                           std::make_move_iterator(owners_.end()));
  std::sort(owners.begin(), owners.end(), OwnerLess);
  for (auto& [key, owner] : owners) report.owners.push_back(std::move(owner));
  report.window_start_us = start_us_;
  report.window_end_us = end_us();
  report.entries.reserve(entries_.size());
  for (auto& [address, entry] : entries_) report.entries.push_back(std::move(entry));
  report.incidents = incidents_;
  report.instead_of.assign(instead_of_.begin(), instead_of_.end());
  report.upstream = upstream_;
  report.kind = kind_;
  upstream_ = false;
  entries_.clear();
  owners_.clear();
  recipients_.clear();
  instead_of_.clear();
  incidents_ = 0;
  return report;
}

std::vector<Report> SplitReport(Report report, size_t max_entries) {
  max_entries = std::max<size_t>(max_entries, 1);
  std::vector<Report> parts;
  if (report.entries.size() <= max_entries) {
    parts.push_back(std::move(report));
    return parts;
  }
  const size_t count = (report.entries.size() + max_entries - 1) / max_entries;
  std::vector<ReportEntry> entries = std::move(report.entries);
  report.entries.clear();
  for (size_t i = 0; i < count; ++i) {
    Report part = report;  // everything but the entries
    const size_t begin = i * max_entries;
    const size_t end = std::min(entries.size(), begin + max_entries);
    part.entries.assign(std::make_move_iterator(entries.begin() + begin),
                        std::make_move_iterator(entries.begin() + end));
    part.incidents = 0;
    for (const ReportEntry& entry : part.entries) part.incidents += entry.incidents;
    part.part = static_cast<int>(i + 1);
    part.parts = static_cast<int>(count);
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace abuseflow::notify
