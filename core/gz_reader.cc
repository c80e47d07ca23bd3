#include "core/gz_reader.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <string_view>

namespace abuseflow::core {
namespace {

// zlib's error message without the "<fd:N>: " it starts with.
std::string ZlibMessage(gzFile file, int* errnum) {
  const char* message = gzerror(file, errnum);
  std::string_view text = message != nullptr ? message : "";
  if (size_t colon = text.find(": "); text.starts_with("<fd:") && colon != std::string_view::npos) {
    text.remove_prefix(colon + 2);
  }
  return std::string(text.empty() ? "unknown zlib error" : text);
}

}  // namespace

Result<std::unique_ptr<GzReader>> GzReader::Open(const std::string& path, size_t buffer_size) {
  int fd = path == "-" ? ::dup(STDIN_FILENO) : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::IoError(std::strerror(errno));
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return Status::IoError("out of memory");
  }
  gzbuffer(file, static_cast<unsigned>(buffer_size));
  return std::unique_ptr<GzReader>(new GzReader(file));
}

GzReader::~GzReader() { gzclose(file_); }

long GzReader::Read(char* out, size_t size, std::string* error) {
  if (!error_.empty()) {
    *error = error_;
    return -1;
  }
  errno = 0;
  int n = gzread(file_, out, static_cast<unsigned>(std::min<size_t>(size, INT_MAX)));
  const int read_errno = errno;
  int errnum = Z_OK;
  if (n < 0) {
    std::string message = ZlibMessage(file_, &errnum);
    error_ = errnum == Z_ERRNO      ? std::strerror(read_errno != 0 ? read_errno : EIO)
             : errnum == Z_DATA_ERROR ? "corrupt gzip data: " + message
                                      : message;
  } else if (n == 0) {
    ZlibMessage(file_, &errnum);  // a stream cut short ends with Z_BUF_ERROR
    if (errnum == Z_BUF_ERROR) error_ = "truncated gzip data (unexpected end of file)";
  }
  if (!error_.empty()) {
    *error = error_;
    return -1;
  }
  return n;
}

bool GzReader::compressed() const { return gzdirect(file_) == 0; }

}  // namespace abuseflow::core
