#include "ingest/line_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace abuseflow::ingest {

core::Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  int fd = path == "-" ? dup(STDIN_FILENO) : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::Status::IoError("cannot open input " + path + ": " + std::strerror(errno));
  gzFile file = gzdopen(fd, "rb");
  if (!file) {
    close(fd);
    return core::Status::IoError("cannot read input " + path);
  }
  gzbuffer(file, 256 * 1024);
  return std::unique_ptr<LineReader>(new LineReader(file, path));
}

LineReader::~LineReader() { gzclose(file_); }

bool LineReader::Fill() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  int n = gzread(file_, buffer_.data() + end_, static_cast<unsigned>(buffer_.size() - end_));
  if (n < 0) {
    int errnum = 0;
    const char* message = gzerror(file_, &errnum);
    status_ = core::Status::IoError("read error in " + path_ + ": " +
                                    (errnum == Z_ERRNO ? std::strerror(errno) : message));
    return false;
  }
  if (n == 0) {
    // A gzip stream cut short ends like a complete one (gzread returns 0);
    // only gzerror tells them apart.
    int errnum = 0;
    gzerror(file_, &errnum);
    if (errnum == Z_BUF_ERROR) {
      status_ = core::Status::IoError("read error in " + path_ + ": truncated gzip data (unexpected end of file)");
      return false;
    }
    eof_ = true;
  }
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
