#include "ingest/file_follower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/log.h"
#include "ingest/line_reader.h"

namespace abuseflow::ingest {
namespace {

constexpr size_t kMaxLine = LineReader::kMaxLineLength;
constexpr size_t kHeadBytes = 128;  // first bytes compared to notice a refilled file

// Up to `size` bytes of the file from offset 0; empty on error.
std::string ReadHead(int fd, size_t size) {
  std::string head(size, '\0');
  ssize_t n = pread(fd, head.data(), size, 0);
  head.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return head;
}

// Looks in the folder of `path` for the file with this device and inode: where
// a rotated file went (access.log.1, access.log-20261201, ...).
std::string FindByInode(const std::string& path, uint64_t device, uint64_t inode) {
  std::error_code ec;
  std::filesystem::path folder = std::filesystem::path(path).parent_path();
  if (folder.empty()) folder = ".";
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    struct stat st {};
    if (stat(entry.path().c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == device &&
        static_cast<uint64_t>(st.st_ino) == inode && S_ISREG(st.st_mode)) {
      return entry.path().string();
    }
  }
  return "";
}

}  // namespace

FileFollower::FileFollower(std::string path, std::string sensor, std::unique_ptr<OffsetStore> store)
    : path_(std::move(path)), sensor_(std::move(sensor)), store_(std::move(store)),
      buffer_(kMaxLine * 2) {}

FileFollower::~FileFollower() { CloseFile(); }

core::Result<std::unique_ptr<FileFollower>> FileFollower::Open(std::string path, std::string sensor,
                                                               std::unique_ptr<OffsetStore> store) {
  std::unique_ptr<FileFollower> f(new FileFollower(std::move(path), std::move(sensor), std::move(store)));
  auto saved = f->store_->Load();
  if (!saved.ok()) return saved.status();
  core::Status s = *saved ? f->Resume(**saved) : core::Status::Ok();
  if (!s.ok()) return s;
  if (f->fd_ < 0 && !f->OpenAt(f->path_, 0) && !f->status_.ok()) return f->status_;
  f->committed_ = f->position();
  return f;
}

core::Status FileFollower::Resume(const FilePosition& saved) {
  auto log = core::Logger("ingest");
  lines_ = saved.lines;
  struct stat st {};
  bool same = stat(path_.c_str(), &st) == 0 && static_cast<uint64_t>(st.st_dev) == saved.device &&
              static_cast<uint64_t>(st.st_ino) == saved.inode;
  if (same) {
    if (!OpenAt(path_, saved.offset)) return status_;
    head_ = ReadHead(fd_, saved.head_size);
    if (static_cast<uint64_t>(st.st_size) < saved.offset || head_.size() != saved.head_size ||
        Fnv1a(head_) != saved.head_hash) {
      ++counters_.truncations;
      log->info("followed file truncated while stopped, reading from its start file={}", path_);
      Restart();
    }
    return status_;
  }
  std::string old = FindByInode(path_, saved.device, saved.inode);
  if (old.empty()) {
    log->warn("followed file was rotated away while stopped, reading the new one from its start "
              "file={} unread_tail_of_inode={}", path_, saved.inode);
    return core::Status::Ok();
  }
  log->info("finishing rotated file first file={} rotated={}", path_, old);
  if (OpenAt(old, saved.offset)) {
    draining_old_ = true;
    ++counters_.rotations;
  }
  return status_;
}

bool FileFollower::OpenAt(const std::string& path, uint64_t offset) {
  CloseFile();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno != ENOENT) status_ = core::Status::IoError("cannot open input " + path + ": " + std::strerror(errno));
    return false;
  }
  struct stat st {};
  if (fstat(fd, &st) != 0 || lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0) {
    status_ = core::Status::IoError("cannot read input " + path + ": " + std::strerror(errno));
    close(fd);
    return false;
  }
  fd_ = fd;
  head_.clear();
  device_ = st.st_dev;
  inode_ = st.st_ino;
  consumed_ = offset;
  begin_ = end_ = 0;
  skipping_ = false;
  return true;
}

void FileFollower::CloseFile() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool FileFollower::ReadMore() {
  if (fd_ < 0) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  ssize_t n;
  do {
    n = read(fd_, buffer_.data() + end_, buffer_.size() - end_);
  } while (n < 0 && errno == EINTR);
  if (n < 0) {
    status_ = core::Status::IoError("read error in " + path_ + ": " + std::strerror(errno));
    return false;
  }
  end_ += n;
  return n > 0;
}

// Returns the next whole line from the buffer; at_end also takes a last line
// without newline (the file is finished).
bool FileFollower::TakeLine(SourceLine* line, bool at_end) {
  while (begin_ < end_) {
    const char* start = buffer_.data() + begin_;
    size_t available = end_ - begin_;
    const char* newline = static_cast<const char*>(std::memchr(start, '\n', available));
    if (skipping_) {
      size_t drop = newline ? static_cast<size_t>(newline - start) + 1 : available;
      begin_ += drop;
      consumed_ += drop;
      if (newline) skipping_ = false;
      continue;
    }
    if (!newline && available < kMaxLine && !at_end) return false;
    size_t length = newline ? static_cast<size_t>(newline - start) : available;
    line->too_long = length >= kMaxLine;
    if (line->too_long) {
      length = kMaxLine;
      skipping_ = true;
    }
    size_t take = newline && !line->too_long ? length + 1 : length;
    begin_ += take;
    consumed_ += take;
    if (!line->too_long && length > 0 && start[length - 1] == '\r') --length;
    line->text = std::string_view(start, length);
    line->seq = ++lines_;
    line->sensor = sensor_;
    counters_.bytes += take;
    return true;
  }
  return false;
}

// Checks whether the path now names another file (rename rotation) or a
// shorter one (copytruncate). Returns true if reading should go on now.
bool FileFollower::NoticeRotation() {
  struct stat st {};
  if (stat(path_.c_str(), &st) != 0) return false;  // renamed away, successor not there yet
  if (fd_ < 0) return OpenAt(path_, 0);
  if (static_cast<uint64_t>(st.st_dev) != device_ || static_cast<uint64_t>(st.st_ino) != inode_) {
    draining_old_ = true;  // read what the old file still holds, then switch
    ++counters_.rotations;
    return true;
  }
  if (static_cast<uint64_t>(st.st_size) < consumed_ + (end_ - begin_) || HeadChanged()) {
    core::Logger("ingest")->info("followed file truncated, reading from its start file={}", path_);
    ++counters_.truncations;
    Restart();
    return true;
  }
  return false;
}

// Compares the file's first bytes with those seen before, and learns more
// of them while the file is shorter than kHeadBytes.
bool FileFollower::HeadChanged() {
  const uint64_t read_to = consumed_ + (end_ - begin_);
  std::string now = ReadHead(fd_, static_cast<size_t>(std::min<uint64_t>(kHeadBytes, read_to)));
  if (now.compare(0, head_.size(), head_) != 0) return true;
  head_ = std::move(now);
  return false;
}

void FileFollower::Restart() {
  head_.clear();
  lseek(fd_, 0, SEEK_SET);
  consumed_ = 0;
  begin_ = end_ = 0;
  skipping_ = false;
}

SourceState FileFollower::Next(SourceLine* line, int /*wait_ms*/) {
  // After an idle return, look for rotation or truncation before reading on:
  // a file truncated and refilled meanwhile must not be read from the old offset.
  if (at_end_ && !draining_old_) NoticeRotation();
  at_end_ = false;
  // A few rounds: a read, a switch to the rotated file's successor and its
  // first read may each be needed before a line is there.
  for (int round = 0; round < 4; ++round) {
    if (TakeLine(line, false)) return SourceState::kLine;
    if (ReadMore()) continue;
    if (!status_.ok()) return SourceState::kEnd;
    if (draining_old_) {
      // The old file is at its end and its writer has moved on.
      if (TakeLine(line, true)) return SourceState::kLine;
      draining_old_ = false;
      CloseFile();
      OpenAt(path_, 0);
      if (!status_.ok()) return SourceState::kEnd;
      continue;
    }
    if (!NoticeRotation()) break;
  }
  at_end_ = true;
  return status_.ok() ? SourceState::kIdle : SourceState::kEnd;
}

core::Status FileFollower::Commit() {
  FilePosition now = position();
  if (now == committed_) return core::Status::Ok();
  core::Status s = store_->Save(now);
  if (s.ok()) committed_ = now;
  return s;
}

}  // namespace abuseflow::ingest
