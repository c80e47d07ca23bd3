#include "dedup/history_cache.h"

namespace abuseflow::dedup {

bool HistoryCache::Get(const core::IpAddress& address, v1::AddressHistory* out) {
  auto it = index_.find(address);
  if (it == index_.end()) {
    ++misses_;
    return false;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  *out = it->second->history;
  ++hits_;
  return true;
}

bool HistoryCache::Take(const core::IpAddress& address, v1::AddressHistory* out) {
  auto it = index_.find(address);
  if (it == index_.end()) {
    ++misses_;
    return false;
  }
  out->Swap(&it->second->history);
  lru_.erase(it->second);
  index_.erase(it);
  ++hits_;
  return true;
}

v1::AddressHistory* HistoryCache::Slot(const core::IpAddress& address) {
  auto it = index_.find(address);
  if (it != index_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return &it->second->history;
  }
  if (index_.size() >= capacity_) {
    // Reuse the least recently used node: its message keeps its allocations.
    index_.erase(lru_.back().address);
    lru_.splice(lru_.begin(), lru_, std::prev(lru_.end()));
    lru_.front().address = address;
  } else {
    lru_.push_front(Node{address, {}});
  }
  index_[address] = lru_.begin();
  return &lru_.front().history;
}

void HistoryCache::Put(const core::IpAddress& address, const v1::AddressHistory& history) {
  if (capacity_ == 0) return;
  v1::AddressHistory* slot = Slot(address);
  if (slot != &history) slot->CopyFrom(history);
}

void HistoryCache::Put(const core::IpAddress& address, v1::AddressHistory&& history) {
  if (capacity_ == 0) return;
  Slot(address)->Swap(&history);
}

bool HistoryCache::Update(const core::IpAddress& address, const v1::AddressHistory& history) {
  auto it = index_.find(address);
  if (it == index_.end()) return false;
  if (&it->second->history != &history) it->second->history.CopyFrom(history);
  return true;
}

void HistoryCache::Erase(const core::IpAddress& address) {
  auto it = index_.find(address);
  if (it == index_.end()) return;
  lru_.erase(it->second);
  index_.erase(it);
}

}  // namespace abuseflow::dedup
