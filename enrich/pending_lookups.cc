#include "enrich/pending_lookups.h"

#include <algorithm>

#include "enrich/owner_source.h"

namespace abuseflow::enrich {

core::IpPrefix PendingLookups::WaveOf(const core::IpPrefix& group) {
  return core::IpPrefix(group.first(), group.first().is_v4() ? 16 : 32);
}

void PendingLookups::Land(const core::IpPrefix& group, Group& g) {
  if (!g.in_flight) return;
  g.in_flight = false;
  auto it = flying_.find(WaveOf(group));
  if (it != flying_.end() && it->second == group) flying_.erase(it);
}

std::optional<PendingLookups::Ask> PendingLookups::Add(WaitingEvent event) {
  const core::IpPrefix group = DefaultNegativeScope(event.address);
  const core::IpAddress address = event.address;
  ++by_origin_[event.pending.cause_origin()];
  ++size_;
  auto [it, fresh] = groups_.try_emplace(group);
  it->second.events.push_back(std::move(event));
  if (!fresh || !flying_.try_emplace(WaveOf(group), group).second) return std::nullopt;
  it->second.in_flight = true;
  return Ask{group, address};
}

void PendingLookups::Remove(const WaitingEvent& event) {
  auto it = by_origin_.find(event.pending.cause_origin());
  if (it != by_origin_.end() && --it->second == 0) by_origin_.erase(it);
  --size_;
}

std::vector<WaitingEvent> PendingLookups::Take(const core::IpPrefix& group) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return {};
  Land(group, it->second);
  std::vector<WaitingEvent> out = std::move(it->second.events);
  groups_.erase(it);
  for (const WaitingEvent& e : out) Remove(e);
  return out;
}

void PendingLookups::Failed(const core::IpPrefix& group, int64_t now_us, int64_t hint_us) {
  auto it = groups_.find(group);
  if (it == groups_.end()) return;
  Group& g = it->second;
  int64_t backoff = options_.retry_min_us;
  for (int i = 0; i < g.failures && backoff < options_.retry_max_us; ++i) backoff *= 2;
  backoff = std::min(std::max(backoff, hint_us), options_.retry_max_us);
  ++g.failures;
  Land(group, g);
  g.retry_at_us = now_us + backoff;
}

std::vector<PendingLookups::Ask> PendingLookups::Due(int64_t now_us) {
  std::vector<Ask> out;
  for (auto& [prefix, g] : groups_) {
    if (g.in_flight || g.retry_at_us > now_us || g.events.empty()) continue;
    if (!flying_.try_emplace(WaveOf(prefix), prefix).second) continue;
    g.in_flight = true;
    if (g.failures > 0) ++retries_;
    out.push_back({prefix, g.events.front().address});
  }
  return out;
}

std::vector<WaitingEvent> PendingLookups::Expired(int64_t now_us) {
  std::vector<WaitingEvent> out;
  for (auto it = groups_.begin(); it != groups_.end();) {
    std::vector<WaitingEvent>& events = it->second.events;
    auto late = std::stable_partition(events.begin(), events.end(), [now_us](const WaitingEvent& e) {
      return e.pending.deadline_us() >= now_us;
    });
    for (auto e = late; e != events.end(); ++e) {
      Remove(*e);
      out.push_back(std::move(*e));
    }
    events.erase(late, events.end());
    // A group left without events is forgotten (its wave goes on); a lookup
    // still in flight for it finds nothing to settle (Take gives nothing).
    if (events.empty()) {
      Land(it->first, it->second);
      it = groups_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

size_t PendingLookups::WaitingOf(const std::string& origin) const {
  auto it = by_origin_.find(origin);
  return it == by_origin_.end() ? 0 : it->second;
}

}  // namespace abuseflow::enrich
