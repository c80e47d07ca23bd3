#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_prefix.h"
#include "core/kv_store.h"
#include "core/result.h"
#include "enrich/owner_cache.h"

namespace abuseflow::enrich {

// The folder of the persistent netblock cache inside the state folder.
std::string OwnerCacheDir(const std::string& state_dir);

struct OwnerCacheStats {
  uint64_t entries = 0;   // cached prefixes
  uint64_t positive = 0;  // with an owner
  uint64_t negative = 0;  // "unknown" answers
  uint64_t expired = 0;   // past their TTL, not yet replaced or purged
  uint64_t raw_answers = 0;
  uint64_t evictions = 0;  // entries evicted by enrich.cache_max_entries, ever
  std::map<std::string, uint64_t> by_source;  // provenance source -> entries
};

// The netblock cache persisted in RocksDB (state_dir/enrich-cache), so a
// restart starts warm. Format (docs/whois.md): key "c/" + prefix text
// ("194.160.0.0/22"), value 8 bytes big-endian expiry (microseconds since
// the epoch, 0 = never) + a serialized OwnerRecord; raw WHOIS answers under
// "r/" + the record's first CIDR, value expiry + UTF-8 text; the count of
// entries ever evicted by the size bound under "m/evictions" (8 bytes
// big-endian).
//
// Thread-safety as core::KvStore. Write errors are returned, never thrown.
class OwnerCacheStore {
 public:
  // Opens (creating unless read_only) the store in `dir`. IoError naming the
  // folder when it cannot (held by a running stage, no such folder, ...).
  static core::Result<std::unique_ptr<OwnerCacheStore>> Open(const std::string& dir,
                                                             bool read_only);

  core::Status Put(const core::IpPrefix& prefix, const v1::OwnerRecord& record, int64_t expires_us);
  core::Status PutRaw(const std::string& cidr, const std::string& raw, int64_t expires_us);
  core::Result<std::optional<std::string>> GetRaw(const std::string& cidr) const;
  // Deletes the entry of `prefix` and its raw answer, and counts one eviction.
  core::Status Evict(const core::IpPrefix& prefix);
  // Has every entry *cache evicts deleted here (Evict), so the store holds no
  // more than the cache's bound and a restart loads no more; a failed delete
  // adds to *write_errors. Call before Load. *this and write_errors must
  // outlive the cache's use of the hook.
  void FollowEvictions(OwnerCache* cache, uint64_t* write_errors);

  // Restores every entry not yet expired at `now_us` into *cache; returns how
  // many. Entries that do not parse are skipped and counted in *corrupt.
  core::Result<uint64_t> Load(OwnerCache* cache, int64_t now_us, uint64_t* corrupt) const;
  // The record cached for exactly `prefix`, with its expiry.
  core::Result<std::optional<std::pair<v1::OwnerRecord, int64_t>>> Get(
      const core::IpPrefix& prefix) const;
  core::Result<OwnerCacheStats> Stats(int64_t now_us) const;
  // Deletes the entries (and raw answers) whose prefix lies inside `within`,
  // or all of them; returns how many entries went.
  core::Result<uint64_t> Purge(const std::optional<core::IpPrefix>& within);

  // The database, for the stage's other durable state in it (the pending
  // lookups' "q/" and "d/" keys, enrich/deferred_events.h).
  core::KvStore& raw() { return *kv_; }

 private:
  explicit OwnerCacheStore(std::unique_ptr<core::KvStore> kv) : kv_(std::move(kv)) {}
  core::Result<uint64_t> ReadEvictions() const;
  std::unique_ptr<core::KvStore> kv_;
  uint64_t evictions_ = 0;  // as persisted under m/evictions
};

}  // namespace abuseflow::enrich
