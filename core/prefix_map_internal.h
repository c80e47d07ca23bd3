#pragma once

// The per-length hash tables of core::PrefixMap (core/prefix_map.h); its
// per-/16 (IPv4) and per-/32 (IPv6) directories are in
// core/prefix_map_directory.h.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

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

}  // namespace prefix_map_internal

}  // namespace abuseflow::core
