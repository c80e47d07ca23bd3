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

// A drain request, for pipelines with live inputs (followed files, syslog
// receivers) that never end by themselves: the inputs end, ingest flushes and
// ends its stream, and the downstream stages finish what they hold as at the
// end of a replay. Installed instead of the stop handlers, the first
// SIGINT/SIGTERM requests a drain and a second one a stop. ResetStop() clears
// it too. Thread- and signal-safe.
bool DrainRequested();
void RequestDrain();
void InstallDrainSignalHandlers();

}  // namespace abuseflow::core
