#include "enrich/input_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace abuseflow::enrich {
namespace {

bool EndsWithGz(std::string_view path) { return path.ends_with(".gz"); }

}  // namespace

core::Result<std::unique_ptr<InputFile>> InputFile::Open(const std::string& path,
                                                         std::string_view what) {
  std::string name = std::string(what) + " " + path;
  if (std::error_code ec; std::filesystem::is_directory(path, ec)) {
    return core::Status::IoError("cannot read " + name + ": is a directory");
  }
  auto reader = core::GzReader::Open(path, kBufferSize);
  if (!reader.ok()) return core::Status::IoError("cannot open " + name + ": " + reader.status().message());
  return std::unique_ptr<InputFile>(new InputFile(std::move(reader).value(), path, what));
}

InputFile::InputFile(std::unique_ptr<core::GzReader> reader, std::string path, std::string_view what)
    : reader_(std::move(reader)), path_(std::move(path)), what_(what), stream_(this) {}

InputFile::~InputFile() = default;

InputFile::int_type InputFile::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (!status_.ok() || ended_) return traits_type::eof();
  std::string error;
  long n = reader_->Read(buffer_.data(), buffer_.size(), &error);
  if (n < 0) return Fail(error);
  if (!started_) {
    started_ = true;
    compressed_ = reader_->compressed();
    // An empty ".gz" too: gzip(1) calls it truncated, and so is a download cut to nothing.
    if (!compressed_ && EndsWithGz(path_)) return Fail(n > 0 ? "not gzip data" : "empty gzip file");
  }
  if (n == 0) {
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
