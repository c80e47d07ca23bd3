#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/config.h"
#include "core/metrics.h"
#include "core/result.h"

namespace abuseflow::core {

// Whether this process is healthy, as GET /health reports it: healthy until
// something calls SetUnhealthy(), and while no stop or drain is requested
// (core/shutdown.h). Thread-safe.
class HealthState {
 public:
  static HealthState& Global();  // the one GET /health serves by default

  // The stage names this process runs ("ingest", ... or all four for `run`).
  void SetStages(std::vector<std::string> stages);
  // Marks the process unhealthy with the reason shown by /health (503); the
  // first reason is kept until SetHealthy().
  void SetUnhealthy(const std::string& reason);
  void SetHealthy();

  struct Snapshot {
    bool healthy = true;
    std::string reason;  // empty when healthy
    std::vector<std::string> stages;
  };
  Snapshot Get() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> stages_;
  std::string reason_;
};

// HealthState::Global().SetUnhealthy(reason): for stages that find they cannot
// go on (a full disk, a corrupt database) while the process still runs.
void SetUnhealthy(const std::string& reason);

struct MetricsServerOptions {
  std::string listen;  // "HOST:PORT" or "[V6]:PORT"; port 0 picks a free one; required
  MetricsRegistry* registry = &MetricsRegistry::Global();  // must outlive the server
  HealthState* health = &HealthState::Global();            // must outlive the server
  size_t max_request_bytes = 8192;  // a longer request head gets 431 and is closed
  int request_timeout_ms = 2000;    // a request not complete by then gets 408 and is closed
};

// A small HTTP/1.1 server on its own thread, serving
//   GET /metrics  200, the registry in the Prometheus text format 0.0.4
//   GET /health   200 {"status":"ok",...} or 503 {"status":"unhealthy","reason":...}
// HEAD is answered like GET without a body; another path gets 404, another
// method 405, a malformed request 400. One request per connection, served one
// connection at a time, each bounded by max_request_bytes and
// request_timeout_ms, so a slow or hostile client delays a scrape by at most
// the timeout and costs bounded memory. Every answer is counted in
// abuseflow_metrics_http_responses_total{code}.
//
// Lifetime: Start() binds and starts the thread; the destructor stops it (at
// once, also in the middle of a slow request) and closes the socket.
class MetricsServer {
 public:
  // Fails when `listen` is malformed or cannot be bound (in use, no address).
  static Result<std::unique_ptr<MetricsServer>> Start(MetricsServerOptions options);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }  // the bound port (useful with port 0)

  using Clock = std::chrono::steady_clock;

 private:
  MetricsServer(MetricsServerOptions options, int listen_fd, int wake_fd, int port);
  void Loop();
  void Serve(int fd);
  int ReadHead(int fd, Clock::time_point deadline, std::string* head);
  bool SendAll(int fd, Clock::time_point deadline, const std::string& out);
  std::string Respond(const std::string& request, bool* head_only);
  std::string HealthBody(int* code) const;

  MetricsServerOptions options_;
  int listen_fd_;
  int wake_fd_;  // eventfd: written by the destructor to stop the loop
  int port_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Starts the endpoint of `[metrics] listen` for a process running `stages`,
// with the process-level metrics registered and the stage names given to
// HealthState::Global(). An empty `listen` (the default) starts nothing and
// returns a null pointer. Keep the result alive for as long as it should serve.
Result<std::unique_ptr<MetricsServer>> StartMetricsServer(const MetricsConfig& config,
                                                          const std::vector<std::string>& stages);

}  // namespace abuseflow::core
