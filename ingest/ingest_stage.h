#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/stage_loop.h"

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

// The ingest stage in replay mode: reads every configured input to its end,
// parses each line with the input's format, sends the events in batches to
// the enrich endpoint and ends with an end-of-stream. An unreadable input is
// reported and skipped; the other inputs are still read. Runs on the calling
// thread. See ingest/README.md.
class IngestStage {
 public:
  IngestStage(const core::Config& config, core::StageLinks links)
      : config_(config), links_(std::move(links)) {}
  // Fails only if the stage cannot run at all (bad format name, transport).
  core::Status Run();
  const IngestStats& stats() const { return stats_; }

 private:
  const core::Config& config_;
  core::StageLinks links_;
  IngestStats stats_;
};

// The stable origin id of an input: events replayed from it get the same ids.
std::string InputOrigin(const core::InputConfig& input);

}  // namespace abuseflow::ingest
