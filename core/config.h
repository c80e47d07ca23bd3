#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace abuseflow::core {

// One sensor log to read ([[ingest.input]]).
struct InputConfig {
  std::string format;             // parser name, e.g. "apache", "netfilter"; required
  std::string path;               // file to replay, "-" for stdin; required
  std::string sensor;             // sensor name; default: the log's own host field, else the file name
  int year = 0;                   // year for stamps without one; default 0 = the current UTC year
  int utc_offset_minutes = 0;     // offset of stamps without one; "utc_offset" = "-04:00"; default UTC
  std::string tz_name = "UTC";    // label quoted in notices, e.g. "EDT"; default "UTC"
};

struct IngestConfig {
  std::vector<InputConfig> inputs;
  int batch_size = 512;           // events per transport message; default 512
};

struct EnrichConfig {
  std::vector<std::string> registry;  // offline RPSL files, asked in order; default none
};

struct DedupConfig {
  int sample_lines = 5;           // raw lines kept per address; default 5
  int max_line_length = 1024;     // longer kept lines are cut, marked with "..."; default 1024
};

struct NotifyConfig {
  std::string outbox = "outbox";  // folder for .eml files; default "outbox" beside the state
  int64_t window_us = 86400LL * 1000000;  // batching window ("window" = "24h"); default 24 hours
  std::string from = "abuse-reports@localhost";  // sender mailbox; default shown
  std::string site = "our network";  // site name quoted in notices
  std::string signature;          // signature block appended to every notice
  std::string template_path;      // mustache template; default the built-in one
};

// Where each stage's receiving socket binds; upstream stages connect there.
// Used by the per-stage processes; `run` uses inproc:// endpoints instead.
struct EndpointsConfig {
  std::string enrich = "tcp://127.0.0.1:7301";
  std::string dedup = "tcp://127.0.0.1:7302";
  std::string notify = "tcp://127.0.0.1:7303";
};

// The whole configuration file. Relative paths are resolved against the
// directory of the file they were read from.
struct Config {
  std::string state_dir = "state";  // durable state (history, caches); default "state"
  IngestConfig ingest;
  EnrichConfig enrich;
  DedupConfig dedup;
  NotifyConfig notify;
  EndpointsConfig endpoints;
};

// Reads and validates a TOML config file. Unknown keys, wrong types and bad
// values are errors that name the key and the file position.
Result<Config> LoadConfig(const std::string& path);
// Same, from text; relative paths are resolved against `base_dir`.
Result<Config> ParseConfig(const std::string& text, const std::string& base_dir,
                           const std::string& source_name = "config");

// "90s", "15m", "24h", "7d" to microseconds; nullopt-equivalent error otherwise.
Result<int64_t> ParseDuration(const std::string& text);
// "+05:30", "-04:00", "Z" to minutes east of UTC.
Result<int> ParseUtcOffset(const std::string& text);

}  // namespace abuseflow::core
