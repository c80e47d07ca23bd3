#include "dedup/deduplicator.h"

#include <algorithm>
#include <map>

namespace abuseflow::dedup {
namespace {

constexpr int kMaxDstPorts = 32;

void AddToIncident(const v1::EnrichedEvent& enriched, const HistoryLimits& limits,
                   v1::Incident* incident) {
  const v1::ProbeEvent& e = enriched.event();
  if (incident->count() == 0) {
    incident->set_src(e.src());
    *incident->mutable_owner() = enriched.owner();
    incident->set_first_seen_us(e.observed_us());
    incident->set_last_seen_us(e.observed_us());
    incident->set_notice_number(1);
  }
  incident->set_first_seen_us(std::min(incident->first_seen_us(), e.observed_us()));
  incident->set_last_seen_us(std::max(incident->last_seen_us(), e.observed_us()));
  incident->set_count(incident->count() + 1);
  AddKindCount(e.kind(), e.signature(), 1, incident->mutable_kinds());
  if (incident->samples_size() < limits.sample_lines) {
    *incident->add_samples() = MakeSample(e, limits.max_line_length);
  }
  const auto& ports = incident->dst_ports();
  if (e.dst_port() != 0 && incident->dst_ports_size() < kMaxDstPorts &&
      std::find(ports.begin(), ports.end(), e.dst_port()) == ports.end()) {
    incident->add_dst_ports(e.dst_port());
  }
}

}  // namespace

core::Status Deduplicator::Apply(const v1::EnrichedBatch& batch, v1::IncidentBatch* out) {
  struct PerAddress {
    v1::AddressHistory history;
    v1::Incident incident;
  };
  std::map<core::IpAddress, PerAddress> by_address;  // ordered: deterministic output
  uint64_t rejected = 0;
  for (const v1::EnrichedEvent& enriched : batch.events()) {
    auto address = core::IpAddress::FromBytes(enriched.event().src());
    if (!address) {
      ++rejected;
      continue;
    }
    auto [it, inserted] = by_address.try_emplace(*address);
    if (inserted) {
      auto stored = store_->Get(*address);
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) it->second.history = std::move(**stored);
      else ++stats_.new_addresses;
    }
    ApplyEvent(enriched, limits_, &it->second.history);
    AddToIncident(enriched, limits_, &it->second.incident);
  }
  std::vector<const v1::AddressHistory*> histories;
  for (auto& [address, entry] : by_address) histories.push_back(&entry.history);
  if (core::Status s = store_->PutAll(histories); !s.ok()) return s;
  for (auto& [address, entry] : by_address) *out->add_incidents() = std::move(entry.incident);
  ++stats_.batches;
  stats_.events += batch.events_size() - rejected;
  stats_.rejected += rejected;
  stats_.incidents += by_address.size();
  return core::Status::Ok();
}

}  // namespace abuseflow::dedup
