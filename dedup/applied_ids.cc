#include "dedup/applied_ids.h"

#include <iterator>

namespace abuseflow::dedup {

bool AppliedIds::Contains(const std::string& origin, uint64_t seq) const {
  auto o = origins_.find(origin);
  if (o == origins_.end()) return false;
  if (o->second.has_floor && seq <= o->second.floor) return true;
  const auto& ranges = o->second.ranges;
  auto it = ranges.upper_bound(seq);
  if (it == ranges.begin()) return false;
  --it;
  return seq >= it->first && seq <= it->second;
}

bool AppliedIds::Insert(const std::string& origin, uint64_t seq) {
  if (Contains(origin, seq)) return false;
  Origin& o = origins_[origin];
  auto& ranges = o.ranges;
  auto next = ranges.upper_bound(seq);
  bool joins_prev = false;
  if (next != ranges.begin()) {
    auto prev = std::prev(next);
    if (prev->second + 1 == seq) {
      prev->second = seq;
      joins_prev = true;
      if (next != ranges.end() && next->first == seq + 1) {
        prev->second = next->second;
        ranges.erase(next);
      }
    }
  }
  if (!joins_prev) {
    if (next != ranges.end() && next->first == seq + 1) {
      uint64_t last = next->second;
      ranges.erase(next);
      ranges.emplace(seq, last);
    } else {
      ranges.emplace(seq, seq);
    }
  }
  if (o.has_floor && !ranges.empty() && ranges.begin()->first == o.floor + 1) {
    o.floor = ranges.begin()->second;
    ranges.erase(ranges.begin());
  }
  Bound(&o);
  dirty_.insert(origin);
  return true;
}

void AppliedIds::Bound(Origin* o) {
  while (static_cast<int>(o->ranges.size()) > max_ranges_) {
    // Close the oldest gap: everything up to the end of the first range is applied.
    o->floor = o->ranges.begin()->second;
    o->has_floor = true;
    o->ranges.erase(o->ranges.begin());
    ++gaps_closed_;
  }
}

void AppliedIds::Load(const std::string& origin, const v1::AppliedRanges& stored) {
  Origin o;
  o.floor = stored.floor();
  o.has_floor = stored.floor() > 0;
  for (const auto& r : stored.ranges()) {
    if (r.first() <= r.last()) o.ranges[r.first()] = r.last();
  }
  origins_[origin] = std::move(o);
}

v1::AppliedRanges AppliedIds::Save(const std::string& origin) const {
  v1::AppliedRanges out;
  auto it = origins_.find(origin);
  if (it == origins_.end()) return out;
  out.set_floor(it->second.has_floor ? it->second.floor : 0);
  for (const auto& [first, last] : it->second.ranges) {
    auto* r = out.add_ranges();
    r->set_first(first);
    r->set_last(last);
  }
  return out;
}

size_t AppliedIds::ranges(const std::string& origin) const {
  auto it = origins_.find(origin);
  return it == origins_.end() ? 0 : it->second.ranges.size();
}

}  // namespace abuseflow::dedup
