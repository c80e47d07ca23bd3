#include "enrich/owner_cache.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace abuseflow::enrich {

OwnerCache::OwnerCache(Options options) : options_(std::move(options)) {
  if (!options_.now_us) {
    options_.now_us = [] {
      return std::chrono::duration_cast<std::chrono::microseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  if (options_.evictions_metric == nullptr) {
    options_.evictions_metric = &core::MetricsRegistry::Global().GetCounter(
        "abuseflow_enrich_cache_evictions_total",
        "Netblock cache entries evicted by enrich.cache_max_entries");
  }
}

void OwnerCache::Insert(v1::OwnerRecord record) {
  std::vector<core::IpPrefix> prefixes;
  for (const std::string& cidr : record.cidrs()) {
    if (auto prefix = core::IpPrefix::Parse(cidr)) prefixes.push_back(*prefix);
  }
  Insert(std::move(record), prefixes);
}

void OwnerCache::Insert(v1::OwnerRecord record, const std::vector<core::IpPrefix>& prefixes) {
  int64_t ttl = record.unresolved() ? options_.negative_ttl_us : options_.positive_ttl_us;
  int64_t expires = ttl > 0 ? options_.now_us() + ttl : 0;
  auto shared = std::make_shared<const v1::OwnerRecord>(std::move(record));
  for (const core::IpPrefix& prefix : prefixes) {
    Put(prefix, Entry{shared, expires});
    if (on_insert_) on_insert_(prefix, *shared, expires);
  }
  Shrink(prefixes);
}

void OwnerCache::Restore(const core::IpPrefix& prefix, v1::OwnerRecord record, int64_t expires_us) {
  if (expires_us != 0 && expires_us <= options_.now_us()) return;
  if (options_.restore_filter) options_.restore_filter(&record);
  Put(prefix, Entry{std::make_shared<const v1::OwnerRecord>(std::move(record)), expires_us});
  Shrink({});
}

void OwnerCache::Put(const core::IpPrefix& prefix, Entry entry) {
  ++generation_;
  if (const Entry* old = index_.Find(prefix)) by_expiry_.erase({OrderOf(old->expires_us), prefix});
  by_expiry_.insert({OrderOf(entry.expires_us), prefix});
  index_.Insert(prefix, std::move(entry));
}

void OwnerCache::Shrink(const std::vector<core::IpPrefix>& keep) {
  if (options_.max_entries == 0) return;
  auto it = by_expiry_.begin();
  while (index_.size() > options_.max_entries && it != by_expiry_.end()) {
    if (std::find(keep.begin(), keep.end(), it->second) != keep.end()) {
      ++it;
      continue;
    }
    core::IpPrefix prefix = it->second;
    it = by_expiry_.erase(it);
    index_.Erase(prefix);
    ++generation_;
    ++evictions_;
    options_.evictions_metric->Increment();
    if (on_evict_) on_evict_(prefix);
  }
}

const v1::OwnerRecord* OwnerCache::Lookup(const core::IpAddress& address) const {
  const Entry* entry = index_.Lookup(address);
  if (entry == nullptr) return nullptr;
  if (entry->expires_us != 0 && entry->expires_us <= options_.now_us()) return nullptr;
  return entry->record.get();
}

}  // namespace abuseflow::enrich
