#include "ingest/syslog_framing.h"

#include <algorithm>

namespace abuseflow::ingest {
namespace {

constexpr size_t kMaxCountDigits = 9;  // RFC 6587 MSG-LEN; 9 digits is far above any limit

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

void SyslogFramer::Feed(std::string_view bytes) {
  if (pos_ > 0) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  buffer_.append(bytes);
}

// Drops the rest of an oversize or broken frame; true once it is gone.
bool SyslogFramer::Skip() {
  if (skip_bytes_ > 0) {
    size_t drop = static_cast<size_t>(std::min<uint64_t>(skip_bytes_, buffer_.size() - pos_));
    pos_ += drop;
    skip_bytes_ -= drop;
    return skip_bytes_ == 0;
  }
  if (skip_line_) {
    size_t lf = buffer_.find('\n', pos_);
    if (lf == std::string::npos) {
      pos_ = buffer_.size();
      return false;
    }
    pos_ = lf + 1;
    skip_line_ = false;
  }
  return true;
}

FrameResult SyslogFramer::Next(std::string_view* message) {
  while (true) {
    if (!Skip()) return FrameResult::kNeedMore;
    if (pos_ >= buffer_.size()) return FrameResult::kNeedMore;
    char first = buffer_[pos_];
    if (first == '\n' || first == '\r' || first == '\0') {  // empty frames between messages
      ++pos_;
      continue;
    }
    return IsDigit(first) ? NextCounted(message) : NextLine(message);
  }
}

FrameResult SyslogFramer::NextCounted(std::string_view* message) {
  size_t i = pos_;
  uint64_t length = 0;
  while (i < buffer_.size() && IsDigit(buffer_[i]) && i - pos_ < kMaxCountDigits + 1) {
    length = length * 10 + static_cast<uint64_t>(buffer_[i] - '0');
    ++i;
  }
  size_t digits = i - pos_;
  if (i == buffer_.size() && digits <= kMaxCountDigits) return FrameResult::kNeedMore;
  if (digits > kMaxCountDigits || buffer_[i] != ' ' || length == 0) {
    skip_line_ = true;
    return FrameResult::kBadFrame;
  }
  size_t body = i + 1;
  if (length > max_message_) {
    pos_ = body;
    skip_bytes_ = length;
    return FrameResult::kOversize;
  }
  if (buffer_.size() - body < length) return FrameResult::kNeedMore;
  std::string_view m(buffer_.data() + body, length);
  while (!m.empty() && (m.back() == '\n' || m.back() == '\r')) m.remove_suffix(1);
  *message = m;
  pos_ = body + length;
  return FrameResult::kMessage;
}

FrameResult SyslogFramer::NextLine(std::string_view* message) {
  size_t lf = buffer_.find('\n', pos_);
  if (lf == std::string::npos) {
    if (buffer_.size() - pos_ <= max_message_) return FrameResult::kNeedMore;
    pos_ = buffer_.size();
    skip_line_ = true;
    return FrameResult::kOversize;
  }
  size_t length = lf - pos_;
  if (length > 0 && buffer_[lf - 1] == '\r') --length;
  size_t start = pos_;
  pos_ = lf + 1;
  if (length > max_message_) return FrameResult::kOversize;
  *message = std::string_view(buffer_.data() + start, length);
  return FrameResult::kMessage;
}

void SplitSyslogStream(std::string_view stream, size_t max_message,
                       const std::function<void(FrameResult, std::string_view)>& fn) {
  SyslogFramer framer(max_message);
  // Fed in small pieces so that frames cut across reads are exercised too.
  for (size_t at = 0; at < stream.size() || at == 0; at += 7) {
    framer.Feed(stream.substr(at, 7));
    std::string_view message;
    for (FrameResult r; (r = framer.Next(&message)) != FrameResult::kNeedMore;) {
      fn(r, r == FrameResult::kMessage ? message : std::string_view());
    }
    if (stream.empty()) break;
  }
}

}  // namespace abuseflow::ingest
