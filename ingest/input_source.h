#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/config.h"
#include "core/result.h"

namespace abuseflow::ingest {

// One line an input produced, valid until the source's next Next() call.
struct SourceLine {
  std::string_view text;    // without its line ending
  bool too_long = false;    // text is the first kMaxLineLength bytes of a longer line
  uint64_t seq = 0;         // the event sequence number for this line (stable per origin)
  std::string_view sensor;  // fallback sensor if the parser finds none (file stem, sending host)
};

enum class SourceState {
  kLine,  // *line was filled
  kIdle,  // nothing now; more may come (a followed file, a receiver)
  kEnd,   // the input is exhausted (replay) or failed (status() says why)
};

// Counters an input keeps beyond its lines (receivers: rejected frames).
struct SourceCounters {
  uint64_t bytes = 0;                       // bytes consumed
  uint64_t oversize = 0;                    // messages over max_message_size, rejected
  uint64_t framing_errors = 0;              // TCP streams that broke the RFC 6587 framing
  uint64_t rotations = 0;                   // rename rotations followed
  uint64_t truncations = 0;                 // copytruncate rotations followed
  uint64_t refused = 0;                     // TCP connections refused (kMaxConnections open)
  uint64_t udp_drops = 0;                   // datagrams the kernel dropped: the receive buffer was full
};

// A source of log lines: a replayed file or stdin, a followed file, a syslog
// receiver. Next() never blocks for long (a receiver waits at most `wait_ms`);
// the stage polls all its sources in turn on one thread. Not thread-safe.
class InputSource {
 public:
  virtual ~InputSource() = default;
  virtual SourceState Next(SourceLine* line, int wait_ms) = 0;
  // Durably records that every line returned so far has been handed on, so a
  // restart resumes after them. A no-op for inputs without a position.
  virtual core::Status Commit() { return core::Status::Ok(); }
  // A replayed file: the lines returned so far, which the ingest journal
  // records with each batch; 0 for inputs that cannot resume that way (stdin,
  // followed files and receivers keep their own positions).
  virtual uint64_t resume_position() const { return 0; }
  // A replayed file: reads past the first `lines` lines (resuming an
  // unfinished stream); false if the file has fewer.
  virtual bool Skip(uint64_t /*lines*/) { return true; }
  // Ok, or why the input ended early or could not be opened.
  virtual const core::Status& status() const = 0;
  // True for inputs that never end by themselves (follow, listen).
  virtual bool live() const = 0;
  // Total size in bytes if known in advance (replayed plain files), else 0.
  virtual uint64_t size_hint() const { return 0; }
  virtual SourceCounters counters() const = 0;
};

// Opens the source `input` describes: a LineReader replay, a FileFollower
// (follow = true, position kept under `state_dir`) or a SyslogReceiver
// (listen). Fails if it cannot be opened or bound.
core::Result<std::unique_ptr<InputSource>> OpenInputSource(const core::InputConfig& input,
                                                           const std::string& origin,
                                                           const std::string& state_dir);

}  // namespace abuseflow::ingest
