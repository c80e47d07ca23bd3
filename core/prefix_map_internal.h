#pragma once

// The pieces of core::PrefixMap (core/prefix_map.h): the per-length hash
// tables and the per-/16 (IPv4) and per-/32 (IPv6) directories.

#include <endian.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/ip_address.h"
#include "core/ip_prefix.h"

namespace abuseflow::core {
namespace prefix_map_internal {

__extension__ using Uint128 = unsigned __int128;

// Maps (prefix bits, length) of one address family to a position in the entry
// vector of a PrefixMap: one open-addressing table (linear probing, at most
// half full, backward-shift deletion so there are no tombstones) plus a bitmask
// of the lengths present, so a lookup probes only those, longest first.
template <typename Key, int kWidth>
class LengthIndex {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  static Key Mask(Key key, int len) { return len == 0 ? Key{0} : key & (~Key{0} << (kWidth - len)); }

  // The position stored for (key, len), or kNone. `key` must be masked.
  uint32_t Find(Key key, int len) const {
    if (slots_.empty()) return kNone;
    for (size_t i = Hash(key, len) & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.pos == kNone) return kNone;
      if (s.key == key && s.len == len) return s.pos;
    }
  }

  // The position of the longest stored prefix of the unmasked `key` no longer
  // than `max_len`, or kNone.
  uint32_t Longest(Key key, int max_len = kWidth) const {
    for (int w = max_len / 64; w >= 0; --w) {
      uint64_t bits = lengths_[w];
      if (w == max_len / 64 && max_len % 64 != 63) bits &= (uint64_t{1} << (max_len % 64 + 1)) - 1;
      for (; bits != 0;) {
        int bit = 63 - std::countl_zero(bits);
        bits &= ~(uint64_t{1} << bit);
        int len = w * 64 + bit;
        if (uint32_t pos = Find(Mask(key, len), len); pos != kNone) return pos;
      }
    }
    return kNone;
  }

  // Stores (key, len) -> pos; the pair must not be present yet.
  void Insert(Key key, int len, uint32_t pos) {
    if ((size_ + 1) * 2 > slots_.size()) Grow();
    Place(Slot{key, pos, static_cast<uint8_t>(len)});
    ++size_;
    if (counts_[len]++ == 0) lengths_[len / 64] |= uint64_t{1} << (len % 64);
  }

  // Points a present (key, len) at a new position.
  void Update(Key key, int len, uint32_t pos) { slots_[SlotOf(key, len)].pos = pos; }

  // Removes a present (key, len).
  void Remove(Key key, int len) {
    size_t hole = SlotOf(key, len);
    for (size_t j = (hole + 1) & mask_; slots_[j].pos != kNone; j = (j + 1) & mask_) {
      size_t home = Hash(slots_[j].key, slots_[j].len) & mask_;
      // Move slot j back into the hole unless its home lies in (hole, j].
      if (((j - home) & mask_) >= ((j - hole) & mask_)) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole].pos = kNone;
    --size_;
    if (--counts_[len] == 0) lengths_[len / 64] &= ~(uint64_t{1} << (len % 64));
  }

  void Clear() { *this = LengthIndex(); }

 private:
  static constexpr int kWords = kWidth / 64 + 1;
  struct Slot {
    Key key;
    uint32_t pos;
    uint8_t len;
  };

  static uint64_t Hash(Key key, int len) {
    uint64_t h = static_cast<uint64_t>(key) ^ (static_cast<uint64_t>(len) << 56);
    if constexpr (sizeof(Key) > 8) h ^= static_cast<uint64_t>(key >> 64) * 0x9E3779B97F4A7C15ull;
    h = (h ^ (h >> 33)) * 0xFF51AFD7ED558CCDull;
    h = (h ^ (h >> 33)) * 0xC4CEB9FE1A85EC53ull;
    return h ^ (h >> 33);
  }

  size_t SlotOf(Key key, int len) const {
    size_t i = Hash(key, len) & mask_;
    while (!(slots_[i].key == key && slots_[i].len == len && slots_[i].pos != kNone)) i = (i + 1) & mask_;
    return i;
  }

  void Place(const Slot& slot) {
    size_t i = Hash(slot.key, slot.len) & mask_;
    while (slots_[i].pos != kNone) i = (i + 1) & mask_;
    slots_[i] = slot;
  }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{Key{0}, kNone, 0});
    mask_ = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.pos != kNone) Place(s);
    }
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
  std::array<uint64_t, kWords> lengths_{};
  std::array<uint32_t, kWidth + 1> counts_{};
};

// The IPv4 first level of a PrefixMap: one entry per /16 with the bitmask of
// the lengths 17..32 stored inside that /16 and the position of the longest
// stored prefix of length <= 16 covering it, so a lookup probes only the
// lengths present in its own /16 (usually one or two) and needs no probe at
// all for the short prefixes. 2.5 MiB (the entries and a count per (/16,
// length > 16)), allocated on the first Add. Adding or removing a prefix of
// length L <= 16 rewrites 2^(16-L) entries (65 536 for /0); longer ones touch
// one entry and one count.
class Directory16 {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr int kMaxDirectProbes = 4;  // more lengths in a /16: probe them all

  // The position of the longest match of `addr` (probing `index` for lengths
  // above 16), or kNone.
  template <typename Index>
  uint32_t Longest(const Index& index, uint32_t addr) const {
    if (dir_.empty()) return kNone;
    const Entry& d = dir_[addr >> 16];
    // A crowded /16: probing every stored length in the same order for every
    // address lets the processor overlap the probes' cache misses.
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
  void Add(uint32_t key, int len, uint32_t pos) {
    if (dir_.empty()) {
      dir_.assign(size_t{1} << 16, Entry{});
      counts_.assign(size_t{16} << 16, 0);
    }
    if (len > 16) {
      uint16_t& count = counts_[CountIndex(key, len)];
      if (count == 0) dir_[key >> 16].long_lengths |= uint16_t(1u << (len - 17));
      if (count != kSaturated) ++count;
      return;
    }
    ForRange(key, len, [&](Entry& e) {
      if (e.short_pos == kNone || e.short_len < len) e = Entry{pos, e.long_lengths, static_cast<uint8_t>(len)};
    });
  }

  // Forgets a removed prefix; where it was the longest short prefix, the
  // longest shorter one covering it (`next_pos`, `next_len`; kNone if none)
  // takes its place.
  void Remove(uint32_t key, int len, uint32_t next_pos, int next_len) {
    if (len > 16) {
      uint16_t& count = counts_[CountIndex(key, len)];
      if (count != kSaturated && --count == 0) dir_[key >> 16].long_lengths &= uint16_t(~(1u << (len - 17)));
      return;
    }
    ForRange(key, len, [&](Entry& e) {
      if (e.short_pos != kNone && e.short_len == len) e = Entry{next_pos, e.long_lengths, static_cast<uint8_t>(next_len)};
    });
  }

  // A present prefix moved to position `pos`.
  void Move(uint32_t key, int len, uint32_t pos) {
    if (len > 16) return;
    ForRange(key, len, [&](Entry& e) {
      if (e.short_pos != kNone && e.short_len == len) e.short_pos = pos;
    });
  }

 private:
  struct Entry {
    uint32_t short_pos = kNone;  // longest prefix of length <= 16 covering the /16
    uint16_t long_lengths = 0;   // bit L-17: some prefix of length L > 16 inside
    uint8_t short_len = 0;       // its length, when short_pos != kNone
  };
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
  std::vector<uint16_t> counts_;  // (/16, length - 17) -> prefixes, saturating
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
  void Add(Uint128 key, int len) {
    if (len <= 32) return;
    if (counts_[CountKey(key, len)]++ == 0) masks_[key >> 96][(len - 33) / 64] |= uint64_t{1} << ((len - 33) % 64);
  }

  // Forgets a removed prefix.
  void Remove(Uint128 key, int len) {
    if (len <= 32) return;
    auto count = counts_.find(CountKey(key, len));
    if (--count->second != 0) return;
    counts_.erase(count);
    auto it = masks_.find(static_cast<uint32_t>(key >> 96));
    it->second[(len - 33) / 64] &= ~(uint64_t{1} << ((len - 33) % 64));
    if (it->second[0] == 0 && it->second[1] == 0) masks_.erase(it);
  }

 private:
  static uint64_t CountKey(Uint128 key, int len) { return (static_cast<uint64_t>(key >> 96) << 8) | len; }

  std::unordered_map<uint32_t, std::array<uint64_t, 2>> masks_;  // /32 -> lengths 33..96, 97..128
  std::unordered_map<uint64_t, uint32_t> counts_;                 // (/32, length) -> prefixes
};

}  // namespace prefix_map_internal

}  // namespace abuseflow::core
