#include "core/prefix_map_directory.h"

#include <algorithm>

namespace abuseflow::core::prefix_map_internal {
namespace {

// Orders a /16's members by start, then length (outer before inner).
struct MemberLess {
  bool operator()(const Directory16::Member& a, const Directory16::Member& b) const {
    return (uint32_t{a.low} << 8 | a.len) < (uint32_t{b.low} << 8 | b.len);
  }
};

}  // namespace

std::unique_ptr<uint16_t[]> Directory16::BuildRanges(const std::vector<Member>& members) {
  if (members.size() > kMaxRanged) return nullptr;  // a crowded /16 has no table
  // At most two ranges per member and one more; members nest at most 16 deep.
  uint16_t starts[2 * kMaxRanged + 1];
  uint32_t values[2 * kMaxRanged + 1];
  uint32_t n = 0;
  auto emit = [&](uint32_t from, uint32_t value) {
    if (n > 0 && values[n - 1] == value) return;  // same as the range before: one range
    starts[n] = static_cast<uint16_t>(from);
    values[n++] = value;
  };
  // The members open around the sweep, innermost last; each ends before the
  // one outside it. `cursor` is the first address not yet in a range.
  struct Open {
    uint32_t end;
    uint32_t pos;
  };
  Open open[17];
  int depth = 0;
  uint32_t cursor = 0;
  auto close_until = [&](uint32_t limit) {
    for (; depth > 0 && open[depth - 1].end <= limit; --depth) {
      if (cursor < open[depth - 1].end) {
        emit(cursor, open[depth - 1].pos);
        cursor = open[depth - 1].end;
      }
    }
  };
  for (const Member& m : members) {
    close_until(m.low);
    if (cursor < m.low) {
      emit(cursor, depth == 0 ? kNone : open[depth - 1].pos);
      cursor = m.low;
    }
    open[depth++] = {uint32_t{m.low} + (uint32_t{1} << (32 - m.len)), m.pos};
  }
  close_until(uint32_t{1} << 16);
  if (cursor < (uint32_t{1} << 16)) emit(cursor, kNone);

  auto table = std::make_unique_for_overwrite<uint16_t[]>(ValuesOffset(n) + 2 * n);
  table[0] = static_cast<uint16_t>(n);
  std::copy(starts, starts + n, table.get() + 1);
  if (ValuesOffset(n) != 1 + n) table[1 + n] = 0;
  std::memcpy(table.get() + ValuesOffset(n), values, n * sizeof(uint32_t));
  return table;
}

void Directory16::Rebuild(uint32_t hi) {
  Entry& e = dir_[hi];
  std::vector<Member>& members = members_[hi];
  if (e.crowded || members.empty()) {
    e.ranges.reset();
    return;
  }
  e.ranges = BuildRanges(members);
  if (e.ranges == nullptr) {  // past kMaxRanged
    e.crowded = true;
    std::vector<Member>().swap(members);
  }
}

void Directory16::Add(uint32_t key, int len, uint32_t pos) {
  if (dir_.empty()) {
    dir_.resize(size_t{1} << 16);
    counts_.assign(size_t{16} << 16, 0);
    members_.resize(size_t{1} << 16);
  }
  if (len <= 16) {
    ForRange(key, len, [&](Entry& e) {
      if (e.short_pos == kNone || e.short_len < len) {
        e.short_pos = pos;
        e.short_len = static_cast<uint8_t>(len);
      }
    });
    return;
  }
  const uint32_t hi = key >> 16;
  uint16_t& count = counts_[CountIndex(key, len)];
  if (count == 0) dir_[hi].long_lengths |= uint16_t(1u << (len - 17));
  if (count != kSaturated) ++count;
  if (dir_[hi].crowded) return;
  std::vector<Member>& members = members_[hi];
  Member m{static_cast<uint16_t>(key), static_cast<uint8_t>(len), pos};
  members.insert(std::upper_bound(members.begin(), members.end(), m, MemberLess{}), m);
  Rebuild(hi);
}

void Directory16::Remove(uint32_t key, int len, uint32_t next_pos, int next_len) {
  if (len <= 16) {
    ForRange(key, len, [&](Entry& e) {
      if (e.short_pos != kNone && e.short_len == len) {
        e.short_pos = next_pos;
        e.short_len = static_cast<uint8_t>(next_len);
      }
    });
    return;
  }
  const uint32_t hi = key >> 16;
  Entry& e = dir_[hi];
  uint16_t& count = counts_[CountIndex(key, len)];
  if (count != kSaturated && --count == 0) e.long_lengths &= uint16_t(~(1u << (len - 17)));
  if (e.crowded) {
    e.crowded = e.long_lengths != 0;  // once every longer prefix is gone, ranges again
    return;
  }
  std::vector<Member>& members = members_[hi];
  Member m{static_cast<uint16_t>(key), static_cast<uint8_t>(len), 0};
  auto it = std::lower_bound(members.begin(), members.end(), m, MemberLess{});
  if (it != members.end() && it->low == m.low && it->len == m.len) members.erase(it);
  Rebuild(hi);
}

void Directory16::Move(uint32_t key, int len, uint32_t pos) {
  if (len <= 16) {
    ForRange(key, len, [&](Entry& e) {
      if (e.short_pos != kNone && e.short_len == len) e.short_pos = pos;
    });
    return;
  }
  const uint32_t hi = key >> 16;
  if (dir_[hi].crowded) return;
  std::vector<Member>& members = members_[hi];
  Member m{static_cast<uint16_t>(key), static_cast<uint8_t>(len), 0};
  auto it = std::lower_bound(members.begin(), members.end(), m, MemberLess{});
  if (it == members.end() || it->low != m.low || it->len != m.len) return;
  const uint32_t old = it->pos;
  it->pos = pos;
  // The old position is this member's alone: its ranges take the new one.
  uint16_t* table = dir_[hi].ranges.get();
  const uint32_t n = table[0];
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t value;
    std::memcpy(&value, table + ValuesOffset(n) + 2 * i, sizeof value);
    if (value == old) std::memcpy(table + ValuesOffset(n) + 2 * i, &pos, sizeof pos);
  }
}

void Directory32::Add(Uint128 key, int len) {
  if (len <= 32) return;
  if (counts_[CountKey(key, len)]++ == 0) masks_[key >> 96][(len - 33) / 64] |= uint64_t{1} << ((len - 33) % 64);
}

void Directory32::Remove(Uint128 key, int len) {
  if (len <= 32) return;
  auto count = counts_.find(CountKey(key, len));
  if (--count->second != 0) return;
  counts_.erase(count);
  auto it = masks_.find(static_cast<uint32_t>(key >> 96));
  it->second[(len - 33) / 64] &= ~(uint64_t{1} << ((len - 33) % 64));
  if (it->second[0] == 0 && it->second[1] == 0) masks_.erase(it);
}

}  // namespace abuseflow::core::prefix_map_internal
