#pragma once

#include <string>
#include <vector>

#include "core/transport.h"

namespace abuseflow::core {

// How a stage is wired: where it receives and where it sends
// (docs/architecture.md, "Pipeline"; docs/guarantees.md for the protocol).
struct StageLinks {
  zmq::context_t* context = nullptr;  // shared by all stages of a process; must outlive them
  std::string input;                  // endpoint the stage binds (ingest: the agents' endpoint, or empty)
  std::vector<std::string> outputs;   // the next stage's endpoints: enrich workers, dedup shards (empty for notify)
  std::string name;                   // this instance in envelopes and logs: "enrich-1", "dedup-0"
  int producers = 1;                  // ingest: remote agents whose streams it forwards
  int streams = 1;                    // enrich, dedup, notify: ingest streams to see end before finishing
  int upstream_workers = 1;           // dedup: enrich workers, each passes every end of stream on
  int shard = 0;                      // dedup: this shard's index
  int shard_count = 1;                // dedup: how many shards there are
  const LinkSecurity* security = nullptr;  // CURVE and the loopback rule (core/curve.h); null: none
};

}  // namespace abuseflow::core
