#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace prometheus {
class Counter;
class Gauge;
}  // namespace prometheus

namespace abuseflow::core {

// Label name -> value pairs of one time series, e.g. {{"stage", "enrich"}}.
// Order does not matter: the registry keeps them sorted by name.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

namespace detail {
struct MetricFamilies;  // the prometheus-cpp registry and its families (core/metrics.cc)
}

// A monotonically increasing count (Prometheus "counter"), one series of a
// prometheus-cpp family. Increments are lock-free and safe from any thread.
class Counter {
 public:
  explicit Counter(prometheus::Counter* series) : series_(series) {}
  void Increment(uint64_t n = 1);
  uint64_t value() const;

 private:
  prometheus::Counter* series_;  // owned by its family
};

// A value that goes up and down (Prometheus "gauge"): queue depths, cache
// sizes, timestamps. Lock-free, safe from any thread.
class Gauge {
 public:
  explicit Gauge(prometheus::Gauge* series) : series_(series) {}
  void Set(double v);
  void Add(double d);
  double value() const;

 private:
  prometheus::Gauge* series_;  // owned by its family
};

// A set of named counters and gauges with labels, kept in a prometheus-cpp
// registry and rendered in the Prometheus text exposition format 0.0.4 by
// its serializer (docs/operations.md lists the names).
//
// Registration (Get*/Register*) takes a mutex and is thread-safe; it returns
// the same object for the same name and labels, so two stages asking for
// one series share it. Returned pointers and references stay valid for the
// registry's lifetime (the global one lives until exit); updating them takes
// no lock. Render() takes the mutex and reads every value once.
//
// Errors: a name that is not [a-zA-Z_:][a-zA-Z0-9_:]*, a label name that is not
// [a-zA-Z_][a-zA-Z0-9_]* or starts with "__", a label repeated, or a name
// registered before as the other type or with another help text.
class MetricsRegistry {
 public:
  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The process-wide registry that the metrics endpoint serves.
  static MetricsRegistry& Global();

  Result<Counter*> RegisterCounter(const std::string& name, const std::string& help,
                                   const MetricLabels& labels = {});
  Result<Gauge*> RegisterGauge(const std::string& name, const std::string& help,
                               const MetricLabels& labels = {});

  // As Register*, for names and labels fixed in the code: an invalid one is a
  // programming error that is logged and aborts the process.
  Counter& GetCounter(const std::string& name, const std::string& help,
                      const MetricLabels& labels = {});
  Gauge& GetGauge(const std::string& name, const std::string& help,
                  const MetricLabels& labels = {});

  // Every family sorted by name: "# HELP", "# TYPE", then one line per series
  // sorted by labels. Ends with a newline (an empty registry renders "").
  std::string Render() const;

 private:
  mutable std::mutex mu_;
  std::unique_ptr<detail::MetricFamilies> families_;
};

// Registers the process-level series in `registry` (idempotent):
//   abuseflow_up 1, abuseflow_start_time_seconds (ProcessStartTimeSeconds()),
//   abuseflow_build_info{version="..."} 1.
void RegisterProcessMetrics(MetricsRegistry& registry);

// Unix time, in seconds, at which this process started (static initialisation).
double ProcessStartTimeSeconds();

}  // namespace abuseflow::core
