#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/cause_order.h"
#include "core/kv_store.h"
#include "notify/owner_batcher.h"

namespace abuseflow::notify {

// Keeps notify's open reports durable, so that a restart reopens them as they
// were and a batch is acknowledged to dedup only once its incidents are safe
// (docs/notify-state.md, "Open reports"). In the notify state database:
//
//   o/<report key>\0<generation>\0<arrival>  an incident merged into an open
//                                         report (both numbers big-endian u64);
//                                         the key (ReportKey) is the contact, or
//                                         contact \x1f kind for a per-kind window
//                                         (keys of older versions: the contact)
//   p/c/<stream>                          next cause seq of an ingest stream
//   p/e/<stream>                          "" once the stream has ended
//   p/watermark, p/arrival                the batcher's watermark, the arrival counter
//
// Adding a report's incidents again in arrival order, under the kind its key
// names, rebuilds it exactly: the batcher's decisions for a report key
// depend only on that report,
// and none of them closes while the watermark is below the restored one.
// Not thread-safe: notify's main thread.
class WindowStore {
 public:
  explicit WindowStore(core::KvStore* state) : state_(state) {}

  // Reopens the stored reports in `batcher` and restores the stream cursors
  // into *order and the ended streams into *ended.
  core::Status Restore(OwnerBatcher* batcher, core::CauseOrder* order, std::set<std::string>* ended);
  // After batcher->Add(incident): keeps the incident if it went into an open
  // report and forgets the reports that closed.
  void Track(OwnerBatcher& batcher, const v1::Incident& incident, core::KvStore::Batch* batch);
  // The stream's cursor (and end), the watermark and the arrival counter.
  void Advance(const std::string& stream, uint64_t next, bool ended, const OwnerBatcher& batcher,
               core::KvStore::Batch* batch);
  // Every open report was flushed.
  void ForgetAll(core::KvStore::Batch* batch);
  size_t open_incidents() const;

 private:
  void Forget(uint64_t generation, core::KvStore::Batch* batch);

  core::KvStore* state_;
  uint64_t arrival_ = 1;
  std::map<uint64_t, std::vector<std::string>> keys_;  // by generation
};

}  // namespace abuseflow::notify
