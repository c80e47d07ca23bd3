#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/kv_store.h"
#include "core/status.h"
#include "core/transport.h"
#include "enrich/enricher.h"
#include "enrich/lookup_pool.h"
#include "enrich/pending_lookups.h"

namespace abuseflow::enrich {

struct DeferredStats {
  uint64_t deferred = 0;   // events that waited for a lookup
  uint64_t lookups = 0;    // lookups started (retries included)
  uint64_t failures = 0;   // lookups that failed (retried until the deadline)
  uint64_t settled = 0;    // waiting events passed on with their owner
  uint64_t expired = 0;    // waiting events passed on unresolved at their deadline
  uint64_t restored = 0;   // waiting events and unsent parts found at start
  uint64_t corrupt = 0;    // stored entries that did not parse (left in the store, never sent)
  uint64_t batches = 0;    // batches of the deferred stream sent
};

// The asynchronous side of the enrich stage (enrich/README.md,
// "Asynchronous lookups"). An event whose block is not cached is kept here,
// persisted ("q/" keys) before its ingest batch is acknowledged, while a
// LookupPool thread asks the registries: one lookup per group at a time
// (PendingLookups), failures retried with backoff up to the deadline.
// Settled events go out as batches of this worker's own stream
// ("<worker>/deferred/<epoch>", cause_seq 1, 2, ...; one part per dedup
// shard, empty ones too), each written ("d/" keys, replacing the events' "q/"
// keys in one synced write) before it is sent and deleted once its shard
// acknowledges it; a restart sends the unacknowledged parts again with the
// same cause and asks again for the waiting events. The epoch, made when the
// store first holds this state, keeps a fresh store from reusing a cursor
// dedup already passed.
//
// Owned by the stage's thread; not thread-safe. `store`, `enricher`, `pool`
// and `sender` must outlive it.
class DeferredEvents {
 public:
  // What a stopped stage left in `store`: events waiting for a lookup and
  // deferred parts not yet acknowledged (`abuseflow cache stats`).
  struct Stored {
    uint64_t waiting = 0;
    uint64_t unacknowledged_parts = 0;
  };
  static core::Result<Stored> CountStored(const core::KvStore& store);

  DeferredEvents(core::KvStore* store, Enricher* enricher, LookupPool* pool, core::BatchSender* sender,
                 std::string worker, int64_t deadline_us);

  // Loads the waiting events (their lookups start; each gets at least a
  // minute more, so a stage down past the deadline still asks once) and the
  // unacknowledged parts (sent again). Entries that do not parse are counted
  // (`corrupt`), logged and left in the store. Corruption when the stream's
  // next number is unreadable. Call once, before anything else.
  core::Status Restore(int64_t now_us);
  // Keeps `event` (from ingest stream `origin`, batch `cause_seq`, place
  // `index` in it) until its owner is known; its put goes into *batch, which
  // the caller writes with Commit before acknowledging the ingest batch.
  void Defer(v1::ProbeEvent event, const core::IpAddress& address, const std::string& origin,
             uint64_t cause_seq, int index, int64_t now_us, core::KvStore::Batch* batch);
  core::Status Commit(const core::KvStore::Batch& batch) { return store_->Write(batch, true); }
  // Settles finished lookups, starts retries, passes on expired events, and
  // sends what settled as one batch of the deferred stream.
  core::Status Step(int64_t now_us, int shards);
  // An acknowledgement of the sender's: true when it was for a deferred part.
  bool OnAck(uint64_t batch_seq);

  // Whether an end of `origin` must wait: events of it still wait, or
  // settled ones are not acknowledged yet.
  bool Holds(const std::string& origin) const;
  size_t waiting() const { return pending_.size(); }
  bool idle() const { return pending_.size() == 0 && unacked_.empty(); }
  // Lookups running or answered, not yet settled: the stage should come back soon.
  bool busy() const { return pool_->in_flight() > 0 || !unacked_.empty(); }
  const std::string& stream() const { return stream_; }
  const DeferredStats& stats() const { return stats_; }

 private:
  void Start(const PendingLookups::Ask& ask);
  // The group's events the cache now answers are settled, the others wait again.
  void SettleGroup(const core::IpPrefix& group, int shards, std::vector<v1::Envelope>* parts,
                   core::KvStore::Batch* batch);
  void Settled(WaitingEvent event, v1::OwnerRecord owner, int shards,
               std::vector<v1::Envelope>* parts, core::KvStore::Batch* batch);
  core::Status SendParts(std::vector<v1::Envelope> parts, core::KvStore::Batch batch);
  core::Status LoadEpoch(int64_t now_us);

  core::KvStore* store_;
  Enricher* enricher_;
  LookupPool* pool_;
  core::BatchSender* sender_;
  std::string worker_;
  int64_t deadline_us_;
  std::string stream_;
  uint64_t next_seq_ = 1;
  int64_t expiry_checked_us_ = 0;
  int64_t turns_checked_us_ = 0;
  PendingLookups pending_;
  std::map<uint64_t, std::string> unacked_;  // sender batch_seq -> "d/" key
  DeferredStats stats_;
};

}  // namespace abuseflow::enrich
