#include "ingest/offset_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace abuseflow::ingest {

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : bytes) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

namespace {

constexpr const char* kMagic = "abuseflow-position-v1";

// A file name that is readable and unique per origin: the origin's safe
// characters, cut short, plus a stable 64-bit FNV-1a hash of the whole origin.
std::string FileNameFor(const std::string& origin) {
  const uint64_t hash = Fnv1a(origin);
  std::string name;
  for (char c : origin) {
    if (name.size() >= 60) break;
    bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '.' || c == '-' || c == '_';
    name += safe ? c : '_';
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016" PRIx64, hash);
  return name + "." + hex + ".pos";
}

core::Status Errno(const std::string& what, const std::string& path) {
  return core::Status::IoError(what + " " + path + ": " + std::strerror(errno));
}

core::Status SyncPath(const std::string& path, int flags) {
  int fd = open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return Errno("cannot open", path);
  int rc = fsync(fd);
  close(fd);
  return rc == 0 ? core::Status::Ok() : Errno("cannot fsync", path);
}

}  // namespace

OffsetStore::OffsetStore(std::string folder, const std::string& origin)
    : folder_(std::move(folder)), path_((std::filesystem::path(folder_) / FileNameFor(origin)).string()) {}

core::Result<std::optional<FilePosition>> OffsetStore::Load() const {
  std::ifstream in(path_);
  if (!in) return std::optional<FilePosition>();
  std::string magic;
  FilePosition p;
  if (!(in >> magic >> p.device >> p.inode >> p.offset >> p.lines >> p.head_size >> p.head_hash) ||
      magic != kMagic) {
    return core::Status::IoError("position file " + path_ + " is damaged; delete it to read the input from its start");
  }
  return std::optional<FilePosition>(p);
}

core::Status OffsetStore::Save(const FilePosition& p) {
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) return core::Status::IoError("cannot create " + folder_ + ": " + ec.message());
  const std::string tmp = path_ + ".tmp";
  std::ostringstream text;
  text << kMagic << ' ' << p.device << ' ' << p.inode << ' ' << p.offset << ' ' << p.lines << ' '
       << p.head_size << ' ' << p.head_hash << '\n';
  const std::string bytes = text.str();
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot write", tmp);
  bool ok = write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok) return Errno("cannot write", tmp);
  if (rename(tmp.c_str(), path_.c_str()) != 0) return Errno("cannot rename over", path_);
  return SyncPath(folder_, O_RDONLY | O_DIRECTORY);
}

}  // namespace abuseflow::ingest
