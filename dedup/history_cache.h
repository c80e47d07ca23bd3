#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <unordered_map>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"

namespace abuseflow::dedup {

// A bounded map address → AddressHistory that keeps the most recently used
// `capacity` records (least recently used evicted first). HistoryStore keeps
// it in front of RocksDB, write-through: a record is cached only once it is
// durable, so the cache never holds what the database does not. Evicted
// nodes are reused, so a full cache allocates little. Not thread-safe.
class HistoryCache {
 public:
  explicit HistoryCache(size_t capacity) : capacity_(capacity) {}

  // Copies the cached history of `address` into `*out`; false if not cached.
  bool Get(const core::IpAddress& address, v1::AddressHistory* out);
  // Moves the cached history of `address` into `*out` and forgets it; false
  // if not cached.
  bool Take(const core::IpAddress& address, v1::AddressHistory* out);
  // Caches `history` as the most recent (no-op with capacity 0); the rvalue
  // form moves it in without copying.
  void Put(const core::IpAddress& address, const v1::AddressHistory& history);
  void Put(const core::IpAddress& address, v1::AddressHistory&& history);
  // Replaces the cached history of `address`, if cached; true if it was.
  bool Update(const core::IpAddress& address, const v1::AddressHistory& history);
  void Erase(const core::IpAddress& address);

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }
  uint64_t hits() const { return hits_; }
  uint64_t misses() const { return misses_; }

 private:
  // The node for `address`, made the most recent (reusing the least recent when full).
  v1::AddressHistory* Slot(const core::IpAddress& address);
  struct Node {
    core::IpAddress address;
    v1::AddressHistory history;
  };
  size_t capacity_;
  std::list<Node> lru_;  // front: most recently used
  std::unordered_map<core::IpAddress, std::list<Node>::iterator, core::IpAddressHash> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace abuseflow::dedup
