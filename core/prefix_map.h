#pragma once

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
#include "core/prefix_map_directory.h"
#include "core/prefix_map_internal.h"

namespace abuseflow::core {

// A longest-prefix-match map from IPv4 and IPv6 prefixes to values of type V.
// The two families are separate: an IPv4 address never matches an IPv6 prefix
// (not even ::ffff:0:0/96) and /0 of one family covers only that family.
// An IPv4 lookup reads the entry of its /16 in a directory (Directory16):
// the answer for lengths <= 16 and, unless the /16 holds more than a few
// hundred longer prefixes, a table of the /16's ranges with their longest
// prefix, searched in a few cache lines (a crowded /16 probes one hash
// table entry per length present instead). An IPv6 lookup probes the
// lengths above 32 stored inside its /32 (Directory32), then every length
// <= 32 stored for the family. Entries live in one dense vector (fast
// ForEach).
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
    if (prefix.address().is_v4()) {
      dir4_.Add(prefix.address().v4(), prefix.length(), pos);
    } else {
      dir6_.Add(Key6(prefix.address()), prefix.length());
    }
  }

  // The value of the longest prefix that contains `address`, or nullptr. When
  // found and `matched` is given, *matched is set to that prefix.
  const V* Lookup(const IpAddress& address, IpPrefix* matched = nullptr) const {
    uint32_t pos = address.is_v4() ? dir4_.Longest(v4_, address.v4()) : dir6_.Longest(v6_, Key6(address));
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
    if (prefix.address().is_v4()) {
      RemoveFromDirectory(prefix);
    } else {
      dir6_.Remove(Key6(prefix.address()), prefix.length());
    }
    if (pos + 1 != entries_.size()) {
      entries_[pos] = std::move(entries_.back());
      const IpPrefix& moved = entries_[pos].first;
      Dispatch(*this, moved.address(), [&](auto& index, auto key) { index.Update(key, moved.length(), pos); });
      if (moved.address().is_v4()) dir4_.Move(moved.address().v4(), moved.length(), pos);
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
  // Updates dir4_ for an IPv4 prefix just removed from v4_ (entries_ unchanged).
  void RemoveFromDirectory(const IpPrefix& p) {
    const uint32_t key = p.address().v4();
    uint32_t next = p.length() > 16 || p.length() == 0 ? kNone : v4_.Longest(key, p.length() - 1);
    dir4_.Remove(key, p.length(), next, next == kNone ? 0 : entries_[next].first.length());
  }
  uint32_t PositionOf(const IpPrefix& p) const {
    return Dispatch(*this, p.address(), [&](const auto& index, auto key) { return index.Find(key, p.length()); });
  }

  std::vector<std::pair<IpPrefix, V>> entries_;
  prefix_map_internal::LengthIndex<uint32_t, 32> v4_;
  prefix_map_internal::Directory16 dir4_;  // first level of IPv4 lookups
  prefix_map_internal::Directory32 dir6_;  // first level of IPv6 lookups
  prefix_map_internal::LengthIndex<Uint128, 128> v6_;
};

}  // namespace abuseflow::core
