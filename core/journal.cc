#include "core/journal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <fmt/format.h>

namespace abuseflow::core {
namespace {

constexpr uint32_t kMagic = 0xAF7E1001;
constexpr size_t kHeader = 20;  // magic, length, crc, seq
constexpr uint32_t kMaxRecord = 256u << 20;

void PutU32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
void PutU64(char* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = static_cast<char>(v >> (8 * i));
}
uint32_t GetU32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

uint32_t Crc(const char* seq_bytes, std::string_view payload) {
  uLong crc = crc32(0L, Z_NULL, 0);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(seq_bytes), 8);
  crc = crc32(crc, reinterpret_cast<const Bytef*>(payload.data()), static_cast<uInt>(payload.size()));
  return static_cast<uint32_t>(crc);
}

Status Errno(const std::string& what) {
  return Status::IoError(what + ": " + std::strerror(errno));
}

Status WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("journal write");
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

// Writes `text` to `path` through a temporary file and a rename.
Status ReplaceFile(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out.flush()) return Status::IoError("cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("cannot rename " + tmp);
  return Status::Ok();
}

std::string ReadSmallFile(const std::string& path) {
  std::ifstream in(path);
  std::string text;
  std::getline(in, text);
  return text;
}

// The `stream` file: "<id> <base>".
void ReadStreamFile(const std::string& dir, std::string* id, uint64_t* base) {
  std::string stream = ReadSmallFile(dir + "/stream");
  if (size_t space = stream.find(' '); space != std::string::npos) {
    *base = std::strtoull(stream.c_str() + space + 1, nullptr, 10);
    stream.resize(space);
  }
  *id = stream;
}

uint64_t ReadAcked(const std::string& dir) {
  return std::strtoull(ReadSmallFile(dir + "/acked").c_str(), nullptr, 10);
}

bool IsSegmentName(const std::string& name) { return name.size() == 24 && name.ends_with(".log"); }

}  // namespace

JournalInfo Journal::Describe(const std::string& dir) {
  JournalInfo info;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return info;
  info.present = true;
  ReadStreamFile(dir, &info.stream, &info.stream_base);
  info.acked_through = ReadAcked(dir);
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    if (!IsSegmentName(entry.path().filename().string())) continue;
    ++info.segments;
    info.segment_bytes += entry.file_size(ec);
  }
  return info;
}

Journal::~Journal() {
  for (auto& [first, segment] : segments_) {
    if (segment.fd >= 0) ::close(segment.fd);
  }
}

std::string Journal::SegmentPath(uint64_t first) const {
  return fmt::format("{}/{:020}.log", dir_, first);
}

Result<std::unique_ptr<Journal>> Journal::Open(const std::string& dir, JournalOptions options,
                                               JournalRecovery* recovery) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create journal folder " + dir + ": " + ec.message());
  std::unique_ptr<Journal> journal(new Journal(dir, options));
  JournalRecovery local;
  if (Status s = journal->Recover(recovery ? recovery : &local); !s.ok()) return s;
  return journal;
}

Status Journal::Recover(JournalRecovery* recovery) {
  ReadStreamFile(dir_, &stream_, &stream_base_);
  acked_through_ = ReadAcked(dir_);
  std::vector<uint64_t> firsts;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    std::string name = entry.path().filename().string();
    if (IsSegmentName(name)) {
      firsts.push_back(std::strtoull(name.c_str(), nullptr, 10));
    }
  }
  std::sort(firsts.begin(), firsts.end());
  last_seq_ = acked_through_;
  for (size_t i = 0; i < firsts.size(); ++i) {
    if (Status s = ScanSegment(firsts[i], i + 1 == firsts.size(), recovery); !s.ok()) return s;
  }
  recovery->records = index_.size();
  DropAckedSegments();
  if (segments_.empty()) return StartSegment(last_seq_ + 1);
  return Status::Ok();
}

// Reads one segment into the index; in the last one an unfinished record at
// the end is cut off.
Status Journal::ScanSegment(uint64_t first, bool last, JournalRecovery* recovery) {
  std::string path = SegmentPath(first);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open " + path);
  std::ifstream in(path, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Segment segment{fd, first - 1, 0};
  size_t pos = 0;
  uint64_t bad_at = 0;
  bool bad = false;
  while (pos + kHeader <= data.size()) {
    const char* h = data.data() + pos;
    uint32_t length = GetU32(h + 4);
    bool valid = GetU32(h) == kMagic && length <= kMaxRecord && pos + kHeader + length <= data.size() &&
                 GetU32(h + 8) == Crc(h + 12, std::string_view(h + kHeader, length));
    if (!valid) {
      if (!bad) bad_at = pos;
      bad = true;
      ++pos;  // look for the next record
      continue;
    }
    uint64_t seq = GetU64(h + 12);
    if (bad) {
      // Records between the last good one and this one are gone.
      if (seq > segment.last_seq + 1 && seq - 1 > acked_through_) {
        ::close(fd);
        return Status::Corruption(fmt::format(
            "journal {} is corrupt at offset {}: records {}..{} were not acknowledged downstream; "
            "move the file away to go on without them",
            path, bad_at, std::max(segment.last_seq + 1, acked_through_ + 1), seq - 1));
      }
      recovery->skipped_bytes += pos - bad_at;
      bad = false;
    }
    if (seq > acked_through_) {
      index_[seq] = Location{first, pos + kHeader, length};
      unacked_bytes_ += length;
    }
    segment.last_seq = std::max(segment.last_seq, seq);
    last_seq_ = std::max(last_seq_, seq);
    pos += kHeader + length;
  }
  if (bad || pos < data.size()) {
    uint64_t cut = bad ? bad_at : pos;
    if (!last) {
      ::close(fd);
      return Status::Corruption(fmt::format("journal {} is corrupt at offset {} (not its last segment)", path, cut));
    }
    recovery->torn_bytes += data.size() - cut;
    if (::ftruncate(fd, static_cast<off_t>(cut)) != 0) {
      ::close(fd);
      return Errno("cannot cut the unfinished record off " + path);
    }
    pos = cut;
  }
  segment.size = pos;
  ::lseek(fd, static_cast<off_t>(pos), SEEK_SET);
  segments_[first] = segment;
  return Status::Ok();
}

Status Journal::StartSegment(uint64_t first) {
  std::string path = SegmentPath(first);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) return Errno("cannot create " + path);
  segments_[first] = Segment{fd, first - 1, 0};
  return Status::Ok();
}

Status Journal::NewStream() {
  std::random_device rd;
  std::string id = fmt::format("{:08x}{:08x}", rd(), rd());
  if (Status s = ReplaceFile(dir_ + "/stream", id + " " + std::to_string(last_seq_) + "\n"); !s.ok()) return s;
  stream_ = id;
  stream_base_ = last_seq_;
  return Status::Ok();
}

Result<uint64_t> Journal::Append(std::string_view payload) {
  if (payload.size() > kMaxRecord) return Status::InvalidArgument("journal record too large");
  auto active = std::prev(segments_.end());
  if (active->second.size >= options_.segment_bytes) {
    if (Status s = Sync(); !s.ok()) return s;
    if (Status s = StartSegment(last_seq_ + 1); !s.ok()) return s;
    active = std::prev(segments_.end());
  }
  Segment& segment = active->second;
  const uint64_t seq = last_seq_ + 1;
  std::string record(kHeader, '\0');
  PutU32(record.data(), kMagic);
  PutU32(record.data() + 4, static_cast<uint32_t>(payload.size()));
  PutU64(record.data() + 12, seq);
  PutU32(record.data() + 8, Crc(record.data() + 12, payload));
  record.append(payload);
  if (Status s = WriteAll(segment.fd, record.data(), record.size()); !s.ok()) {
    // Cut a partial record off so that the next append starts clean.
    if (::ftruncate(segment.fd, static_cast<off_t>(segment.size)) != 0) return Errno("journal truncate");
    return s;
  }
  index_[seq] = Location{active->first, segment.size + kHeader, static_cast<uint32_t>(payload.size())};
  unacked_bytes_ += payload.size();
  segment.size += record.size();
  segment.last_seq = seq;
  last_seq_ = seq;
  return seq;
}

Status Journal::Sync() {
  auto active = std::prev(segments_.end());
  if (::fdatasync(active->second.fd) != 0) return Errno("journal sync");
  return Status::Ok();
}

Status Journal::Ack(uint64_t seq) {
  auto it = index_.find(seq);
  if (it == index_.end()) return Status::Ok();
  unacked_bytes_ -= it->second.length;
  index_.erase(it);
  if (seq != acked_through_ + 1) {
    acked_above_.insert(seq);
    return Status::Ok();
  }
  acked_through_ = seq;
  while (!acked_above_.empty() && *acked_above_.begin() == acked_through_ + 1) {
    acked_through_ = *acked_above_.begin();
    acked_above_.erase(acked_above_.begin());
  }
  if (Status s = SaveAcked(); !s.ok()) return s;
  DropAckedSegments();
  return Status::Ok();
}

Status Journal::SaveAcked() { return ReplaceFile(dir_ + "/acked", std::to_string(acked_through_) + "\n"); }

void Journal::DropAckedSegments() {
  while (segments_.size() > 1) {
    auto oldest = segments_.begin();
    if (oldest->second.last_seq > acked_through_) return;
    ::close(oldest->second.fd);
    ::unlink(SegmentPath(oldest->first).c_str());
    segments_.erase(oldest);
  }
}

Result<std::string> Journal::Read(uint64_t seq) const {
  auto it = index_.find(seq);
  if (it == index_.end()) return Status::NotFound(fmt::format("journal record {} is not kept", seq));
  const Segment& segment = segments_.at(it->second.segment);
  std::string payload(it->second.length, '\0');
  size_t done = 0;
  while (done < payload.size()) {
    ssize_t n = ::pread(segment.fd, payload.data() + done, payload.size() - done,
                        static_cast<off_t>(it->second.offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Errno("journal read");
    done += static_cast<size_t>(n);
  }
  return payload;
}

std::vector<uint64_t> Journal::Unacked() const {
  std::vector<uint64_t> out;
  out.reserve(index_.size());
  for (const auto& [seq, location] : index_) out.push_back(seq);
  return out;
}

}  // namespace abuseflow::core
