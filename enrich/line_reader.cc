#include "enrich/line_reader.h"

#include "core/log.h"
#include "enrich/input_file.h"

namespace abuseflow::enrich {
namespace {

// Malformed lines logged per file; the rest are only counted.
constexpr uint64_t kMaxReported = 20;

// Reads one line of at most `max_line` bytes into *line. Returns false at the
// end of input; sets *overlong (and skips the rest) for a longer line.
bool NextLine(std::istream* in, size_t max_line, std::string* line, bool* overlong) {
  line->clear();
  *overlong = false;
  std::streambuf* buf = in->rdbuf();
  bool any = false;
  for (int c = buf->sbumpc(); c != std::char_traits<char>::eof(); c = buf->sbumpc()) {
    any = true;
    if (c == '\n') {
      if (!line->empty() && line->back() == '\r') line->pop_back();
      return true;
    }
    if (line->size() >= max_line) {
      *overlong = true;
      continue;  // drop the rest of the line, bounded memory
    }
    line->push_back(static_cast<char>(c));
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return any;
}

}  // namespace

core::Status ReadLines(std::istream* in, std::string_view name, size_t max_line,
                       const std::function<std::optional<std::string>(std::string_view)>& parse,
                       LineReadStats* stats) {
  auto log = core::Logger("enrich");
  uint64_t reported = 0;
  std::string line;
  bool overlong = false;
  uint64_t number = 0;
  while (in->rdbuf() != nullptr && NextLine(in, max_line, &line, &overlong)) {
    ++number;
    ++stats->lines;
    std::optional<std::string> error;
    if (overlong) {
      error = "line longer than " + std::to_string(max_line) + " bytes";
    } else {
      error = parse(line);
    }
    if (!error) continue;
    ++stats->malformed;
    if (reported++ < kMaxReported) log->warn("{}:{}: {}", name, number, *error);
  }
  if (reported > kMaxReported) {
    log->warn("file={} malformed={} (the first {} shown)", name, reported, kMaxReported);
  }
  if (in->bad()) return core::Status::IoError("cannot read " + std::string(name));
  return core::Status::Ok();
}

core::Status ReadLineFile(const std::string& path, std::string_view what, size_t max_line,
                          const std::function<std::optional<std::string>(std::string_view)>& parse,
                          LineReadStats* stats) {
  auto file = InputFile::Open(path, what);
  if (!file.ok()) return file.status();
  core::Status s = ReadLines((*file)->stream(), path, max_line, parse, stats);
  // The file's own error names the reason (a read error, a truncated .gz).
  if (!(*file)->status().ok()) return (*file)->status();
  return s;
}

}  // namespace abuseflow::enrich
