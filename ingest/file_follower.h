#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ingest/input_source.h"
#include "ingest/offset_store.h"

namespace abuseflow::ingest {

// Follows a growing log file like `tail -F`, line by line, and remembers how
// far it got. Survives both ways logs are rotated:
//   - rename (logrotate's default): when the path names a new file, the old
//     one is read to its end (a last line without newline included, as its
//     writer has moved on), then the new file is read from its start;
//   - copytruncate: when the file becomes shorter than what was read, or its
//     first 128 bytes changed (truncated and refilled between two polls), it
//     is read again from offset 0.
// A last line without its newline is not returned until the newline arrives.
// Lines over kMaxLineLength come back cut, flagged too_long, and the rest is
// skipped. Every returned line gets the next sequence number of the input.
//
// Commit() saves (device, inode, offset, lines) in the OffsetStore
// (and a hash of the first bytes); Open() resumes from it: same file → at the
// offset; the file was truncated (shorter, or other first bytes) → at 0;
// the file was rotated while we were down → the old file is found again in
// the same folder by its inode, finished from the offset, then the new one is
// read. Nothing is read twice or skipped across a clean restart; after a crash
// the lines since the last Commit are read again with the same sequence
// numbers. Lines a writer appends to a renamed file after we moved on to its
// successor are not read.
//
// Never blocks: Next() returns kIdle when nothing new is there (the caller
// polls). Not thread-safe. Owns one file descriptor at a time.
class FileFollower : public InputSource {
 public:
  // Fails if the saved position cannot be read, or the file exists but cannot
  // be opened. A missing file is waited for (kIdle until it appears).
  static core::Result<std::unique_ptr<FileFollower>> Open(std::string path, std::string sensor,
                                                          std::unique_ptr<OffsetStore> store);
  ~FileFollower() override;
  FileFollower(const FileFollower&) = delete;
  FileFollower& operator=(const FileFollower&) = delete;

  SourceState Next(SourceLine* line, int wait_ms) override;
  core::Status Commit() override;
  const core::Status& status() const override { return status_; }
  bool live() const override { return true; }
  SourceCounters counters() const override { return counters_; }
  // The position of the last returned line (what Commit() would save).
  FilePosition position() const {
    return {device_, inode_, consumed_, lines_, head_.size(), Fnv1a(head_)};
  }

 private:
  FileFollower(std::string path, std::string sensor, std::unique_ptr<OffsetStore> store);
  core::Status Resume(const FilePosition& saved);
  bool OpenAt(const std::string& path, uint64_t offset);
  void CloseFile();
  bool TakeLine(SourceLine* line, bool at_end);
  bool ReadMore();
  bool NoticeRotation();
  bool HeadChanged();
  void Restart();

  std::string path_;
  std::string sensor_;
  std::unique_ptr<OffsetStore> store_;
  int fd_ = -1;
  uint64_t device_ = 0;
  uint64_t inode_ = 0;
  bool draining_old_ = false;  // the path names a newer file: finish this one first
  bool skipping_ = false;      // inside the rest of an over-long line
  bool at_end_ = false;        // the last Next() found nothing new
  uint64_t consumed_ = 0;      // file offset just after the last returned line
  uint64_t lines_ = 0;
  std::string head_;           // the file's first bytes (up to kHeadBytes) as first read
  std::vector<char> buffer_;
  size_t begin_ = 0;           // buffer_[begin_, end_) are read but not returned
  size_t end_ = 0;
  FilePosition committed_;
  SourceCounters counters_;
  core::Status status_;
};

}  // namespace abuseflow::ingest
