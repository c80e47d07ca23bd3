#include "core/log.h"

#include <spdlog/sinks/stdout_sinks.h>

#include <mutex>

#include "core/log_journald.h"

namespace abuseflow::core {
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}

spdlog::level::level_enum& CurrentLevel() {
  static spdlog::level::level_enum level = spdlog::level::info;
  return level;
}

spdlog::sink_ptr MakeSink(bool journald) {
  if (journald) return std::make_shared<JournaldSink>();
  auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  sink->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %n: %v");
  return sink;
}

spdlog::sink_ptr& CurrentSink() {
  static spdlog::sink_ptr sink = MakeSink(StderrIsJournal());
  return sink;
}

}  // namespace

std::shared_ptr<spdlog::logger> Logger(std::string_view module) {
  std::lock_guard lock(RegistryMutex());
  std::string name(module);
  if (auto existing = spdlog::get(name)) return existing;
  auto logger = std::make_shared<spdlog::logger>(name, CurrentSink());
  logger->set_level(CurrentLevel());
  spdlog::register_logger(logger);
  return logger;
}

bool SetLogLevel(std::string_view level) {
  auto parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") return false;
  std::lock_guard lock(RegistryMutex());
  CurrentLevel() = parsed;
  spdlog::apply_all([&](const std::shared_ptr<spdlog::logger>& l) { l->set_level(parsed); });
  return true;
}

bool SetLogTarget(std::string_view target) {
  bool journald = false;
  if (target == "journald") {
    journald = true;
  } else if (target == "auto") {
    journald = StderrIsJournal();
  } else if (target != "stderr") {
    return false;
  }
  std::lock_guard lock(RegistryMutex());
  CurrentSink() = MakeSink(journald);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) { l->sinks() = {CurrentSink()}; });
  return true;
}

}  // namespace abuseflow::core
