#include "ingest/ingest_stage.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>
#include <thread>

#include "core/log.h"
#include "core/shutdown.h"
#include "ingest/input_source.h"
#include "ingest/line_parser.h"
#include "ingest/progress_meter.h"

namespace abuseflow::ingest {
namespace {

constexpr int kLoggedRejectsPerInput = 5;
constexpr int kBurst = 256;       // lines from one input before the next gets its turn
constexpr int kIdleWaitMs = 50;   // poll interval while every input is idle

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
  ConfigureContext(in, &ctx);  // time zone, year inference, host resolution (input_context.cc)
  return ctx;
}

void CopyCounters(const InputSource& source, InputStats* stats) {
  SourceCounters c = source.counters();
  stats->bytes = c.bytes;
  stats->oversize = c.oversize;
  stats->framing_errors = c.framing_errors;
  stats->rotations = c.rotations;
  stats->truncations = c.truncations;
}

}  // namespace

// One input being read.
struct IngestStage::Active {
  const core::InputConfig* config;
  std::unique_ptr<LineParser> parser;
  std::unique_ptr<InputSource> source;
  ParseContext ctx;
  std::string origin;
  size_t stats_index;
  bool done = false;
};

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
  if (!input.listen.empty()) return input.format + ":" + input.listen;
  return input.format + ":" + (input.path == "-" ? "stdin" : input.path);
}

bool HasLiveInputs(const core::Config& config) {
  for (const core::InputConfig& in : config.ingest.inputs) {
    if (in.follow || !in.listen.empty()) return true;
  }
  return false;
}

core::Status IngestStage::OpenInputs(std::vector<Active>* active) {
  for (const core::InputConfig& in : config_.ingest.inputs) {
    Active a{&in, MakeParser(in.format, config_.ingest.formats), nullptr, ContextFor(in), InputOrigin(in), stats_.inputs.size()};
    if (!a.parser) {
      return core::Status::InvalidArgument("input " + a.origin + ": unknown format '" + in.format + "'");
    }
    InputStats& stats = stats_.inputs.emplace_back();
    stats.path = in.listen.empty() ? in.path : in.listen;
    stats.format = in.format;
    active->push_back(std::move(a));
  }
  for (Active& a : *active) {
    auto source = OpenInputSource(*a.config, a.origin, config_.state_dir);
    if (!source.ok()) {
      stats_.inputs[a.stats_index].error = source.status().message();
      core::Logger("ingest")->error("input skipped error=\"{}\"", source.status().message());
      a.done = true;
      continue;
    }
    a.source = std::move(source).value();
  }
  return core::Status::Ok();
}

// Sends the batch (if full, or always with `flush`), then saves every live
// input's position: at that moment every line they returned is in a sent
// batch or was no event.
core::Status IngestStage::SendAndCommit(std::vector<Active>& active, bool flush) {
  if (envelope_.events().events_size() == 0 || (!flush && !batch_full_)) return core::Status::Ok();
  core::Status s = sender_->Send(&envelope_);
  // Clearing the repeated field keeps its events allocated for the next batch;
  // Envelope::Clear() would free the whole oneof body and every event in it.
  envelope_.mutable_events()->mutable_events()->Clear();
  batch_full_ = false;
  if (!s.ok()) return s;
  for (Active& a : active) {
    if (!a.source) continue;
    if (core::Status c = a.source->Commit(); !c.ok()) {
      core::Logger("ingest")->error("cannot save input position input={} error=\"{}\"", a.origin, c.message());
      return c;
    }
  }
  return core::Status::Ok();
}

core::Status IngestStage::HandleLine(Active& in, const SourceLine& line) {
  auto log = core::Logger("ingest");
  InputStats& stats = stats_.inputs[in.stats_index];
  ++stats.lines;
  v1::ProbeEvent* event = envelope_.mutable_events()->add_events();
  ParseResult result = line.too_long ? ParseResult{ParseOutcome::kRejected, kReasonTooLong}
                                     : in.parser->Parse(line.text, in.ctx, event);
  if (result.outcome != ParseOutcome::kEvent) {
    envelope_.mutable_events()->mutable_events()->RemoveLast();
    if (result.outcome == ParseOutcome::kNotProbe) {
      ++stats.not_probe;
      return core::Status::Ok();
    }
    uint64_t n = stats.rejected_total();
    ++stats.rejected[std::string(result.reason)];
    if (n < kLoggedRejectsPerInput) {
      log->warn("line rejected file={} line={} reason={} text=\"{}\"", stats.path, line.seq, result.reason,
                line.text.substr(0, 160));
    } else if (n == kLoggedRejectsPerInput) {
      log->warn("further rejected lines of file={} are counted, not logged", stats.path);
    }
    return core::Status::Ok();
  }
  if (event->sensor().empty()) event->set_sensor(std::string(line.sensor));
  event->mutable_id()->set_origin(in.origin);
  event->mutable_id()->set_seq(line.seq);
  ++stats.events;
  batch_full_ = envelope_.events().events_size() >= config_.ingest.batch_size;
  return core::Status::Ok();
}

// Forwards the batches agents have pushed, as they are (their ids kept).
core::Status IngestStage::PollAgents(int wait_ms, bool* got) {
  for (int i = 0; i < kBurst && AgentsOpen(); ++i) {
    std::optional<v1::Envelope> envelope = agents_->Receive(std::chrono::milliseconds(i == 0 ? wait_ms : 0));
    if (!envelope) return core::Status::Ok();
    *got = true;
    if (envelope->has_end_of_stream()) {
      ++agents_ended_;
      continue;
    }
    const auto n = static_cast<uint64_t>(envelope->events().events_size());
    if (n == 0) continue;
    stats_.inputs[agents_stats_].lines += n;
    stats_.inputs[agents_stats_].events += n;
    if (core::Status s = sender_->Send(&*envelope); !s.ok()) return s;
  }
  return core::Status::Ok();
}

core::Status IngestStage::Pump(std::vector<Active>& active) {
  uint64_t total = 0;
  int receivers = 0;
  for (const Active& a : active) {
    if (a.source) total += a.source->size_hint();
    if (a.source && !a.config->listen.empty()) ++receivers;
  }
  ProgressMeter progress(total, isatty(STDERR_FILENO) == 1 && !HasLiveInputs(config_));
  bool idle = false;
  while (true) {
    if (core::StopRequested()) return core::Status::Unavailable("stop requested");
    if (core::DrainRequested()) return core::Status::Ok();
    bool any_line = false, any_open = false;
    uint64_t bytes = 0;
    for (Active& a : active) {
      if (a.done) continue;
      any_open = true;
      int wait = idle && !a.config->listen.empty() ? std::max(1, kIdleWaitMs / receivers) : 0;
      for (int k = 0; k < kBurst; ++k) {
        SourceLine line;
        SourceState state = a.source->Next(&line, wait);
        if (state == SourceState::kIdle) break;
        if (state == SourceState::kEnd) {
          a.done = true;
          break;
        }
        any_line = true;
        if (core::Status s = HandleLine(a, line); !s.ok()) return s;
        if (core::Status s = SendAndCommit(active, false); !s.ok()) return s;
      }
    }
    for (const Active& a : active) bytes += a.source ? a.source->counters().bytes : 0;
    progress.Update(bytes, stats_.lines());
    if (core::Status s = PollAgents(idle ? kIdleWaitMs : 0, &any_line); !s.ok()) return s;
    if (!any_open && !AgentsOpen()) break;
    idle = !any_line;
    if (!idle) continue;
    if (core::Status s = SendAndCommit(active, true); !s.ok()) return s;
    if (receivers == 0 && !agents_) std::this_thread::sleep_for(std::chrono::milliseconds(kIdleWaitMs));
  }
  progress.Finish();
  return core::Status::Ok();
}

core::Status IngestStage::Run() {
  std::vector<Active> active;
  if (core::Status s = OpenInputs(&active); !s.ok()) return s;
  auto sender = core::BatchSender::Connect(*links_.context, links_.output, "ingest");
  if (!sender.ok()) return sender.status();
  sender_ = std::move(sender).value();
  if (!links_.input.empty()) {
    auto agents = core::BatchReceiver::Bind(*links_.context, links_.input);
    if (!agents.ok()) return agents.status();
    agents_ = std::move(agents).value();
    agents_stats_ = stats_.inputs.size();
    InputStats& agents_stats = stats_.inputs.emplace_back();
    agents_stats.path = links_.input;
    agents_stats.format = "agents";
  }
  core::Status pumped = Pump(active);
  for (Active& a : active) {
    if (!a.source) continue;
    InputStats& stats = stats_.inputs[a.stats_index];
    CopyCounters(*a.source, &stats);
    if (!a.source->status().ok() && stats.error.empty()) {
      stats.error = a.source->status().message();
      core::Logger("ingest")->error("input ended early input={} line={} error=\"{}\"", a.origin, stats.lines,
                                    stats.error);
    }
  }
  if (!pumped.ok()) return pumped;
  if (core::Status s = SendAndCommit(active, true); !s.ok()) return s;
  core::Logger("ingest")->info("done lines={} events={} not_probe={} rejected={}", stats_.lines(),
                               stats_.events(), stats_.not_probe(), stats_.rejected());
  return sender_->SendEndOfStream();
}

}  // namespace abuseflow::ingest
