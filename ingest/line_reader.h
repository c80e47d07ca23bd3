#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/gz_reader.h"
#include "core/result.h"

namespace abuseflow::ingest {

// Reads a log file line by line: plain or gzip-compressed (recognised by its
// content, not its name; core::GzReader), or standard input for "-". Lines longer than
// kMaxLineLength are reported as too long and skipped to their end, so memory
// stays bounded whatever the input. Not thread-safe; one reader per input.
class LineReader {
 public:
  static constexpr size_t kMaxLineLength = 64 * 1024;

  // Fails with IoError naming the path if it cannot be opened.
  static core::Result<std::unique_ptr<LineReader>> Open(const std::string& path);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its line ending; valid until the next call. Returns
  // false at the end of input or on a read error (then status() says which).
  // A line over the limit comes back as its first kMaxLineLength bytes with
  // *too_long set.
  bool Next(std::string_view* line, bool* too_long);
  const core::Status& status() const { return status_; }
  uint64_t line_number() const { return line_number_; }
  // Bytes consumed from the (decompressed) input so far.
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  LineReader(std::unique_ptr<core::GzReader> file, std::string path)
      : file_(std::move(file)), path_(std::move(path)) {}
  bool Fill();

  std::unique_ptr<core::GzReader> file_;
  std::string path_;
  std::vector<char> buffer_ = std::vector<char>(kMaxLineLength * 2);
  size_t begin_ = 0;
  size_t end_ = 0;
  bool eof_ = false;
  bool skipping_ = false;  // inside the rest of an over-long line
  uint64_t line_number_ = 0;
  uint64_t bytes_read_ = 0;
  core::Status status_;
};

}  // namespace abuseflow::ingest
