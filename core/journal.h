#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace abuseflow::core {

struct JournalOptions {
  uint64_t segment_bytes = 64ULL << 20;  // a new segment file after this many bytes; default 64 MiB
};

// A journal folder as it stands, read without opening it for writing.
struct JournalInfo {
  bool present = false;
  std::string stream;             // "" before the first stream
  uint64_t stream_base = 0;
  uint64_t acked_through = 0;
  uint64_t segments = 0;
  uint64_t segment_bytes = 0;     // acknowledged records of the last segment included
};

// What Open found and repaired.
struct JournalRecovery {
  uint64_t records = 0;      // unacknowledged records found
  uint64_t torn_bytes = 0;   // an unfinished record at the end of the last segment, cut off
  uint64_t skipped_bytes = 0;  // corrupt bytes between records whose sequence was acknowledged
};

// An append-only log of records numbered 1, 2, 3... in segment files under
// one folder, kept until each record is acknowledged (docs/guarantees.md,
// "Ingest journal"). A record on disk is
//
//   magic u32 | length u32 | crc32 u32 (of seq and payload) | seq u64 | payload
//
// little-endian. Append writes; Sync makes everything appended durable
// (fdatasync), so a caller groups records and syncs once per group. Ack marks
// a record done in any order; the highest sequence below which every record
// is acknowledged is kept in the file `acked` and fully acknowledged segments
// are deleted. Open reads the unacknowledged records back: an unfinished
// record at the end (a crash while writing) is cut off; a corrupt record in
// the middle whose sequence was not acknowledged is a Corruption error naming
// the file and offset, and the journal does not open.
//
// The folder also names the stream the records belong to (`stream`, a random
// id made by NewStream), so that downstream stages can tell a new stream from
// an old one. Not thread-safe: one ingest thread owns it.
class Journal {
 public:
  static Result<std::unique_ptr<Journal>> Open(const std::string& dir, JournalOptions options = {},
                                               JournalRecovery* recovery = nullptr);
  // Reads the folder's stream, watermark and segment sizes; changes nothing
  // (safe while ingest runs).
  static JournalInfo Describe(const std::string& dir);
  ~Journal();
  Journal(const Journal&) = delete;
  Journal& operator=(const Journal&) = delete;

  // The current stream id ("" before the first NewStream).
  const std::string& stream() const { return stream_; }
  // The last sequence number before the stream began: record `seq` is the
  // stream's (seq - stream_base())th.
  uint64_t stream_base() const { return stream_base_; }
  // Starts a new stream with a fresh id; sequence numbers go on from last_seq().
  Status NewStream();

  // Appends a record and returns its sequence number. IoError (disk full...)
  // leaves the journal as it was before the call.
  Result<uint64_t> Append(std::string_view payload);
  Status Sync();
  // Marks `seq` acknowledged; unknown or already acknowledged ones are ignored.
  Status Ack(uint64_t seq);
  // The payload of an unacknowledged record.
  Result<std::string> Read(uint64_t seq) const;

  std::vector<uint64_t> Unacked() const;
  uint64_t unacked_records() const { return index_.size(); }
  uint64_t unacked_bytes() const { return unacked_bytes_; }
  uint64_t last_seq() const { return last_seq_; }
  uint64_t acked_through() const { return acked_through_; }

 private:
  struct Location {
    uint64_t segment;  // first seq of the segment file
    uint64_t offset;   // of the payload
    uint32_t length;
  };
  struct Segment {
    int fd = -1;
    uint64_t last_seq = 0;
    uint64_t size = 0;
  };
  explicit Journal(std::string dir, JournalOptions options) : dir_(std::move(dir)), options_(options) {}
  Status Recover(JournalRecovery* recovery);
  Status ScanSegment(uint64_t first, bool last, JournalRecovery* recovery);
  Status StartSegment(uint64_t first);
  Status SaveAcked();
  void DropAckedSegments();
  std::string SegmentPath(uint64_t first) const;

  std::string dir_;
  JournalOptions options_;
  std::string stream_;
  uint64_t stream_base_ = 0;
  uint64_t last_seq_ = 0;
  uint64_t acked_through_ = 0;
  std::set<uint64_t> acked_above_;  // acknowledged, above acked_through_
  std::map<uint64_t, Location> index_;  // unacknowledged records
  std::map<uint64_t, Segment> segments_;  // by first seq; the last one is written
  uint64_t unacked_bytes_ = 0;
};

}  // namespace abuseflow::core
