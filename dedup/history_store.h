#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/kv_store.h"
#include "core/result.h"
#include "dedup/applied_ids.h"
#include "dedup/history_cache.h"

namespace abuseflow::dedup {

// The per-address history in RocksDB (docs/history-schema.md): key "h/" +
// address bytes → v1::AddressHistory; "b/" + address bytes → "" for every
// address with an active block; "a/" + origin → v1::AppliedRanges; "n/" +
// first + last address bytes → v1::NetblockRecord (the per-owner view);
// "m/now" → the policy clock; "m/retention" → the policy time of the last
// retention sweep. One writer per database (the dedup stage, or a command
// while no stage runs); readers may open it read-only meanwhile.
// An optional cache of recent histories sits in front (HistoryCache,
// write-through: it holds only what is durable; Commit updates the entries it
// holds, Get fills it, Take/Keep move records out and back without copies).
// Thread-safe: the cache is behind a mutex.
class HistoryStore {
 public:
  // What one atomic write changes.
  struct WriteSet {
    std::vector<const v1::AddressHistory*> histories;
    std::vector<std::pair<std::string, v1::AppliedRanges>> applied;  // origin, record
    std::optional<int64_t> now_us;
    std::vector<core::IpAddress> deletes;  // histories removed by retention
    std::vector<const v1::NetblockRecord*> netblocks;  // per-owner records (OwnerViews)
    std::optional<int64_t> retention_us;  // policy time of a retention sweep done in this write
    // Link state written with the history (dedup_stage.cc, keys "l/..."):
    // stream cursors and the incidents waiting for notify's acknowledgement.
    std::vector<std::pair<std::string, std::string>> raw_puts;
    std::vector<std::string> raw_deletes;
  };

  // Opens (creating unless read-only) the history under `dir`, with a cache
  // of up to `cache_entries` histories (0: none).
  static core::Result<std::unique_ptr<HistoryStore>> Open(const std::string& dir, bool read_only,
                                                          size_t cache_entries = 0);

  core::Result<std::optional<v1::AddressHistory>> Get(const core::IpAddress& address) const;
  // Like Get, but moves a cached record out of the cache (for a writer that
  // will Commit it and then Keep it).
  core::Result<std::optional<v1::AddressHistory>> Take(const core::IpAddress& address);
  // Caches `history`, which must be exactly as last committed (or as stored).
  void Keep(v1::AddressHistory&& history);
  // Writes everything in `set` in one atomic batch (with the block index).
  core::Status Commit(const WriteSet& set);
  // The stage's link state beside the history (keys "l/...", dedup_stage.cc).
  core::KvStore& raw() { return *kv_; }
  // Writes all `histories` in one atomic batch.
  core::Status PutAll(const std::vector<const v1::AddressHistory*>& histories);
  // Calls `fn` for every stored history in key order until it returns false.
  core::Status ForEach(const std::function<bool(const v1::AddressHistory&)>& fn) const;
  // Calls `fn` for the history of every address with an active block.
  core::Status ForEachBlocked(const std::function<bool(const v1::AddressHistory&)>& fn) const;
  // Addresses whose history was last seen before `cutoff_us` and that are
  // not blocked (retention), at most `max`.
  core::Result<std::vector<core::IpAddress>> Expired(int64_t cutoff_us, size_t max) const;
  // Loads every origin's applied ranges into `ids`.
  core::Status LoadApplied(AppliedIds* ids) const;
  // The stored policy clock, 0 if none.
  core::Result<int64_t> LoadNow() const;
  // The policy time of the last retention sweep, nullopt if none is recorded.
  core::Result<std::optional<int64_t>> LoadRetention() const;
  // The netblock record under `key` (NetblockKey), if any.
  core::Result<std::optional<v1::NetblockRecord>> GetNetblock(const std::string& key) const;
  // Calls `fn` for every netblock record in key order until it returns false.
  core::Status ForEachNetblock(const std::function<bool(const v1::NetblockRecord&)>& fn) const;
  // Records a reply about `address` (a says-fixed reply lifts its block, and
  // the per-owner view follows). NotFound if the address has no history.
  core::Status RecordReply(const core::IpAddress& address, const v1::ReplyRecord& reply);
  // Writes `histories` (changed by hand, e.g. `blocks add|lift`) with the
  // per-owner view they change; `threshold` is netblock_block_threshold.
  core::Status PutWithOwners(const std::vector<v1::AddressHistory*>& histories, int threshold,
                             int64_t now_us);

 private:
  HistoryStore(std::unique_ptr<core::KvStore> kv, size_t cache_entries)
      : kv_(std::move(kv)), cache_(cache_entries) {}
  std::unique_ptr<core::KvStore> kv_;
  mutable std::mutex mu_;  // guards cache_
  mutable HistoryCache cache_;
};

// Histories the dedup stage keeps cached (about 1-2 KB each).
inline constexpr size_t kDefaultHistoryCache = 16384;

// The key of an address's history.
std::string HistoryKey(const core::IpAddress& address);

}  // namespace abuseflow::dedup
