#pragma once

#include <cstdint>
#include <string>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::bench {

// A batch of `n` worm events shaped like a flood from a 10.0.0.0/8 provider:
// what ingest sends to enrich. Deterministic.
v1::Envelope EventBatch(int n);

// The same events with an owner record each: what enrich sends to dedup.
v1::Envelope EnrichedBatch(int n);

// `n` incidents of distinct addresses of one owner with `samples` lines each:
// what dedup sends to notify.
v1::IncidentBatch Incidents(int n, int samples);

}  // namespace abuseflow::bench
