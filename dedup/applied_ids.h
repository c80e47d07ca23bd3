#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::dedup {

// The event ids a history database has applied, per origin, as sorted,
// disjoint, inclusive ranges of seq numbers plus a floor (every seq at or
// below it counts as applied). Bounded: when an origin has more than
// `max_ranges` ranges, the oldest gap is closed (the floor moves up) and
// counted in gaps_closed(); an event whose seq falls in a closed gap is then
// taken as applied. Events of one origin that arrive in order keep a single
// range. docs/history-schema.md documents the record. Pure; not thread-safe.
class AppliedIds {
 public:
  explicit AppliedIds(int max_ranges = 1024) : max_ranges_(max_ranges) {}

  // Whether (origin, seq) has been applied.
  bool Contains(const std::string& origin, uint64_t seq) const;
  // Marks (origin, seq) applied and the origin dirty. Returns false if it already was.
  bool Insert(const std::string& origin, uint64_t seq);

  // Loads the stored record of one origin (replacing what is in memory).
  void Load(const std::string& origin, const v1::AppliedRanges& ranges);
  // The record of one origin, for storing.
  v1::AppliedRanges Save(const std::string& origin) const;
  // Origins changed since the last ClearDirty().
  const std::set<std::string>& dirty() const { return dirty_; }
  void ClearDirty() { dirty_.clear(); }
  uint64_t gaps_closed() const { return gaps_closed_; }
  size_t ranges(const std::string& origin) const;

 private:
  struct Origin {
    uint64_t floor = 0;  // seqs <= floor are applied (0 means none: seqs start at 1)
    bool has_floor = false;
    std::map<uint64_t, uint64_t> ranges;  // first -> last, disjoint, not adjacent
  };
  void Bound(Origin* o);

  int max_ranges_;
  std::map<std::string, Origin> origins_;
  std::set<std::string> dirty_;
  uint64_t gaps_closed_ = 0;
};

}  // namespace abuseflow::dedup
