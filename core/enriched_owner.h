#pragma once

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::core {

// The owner record of `event`, an event of `batch`: the batch's shared record
// it refers to (EnrichedEvent.owner_ref), or its own. nullptr when the
// reference points past the batch's owners (a malformed batch: the caller
// rejects the event). Valid while `batch` is unchanged.
inline const v1::OwnerRecord* OwnerOf(const v1::EnrichedBatch& batch, const v1::EnrichedEvent& event) {
  if (event.owner_ref() == 0) return &event.owner();
  if (event.owner_ref() > static_cast<uint32_t>(batch.owners_size())) return nullptr;
  return &batch.owners(static_cast<int>(event.owner_ref() - 1));
}

}  // namespace abuseflow::core
