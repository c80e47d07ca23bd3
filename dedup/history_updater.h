#pragma once

#include <cstdint>
#include <string>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::dedup {

// Bounds on what the history keeps per address. Within these bounds the
// result of folding a set of events does not depend on their order.
struct HistoryLimits {
  int sample_lines = 5;        // raw lines kept per address (the earliest ones); default 5
  int max_line_length = 1024;  // longer lines are cut at a character boundary and end in "..."
  int max_sensors = 16;        // distinct sensor names kept (the smallest names)
  int max_targets = 64;        // distinct destination addresses kept (the smallest)
  int max_ports = 64;          // distinct destination ports kept (the smallest)
  int max_occurrences = 64;    // bursts kept; beyond, the two oldest merge
  int64_t quiet_gap_us = 3600LL * 1000000;  // a longer gap between events starts a new burst
  int64_t retention_us = 0;  // histories last seen longer ago are deleted; 0 keeps them all
};

// Destination ports kept per occurrence (the smallest).
inline constexpr int kOccurrencePorts = 32;

// Folds one event with the owner record of its source into the history of
// that address: first and last seen, counts by kind and signature, sensors,
// the earliest raw lines, targets and ports, occurrences, the owner of the
// newest event. Pure; `history` must be for the event's source.
void ApplyEvent(const v1::ProbeEvent& event, const v1::OwnerRecord& owner, const HistoryLimits& limits,
                v1::AddressHistory* history);
// The same for an enriched event carrying its own owner record.
void ApplyEvent(const v1::EnrichedEvent& event, const HistoryLimits& limits,
                v1::AddressHistory* history);

// Adds `n` to the count of (kind, signature) in `counts`, keeping the list
// sorted by kind then signature so that equal histories serialise equally.
void AddKindCount(v1::Kind kind, const std::string& signature, uint64_t n,
                  google::protobuf::RepeatedPtrField<v1::KindCount>* counts);

// `line` cut to at most `max_length` bytes without splitting a UTF-8
// sequence, with "..." appended when cut.
std::string CutLine(const std::string& line, int max_length);

// The sample to keep for `event`.
v1::SampleLine MakeSample(const v1::ProbeEvent& event, int max_line_length);

}  // namespace abuseflow::dedup
