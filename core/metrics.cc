#include "core/metrics.h"

#include <prometheus/check_names.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <variant>

#include "core/log.h"

#ifndef ABUSEFLOW_VERSION
#define ABUSEFLOW_VERSION "unknown"
#endif

namespace abuseflow::core {

namespace detail {

// One family as registered: its type and help text, and our handle of each
// series (prometheus-cpp owns the series themselves).
struct MetricFamily {
  std::string help;
  std::variant<prometheus::Family<prometheus::Counter>*, prometheus::Family<prometheus::Gauge>*> family;
  std::map<MetricLabels, std::unique_ptr<Counter>> counters;
  std::map<MetricLabels, std::unique_ptr<Gauge>> gauges;
};

struct MetricFamilies {
  prometheus::Registry registry;
  std::map<std::string, MetricFamily> by_name;
};

}  // namespace detail

namespace {

const double kStartTime =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

// Sorts the labels and checks the names the way the text format needs them.
Status CheckNames(const std::string& name, MetricLabels* labels) {
  if (!prometheus::CheckMetricName(name)) return Status::InvalidArgument("invalid metric name '" + name + "'");
  std::sort(labels->begin(), labels->end());
  for (size_t i = 0; i < labels->size(); ++i) {
    const std::string& label = (*labels)[i].first;
    if (!prometheus::CheckLabelName(label)) {
      return Status::InvalidArgument("invalid label name '" + label + "' in " + name);
    }
    if (i > 0 && (*labels)[i - 1].first == label) {
      return Status::InvalidArgument("label '" + label + "' repeated in " + name);
    }
  }
  return Status::Ok();
}

// The serializer of prometheus-cpp 1.0 writes HELP text as given; the text
// format wants backslash and newline escaped there.
std::string EscapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

prometheus::Labels ToLabels(const MetricLabels& labels) {
  prometheus::Labels out;
  for (const auto& [k, v] : labels) out.emplace(k, v);
  return out;
}

// The family `name` of type T, made on first use; an error if it exists with
// another type or help text.
template <typename T, typename Builder>
Result<detail::MetricFamily*> FamilyOf(detail::MetricFamilies& f, const std::string& name,
                                       const std::string& help, Builder build) {
  auto it = f.by_name.find(name);
  if (it == f.by_name.end()) {
    prometheus::Family<T>* family = nullptr;
    try {
      family = &build().Name(name).Help(EscapeHelp(help)).Register(f.registry);
    } catch (const std::exception& e) {
      return Status::InvalidArgument("metric " + name + " not registered: " + e.what());
    }
    it = f.by_name.emplace(name, detail::MetricFamily{help, family, {}, {}}).first;
  }
  if (!std::holds_alternative<prometheus::Family<T>*>(it->second.family)) {
    return Status::InvalidArgument("metric " + name + " registered before with another type");
  }
  if (it->second.help != help) {
    return Status::InvalidArgument("metric " + name + " registered before with another help text");
  }
  return &it->second;
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

void Counter::Increment(uint64_t n) { series_->Increment(static_cast<double>(n)); }
uint64_t Counter::value() const { return static_cast<uint64_t>(series_->Value()); }
void Gauge::Set(double v) { series_->Set(v); }
void Gauge::Add(double d) { series_->Increment(d); }
double Gauge::value() const { return series_->Value(); }

MetricsRegistry::MetricsRegistry() : families_(std::make_unique<detail::MetricFamilies>()) {}
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry& MetricsRegistry::Global() {
  static MetricsRegistry* registry = std::make_unique<MetricsRegistry>().release();  // never destroyed
  return *registry;
}

Result<Counter*> MetricsRegistry::RegisterCounter(const std::string& name, const std::string& help,
                                                  const MetricLabels& labels) {
  MetricLabels sorted = labels;
  if (Status s = CheckNames(name, &sorted); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  auto family = FamilyOf<prometheus::Counter>(*families_, name, help, prometheus::BuildCounter);
  if (!family.ok()) return family.status();
  std::unique_ptr<Counter>& slot = (*family)->counters[sorted];
  if (!slot) {
    auto* f = std::get<prometheus::Family<prometheus::Counter>*>((*family)->family);
    slot = std::make_unique<Counter>(&f->Add(ToLabels(sorted)));
  }
  return slot.get();
}

Result<Gauge*> MetricsRegistry::RegisterGauge(const std::string& name, const std::string& help,
                                              const MetricLabels& labels) {
  MetricLabels sorted = labels;
  if (Status s = CheckNames(name, &sorted); !s.ok()) return s;
  std::lock_guard<std::mutex> lock(mu_);
  auto family = FamilyOf<prometheus::Gauge>(*families_, name, help, prometheus::BuildGauge);
  if (!family.ok()) return family.status();
  std::unique_ptr<Gauge>& slot = (*family)->gauges[sorted];
  if (!slot) {
    auto* f = std::get<prometheus::Family<prometheus::Gauge>*>((*family)->family);
    slot = std::make_unique<Gauge>(&f->Add(ToLabels(sorted)));
  }
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
  std::vector<prometheus::MetricFamily> collected;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collected = families_->registry.Collect();
  }
  std::sort(collected.begin(), collected.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  for (prometheus::MetricFamily& family : collected) {
    std::sort(family.metric.begin(), family.metric.end(),
              [](const auto& a, const auto& b) { return a.label < b.label; });
  }
  return prometheus::TextSerializer().Serialize(collected);
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

}  // namespace abuseflow::core
