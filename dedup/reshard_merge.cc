#include "dedup/reshard_merge.h"

#include <algorithm>

#include "core/shard_map.h"
#include "dedup/owner_views.h"

namespace abuseflow::dedup {
namespace {

// Merges `block` (an old shard's netblock block) into `merged`.
void MergeBlock(const v1::BlockState& block, uint32_t threshold, v1::BlockState* merged,
                uint32_t* merged_threshold) {
  if (!block.active()) {
    if (!merged->active() && block.lifted_us() > merged->lifted_us()) *merged = block;
    return;
  }
  if (!merged->active()) {
    *merged = block;
    *merged_threshold = threshold;
    return;
  }
  merged->set_since_us(std::min(merged->since_us(), block.since_us()));
  merged->set_expires_us(std::max(merged->expires_us(), block.expires_us()));
  *merged_threshold = std::max(*merged_threshold, threshold);
}

int64_t MinTime(int64_t a, int64_t b) { return a == 0 ? b : (b == 0 ? a : std::min(a, b)); }

}  // namespace

v1::AppliedRanges MergeApplied(const v1::AppliedRanges& a, const v1::AppliedRanges& b) {
  uint64_t floor = std::max(a.floor(), b.floor());
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (const auto* record : {&a, &b}) {
    for (const auto& r : record->ranges()) {
      if (r.first() <= r.last()) ranges.emplace_back(r.first(), r.last());
    }
  }
  std::sort(ranges.begin(), ranges.end());
  v1::AppliedRanges out;
  for (const auto& [first, last] : ranges) {
    if (last <= floor) continue;
    if (floor > 0 && first <= floor + 1) {  // only while out is empty: ranges are sorted
      floor = last;
      continue;
    }
    if (!out.ranges().empty() && first <= out.ranges().rbegin()->last() + 1) {
      auto* back = out.mutable_ranges(out.ranges_size() - 1);
      back->set_last(std::max(back->last(), last));
      continue;
    }
    auto* r = out.add_ranges();
    r->set_first(first);
    r->set_last(last);
  }
  out.set_floor(floor);
  return out;
}

void NetblockRebuild::AddOld(const std::string& key, const v1::NetblockRecord& record) {
  Old& old = old_[key];
  if (old.newest.first().empty() || record.last_seen_us() >= old.newest.last_seen_us()) {
    old.newest = record;
  }
  old.seen += record.addresses_seen();
  old.first_us = MinTime(old.first_us, record.first_seen_us());
  old.last_us = std::max(old.last_us, record.last_seen_us());
  MergeBlock(record.block(), record.block_threshold(), &old.block, &old.threshold);
}

void NetblockRebuild::AddHistory(int shard, const v1::AddressHistory& history) {
  if (history.netblock().empty()) return;
  Live& live = live_[history.netblock()][shard];
  live.addresses.insert(history.src());
  if (live.addresses.size() > static_cast<size_t>(kNetblockAddresses)) {
    live.addresses.erase(std::prev(live.addresses.end()));
  }
  if (history.netblock_blocked()) live.blocked.insert(history.src());
  ++live.count;
  ++live_total_[history.netblock()];
  live.first_us = MinTime(live.first_us, history.first_seen_us());
  live.last_us = std::max(live.last_us, history.last_seen_us());
}

int NetblockRebuild::Home(const std::string& key) const {
  if (key.size() < 4) return 0;
  const size_t half = (key.size() - 2) / 2;
  return core::ShardOf(std::string_view(key).substr(2, half), shards_);
}

v1::NetblockRecord NetblockRebuild::Build(const std::string& key, int shard, const Old* old,
                                          const Live* live) const {
  v1::NetblockRecord r;
  if (old != nullptr) r = old->newest;
  const size_t half = (key.size() - 2) / 2;
  r.set_first(key.substr(2, half));
  r.set_last(key.substr(2 + half));
  if (r.cidrs().empty()) {
    for (const core::IpPrefix& p : NetblockPrefixes(r)) r.add_cidrs(p.ToString());
  }
  r.clear_addresses();
  r.clear_blocked();
  r.set_addresses_seen(live != nullptr ? live->count : 0);
  r.set_first_seen_us(live != nullptr ? live->first_us : 0);
  r.set_last_seen_us(live != nullptr ? live->last_us : 0);
  if (live != nullptr) {
    for (const std::string& a : live->addresses) r.add_addresses(a);
    for (const std::string& a : live->blocked) r.add_blocked(a);
  }
  if (old != nullptr) {
    *r.mutable_block() = old->block;
    r.set_block_threshold(old->threshold);
    if (shard == Home(key)) {  // what only the old totals know stays with the home shard
      auto total = live_total_.find(key);
      uint64_t counted = total == live_total_.end() ? 0 : total->second;
      if (old->seen > counted) r.set_addresses_seen(r.addresses_seen() + old->seen - counted);
      r.set_first_seen_us(MinTime(r.first_seen_us(), old->first_us));
      r.set_last_seen_us(std::max(r.last_seen_us(), old->last_us));
    }
  }
  return r;
}

std::vector<std::pair<std::string, v1::NetblockRecord>> NetblockRebuild::For(int shard) const {
  std::set<std::string> keys;
  for (const auto& [key, old] : old_) keys.insert(key);
  for (const auto& [key, live] : live_) keys.insert(key);
  std::vector<std::pair<std::string, v1::NetblockRecord>> out;
  for (const std::string& key : keys) {
    auto o = old_.find(key);
    const Old* old = o == old_.end() ? nullptr : &o->second;
    const Live* live = nullptr;
    if (auto l = live_.find(key); l != live_.end()) {
      if (auto s = l->second.find(shard); s != l->second.end()) live = &s->second;
    }
    if (live == nullptr && (old == nullptr || shard != Home(key))) continue;
    out.emplace_back(key, Build(key, shard, old, live));
  }
  return out;
}

}  // namespace abuseflow::dedup
