#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace abuseflow::ingest {

// What SyslogFramer::Next found.
enum class FrameResult {
  kMessage,   // *message holds one syslog message
  kNeedMore,  // feed more bytes
  kOversize,  // a frame over the limit was found; it is being dropped (count it)
  kBadFrame,  // an octet count that is not one ("12x", 10+ digits, 0); the stream resyncs at the next LF
};

// Splits a TCP syslog stream into messages, RFC 6587: each frame is either
// octet-counted ("LEN SP MSG", what rsyslog's omfwd and syslog-ng's syslog()
// driver send) or newline-terminated ("<pri>... LF", the traditional
// framing); the first byte of each frame says which (a digit, or anything
// else). A trailing CR before LF is dropped. Memory stays bounded: at most
// max_message bytes plus the last fed chunk are buffered, and oversize frames
// are skipped as they stream by, never held whole.
//
// Usage: after each Feed(), call Next() until it returns kNeedMore. Pure (no
// I/O), not thread-safe; one framer per TCP connection.
class SyslogFramer {
 public:
  explicit SyslogFramer(size_t max_message) : max_message_(max_message) {}
  void Feed(std::string_view bytes);
  // On kMessage, *message is valid until the next Feed() or Next().
  FrameResult Next(std::string_view* message);
  // Bytes held that are not a whole message yet (a cut last frame at close).
  size_t pending() const { return buffer_.size() - pos_; }

 private:
  FrameResult NextCounted(std::string_view* message);
  FrameResult NextLine(std::string_view* message);
  bool Skip();

  size_t max_message_;
  std::string buffer_;
  size_t pos_ = 0;             // buffer_[pos_, end) is not consumed yet
  uint64_t skip_bytes_ = 0;    // rest of an oversize counted frame to drop
  bool skip_line_ = false;     // drop up to and including the next LF
};

// Splits a whole stream; calls fn for every result but kNeedMore. The
// fuzzing entry point (tests/fuzz) and the reference for tests.
void SplitSyslogStream(std::string_view stream, size_t max_message,
                       const std::function<void(FrameResult, std::string_view)>& fn);

}  // namespace abuseflow::ingest
