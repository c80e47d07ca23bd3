#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/transport.h"

namespace abuseflow::core {

// Puts the batches of each ingest stream back in the order ingest cut them,
// whatever path each took (several enrich workers, resends after a crash),
// so that dedup and notify make the same decisions as an uninterrupted run.
// A batch's place is its envelope's (cause_origin, cause_seq); the batches of
// a stream are released as 1, 2, 3... With `by_shard`, one cause is made of
// one envelope from each dedup shard (envelope.shard() of shard_count()),
// released together in shard order (notify). Copies of a batch (a resend, or
// the end of stream each enrich worker passes on) are kept to be
// acknowledged with it; a copy of one already released is reported as done.
// An envelope without a cause is released at once. Pure; not thread-safe.
class CauseOrder {
 public:
  struct Ready {
    std::string stream;             // "" for an envelope without a cause
    uint64_t seq = 0;
    std::vector<Received> parts;    // one per shard, in shard order (one without by_shard)
    std::vector<Received> copies;   // further copies, to acknowledge with the parts
  };
  enum class Offered { kHeld, kDone };

  explicit CauseOrder(bool by_shard = false) : by_shard_(by_shard) {}

  // An end of stream is complete only once `n` senders (envelope.origin())
  // have passed it on: dedup waits for every enrich worker's, since each
  // sends its end only after the events of that stream it still held.
  void set_end_senders(uint32_t n) { end_senders_ = n; }

  // The next seq expected of `stream` (as restored from the stage's state).
  void Restore(const std::string& stream, uint64_t next) { next_[stream] = next; }
  uint64_t next(const std::string& stream) const;
  const std::map<std::string, uint64_t>& cursors() const { return next_; }

  // kHeld: taken (moved from *received). kDone: that batch was released
  // before; *received is left as it was, to acknowledge now.
  Offered Offer(Received* received);
  // The next batch whose turn it is and that is complete, if any; with
  // `may_take`, only of a stream it allows (a stage that cannot take more of
  // one stream goes on with the others).
  std::optional<Ready> Pop(const std::function<bool(const std::string& stream)>& may_take = {});
  size_t held() const { return held_; }

 private:
  struct Pending {
    std::map<uint32_t, Received> parts;
    std::vector<Received> copies;
    uint32_t count = 1;
    std::set<std::string> end_senders;  // origins of the ends of stream among parts and copies
  };
  bool Complete(const Pending& p) const;
  bool by_shard_;
  uint32_t end_senders_ = 1;
  std::map<std::string, uint64_t> next_;
  std::map<std::string, std::map<uint64_t, Pending>> pending_;
  std::vector<Received> uncaused_;
  size_t held_ = 0;
};

}  // namespace abuseflow::core
