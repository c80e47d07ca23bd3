#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/stage_metrics.h"
#include "core/stage_links.h"
#include "core/transport.h"
#include "ingest/input_source.h"
#include "ingest/journaled_stream.h"

namespace abuseflow::ingest {

// What happened to one input.
struct InputStats {
  std::string path;
  std::string format;
  uint64_t lines = 0;
  uint64_t bytes = 0;
  uint64_t events = 0;     // lines that became events and were forwarded
  uint64_t not_probe = 0;  // well-formed lines that record no probe (counted, not forwarded)
  std::map<std::string, uint64_t> rejected;  // malformed lines by reason
  uint64_t oversize = 0;   // syslog messages over max_message_size (rejected, counted)
  uint64_t framing_errors = 0;  // broken RFC 6587 framing on a TCP connection
  uint64_t udp_drops = 0;  // syslog over UDP: datagrams the kernel dropped (buffer full), lost
  uint64_t rotations = 0;  // followed file: rename rotations (new file at the path)
  uint64_t truncations = 0;  // followed file: copytruncate rotations (read again from 0)
  std::string error;       // set if the input could not be read (to its end)
  uint64_t rejected_total() const;
};

struct IngestStats {
  std::vector<InputStats> inputs;
  uint64_t events() const;
  uint64_t lines() const;
  uint64_t rejected() const;
  uint64_t not_probe() const;
  bool any_input_failed() const;
};

// Where the ingest journal lives (docs/guarantees.md).
std::string JournalDir(const std::string& state_dir);

// The ingest stage: reads every configured input (replayed files to their
// end; followed files and syslog receivers until a drain or stop is
// requested, see core/shutdown.h), polling them in turn, parses each line
// with the input's format, sends the events in batches to the enrich
// endpoint and ends with an end-of-stream. A batch is sent when full or when
// every input is idle; after each send the live inputs' positions are saved.
// An unreadable input is reported and skipped; the other inputs are still
// read. With links.input set (a central ingest), it also binds that endpoint
// and forwards the event batches remote agents (`abuseflow ingest` on sensor
// hosts) push to it, until links.producers of them have ended their streams.
// Shows progress on stderr if it is a terminal. Runs on the calling thread.
// See ingest/README.md.
class IngestStage {
 public:
  IngestStage(const core::Config& config, core::StageLinks links)
      : config_(config), links_(std::move(links)), metrics_("ingest") {}
  // Call once. Fails if the stage cannot run at all (bad format name,
  // transport, agents endpoint taken), a live input's position cannot be
  // saved, or a stop was requested (Unavailable); a drain ends it with Ok.
  core::Status Run();
  const IngestStats& stats() const { return stats_; }
  // The journal's figures, after Run.
  const StreamStats& stream_stats() const { return stream_stats_; }

 private:
  struct Active;
  core::Status OpenInputs(std::vector<Active>* active);
  core::Status Pump(std::vector<Active>& active);
  core::Status HandleLine(Active& in, const SourceLine& line);
  core::Status SendAndCommit(std::vector<Active>& active, bool flush);
  core::Status PollAgents(int wait_ms, bool* got);
  core::Status AfterSync(std::vector<Active>& active);
  core::Status WaitForQuota(std::vector<Active>& active);
  core::Status Resume(std::vector<Active>& active);
  std::map<std::string, uint64_t> Positions(const std::vector<Active>& active) const;
  bool AgentsOpen() const { return agents_ && static_cast<int>(agents_ended_.size()) < links_.producers; }

  const core::Config& config_;
  core::StageLinks links_;
  IngestStats stats_;
  std::unique_ptr<JournaledStream> stream_;
  v1::EventBatch batch_;  // the batch being filled
  bool batch_full_ = false;
  std::unique_ptr<core::BatchReceiver> agents_;  // bound to links_.input, if set
  std::vector<core::Received> agent_acks_;       // agents' batches journaled, to acknowledge once synced
  std::map<std::string, core::Received> agents_ended_;  // agents' ends of stream, acknowledged with ours
  size_t agents_stats_ = 0;
  StreamStats stream_stats_;
  const std::vector<Active>* active_ = nullptr;  // the inputs, for the positions of agents' batches
  core::StageMetrics metrics_;
  core::Gauge& journal_bytes_ = core::MetricsRegistry::Global().GetGauge(
      "abuseflow_ingest_journal_unacked_bytes", "Bytes of batches in the ingest journal not yet acknowledged");
  core::Gauge& journal_batches_ = core::MetricsRegistry::Global().GetGauge(
      "abuseflow_ingest_journal_unacked_batches", "Batches in the ingest journal not yet acknowledged");
};

// The stable origin id of an input: events replayed from it get the same ids.
std::string InputOrigin(const core::InputConfig& input);

// True if some input never ends by itself (follow or listen): such a pipeline
// runs until SIGINT/SIGTERM and should install the drain handlers.
bool HasLiveInputs(const core::Config& config);

}  // namespace abuseflow::ingest
