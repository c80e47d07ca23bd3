#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "core/result.h"

struct gzFile_s;  // zlib's file handle (zlib.h: typedef struct gzFile_s* gzFile)

namespace abuseflow::core {

// A file read through zlib, for the inputs of ingest (logs) and enrich
// (offline registry data): gzip data is decompressed, any other content is
// read as it is (zlib recognises gzip by its magic bytes, not by the name);
// concatenated gzip members are read one after the other. Unlike a bare
// gzread loop, the end of the input is never confused with an error: a read
// error, corrupt compressed data and a gzip stream cut short (which gzread
// ends like a complete one) are each reported with their reason.
// Memory: zlib's buffers, `buffer_size` in and twice that out.
// Not thread-safe; one reader at a time. Blocks on the file only.
class GzReader {
 public:
  // Opens `path` ("-": a duplicate of standard input). On failure an
  // IoError whose message is the reason alone (strerror), for the caller to
  // name the file as it names its inputs. A directory opens; its first Read
  // fails ("Is a directory").
  static Result<std::unique_ptr<GzReader>> Open(const std::string& path, size_t buffer_size);
  ~GzReader();
  GzReader(const GzReader&) = delete;
  GzReader& operator=(const GzReader&) = delete;

  // Reads up to `size` bytes into `out`: the number read, 0 at the end of
  // the input, or -1 on an error, with *error set to its reason: strerror of
  // a failing read, "corrupt gzip data: ZLIB MESSAGE", "truncated gzip data
  // (unexpected end of file)". After an error, every Read returns -1.
  long Read(char* out, size_t size, std::string* error);
  // Whether the content is gzip data; known after the first Read.
  bool compressed() const;

 private:
  explicit GzReader(gzFile_s* file) : file_(file) {}

  gzFile_s* file_;
  std::string error_;  // the first error's reason, once one happened
};

}  // namespace abuseflow::core
