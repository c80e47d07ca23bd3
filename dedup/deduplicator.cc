#include "dedup/deduplicator.h"

#include <algorithm>
#include <chrono>

#include "core/enriched_owner.h"

namespace abuseflow::dedup {
namespace {

constexpr int kMaxDstPorts = 32;

void AddToIncident(const v1::ProbeEvent& e, const v1::OwnerRecord& owner, const HistoryLimits& limits,
                   v1::Incident* incident) {
  if (incident->count() == 0) {
    incident->set_src(e.src());
    *incident->mutable_owner() = owner;
    incident->set_first_seen_us(e.observed_us());
    incident->set_last_seen_us(e.observed_us());
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

int64_t SystemNow() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

struct Deduplicator::PerAddress {
  struct Fresh {
    const v1::ProbeEvent* event;
    const v1::OwnerRecord* owner;
  };
  v1::AddressHistory history;
  std::vector<Fresh> fresh;  // the batch's new events of the address, in the batch's order
};

Deduplicator::Deduplicator(HistoryStore* store, HistoryLimits limits,
                           const core::DedupPolicyConfig& policy, Clock wall_clock)
    : store_(store),
      limits_(limits),
      engine_(policy),
      wall_clock_(wall_clock ? std::move(wall_clock) : Clock(SystemNow)) {
  limits_.quiet_gap_us = policy.quiet_gap_us;
  for (const std::string& net : policy.local_networks) {
    if (auto p = core::IpPrefix::Parse(net)) local_.push_back(*p);
  }
}

core::Result<std::unique_ptr<Deduplicator>> Deduplicator::Create(
    HistoryStore* store, HistoryLimits limits, const core::DedupPolicyConfig& policy,
    Clock wall_clock) {
  std::unique_ptr<Deduplicator> d(new Deduplicator(store, limits, policy, std::move(wall_clock)));
  if (core::Status s = store->LoadApplied(&d->applied_); !s.ok()) return s;
  d->applied_.ClearDirty();
  auto now = store->LoadNow();
  if (!now.ok()) return now.status();
  d->now_us_ = *now;
  auto retention = store->LoadRetention();
  if (!retention.ok()) return retention.status();
  if (*retention) d->last_retention_us_ = **retention;
  core::Status s = store->ForEachBlocked([&](const v1::AddressHistory& h) {
    if (auto a = core::IpAddress::FromBytes(h.src())) d->Track(*a, h);
    return true;
  });
  if (!s.ok()) return s;
  return d;
}

bool Deduplicator::IsLocal(const core::IpAddress& address) const {
  return std::any_of(local_.begin(), local_.end(),
                     [&](const core::IpPrefix& p) { return p.Contains(address); });
}

void Deduplicator::Track(const core::IpAddress& address, const v1::AddressHistory& h) {
  if (h.block().active()) {
    blocked_[address] = {h.block().expires_us(), h.last_seen_us(), h.block().reason() == "manual"};
  } else {
    blocked_.erase(address);
  }
}

void Deduplicator::Decide(const core::IpAddress& address, PerAddress* entry, int64_t now,
                          v1::IncidentBatch* out) {
  v1::AddressHistory& h = entry->history;
  const bool was_blocked = h.block().active();
  if (std::string by = engine_.LiftDue(h, now); !by.empty()) {
    LiftBlock(by, now, &h);
    ++stats_.lifts;
  }
  std::vector<const v1::ProbeEvent*> events;
  int64_t oldest = INT64_MAX;
  for (const PerAddress::Fresh& f : entry->fresh) {
    events.push_back(f.event);
    oldest = std::min(oldest, f.event->observed_us());
  }
  const bool local = IsLocal(address);
  Decision d = engine_.Decide(h, events, now, local);
  std::string contact = local                       ? engine_.config().liaison
                        : h.owner().abuse().empty() ? ""
                                                    : h.owner().abuse(0);
  if (d.action == Decision::Action::kReport) {
    v1::Incident* incident = out->add_incidents();
    for (const PerAddress::Fresh& f : entry->fresh) AddToIncident(*f.event, *f.owner, limits_, incident);
    incident->set_notice_number(d.notice_number);
    incident->set_policy_rule(d.rule);
    if (d.notice_number > 1) {
      for (v1::Occurrence& o : PolicyEngine::EarlierOccurrences(h, oldest)) {
        *incident->add_earlier_occurrences() = std::move(o);
      }
    }
    if (local) {
      incident->set_local_source(true);
      incident->mutable_owner()->clear_abuse();
      incident->mutable_owner()->clear_upstream_abuse();
      incident->mutable_owner()->add_abuse(contact);
    }
    ++stats_.incidents;
  } else if (d.action == Decision::Action::kBlock) {
    ++stats_.blocks;
  } else {
    ++stats_.suppressed;
  }
  RecordDecision(d, now, contact, engine_.config(), &h);
  if (was_blocked != h.block().active()) blocks_changed_ = true;
  Track(address, h);
}

core::Status Deduplicator::LiftIdleBlocks(int64_t now,
                                          const std::map<core::IpAddress, PerAddress>& batch,
                                          std::vector<v1::AddressHistory>* lifted) {
  std::vector<core::IpAddress> due;
  for (const auto& [address, info] : blocked_) {
    bool expired = info.expires_us != 0 && now >= info.expires_us;
    bool silent = !info.manual && now - info.last_seen_us >= engine_.config().lift_after_silence_us;
    if ((expired || silent) && !batch.count(address)) due.push_back(address);
  }
  for (const core::IpAddress& address : due) {
    auto h = store_->Get(address);
    if (!h.ok()) return h.status();
    if (!h->has_value()) continue;
    std::string by = engine_.LiftDue(**h, now);
    if (by.empty()) continue;
    LiftBlock(by, now, &**h);
    ++stats_.lifts;
    blocks_changed_ = true;
    Track(address, **h);
    lifted->push_back(std::move(**h));
  }
  return core::Status::Ok();
}

core::Status Deduplicator::Retain(int64_t now, const std::map<core::IpAddress, PerAddress>& batch,
                                  HistoryStore::WriteSet* set) {
  constexpr int64_t kEvery = 86400LL * 1000000;
  constexpr size_t kMaxPerSweep = 100000;  // bounds one write; the rest go at the next sweep
  if (limits_.retention_us <= 0 ||
      (last_retention_us_ != INT64_MIN && now - last_retention_us_ < kEvery)) {
    return core::Status::Ok();
  }
  // Stored with the sweep's deletes, so a restart keeps the schedule instead
  // of sweeping again at its first batch (a pure replay must change nothing).
  set->retention_us = now;
  auto expired = store_->Expired(now - limits_.retention_us, kMaxPerSweep);
  if (!expired.ok()) return expired.status();
  for (const core::IpAddress& a : *expired) {
    if (!batch.count(a)) set->deletes.push_back(a);
  }
  stats_.expired += set->deletes.size();
  return core::Status::Ok();
}

void Deduplicator::AddOwnerView(const OwnerViews& views,
                                const std::map<core::IpAddress, PerAddress>& batch,
                                v1::IncidentBatch* incidents) {
  for (v1::Incident& incident : *incidents->mutable_incidents()) {
    auto address = core::IpAddress::FromBytes(incident.src());
    auto it = address ? batch.find(*address) : batch.end();
    if (it == batch.end()) continue;
    const v1::NetblockRecord* r = views.Find(it->second.history.netblock());
    if (!r) continue;
    incident.set_owner_addresses_seen(r->addresses_seen());
    incident.set_owner_addresses_blocked(static_cast<uint32_t>(r->blocked_size()));
    incident.set_owner_block_active(r->block().active());
  }
}

core::Status Deduplicator::Fold(const v1::EnrichedBatch& batch,
                                std::map<core::IpAddress, PerAddress>* by_address,
                                BatchCounts* counts) {
  for (const v1::EnrichedEvent& enriched : batch.events()) {
    const v1::ProbeEvent& e = enriched.event();
    auto address = core::IpAddress::FromBytes(e.src());
    const v1::OwnerRecord* owner = core::OwnerOf(batch, enriched);
    if (!address || owner == nullptr) {
      ++counts->rejected;
      continue;
    }
    if (e.id().origin().empty()) {
      ++stats_.without_id;
    } else if (!applied_.Insert(e.id().origin(), e.id().seq())) {
      ++counts->duplicates;
      continue;
    }
    auto [it, inserted] = by_address->try_emplace(*address);
    if (inserted) {
      auto stored = store_->Take(*address);  // moved out of the cache; Kept after the write
      if (!stored.ok()) return stored.status();
      if (stored->has_value())
        it->second.history = std::move(**stored);
      else
        ++stats_.new_addresses;
    }
    ApplyEvent(e, *owner, limits_, &it->second.history);
    it->second.fresh.push_back({&e, owner});
    now_us_ = std::max(now_us_, e.observed_us());
    ++counts->applied;
  }
  return core::Status::Ok();
}

core::Status Deduplicator::NoteOwners(int64_t now, std::map<core::IpAddress, PerAddress>* batch,
                                      std::vector<v1::AddressHistory>* lifted, OwnerViews* views,
                                      HistoryStore::WriteSet* set) {
  for (auto& [address, entry] : *batch) {
    if (core::Status s = views->Note(now, &entry.history); !s.ok()) return s;
    set->histories.push_back(&entry.history);
  }
  for (v1::AddressHistory& h : *lifted) {
    if (core::Status s = views->Note(now, &h); !s.ok()) return s;
    set->histories.push_back(&h);
  }
  set->netblocks = views->Changed();
  if (views->blocks_changed()) blocks_changed_ = true;
  return core::Status::Ok();
}

core::Status Deduplicator::Apply(const v1::EnrichedBatch& batch, v1::IncidentBatch* out,
                                 const ExtraWrites& extra) {
  std::map<core::IpAddress, PerAddress> by_address;  // ordered: deterministic output
  BatchCounts counts;
  if (core::Status s = Fold(batch, &by_address, &counts); !s.ok()) return s;
  const int64_t now = engine_.config().event_time ? now_us_ : wall_clock_();
  if (!engine_.config().event_time) now_us_ = now;
  v1::IncidentBatch incidents;
  for (auto& [address, entry] : by_address) Decide(address, &entry, now, &incidents);
  std::vector<v1::AddressHistory> lifted;
  if (core::Status s = LiftIdleBlocks(now, by_address, &lifted); !s.ok()) return s;
  HistoryStore::WriteSet set;
  if (core::Status s = Retain(now, by_address, &set); !s.ok()) return s;
  OwnerViews views(store_, engine_.config().netblock_block_threshold);
  if (core::Status s = NoteOwners(now, &by_address, &lifted, &views, &set); !s.ok()) return s;
  AddOwnerView(views, by_address, &incidents);
  for (const std::string& origin : applied_.dirty())
    set.applied.emplace_back(origin, applied_.Save(origin));
  set.now_us = now_us_;
  if (extra) extra(incidents, &set);
  if (core::Status s = store_->Commit(set); !s.ok()) return s;
  applied_.ClearDirty();
  if (set.retention_us) last_retention_us_ = *set.retention_us;
  for (auto& [address, entry] : by_address) store_->Keep(std::move(entry.history));
  for (v1::Incident& incident : *incidents.mutable_incidents())
    *out->add_incidents() = std::move(incident);
  ++stats_.batches;
  stats_.events += counts.applied;
  stats_.rejected += counts.rejected;
  stats_.duplicates += counts.duplicates;
  return core::Status::Ok();
}

}  // namespace abuseflow::dedup
