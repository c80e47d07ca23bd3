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
  stats->udp_drops = c.udp_drops;
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
  core::Counter* lines_total = nullptr;   // abuseflow_ingest_lines_total{format}
  core::Counter* events_total = nullptr;  // abuseflow_ingest_events_total{format}
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
    auto& registry = core::MetricsRegistry::Global();
    a.lines_total = &registry.GetCounter("abuseflow_ingest_lines_total", "Lines read, by input format",
                                         {{"format", in.format}});
    a.events_total = &registry.GetCounter("abuseflow_ingest_events_total", "Events parsed, by input format",
                                          {{"format", in.format}});
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

std::string JournalDir(const std::string& state_dir) { return state_dir + "/ingest/journal"; }

std::map<std::string, uint64_t> IngestStage::Positions(const std::vector<Active>& active) const {
  std::map<std::string, uint64_t> positions;
  for (const Active& a : active) {
    if (a.source && a.source->resume_position() > 0) positions[a.origin] = a.source->resume_position();
  }
  return positions;
}

// Once the journal is synced, every line the live inputs returned is durable:
// their positions are saved and the agents' batches acknowledged.
core::Status IngestStage::AfterSync(std::vector<Active>& active) {
  if (!stream_->synced()) return core::Status::Ok();
  for (Active& a : active) {
    if (!a.source) continue;
    if (core::Status c = a.source->Commit(); !c.ok()) {
      core::Logger("ingest")->error("cannot save input position input={} error=\"{}\"", a.origin, c.message());
      return c;
    }
  }
  for (const core::Received& r : agent_acks_) agents_->Ack(r);
  agent_acks_.clear();
  return core::Status::Ok();
}

// Journals the batch (if full, or always with `flush`); with `flush` the
// journal is synced and what credit allows is sent.
core::Status IngestStage::SendAndCommit(std::vector<Active>& active, bool flush) {
  if (batch_.events_size() > 0 && (flush || batch_full_)) {
    core::Status s = stream_->Append(&batch_, Positions(active));
    batch_.mutable_events()->Clear();
    batch_full_ = false;
    if (!s.ok()) return s;
  }
  if (flush) {
    if (core::Status s = stream_->Flush(); !s.ok()) return s;
  }
  if (core::Status s = AfterSync(active); !s.ok()) return s;
  return WaitForQuota(active);
}

// While the unacknowledged batches fill the journal's quota, inputs are not
// read: files and TCP senders wait, UDP datagrams queue in the kernel.
core::Status IngestStage::WaitForQuota(std::vector<Active>& active) {
  bool waited = false;
  while (stream_->over_quota()) {
    if (!waited) core::Logger("ingest")->warn("journal quota full, inputs wait for enrich");
    waited = true;
    if (core::StopRequested()) return core::Status::Unavailable("stop requested");
    if (core::Status s = stream_->Flush(); !s.ok()) return s;
    if (core::Status s = AfterSync(active); !s.ok()) return s;
    if (core::Status s = stream_->Pump(std::chrono::milliseconds(kIdleWaitMs)); !s.ok()) return s;
  }
  return stream_->Pump(std::chrono::milliseconds(0));
}

// An unfinished stream of an earlier run goes on: replayed inputs skip the
// lines already journaled.
core::Status IngestStage::Resume(std::vector<Active>& active) {
  if (!stream_->resuming()) return core::Status::Ok();
  auto log = core::Logger("ingest");
  log->info("resuming stream={} unacknowledged={} ended={}", stream_->cause_origin(),
            stream_->stats().resumed, stream_->ended());
  for (Active& a : active) {
    if (!a.source || a.done) continue;
    if (stream_->ended()) {
      a.done = true;
      continue;
    }
    auto it = stream_->positions().find(a.origin);
    if (it == stream_->positions().end()) continue;
    if (!a.source->Skip(it->second)) {
      log->warn("input shorter than when it was read input={} lines={}", a.origin, it->second);
      a.done = true;
    }
  }
  if (stream_->ended()) agents_ended_.clear();
  return core::Status::Ok();
}

core::Status IngestStage::HandleLine(Active& in, const SourceLine& line) {
  auto log = core::Logger("ingest");
  InputStats& stats = stats_.inputs[in.stats_index];
  ++stats.lines;
  in.lines_total->Increment();
  metrics_.events_in.Increment();
  v1::ProbeEvent* event = batch_.add_events();
  ParseResult result = line.too_long ? ParseResult{ParseOutcome::kRejected, kReasonTooLong}
                                     : in.parser->Parse(line.text, in.ctx, event);
  if (result.outcome != ParseOutcome::kEvent) {
    batch_.mutable_events()->RemoveLast();
    if (result.outcome == ParseOutcome::kNotProbe) {
      ++stats.not_probe;
      return core::Status::Ok();
    }
    uint64_t n = stats.rejected_total();
    ++stats.rejected[std::string(result.reason)];
    metrics_.RejectedFor(std::string(result.reason)).Increment();
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
  in.events_total->Increment();
  metrics_.events_out.Increment();
  batch_full_ = batch_.events_size() >= config_.ingest.batch_size;
  return core::Status::Ok();
}

// Journals the batches agents have pushed, as they are (their ids kept);
// each is acknowledged to its agent once the journal is synced. An agent's
// end of stream is acknowledged once ours is journaled.
core::Status IngestStage::PollAgents(int wait_ms, bool* got) {
  for (int i = 0; i < kBurst && AgentsOpen(); ++i) {
    std::optional<core::Received> r = agents_->Receive(std::chrono::milliseconds(i == 0 ? wait_ms : 0));
    if (!r) return core::Status::Ok();
    *got = true;
    if (r->envelope.has_end_of_stream()) {
      agents_ended_.insert_or_assign(r->envelope.origin(), std::move(*r));
      continue;
    }
    const auto n = static_cast<uint64_t>(r->envelope.events().events_size());
    if (n == 0) {
      agent_acks_.push_back(std::move(*r));
      continue;
    }
    stats_.inputs[agents_stats_].lines += n;
    stats_.inputs[agents_stats_].events += n;
    metrics_.events_in.Increment(n);
    metrics_.events_out.Increment(n);
    core::Status s = stream_->Append(r->envelope.mutable_events(), Positions(*active_));
    if (!s.ok()) return s;
    agent_acks_.push_back(std::move(*r));
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
    journal_bytes_.Set(static_cast<double>(stream_->unacked_bytes()));
    journal_batches_.Set(static_cast<double>(stream_->unacked_batches()));
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
  active_ = &active;
  StreamOptions options;
  options.dir = JournalDir(config_.state_dir);
  options.quota_bytes = config_.ingest.journal_quota_bytes;
  options.sender.security = links_.security;
  auto stream = JournaledStream::Open(*links_.context, links_.outputs, options);
  if (!stream.ok()) return stream.status();
  stream_ = std::move(stream).value();
  if (!links_.input.empty()) {
    auto agents = core::BatchReceiver::Bind(*links_.context, links_.input, links_.security);
    if (!agents.ok()) return agents.status();
    agents_ = std::move(agents).value();
    agents_stats_ = stats_.inputs.size();
    InputStats& agents_stats = stats_.inputs.emplace_back();
    agents_stats.path = links_.input;
    agents_stats.format = "agents";
  }
  if (core::Status s = Resume(active); !s.ok()) return s;
  core::Status pumped = stream_->ended() ? core::Status::Ok() : Pump(active);
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
  stream_stats_ = stream_->stats();
  if (!pumped.ok()) return pumped;
  if (core::Status s = SendAndCommit(active, true); !s.ok()) return s;
  core::Logger("ingest")->info("done lines={} events={} not_probe={} rejected={}", stats_.lines(),
                               stats_.events(), stats_.not_probe(), stats_.rejected());
  core::Status ended = stream_->End();
  stream_stats_ = stream_->stats();
  journal_bytes_.Set(static_cast<double>(stream_->unacked_bytes()));
  journal_batches_.Set(static_cast<double>(stream_->unacked_batches()));
  if (!ended.ok()) return ended;
  for (const auto& [origin, r] : agents_ended_) agents_->Ack(r);
  return core::Status::Ok();
}

}  // namespace abuseflow::ingest
