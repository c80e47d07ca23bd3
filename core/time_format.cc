#include "core/time_format.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace abuseflow::core {
namespace {

std::tm ToTm(int64_t unix_us) {
  int64_t secs = unix_us / 1000000;
  if (unix_us < 0 && unix_us % 1000000 != 0) --secs;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return tm;
}

}  // namespace

std::string FormatUtc(int64_t unix_us) {
  std::tm tm = ToTm(unix_us);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string FormatUtcCompact(int64_t unix_us) {
  std::tm tm = ToTm(unix_us);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d%02d%02dT%02d%02d%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace abuseflow::core
