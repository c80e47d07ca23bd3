#include "ingest/input_source.h"

#include <sys/stat.h>

#include <filesystem>

#include "ingest/file_follower.h"
#include "ingest/line_reader.h"
#include "ingest/syslog_receiver.h"

namespace abuseflow::ingest {
namespace {

// A whole file (plain or gzip) or stdin, read once to its end.
class ReplaySource : public InputSource {
 public:
  ReplaySource(std::unique_ptr<LineReader> reader, std::string sensor, uint64_t size)
      : reader_(std::move(reader)), sensor_(std::move(sensor)), size_(size) {}
  SourceState Next(SourceLine* line, int /*wait_ms*/) override {
    if (!reader_->Next(&line->text, &line->too_long)) return SourceState::kEnd;
    line->seq = reader_->line_number();
    line->sensor = sensor_;
    return SourceState::kLine;
  }
  uint64_t resume_position() const override { return resumable_ ? reader_->line_number() : 0; }
  bool Skip(uint64_t lines) override {
    std::string_view text;
    bool too_long = false;
    while (reader_->line_number() < lines) {
      if (!reader_->Next(&text, &too_long)) return false;
    }
    return true;
  }
  void set_resumable(bool resumable) { resumable_ = resumable; }
  const core::Status& status() const override { return reader_->status(); }
  bool live() const override { return false; }
  uint64_t size_hint() const override { return size_; }
  SourceCounters counters() const override {
    SourceCounters c;
    c.bytes = reader_->bytes_read();
    return c;
  }

 private:
  std::unique_ptr<LineReader> reader_;
  std::string sensor_;
  uint64_t size_;
  bool resumable_ = false;
};

// The size of a plain regular file (a gzip file's bytes are not its lines').
uint64_t PlainFileSize(const std::string& path) {
  struct stat st {};
  if (path == "-" || stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return 0;
  int a = std::fgetc(f), b = std::fgetc(f);
  std::fclose(f);
  return a == 0x1f && b == 0x8b ? 0 : static_cast<uint64_t>(st.st_size);
}

}  // namespace

core::Result<std::unique_ptr<InputSource>> OpenInputSource(const core::InputConfig& input,
                                                           const std::string& origin,
                                                           const std::string& state_dir) {
  auto store = std::make_unique<OffsetStore>(
      (std::filesystem::path(state_dir) / "ingest" / "positions").string(), origin);
  if (!input.listen.empty()) {
    auto receiver = SyslogReceiver::Listen(input.listen, input.max_message_size, std::move(store));
    if (!receiver.ok()) return receiver.status();
    return std::unique_ptr<InputSource>(std::move(receiver).value());
  }
  const std::string sensor =
      input.path == "-" ? "stdin" : std::filesystem::path(input.path).stem().string();
  if (input.follow) {
    auto follower = FileFollower::Open(input.path, sensor, std::move(store));
    if (!follower.ok()) return follower.status();
    return std::unique_ptr<InputSource>(std::move(follower).value());
  }
  auto reader = LineReader::Open(input.path);
  if (!reader.ok()) return reader.status();
  auto replay = std::make_unique<ReplaySource>(std::move(reader).value(), sensor, PlainFileSize(input.path));
  replay->set_resumable(input.path != "-");
  return std::unique_ptr<InputSource>(std::move(replay));
}

}  // namespace abuseflow::ingest
