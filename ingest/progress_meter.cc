#include "ingest/progress_meter.h"

#include <fmt/format.h>

#include <cstdio>

namespace abuseflow::ingest {
namespace {

constexpr auto kRedrawEvery = std::chrono::milliseconds(500);

std::string Megabytes(uint64_t bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }

}  // namespace

// The first Update() draws at once, so even a short replay shows its line.
ProgressMeter::ProgressMeter(uint64_t total_bytes, bool enabled)
    : total_(total_bytes), enabled_(enabled), last_(start_ - kRedrawEvery) {}

std::string ProgressMeter::Format(uint64_t bytes, uint64_t total_bytes, uint64_t lines, double seconds) {
  std::string out = "ingest: " + Megabytes(bytes);
  if (total_bytes > 0) {
    out += fmt::format(" of {} ({}%)", Megabytes(total_bytes),
                       bytes >= total_bytes ? 100 : bytes * 100 / total_bytes);
  }
  const double rate = seconds > 0 ? lines / seconds : 0;
  out += fmt::format(", {} lines, {:.0f} lines/s", lines, rate);
  if (total_bytes > 0 && bytes > 0 && seconds > 0 && bytes < total_bytes) {
    const auto left = static_cast<uint64_t>((total_bytes - bytes) * (seconds / bytes));
    out += fmt::format(", {}:{:02} left", left / 60, left % 60);
  }
  return out;
}

void ProgressMeter::Update(uint64_t bytes, uint64_t lines) {
  bytes_ = bytes;
  lines_ = lines;
  if (!enabled_ || Clock::now() - last_ < kRedrawEvery) return;
  Draw();
}

void ProgressMeter::Draw() {
  last_ = Clock::now();
  const double seconds = std::chrono::duration<double>(last_ - start_).count();
  std::fprintf(stderr, "\r%s\033[K", Format(bytes_, total_, lines_, seconds).c_str());
}

void ProgressMeter::Finish() {
  if (!enabled_) return;
  Draw();
  std::fputc('\n', stderr);
  enabled_ = false;
}

}  // namespace abuseflow::ingest
