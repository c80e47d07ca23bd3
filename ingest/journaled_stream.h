#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "abuseflow/v1/events.pb.h"
#include "core/journal.h"
#include "core/transport.h"

namespace abuseflow::ingest {

struct StreamOptions {
  std::string dir;                      // the journal folder, <state>/ingest/journal
  uint64_t quota_bytes = 1ULL << 30;    // unacknowledged bytes before ingest stops reading; default 1 GiB
  int group_batches = 8;                // batches per fsync; default 8
  uint64_t memory_bytes = 32ULL << 20;  // unsent batches kept in memory; the rest is read back from the journal
  core::SenderOptions sender;
};

struct StreamStats {
  uint64_t batches = 0;   // batches journaled
  uint64_t syncs = 0;
  uint64_t resumed = 0;   // unacknowledged batches of an earlier run sent again
  uint64_t spooled = 0;   // batches read back from the journal (sent after a wait for credit)
  uint64_t quota_waits = 0;  // times reading stopped because the quota was full
};

// Whether the journal folder `dir` has its stream's end journaled (read
// from its resume file; changes nothing).
bool StreamEndJournaled(const std::string& dir);

// The ingest end of the stream (docs/guarantees.md): every batch is written
// to the journal and made durable in groups (one fsync per group) before it
// is sent to enrich; it stays in the journal until enrich acknowledges it,
// which enrich does once every dedup shard has applied it. Batches wait in
// the journal while enrich has no credit, up to the quota. A restart of an
// unfinished stream sends its unacknowledged batches again, then goes on
// where the replayed inputs stood (positions()). Each stream has an id (the
// cause origin "ingest:<id>" of its envelopes) and ends with an end of
// stream sent to every enrich worker. Not thread-safe: the ingest thread.
class JournaledStream {
 public:
  static core::Result<std::unique_ptr<JournaledStream>> Open(zmq::context_t& context,
                                                             const std::vector<std::string>& outputs,
                                                             StreamOptions options);

  // True if the previous run's stream had not ended: it goes on.
  bool resuming() const { return resuming_; }
  // True if the previous run had journaled its end of stream already: only
  // the unacknowledged batches remain to be sent.
  bool ended() const { return ended_; }
  // Replayed inputs' positions (origin -> lines) after the last batch journaled.
  const std::map<std::string, uint64_t>& positions() const { return positions_; }
  const std::string& cause_origin() const { return cause_origin_; }

  // Journals `events` (moved out) with the replay positions after it; syncs
  // and sends once a group is full.
  core::Status Append(v1::EventBatch* events, const std::map<std::string, uint64_t>& positions);
  // Syncs the open group and sends what credit allows.
  core::Status Flush();
  // True when every journaled batch is durable (no group open).
  bool synced() const { return unsynced_ == 0; }
  // Takes acknowledgements for up to `timeout`, sends what credit allows.
  core::Status Pump(std::chrono::milliseconds timeout);
  // True while the unacknowledged batches fill the quota: stop reading.
  bool over_quota() const { return journal_->unacked_bytes() >= options_.quota_bytes; }
  // What the journal holds unacknowledged, for the metrics.
  uint64_t unacked_bytes() const { return journal_->unacked_bytes(); }
  uint64_t unacked_batches() const { return journal_->unacked_records(); }
  // Journals the end of stream, sends everything, then waits until all is acknowledged.
  core::Status End();

  const StreamStats& stats() const { return stats_; }
  const core::TransportStats& transport() const { return sender_->stats(); }

 private:
  JournaledStream(StreamOptions options) : options_(std::move(options)) {}
  core::Status Recover();
  core::Status SendReady();
  core::Status Journal(v1::JournalEntry* entry);
  void OnAck(uint64_t seq);

  StreamOptions options_;
  std::unique_ptr<core::Journal> journal_;
  std::unique_ptr<core::BatchSender> sender_;
  std::string cause_origin_;
  bool resuming_ = false;
  bool ended_ = false;
  std::map<std::string, uint64_t> positions_;
  int unsynced_ = 0;
  std::deque<uint64_t> unsent_;                  // durable, not sent yet (in seq order)
  std::map<uint64_t, std::pair<v1::Envelope, uint64_t>> in_memory_;  // some of unsent_ (and their record sizes)
  uint64_t in_memory_bytes_ = 0;
  uint64_t end_seq_ = 0;                         // the end of stream, once journaled
  StreamStats stats_;
};

}  // namespace abuseflow::ingest
