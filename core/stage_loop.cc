#include "core/stage_loop.h"

#include "core/shutdown.h"

namespace abuseflow::core {

Status ReceiveUntilEnd(BatchReceiver& receiver, int producers,
                       const std::function<Status(v1::Envelope&)>& handle) {
  int ended = 0;
  while (ended < producers) {
    if (StopRequested()) return Status::Unavailable("stop requested");
    std::optional<v1::Envelope> envelope = receiver.Receive(std::chrono::milliseconds(200));
    if (!envelope) continue;
    if (envelope->has_end_of_stream()) {
      ++ended;
      continue;
    }
    if (Status s = handle(*envelope); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace abuseflow::core
