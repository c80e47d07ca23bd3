#pragma once

#include <cstdint>
#include <unordered_map>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::enrich {

// Builds the EnrichedBatch of one dedup shard so that the events whose owner
// is one cached record share a single copy of it (EnrichedBatch.owners,
// referred to by EnrichedEvent.owner_ref; read back by core::OwnerOf): in a
// flood most events of a batch come from a few provider blocks, and copying
// the record into every event was most of the stage's per-event work.
// Events whose record is their own (an override, `unresolved`, a delegated
// country) carry it in EnrichedEvent.owner as before.
// Not thread-safe; `batch` must outlive the builder and change only through it.
class SharedOwners {
 public:
  explicit SharedOwners(v1::EnrichedBatch* batch) : batch_(batch) {}

  // Appends `event` with its owner record `owner`, as Enricher::ResolveShared
  // returned it: when `owner` is `own`, the event's own record (moved from
  // *own); else a record held by the cache, which was at `generation`
  // (OwnerCache::generation) when `owner` was looked up, copied into the
  // batch's owners the first time it is seen.
  void Add(v1::ProbeEvent&& event, const v1::OwnerRecord* owner, v1::OwnerRecord* own, uint64_t generation);

 private:
  v1::EnrichedBatch* batch_;
  // Cached record -> owner_ref, for records looked up at generation_; a
  // pointer from another generation may name another record, so the map
  // starts again when the generation changes.
  std::unordered_map<const v1::OwnerRecord*, uint32_t> refs_;
  uint64_t generation_ = 0;
};

}  // namespace abuseflow::enrich
