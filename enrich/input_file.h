#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

#include "core/gz_reader.h"
#include "core/result.h"
#include "core/status.h"

namespace abuseflow::enrich {

// An offline data file (RPSL dump, delegated statistics, prefix2as table)
// opened for reading through zlib (core::GzReader): gzip-compressed data is decompressed, any
// other content is read as it is (zlib recognises gzip by its magic bytes, not
// by the name), so `registry.db.gz` and `registry.db` both work. Concatenated
// gzip members are read one after the other. A file whose name ends in ".gz"
// must hold gzip data. .bz2 and .xz are not decompressed.
//
// stream() gives an std::istream for RpslReader and ReadLines. Memory is
// bounded: kBufferSize bytes here plus zlib's buffers (kBufferSize in, twice
// that out). A read error does not look like the end of the file: the read
// that meets it returns the end of input, sets badbit on stream() and sets
// status() to IoError "cannot read WHAT PATH: REASON", for a failing read(2)
// (strerror), a gzip stream cut short ("truncated gzip data"), corrupt
// compressed data (zlib's message) or a ".gz" name over non-gzip data. A
// caller checks status() after reading to the end.
//
// Not thread-safe; one reader at a time. Blocks on the file only.
class InputFile final : private std::streambuf {
 public:
  static constexpr size_t kBufferSize = 64 * 1024;

  // Opens `path`; `what` names the kind of file in errors ("registry",
  // "delegated file"). IoError "cannot open WHAT PATH: REASON" when it cannot
  // be opened, "cannot read WHAT PATH: is a directory" for a directory.
  static core::Result<std::unique_ptr<InputFile>> Open(const std::string& path,
                                                       std::string_view what);
  ~InputFile() override;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // The decompressed content; valid while this InputFile lives.
  std::istream* stream() { return &stream_; }
  // Ok, or the IoError of the first read error (see the class comment).
  const core::Status& status() const { return status_; }
  // Whether the content is gzip data; known after the first read.
  bool compressed() const { return compressed_; }
  const std::string& path() const { return path_; }

 private:
  InputFile(std::unique_ptr<core::GzReader> reader, std::string path, std::string_view what);
  int_type underflow() override;
  // Records the first read error and sets badbit; returns eof.
  int_type Fail(const std::string& reason);

  std::unique_ptr<core::GzReader> reader_;
  std::string path_;
  std::string what_;
  std::vector<char> buffer_ = std::vector<char>(kBufferSize);
  bool started_ = false;
  bool compressed_ = false;
  bool ended_ = false;
  core::Status status_;
  std::istream stream_;  // last: reads through this streambuf
};

}  // namespace abuseflow::enrich
