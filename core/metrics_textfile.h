#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/metrics.h"
#include "core/result.h"

namespace abuseflow::core {

// Writes the registry's text (the same as GET /metrics) to a file, for the
// node exporter's textfile collector and for replays that end before anyone
// scrapes them: every `interval` on its own thread, and once more when
// destroyed, so the file ends with the process's final counts. Each write
// goes to PATH.tmp and is renamed over PATH, so a reader never sees half a
// file. A failed write is logged (once per failure streak) and retried at
// the next interval; it never stops the process.
class MetricsTextfile {
 public:
  // Fails if the file cannot be written now (folder missing, no permission).
  static Result<std::unique_ptr<MetricsTextfile>> Start(std::string path,
                                                        std::chrono::milliseconds interval,
                                                        const MetricsRegistry* registry);
  ~MetricsTextfile();
  MetricsTextfile(const MetricsTextfile&) = delete;
  MetricsTextfile& operator=(const MetricsTextfile&) = delete;

  // Writes the file now.
  Status Write() const;

 private:
  MetricsTextfile(std::string path, std::chrono::milliseconds interval, const MetricsRegistry* registry)
      : path_(std::move(path)), interval_(interval), registry_(registry) {}
  void Loop();

  std::string path_;
  std::chrono::milliseconds interval_;
  const MetricsRegistry* registry_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace abuseflow::core
