#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/config.h"
#include "core/ip_prefix.h"
#include "core/status.h"
#include "dedup/applied_ids.h"
#include "dedup/history_store.h"
#include "dedup/history_updater.h"
#include "dedup/owner_views.h"
#include "dedup/policy_engine.h"

namespace abuseflow::dedup {

struct DedupStats {
  uint64_t batches = 0;
  uint64_t events = 0;         // events applied (not duplicates, not rejected)
  uint64_t new_addresses = 0;  // addresses seen for the first time
  uint64_t incidents = 0;
  uint64_t rejected = 0;    // events without a valid source address (counted, not applied)
  uint64_t duplicates = 0;  // events whose id was already applied (skipped)
  uint64_t without_id = 0;  // events without an origin: applied, cannot be recognised again
  uint64_t suppressed = 0;  // address-batches the policy did not report
  uint64_t blocks = 0;      // blocks decided
  uint64_t lifts = 0;       // blocks lifted (expiry, silence)
  uint64_t expired = 0;     // histories deleted by retention

  // Adds another shard's counts (`run` with several dedup shards).
  DedupStats& operator+=(const DedupStats& o) {
    batches += o.batches, events += o.events, new_addresses += o.new_addresses;
    incidents += o.incidents, rejected += o.rejected, duplicates += o.duplicates;
    without_id += o.without_id, suppressed += o.suppressed, blocks += o.blocks;
    lifts += o.lifts, expired += o.expired;
    return *this;
  }
};

// Applies enriched batches to the per-address history, once per event id,
// and asks the PolicyEngine, per address of the batch, whether to report
// (an incident), suppress or block. Not thread-safe: one dedup thread owns
// it; `store` and `policy` must outlive it. After a failed Apply the
// instance must be discarded (its in-memory ids may be ahead of the store).
class Deduplicator {
 public:
  using Clock = std::function<int64_t()>;  // wall time, µs since the epoch

  // Loads the applied ids, the policy clock and the block index from `store`.
  // `wall_clock` is used when policy.event_time is false (default: system clock).
  static core::Result<std::unique_ptr<Deduplicator>> Create(HistoryStore* store,
                                                            HistoryLimits limits,
                                                            const core::DedupPolicyConfig& policy,
                                                            Clock wall_clock = nullptr);

  // Updates the histories of the batch's addresses, the applied ids and the
  // policy records in one atomic write, then appends the incidents to `out`.
  // On a store error nothing of the batch is applied.
  // `extra`, when given, is called with the batch's incidents just before the
  // write and may add its own keys to it (the stage's link state).
  using ExtraWrites = std::function<void(const v1::IncidentBatch& incidents, HistoryStore::WriteSet* set)>;
  core::Status Apply(const v1::EnrichedBatch& batch, v1::IncidentBatch* out,
                     const ExtraWrites& extra = nullptr);

  const DedupStats& stats() const { return stats_; }
  // Policy time after the last batch.
  int64_t now_us() const { return now_us_; }
  // Whether a block was set or lifted since the last ClearBlocksChanged().
  bool blocks_changed() const { return blocks_changed_; }
  void ClearBlocksChanged() { blocks_changed_ = false; }

 private:
  struct PerAddress;
  struct BatchCounts {
    uint64_t rejected = 0, duplicates = 0, applied = 0;
  };
  struct BlockInfo {
    int64_t expires_us;
    int64_t last_seen_us;
    bool manual;
  };
  Deduplicator(HistoryStore* store, HistoryLimits limits, const core::DedupPolicyConfig& policy,
               Clock wall_clock);
  bool IsLocal(const core::IpAddress& address) const;
  void Decide(const core::IpAddress& address, PerAddress* entry, int64_t now,
              v1::IncidentBatch* out);
  core::Status LiftIdleBlocks(int64_t now, const std::map<core::IpAddress, PerAddress>& batch,
                              std::vector<v1::AddressHistory>* lifted);
  void Track(const core::IpAddress& address, const v1::AddressHistory& h);
  // Adds the histories due for deletion and the sweep's time to `set` (at
  // most once per day of policy time; the time of the last sweep is stored).
  core::Status Retain(int64_t now, const std::map<core::IpAddress, PerAddress>& batch,
                      HistoryStore::WriteSet* set);
  // Folds the batch's new events into the histories of its addresses.
  core::Status Fold(const v1::EnrichedBatch& batch,
                    std::map<core::IpAddress, PerAddress>* by_address, BatchCounts* counts);
  // Notes the histories to write in the per-owner view and adds them and
  // the view's changed records to `set` (which then points into both).
  core::Status NoteOwners(int64_t now, std::map<core::IpAddress, PerAddress>* batch,
                          std::vector<v1::AddressHistory>* lifted, OwnerViews* views,
                          HistoryStore::WriteSet* set);
  // Sets the owner-view numbers of the incidents from `views`.
  static void AddOwnerView(const OwnerViews& views,
                           const std::map<core::IpAddress, PerAddress>& batch,
                           v1::IncidentBatch* incidents);

  HistoryStore* store_;
  HistoryLimits limits_;
  PolicyEngine engine_;
  Clock wall_clock_;
  std::vector<core::IpPrefix> local_;
  AppliedIds applied_;
  std::map<core::IpAddress, BlockInfo> blocked_;
  int64_t now_us_ = 0;
  int64_t last_retention_us_ = INT64_MIN;
  bool blocks_changed_ = false;
  DedupStats stats_;
};

}  // namespace abuseflow::dedup
