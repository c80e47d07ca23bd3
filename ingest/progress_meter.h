#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace abuseflow::ingest {

// The progress line of a long replay on stderr:
//   "ingest: 41.9 MB of 120.0 MB (34%), 512340 lines, 180411 lines/s, 0:07 left"
// drawn at the first Update(), redrawn in place ("\r") at most twice a
// second, and drawn a last time with a newline by Finish(). Does nothing
// unless `enabled` (the stage enables it when stderr is a terminal and every
// input is a replay). Not thread-safe.
class ProgressMeter {
 public:
  ProgressMeter(uint64_t total_bytes, bool enabled);
  void Update(uint64_t bytes, uint64_t lines);
  void Finish();

  // The text of one progress line; `total_bytes` 0 means unknown (stdin,
  // gzip): then no percentage or time left. Pure.
  static std::string Format(uint64_t bytes, uint64_t total_bytes, uint64_t lines, double seconds);

 private:
  using Clock = std::chrono::steady_clock;
  uint64_t total_;
  bool enabled_;
  void Draw();
  uint64_t bytes_ = 0;
  uint64_t lines_ = 0;
  Clock::time_point start_ = Clock::now();
  Clock::time_point last_ = start_;
};

}  // namespace abuseflow::ingest
