#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace abuseflow::ingest {

// Where an input stopped: which file (device and inode, so a rotated file is
// told apart from its successor), how many bytes of it were consumed, and how
// many lines the input has produced in all (so event sequence numbers go on
// where they stopped, across rotations and restarts).
struct FilePosition {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;  // bytes of the file consumed: always the end of a whole line
  uint64_t lines = 0;   // lines produced by the input so far (the last event seq)
  uint64_t head_size = 0;  // how many of the file's first bytes head_hash covers (at most 128)
  uint64_t head_hash = 0;  // FNV-1a of them: tells a truncated and refilled file from the old one
  bool operator==(const FilePosition&) const = default;
};

// The FNV-1a 64-bit hash of `bytes`.
uint64_t Fnv1a(std::string_view bytes);

// Keeps one FilePosition per input in a folder (normally
// `<state_dir>/ingest/positions`), one small text file per input named after
// the input's origin. Save writes a temporary file, fsyncs it and renames it
// over the old one (then fsyncs the folder), so after a crash the file holds
// either the old or the new position, never a torn one. Docs:
// ingest/README.md "Durable state". Not thread-safe; one store per input.
class OffsetStore {
 public:
  // `folder` is created on the first Save. `origin` is the input's origin id.
  OffsetStore(std::string folder, const std::string& origin);

  // The saved position; nullopt if none was saved. A file that does not parse
  // is an error naming it (the operator decides: delete it to start over).
  core::Result<std::optional<FilePosition>> Load() const;
  // Durably replaces the saved position. IoError naming the file on failure.
  core::Status Save(const FilePosition& position);
  const std::string& path() const { return path_; }

 private:
  std::string folder_;
  std::string path_;
};

}  // namespace abuseflow::ingest
