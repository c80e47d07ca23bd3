#pragma once

#include <endian.h>

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
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

  // The position of the longest stored prefix of the unmasked `key`, or kNone.
  uint32_t Longest(Key key) const {
    for (int w = kWords - 1; w >= 0; --w) {
      for (uint64_t bits = lengths_[w]; bits != 0;) {
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

// A longest-prefix-match map from IPv4 and IPv6 prefixes to values of type V.
// The two families are separate: an IPv4 address never matches an IPv6 prefix
// (not even ::ffff:0:0/96) and /0 of one family covers only that family.
// A lookup probes one hash table entry per distinct prefix length stored for
// the family, longest first; entries live in one dense vector (fast ForEach).
//
// Pointers returned by Lookup and Find stay valid until the next Insert, Erase
// or Clear. Not thread-safe for writers; concurrent const calls are safe.
template <typename V>
class PrefixMap {
 public:
  // Adds `prefix` -> `value`, replacing the value if the prefix is present.
  void Insert(const IpPrefix& prefix, V value) {
    if (uint32_t pos = PositionOf(prefix); pos != kNone) {
      entries_[pos].second = std::move(value);
      return;
    }
    auto pos = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back(prefix, std::move(value));
    Dispatch(*this, prefix.address(), [&](auto& index, auto key) { index.Insert(key, prefix.length(), pos); });
  }

  // The value of the longest prefix that contains `address`, or nullptr. When
  // found and `matched` is given, *matched is set to that prefix.
  const V* Lookup(const IpAddress& address, IpPrefix* matched = nullptr) const {
    uint32_t pos = Dispatch(*this, address, [](const auto& index, auto key) { return index.Longest(key); });
    if (pos == kNone) return nullptr;
    if (matched != nullptr) *matched = entries_[pos].first;
    return &entries_[pos].second;
  }

  // The value stored for exactly `prefix`, or nullptr.
  const V* Find(const IpPrefix& prefix) const {
    uint32_t pos = PositionOf(prefix);
    return pos == kNone ? nullptr : &entries_[pos].second;
  }

  // Removes `prefix`; false if it was not present.
  bool Erase(const IpPrefix& prefix) {
    uint32_t pos = PositionOf(prefix);
    if (pos == kNone) return false;
    Dispatch(*this, prefix.address(), [&](auto& index, auto key) { index.Remove(key, prefix.length()); });
    if (pos + 1 != entries_.size()) {
      entries_[pos] = std::move(entries_.back());
      const IpPrefix& moved = entries_[pos].first;
      Dispatch(*this, moved.address(), [&](auto& index, auto key) { index.Update(key, moved.length(), pos); });
    }
    entries_.pop_back();
    return true;
  }

  // Calls fn(const IpPrefix&, const V&) for every entry, in no particular order.
  // `fn` must not modify the map.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (const auto& [prefix, value] : entries_) fn(prefix, value);
  }

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  void Clear() { *this = PrefixMap(); }

 private:
  using Uint128 = prefix_map_internal::Uint128;
  static constexpr uint32_t kNone = UINT32_MAX;

  // Calls fn(index, key) with the index of the family of `a` and its key;
  // prefix addresses are already masked.
  template <typename Self, typename Fn>
  static auto Dispatch(Self& self, const IpAddress& a, Fn&& fn) {
    return a.is_v4() ? fn(self.v4_, a.v4()) : fn(self.v6_, Key6(a));
  }
  static Uint128 Key6(const IpAddress& a) {
    uint64_t half[2];
    std::memcpy(half, a.bytes().data(), 16);
    return (Uint128{be64toh(half[0])} << 64) | be64toh(half[1]);
  }
  uint32_t PositionOf(const IpPrefix& p) const {
    return Dispatch(*this, p.address(), [&](const auto& index, auto key) { return index.Find(key, p.length()); });
  }

  std::vector<std::pair<IpPrefix, V>> entries_;
  prefix_map_internal::LengthIndex<uint32_t, 32> v4_;
  prefix_map_internal::LengthIndex<Uint128, 128> v6_;
};

}  // namespace abuseflow::core
