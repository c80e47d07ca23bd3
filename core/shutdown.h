#pragma once

namespace abuseflow::core {

// A process-wide stop request, set by SIGINT/SIGTERM (once the handlers are
// installed) or by RequestStop(). Stages poll it between blocking waits.
// Thread- and signal-safe.
bool StopRequested();
void RequestStop();
// Clears the request; for tests that run several pipelines in one process.
void ResetStop();
void InstallStopSignalHandlers();

}  // namespace abuseflow::core
