#pragma once

// The first levels of core::PrefixMap (core/prefix_map.h) lookups: the
// per-/16 IPv4 directory with its range tables and the per-/32 IPv6
// directory. The per-length hash tables they fall back on are in
// core/prefix_map_internal.h.

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/prefix_map_internal.h"

namespace abuseflow::core {
namespace prefix_map_internal {

// The IPv4 first level of a PrefixMap, one entry per /16 (1 MiB, allocated on
// the first Add) holding
// - the position of the longest stored prefix of length <= 16 covering it
//   (a lookup of an address under no longer prefix needs nothing else);
// - for a /16 with up to kMaxRanged prefixes longer than 16 inside it, a
//   range table: the /16 cut at every start and end of those prefixes into
//   sorted ranges, each with the position of its longest covering prefix.
//   A lookup is one binary search over at most 2 * kMaxRanged + 1 16-bit
//   starts, in two or three cache lines for a typical /16, whatever the
//   lengths; the table is rebuilt (O(prefixes in the /16)) when one of them
//   is added or removed;
// - for a more crowded /16, the bitmask of the lengths 17..32 stored inside
//   it: a lookup probes the hash table once per length present. A /16 stays
//   crowded until every longer prefix in it is gone.
// Adding or removing a prefix of length L <= 16 rewrites 2^(16-L) entries
// (65 536 for /0).
class Directory16 {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr size_t kMaxRanged = 256;
  static constexpr int kMaxDirectProbes = 4;  // a crowded /16 with more lengths: probe them all

  // The position of the longest match of `addr` (probing `index` for lengths
  // above 16 in a crowded /16), or kNone.
  template <typename Index>
  uint32_t Longest(const Index& index, uint32_t addr) const {
    if (dir_.empty()) return kNone;
    const Entry& d = dir_[addr >> 16];
    if (d.ranges != nullptr) {
      uint32_t pos = FindInRanges(d.ranges.get(), static_cast<uint16_t>(addr));
      return pos != kNone ? pos : d.short_pos;
    }
    if (d.long_lengths == 0) return d.short_pos;
    // Probing every stored length in the same order for every address lets
    // the processor overlap the probes' cache misses.
    if (std::popcount(d.long_lengths) > kMaxDirectProbes) return index.Longest(addr);
    for (uint32_t bits = d.long_lengths; bits != 0;) {
      int bit = 31 - std::countl_zero(bits);
      bits &= ~(uint32_t{1} << bit);
      int len = 17 + bit;
      if (uint32_t pos = index.Find(addr & (~uint32_t{0} << (32 - len)), len); pos != kNone) return pos;
    }
    return d.short_pos;
  }

  // Records a new prefix (masked `key`, `len`) stored at `pos`.
  void Add(uint32_t key, int len, uint32_t pos);
  // Forgets a removed prefix; where it was the longest short prefix, the
  // longest shorter one covering it (`next_pos`, `next_len`; kNone if none)
  // takes its place.
  void Remove(uint32_t key, int len, uint32_t next_pos, int next_len);
  // A present prefix moved to position `pos`.
  void Move(uint32_t key, int len, uint32_t pos);

  // A /16's prefix longer than 16, for its range table.
  struct Member {
    uint16_t low;  // the prefix's bits below the /16
    uint8_t len;
    uint32_t pos;
  };
  // The range table of `members` (sorted by low, then len; nested or
  // disjoint, as prefixes are): [n, start 0..n-1, padding, value 0..n-1 as
  // two 16-bit halves each]; the value of a range no member covers is kNone.
  // Null for more than kMaxRanged members.
  static std::unique_ptr<uint16_t[]> BuildRanges(const std::vector<Member>& members);
  // The value of the range of `ranges` that holds `low`.
  static uint32_t FindInRanges(const uint16_t* ranges, uint16_t low) {
    const uint32_t n = ranges[0];
    const uint16_t* starts = ranges + 1;
    const uint16_t* at = starts;  // the last start <= low (starts[0] is 0)
    for (uint32_t left = n; left > 1;) {
      uint32_t half = left / 2;
      at = at[half] <= low ? at + half : at;
      left -= half;
    }
    uint32_t value;
    std::memcpy(&value, ranges + ValuesOffset(n) + 2 * (at - starts), sizeof value);
    return value;
  }

 private:
  struct Entry {
    std::unique_ptr<uint16_t[]> ranges;  // see BuildRanges; null when none or crowded
    uint32_t short_pos = kNone;          // longest prefix of length <= 16 covering the /16
    uint16_t long_lengths = 0;           // bit L-17: some prefix of length L > 16 inside
    uint8_t short_len = 0;               // its length, when short_pos != kNone
    bool crowded = false;                // more than kMaxRanged longer prefixes were inside
  };
  static size_t ValuesOffset(uint32_t n) { return (1 + n + 1) & ~size_t{1}; }  // 4-byte aligned
  // Rebuilds or drops the range table of /16 `hi` after its members changed.
  void Rebuild(uint32_t hi);
  // A prefix of length L <= 16 covers the 2^(16-L) /16s from key >> 16 on.
  template <typename Fn>
  void ForRange(uint32_t key, int len, Fn&& fn) {
    const size_t first = key >> 16;
    for (size_t i = first, end = first + (size_t{1} << (16 - len)); i < end; ++i) fn(dir_[i]);
  }
  // A count that reached kSaturated (only /32s can: 65 536 fit in a /16)
  // stays so and keeps its length bit: one needless probe, never a wrong answer.
  static constexpr uint16_t kSaturated = UINT16_MAX;
  static size_t CountIndex(uint32_t key, int len) { return (size_t{key >> 16} << 4) | (len - 17); }

  std::vector<Entry> dir_;
  std::vector<uint16_t> counts_;              // (/16, length - 17) -> prefixes, saturating
  std::vector<std::vector<Member>> members_;  // per /16 not crowded, sorted by (low, len)
};

// The IPv6 first level of a PrefixMap: for each /32 holding longer prefixes,
// the bitmask of the lengths 33..128 stored inside it, so a lookup probes only
// those and then the lengths <= 32 stored in the whole family (usually few:
// registries hand out /19../32 to providers). /32s without longer prefixes
// have no entry. Memory: one entry per such /32 and one count per (/32,
// length) pair.
class Directory32 {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;

  template <typename Index>
  uint32_t Longest(const Index& index, Uint128 addr) const {
    if (auto it = masks_.find(static_cast<uint32_t>(addr >> 96)); it != masks_.end()) {
      for (int w = 1; w >= 0; --w) {
        for (uint64_t bits = it->second[w]; bits != 0;) {
          int bit = 63 - std::countl_zero(bits);
          bits &= ~(uint64_t{1} << bit);
          int len = 33 + w * 64 + bit;
          if (uint32_t pos = index.Find(Index::Mask(addr, len), len); pos != kNone) return pos;
        }
      }
    }
    return index.Longest(addr, 32);
  }

  // Records a new prefix (masked `key`, `len`).
  void Add(Uint128 key, int len);
  // Forgets a removed prefix.
  void Remove(Uint128 key, int len);

 private:
  static uint64_t CountKey(Uint128 key, int len) { return (static_cast<uint64_t>(key >> 96) << 8) | len; }

  std::unordered_map<uint32_t, std::array<uint64_t, 2>> masks_;  // /32 -> lengths 33..96, 97..128
  std::unordered_map<uint64_t, uint32_t> counts_;                 // (/32, length) -> prefixes
};

}  // namespace prefix_map_internal
}  // namespace abuseflow::core
