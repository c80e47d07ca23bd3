#include "notify/mailbox_reader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

namespace abuseflow::notify {
namespace {

namespace fs = std::filesystem;

core::Status ReadMaildir(const fs::path& dir, size_t max_bytes, uint64_t* skipped,
                         const std::function<bool(const std::string&, std::string_view)>& fn) {
  std::vector<fs::path> files;
  std::error_code ec;
  std::vector<fs::path> folders = {dir / "new", dir / "cur"};
  if (!fs::is_directory(folders[0], ec) && !fs::is_directory(folders[1], ec)) folders = {dir};
  for (const fs::path& folder : folders) {
    if (!fs::is_directory(folder, ec)) continue;
    for (const auto& entry : fs::directory_iterator(folder, ec)) {
      if (entry.is_regular_file(ec) && !entry.path().filename().string().starts_with(".")) {
        files.push_back(entry.path());
      }
    }
    if (ec) return core::Status::IoError("cannot list " + folder.string() + ": " + ec.message());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    if (fs::file_size(file, ec) > max_bytes) {
      ++*skipped;
      continue;
    }
    std::ifstream in(file, std::ios::binary);
    if (!in.is_open()) return core::Status::IoError("cannot read " + file.string());
    std::string raw{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!fn(file.string(), raw)) break;
  }
  return core::Status::Ok();
}

// Reads an mbox line by line, so memory stays bounded by one message.
core::Status ReadMbox(const std::string& path, size_t max_bytes, uint64_t* skipped,
                      const std::function<bool(const std::string&, std::string_view)>& fn) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return core::Status::IoError("cannot read " + path);
  std::string message, line;
  bool started = false, too_big = false, previous_blank = true;
  int n = 0;
  auto finish = [&]() {
    bool go_on = true;
    if (started && too_big) ++*skipped;
    if (started && !too_big) go_on = fn(path + "#" + std::to_string(++n), message);
    message.clear();
    too_big = false;
    return go_on;
  };
  while (std::getline(in, line)) {
    if (previous_blank && line.starts_with("From ")) {
      if (!finish()) return core::Status::Ok();
      started = true;
      previous_blank = false;
      continue;
    }
    previous_blank = line.empty() || line == "\r";
    if (!started) continue;
    size_t quotes = line.find_first_not_of('>');
    if (quotes != std::string::npos && quotes > 0 && line.compare(quotes, 5, "From ") == 0) {
      line.erase(0, 1);
    }
    if (message.size() + line.size() + 1 > max_bytes) too_big = true;
    if (!too_big) message += line + "\n";
  }
  if (in.bad()) return core::Status::IoError("cannot read " + path);
  finish();
  return core::Status::Ok();
}

}  // namespace

core::Status ForEachMessage(const std::string& path, size_t max_message_bytes, uint64_t* skipped,
                            const std::function<bool(const std::string&, std::string_view)>& fn) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) return ReadMaildir(path, max_message_bytes, skipped, fn);
  if (!fs::exists(path, ec)) return core::Status::IoError("no mailbox at " + path);
  return ReadMbox(path, max_message_bytes, skipped, fn);
}

}  // namespace abuseflow::notify
