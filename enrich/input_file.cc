#include "enrich/input_file.h"

#include <fcntl.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace abuseflow::enrich {
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

bool EndsWithGz(std::string_view path) { return path.ends_with(".gz"); }

}  // namespace

core::Result<std::unique_ptr<InputFile>> InputFile::Open(const std::string& path,
                                                         std::string_view what) {
  std::string name = std::string(what) + " " + path;
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    return core::Status::IoError("cannot read " + name + ": is a directory");
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return core::Status::IoError("cannot open " + name + ": " + std::strerror(errno));
  gzFile file = gzdopen(fd, "rb");
  if (file == nullptr) {
    ::close(fd);
    return core::Status::IoError("cannot read " + name + ": out of memory");
  }
  gzbuffer(file, kBufferSize);
  return std::unique_ptr<InputFile>(new InputFile(file, path, what));
}

InputFile::InputFile(gzFile_s* file, std::string path, std::string_view what)
    : file_(file), path_(std::move(path)), what_(what), stream_(this) {}

InputFile::~InputFile() { gzclose(file_); }

InputFile::int_type InputFile::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (!status_.ok() || ended_) return traits_type::eof();
  errno = 0;
  int n = gzread(file_, buffer_.data(), static_cast<unsigned>(buffer_.size()));
  int read_errno = errno;
  int errnum = Z_OK;
  if (n < 0) {
    std::string message = ZlibMessage(file_, &errnum);
    if (errnum == Z_ERRNO) return Fail(std::strerror(read_errno != 0 ? read_errno : EIO));
    return Fail(errnum == Z_DATA_ERROR ? "corrupt gzip data: " + message : message);
  }
  if (!started_) {
    started_ = true;
    compressed_ = gzdirect(file_) == 0;
    // An empty ".gz" too: gzip(1) calls it truncated, and so is a download cut to nothing.
    if (!compressed_ && EndsWithGz(path_)) return Fail(n > 0 ? "not gzip data" : "empty gzip file");
  }
  if (n == 0) {
    // zlib reports a gzip stream cut short as the end of input with Z_BUF_ERROR.
    ZlibMessage(file_, &errnum);
    if (errnum == Z_BUF_ERROR) return Fail("truncated gzip data (unexpected end of file)");
    ended_ = true;
    return traits_type::eof();
  }
  setg(buffer_.data(), buffer_.data(), buffer_.data() + n);
  return traits_type::to_int_type(*gptr());
}

InputFile::int_type InputFile::Fail(const std::string& reason) {
  status_ = core::Status::IoError("cannot read " + what_ + " " + path_ + ": " + reason);
  setg(buffer_.data(), buffer_.data(), buffer_.data());
  // Not the end of the file: readers that only look at the stream see it too.
  stream_.setstate(std::ios::badbit);
  return traits_type::eof();
}

}  // namespace abuseflow::enrich
