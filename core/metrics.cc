#include "core/metrics.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "core/log.h"

#ifndef ABUSEFLOW_VERSION
#define ABUSEFLOW_VERSION "unknown"
#endif

namespace abuseflow::core {
namespace {

const double kStartTime =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

bool IsMetricName(const std::string& name) {
  if (name.empty()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool IsLabelName(const std::string& name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

// HELP text escapes backslash and newline only (the format's rule).
std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string SeriesName(const std::string& name, const MetricLabels& labels) {
  if (labels.empty()) return name;
  std::string out = name + "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ",";
    out += labels[i].first + "=\"" + EscapeLabelValue(labels[i].second) + "\"";
  }
  return out + "}";
}

template <typename T>
T& OrDie(Result<T*> r, const std::string& name) {
  if (!r.ok()) {
    Logger("core")->critical("bad metric registration name={} error=\"{}\"", name, r.status().message());
    std::abort();
  }
  return **r;
}

}  // namespace

MetricsRegistry& MetricsRegistry::Global() {
  static MetricsRegistry* registry = std::make_unique<MetricsRegistry>().release();  // never destroyed
  return *registry;
}

Result<MetricsRegistry::Family*> MetricsRegistry::FamilyFor(const std::string& name,
                                                            const std::string& help, Type type,
                                                            MetricLabels* labels) {
  if (!IsMetricName(name)) return Status::InvalidArgument("invalid metric name '" + name + "'");
  std::sort(labels->begin(), labels->end());
  for (size_t i = 0; i < labels->size(); ++i) {
    const std::string& label = (*labels)[i].first;
    if (!IsLabelName(label)) return Status::InvalidArgument("invalid label name '" + label + "' in " + name);
    if (i > 0 && (*labels)[i - 1].first == label) {
      return Status::InvalidArgument("label '" + label + "' repeated in " + name);
    }
  }
  auto [it, inserted] = families_.try_emplace(name, Family{type, help, {}, {}});
  if (!inserted && it->second.type != type) {
    return Status::InvalidArgument("metric " + name + " registered before with another type");
  }
  if (!inserted && it->second.help != help) {
    return Status::InvalidArgument("metric " + name + " registered before with another help text");
  }
  return &it->second;
}

Result<Counter*> MetricsRegistry::RegisterCounter(const std::string& name, const std::string& help,
                                                  const MetricLabels& labels) {
  MetricLabels sorted = labels;
  std::lock_guard<std::mutex> lock(mu_);
  auto family = FamilyFor(name, help, Type::kCounter, &sorted);
  if (!family.ok()) return family.status();
  std::unique_ptr<Counter>& slot = (*family)->counters[sorted];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Result<Gauge*> MetricsRegistry::RegisterGauge(const std::string& name, const std::string& help,
                                              const MetricLabels& labels) {
  MetricLabels sorted = labels;
  std::lock_guard<std::mutex> lock(mu_);
  auto family = FamilyFor(name, help, Type::kGauge, &sorted);
  if (!family.ok()) return family.status();
  std::unique_ptr<Gauge>& slot = (*family)->gauges[sorted];
  if (!slot) slot = std::make_unique<Gauge>();
  return slot.get();
}

Counter& MetricsRegistry::GetCounter(const std::string& name, const std::string& help,
                                     const MetricLabels& labels) {
  return OrDie(RegisterCounter(name, help, labels), name);
}

Gauge& MetricsRegistry::GetGauge(const std::string& name, const std::string& help,
                                 const MetricLabels& labels) {
  return OrDie(RegisterGauge(name, help, labels), name);
}

std::string MetricsRegistry::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + EscapeHelp(family.help) + "\n";
    out += "# TYPE " + name + (family.type == Type::kCounter ? " counter\n" : " gauge\n");
    for (const auto& [labels, counter] : family.counters) {
      out += SeriesName(name, labels) + " " + std::to_string(counter->value()) + "\n";
    }
    for (const auto& [labels, gauge] : family.gauges) {
      out += SeriesName(name, labels) + " " + FormatMetricValue(gauge->value()) + "\n";
    }
  }
  return out;
}

double ProcessStartTimeSeconds() { return kStartTime; }

void RegisterProcessMetrics(MetricsRegistry& registry) {
  registry.GetGauge("abuseflow_up", "1 while the process runs").Set(1);
  registry.GetGauge("abuseflow_start_time_seconds", "Start time of the process since the Unix epoch in seconds")
      .Set(std::floor(kStartTime));
  registry.GetGauge("abuseflow_build_info", "abuseflow version this process runs",
                    {{"version", ABUSEFLOW_VERSION}})
      .Set(1);
}

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest exact form
  return std::string(buf, end);
}

}  // namespace abuseflow::core
