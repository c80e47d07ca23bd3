#include "core/shutdown.h"

#include <atomic>
#include <csignal>

namespace abuseflow::core {
namespace {

std::atomic<bool> g_stop{false};

std::atomic<bool> g_drain{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

// The first signal drains, the next one stops.
extern "C" void OnDrainSignal(int) {
  if (g_drain.exchange(true)) g_stop.store(true);
}

void InstallHandler(void (*handler)(int)) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace

bool StopRequested() { return g_stop.load(std::memory_order_relaxed); }
void RequestStop() { g_stop.store(true); }
void ResetStop() {
  g_stop.store(false);
  g_drain.store(false);
}

void InstallStopSignalHandlers() { InstallHandler(OnStopSignal); }

bool DrainRequested() { return g_drain.load(std::memory_order_relaxed); }
void RequestDrain() { g_drain.store(true); }
void InstallDrainSignalHandlers() { InstallHandler(OnDrainSignal); }

}  // namespace abuseflow::core
