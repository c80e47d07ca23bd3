#include "enrich/shared_owners.h"

#include <utility>

namespace abuseflow::enrich {

void SharedOwners::Add(v1::ProbeEvent&& event, const v1::OwnerRecord* owner, v1::OwnerRecord* own,
                       uint64_t generation) {
  v1::EnrichedEvent* enriched = batch_->add_events();
  *enriched->mutable_event() = std::move(event);
  if (owner == own) {
    *enriched->mutable_owner() = std::move(*own);
    return;
  }
  if (generation != generation_) {
    refs_.clear();
    generation_ = generation;
  }
  auto [it, added] = refs_.try_emplace(owner, 0);
  if (added) {
    *batch_->add_owners() = *owner;
    it->second = static_cast<uint32_t>(batch_->owners_size());
  }
  enriched->set_owner_ref(it->second);
}

}  // namespace abuseflow::enrich
