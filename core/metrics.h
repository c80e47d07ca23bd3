#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace abuseflow::core {

// Label name -> value pairs of one time series, e.g. {{"stage", "enrich"}}.
// Order does not matter: the registry keeps them sorted by name.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// A monotonically increasing count (Prometheus "counter"). Increments are one
// relaxed atomic add: lock-free, safe from any thread, cheap in hot paths.
class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that goes up and down (Prometheus "gauge"): queue depths, cache
// sizes, timestamps. Lock-free, safe from any thread.
class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double d) { value_.fetch_add(d, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// A set of named counters and gauges with labels, rendered in the Prometheus
// text exposition format 0.0.4 (docs/operations.md lists the names).
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
  MetricsRegistry() = default;
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
  enum class Type { kCounter, kGauge };
  struct Family {
    Type type;
    std::string help;
    std::map<MetricLabels, std::unique_ptr<Counter>> counters;
    std::map<MetricLabels, std::unique_ptr<Gauge>> gauges;
  };
  // Validates and finds or creates the family; `labels` comes back sorted.
  Result<Family*> FamilyFor(const std::string& name, const std::string& help, Type type,
                            MetricLabels* labels);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
};

// Registers the process-level series in `registry` (idempotent):
//   abuseflow_up 1, abuseflow_start_time_seconds (ProcessStartTimeSeconds()),
//   abuseflow_build_info{version="..."} 1.
void RegisterProcessMetrics(MetricsRegistry& registry);

// Unix time, in seconds, at which this process started (static initialisation).
double ProcessStartTimeSeconds();

// Escapes a label value for the text format: backslash, double quote, newline.
std::string EscapeLabelValue(const std::string& value);
// Renders a sample value: integers without a fraction, +Inf, -Inf, NaN.
std::string FormatMetricValue(double value);

}  // namespace abuseflow::core
