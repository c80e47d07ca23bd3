#include "ingest/line_reader.h"

#include <cerrno>
#include <cstring>

namespace abuseflow::ingest {

core::Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  auto file = core::GzReader::Open(path, 256 * 1024);
  if (!file.ok()) return core::Status::IoError("cannot open input " + path + ": " + file.status().message());
  return std::unique_ptr<LineReader>(new LineReader(std::move(file).value(), path));
}

LineReader::~LineReader() = default;

bool LineReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  std::string error;
  long n = file_->Read(buffer_.data() + end_, buffer_.size() - end_, &error);
  if (n < 0) {
    status_ = core::Status::IoError("read error in " + path_ + ": " + error);
    return false;
  }
  if (n == 0) eof_ = true;
  end_ += n;
  return n > 0;
}

bool LineReader::Next(std::string_view* line, bool* too_long) {
  *too_long = false;
  while (true) {
    const char* start = buffer_.data() + begin_;
    const char* newline = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    size_t available = end_ - begin_;
    if (skipping_) {
      // Drop the rest of an over-long line without returning it again.
      size_t drop = newline ? static_cast<size_t>(newline - start) + 1 : available;
      begin_ += drop;
      bytes_read_ += drop;
      if (newline) {
        skipping_ = false;
        continue;
      }
      if (eof_ || (!Fill() && !status_.ok())) return false;
      continue;
    }
    if (newline || available >= kMaxLineLength || (eof_ && available > 0)) {
      size_t length = newline ? static_cast<size_t>(newline - start) : available;
      if (length >= kMaxLineLength) {
        length = kMaxLineLength;
        *too_long = true;
        skipping_ = true;
      }
      size_t consumed = newline && !*too_long ? length + 1 : length;
      begin_ += consumed;
      bytes_read_ += consumed;
      ++line_number_;
      if (!*too_long && length > 0 && start[length - 1] == '\r') --length;
      *line = std::string_view(start, length);
      return true;
    }
    if (eof_ || !Fill()) {
      if (!status_.ok() || begin_ == end_) return false;
    }
  }
}

}  // namespace abuseflow::ingest
