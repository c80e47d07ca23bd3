// WriteToOutbox (declared in mail_writer.h): the durable, atomic .eml write.
#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>

#include "notify/mail_writer.h"

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxNameAttempts = 100;

core::Status IoError(const std::string& what, const std::string& path, int err) {
  return core::Status::IoError(what + " " + path + ": " + std::strerror(err));
}

// Closes a descriptor on scope exit unless released.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int Release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

core::Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoError("cannot write", path, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return core::Status::Ok();
}

core::Status SyncDirectory(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return IoError("cannot open", dir, errno);
  FdCloser closer(fd);
  if (::fsync(fd) != 0) return IoError("cannot sync", dir, errno);
  return core::Status::Ok();
}

// Writes `text` to a fresh temporary file beside `path`, syncs it and renames
// it over `path`. On failure the temporary file is removed.
core::Status WriteAtomically(const fs::path& path, std::string_view text) {
  static std::atomic<uint64_t> counter{0};
  fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".tmp." +
                                       std::to_string(::getpid()) + "." +
                                       std::to_string(counter.fetch_add(1)));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("cannot create", tmp.string(), errno);
  FdCloser closer(fd);
  core::Status s = WriteAll(fd, text, path.string());
  if (s.ok() && ::fsync(fd) != 0) s = IoError("cannot sync", path.string(), errno);
  if (s.ok() && ::close(closer.Release()) != 0) s = IoError("cannot close", path.string(), errno);
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = IoError("cannot rename into", path.string(), errno);
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  return SyncDirectory(path.parent_path().string());
}

// The Message-ID header of the mail at `path`: nullopt if there is no such
// file, "" if it has none.
core::Result<std::optional<std::string>> ExistingMessageId(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) return IoError("cannot look up", path.string(), ec.value());
    return std::optional<std::string>();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return IoError("cannot read", path.string(), errno);
  std::string line;
  constexpr std::string_view kField = "message-id:";
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;  // end of the header
    if (line.size() < kField.size()) continue;
    std::string name = line.substr(0, kField.size());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (name != kField) continue;
    size_t begin = line.find_first_not_of(' ', kField.size());
    return std::optional<std::string>(begin == std::string::npos ? "" : line.substr(begin));
  }
  return std::optional<std::string>("");
}

}  // namespace

core::Result<std::string> WriteToOutbox(const std::string& dir, const Mail& mail) {
  if (mail.recipients.empty() || mail.text.empty()) {
    return core::Status::InvalidArgument("mail for " + mail.contact + " has no recipient");
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return IoError("cannot create outbox", dir, ec.value());
  std::string name = OutboxFileName(mail);
  std::string stem = name.substr(0, name.size() - 4);  // without ".eml"
  for (int attempt = 1; attempt <= kMaxNameAttempts; ++attempt) {
    fs::path path = fs::path(dir) / (attempt == 1 ? name : stem + "-" + std::to_string(attempt) +
                                                               ".eml");
    auto existing = ExistingMessageId(path);
    if (!existing.ok()) return existing.status();
    if (existing->has_value() && **existing != mail.message_id) continue;
    if (core::Status s = WriteAtomically(path, mail.text); !s.ok()) return s;
    return path.string();
  }
  return core::Status::IoError("more than " + std::to_string(kMaxNameAttempts) +
                               " different mails named " + name + " in " + dir);
}

}  // namespace abuseflow::notify
