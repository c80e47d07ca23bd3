#pragma once

#include <cstdint>
#include <map>
#include <ostream>
#include <string>

#include "core/config.h"
#include "core/result.h"
#include "notify/dshield_export.h"

namespace abuseflow::notify {

// What an export read and wrote.
struct DShieldReplayStats {
  uint64_t inputs = 0;     // inputs read
  uint64_t lines = 0;      // lines read
  uint64_t events = 0;     // lines the parsers made an event of
  uint64_t written = 0;    // DShield lines written
  uint64_t not_probe = 0;  // lines that are no probe
  uint64_t rejected = 0;   // lines a parser rejected (too long, malformed, ...)
  uint64_t listeners = 0;  // syslog inputs (`listen`), not read: there is nothing to replay
  std::map<std::string, uint64_t> skipped;  // events without a line, per reason (kDShieldNo...)
};

// Replays every file input of `config` ([[ingest.input]] with a path, in
// order; `follow` ones as far as they are written now) through its
// format's parser with the input's time settings, as ingest does, and
// writes one DShieldLine per event, each ending in "\n", to *out. Reads
// the sensor logs, not the state: every event with its own ports,
// protocol and time (dedup's history keeps only counts and a few sample
// lines). Memory is bounded by one line. Fails with InvalidArgument for an
// unknown format, IoError when an input cannot be read or *out fails.
core::Result<DShieldReplayStats> ReplayToDShield(const core::Config& config,
                                                 const DShieldOptions& options, std::ostream* out);

}  // namespace abuseflow::notify
