#include "ingest/ingest_stage.h"

#include <ctime>
#include <filesystem>

#include "core/log.h"
#include "core/time_format.h"
#include "ingest/line_parser.h"
#include "ingest/line_reader.h"

namespace abuseflow::ingest {
namespace {

constexpr int kLoggedRejectsPerInput = 5;

int CurrentYear() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  return tm.tm_year + 1900;
}

ParseContext ContextFor(const core::InputConfig& in) {
  ParseContext ctx;
  ctx.sensor = in.sensor;
  ctx.default_year = in.year != 0 ? in.year : CurrentYear();
  ctx.utc_offset_minutes = in.utc_offset_minutes;
  ctx.tz_name = in.tz_name;
  return ctx;
}

// Sends full batches; the caller flushes the last one.
class Batcher {
 public:
  Batcher(core::BatchSender* sender, int size) : sender_(sender), size_(size) {}
  v1::ProbeEvent* Next() { return envelope_.mutable_events()->add_events(); }
  void DropLast() { envelope_.mutable_events()->mutable_events()->RemoveLast(); }
  core::Status MaybeSend() {
    return envelope_.events().events_size() >= size_ ? Flush() : core::Status::Ok();
  }
  core::Status Flush() {
    if (envelope_.events().events_size() == 0) return core::Status::Ok();
    core::Status s = sender_->Send(&envelope_);
    envelope_.Clear();
    return s;
  }

 private:
  core::BatchSender* sender_;
  int size_;
  v1::Envelope envelope_;
};

core::Status ReadInput(const core::InputConfig& in, const LineParser& parser, Batcher& batcher,
                       InputStats* stats) {
  auto log = core::Logger("ingest");
  auto reader = LineReader::Open(in.path);
  if (!reader.ok()) {
    stats->error = reader.status().message();
    log->error("input skipped error=\"{}\"", stats->error);
    return core::Status::Ok();
  }
  const ParseContext ctx = ContextFor(in);
  const std::string origin = InputOrigin(in);
  const std::string fallback_sensor =
      in.path == "-" ? "stdin" : std::filesystem::path(in.path).stem().string();
  std::string_view line;
  bool too_long = false;
  while ((*reader)->Next(&line, &too_long)) {
    ++stats->lines;
    ParseResult result;
    v1::ProbeEvent* event = batcher.Next();
    if (too_long) {
      result = {ParseOutcome::kRejected, "too-long"};
    } else {
      result = parser.Parse(line, ctx, event);
    }
    if (result.outcome != ParseOutcome::kEvent) {
      batcher.DropLast();
      if (result.outcome == ParseOutcome::kNotProbe) {
        ++stats->not_probe;
        continue;
      }
      uint64_t n = stats->rejected_total();
      ++stats->rejected[std::string(result.reason)];
      if (n < kLoggedRejectsPerInput) {
        log->warn("line rejected file={} line={} reason={} text=\"{}\"", in.path,
                  (*reader)->line_number(), result.reason, line.substr(0, 160));
      } else if (n == kLoggedRejectsPerInput) {
        log->warn("further rejected lines of file={} are counted, not logged", in.path);
      }
      continue;
    }
    if (event->sensor().empty()) event->set_sensor(fallback_sensor);
    event->mutable_id()->set_origin(origin);
    event->mutable_id()->set_seq((*reader)->line_number());
    ++stats->events;
    if (core::Status s = batcher.MaybeSend(); !s.ok()) return s;
  }
  stats->bytes = (*reader)->bytes_read();
  if (!(*reader)->status().ok()) {
    stats->error = (*reader)->status().message();
    log->error("input ended early file={} line={} error=\"{}\"", in.path, (*reader)->line_number(),
               stats->error);
  }
  return core::Status::Ok();
}

}  // namespace

uint64_t InputStats::rejected_total() const {
  uint64_t n = 0;
  for (const auto& [reason, count] : rejected) n += count;
  return n;
}

#define AF_SUM(field_expr)                                   \
  uint64_t n = 0;                                            \
  for (const InputStats& in : inputs) n += in.field_expr;    \
  return n

uint64_t IngestStats::events() const { AF_SUM(events); }
uint64_t IngestStats::lines() const { AF_SUM(lines); }
uint64_t IngestStats::rejected() const { AF_SUM(rejected_total()); }
uint64_t IngestStats::not_probe() const { AF_SUM(not_probe); }
#undef AF_SUM

bool IngestStats::any_input_failed() const {
  for (const InputStats& in : inputs) {
    if (!in.error.empty()) return true;
  }
  return false;
}

std::string InputOrigin(const core::InputConfig& input) {
  return input.format + ":" + (input.path == "-" ? "stdin" : input.path);
}

core::Status IngestStage::Run() {
  std::vector<std::unique_ptr<LineParser>> parsers;
  for (const core::InputConfig& in : config_.ingest.inputs) {
    parsers.push_back(MakeParser(in.format));
    if (!parsers.back()) {
      return core::Status::InvalidArgument("input " + in.path + ": unknown format '" + in.format + "'");
    }
  }
  auto sender = core::BatchSender::Connect(*links_.context, links_.output, "ingest");
  if (!sender.ok()) return sender.status();
  Batcher batcher(sender->get(), config_.ingest.batch_size);
  for (size_t i = 0; i < parsers.size(); ++i) {
    const core::InputConfig& in = config_.ingest.inputs[i];
    InputStats& stats = stats_.inputs.emplace_back();
    stats.path = in.path;
    stats.format = in.format;
    if (core::Status s = ReadInput(in, *parsers[i], batcher, &stats); !s.ok()) return s;
  }
  if (core::Status s = batcher.Flush(); !s.ok()) return s;
  core::Logger("ingest")->info("done lines={} events={} not_probe={} rejected={}", stats_.lines(),
                               stats_.events(), stats_.not_probe(), stats_.rejected());
  return (*sender)->SendEndOfStream();
}

}  // namespace abuseflow::ingest
