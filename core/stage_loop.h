#pragma once

#include <functional>
#include <string>

#include "core/transport.h"

namespace abuseflow::core {

// How a stage is wired: where it receives and where it sends.
struct StageLinks {
  zmq::context_t* context = nullptr;  // shared by all stages of a process; must outlive them
  std::string input;                  // endpoint the stage binds (empty for ingest)
  std::string output;                 // endpoint of the next stage (empty for notify)
  int producers = 1;                  // upstream senders; the stage ends after this many end-of-streams
};

// Receives envelopes on `receiver` and calls `handle` for each one that is
// not an end of stream, until `producers` ends of stream have arrived (then
// returns Ok), a stop is requested (Unavailable), or `handle` fails (its Status).
Status ReceiveUntilEnd(BatchReceiver& receiver, int producers,
                       const std::function<Status(v1::Envelope&)>& handle);

}  // namespace abuseflow::core
