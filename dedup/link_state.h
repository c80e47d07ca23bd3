#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/cause_order.h"
#include "core/kv_store.h"

namespace abuseflow::dedup {

// The state of dedup's links, kept in the history database beside the
// history and written in the same atomic write as the batch it follows from
// (docs/history-schema.md, "Link state"):
//
//   l/c/<stream>  next cause seq to apply of an ingest stream (decimal)
//   l/e/<stream>  "" from when the stream's end is applied until notify
//                 acknowledges it (then the stream is finished here)
//   l/o/<seq>     an incident batch (Envelope) notify has not acknowledged;
//                 seq as 20 decimal digits, so they scan in order
//   l/seq         the next outgoing batch seq
//
// Pure over the store it is given; not thread-safe.
class LinkState {
 public:
  // Reads the cursors into *order, the ended streams, the unacknowledged
  // outgoing batches and the next outgoing seq. Corruption for a record that
  // does not decode.
  core::Status Load(const core::KvStore& store, core::CauseOrder* order);

  const std::set<std::string>& ended() const { return ended_; }
  // The unacknowledged outgoing batches, in seq order, to send again at start.
  std::vector<v1::Envelope>& outbox() { return outbox_; }
  uint64_t TakeSeq() { return next_seq_++; }

  // The keys one applied batch adds: the stream's cursor, the outgoing
  // batch, the next seq, and the end if it is one.
  std::vector<std::pair<std::string, std::string>> Applied(const std::string& stream, uint64_t cause_seq,
                                                           const v1::Envelope& out);
  void MarkEnded(const std::string& stream) { ended_.insert(stream); }
  // Notify acknowledged outgoing batch `seq`: the keys to delete; if it was
  // a stream's end, its end mark goes in the same write and the stream is
  // finished here.
  std::vector<std::string> Acknowledged(uint64_t seq);
  // Streams whose end notify has acknowledged since Load.
  const std::set<std::string>& finished() const { return finished_; }
  static std::string OutboxKey(uint64_t seq);

 private:
  std::set<std::string> ended_;
  std::set<std::string> finished_;
  std::map<uint64_t, std::string> ends_;  // outgoing seq of each stream's end -> stream
  std::vector<v1::Envelope> outbox_;
  uint64_t next_seq_ = 1;
};

}  // namespace abuseflow::dedup
