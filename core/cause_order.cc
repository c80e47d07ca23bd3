#include "core/cause_order.h"

#include <algorithm>

namespace abuseflow::core {

uint64_t CauseOrder::next(const std::string& stream) const {
  auto it = next_.find(stream);
  return it == next_.end() ? 1 : it->second;
}

CauseOrder::Offered CauseOrder::Offer(Received* r) {
  Received& received = *r;
  const v1::Envelope& e = received.envelope;
  if (e.cause_origin().empty()) {
    uncaused_.push_back(std::move(received));
    ++held_;
    return Offered::kHeld;
  }
  const std::string& stream = e.cause_origin();
  if (e.cause_seq() < next(stream)) return Offered::kDone;
  Pending& p = pending_[stream][e.cause_seq()];
  const uint32_t part = by_shard_ ? e.shard() : 0;
  p.count = by_shard_ ? std::max<uint32_t>(1, e.shard_count()) : 1;
  if (e.has_end_of_stream()) p.end_senders.insert(e.origin());
  if (p.parts.count(part)) {
    p.copies.push_back(std::move(received));
  } else {
    p.parts.emplace(part, std::move(received));
  }
  ++held_;
  return Offered::kHeld;
}

bool CauseOrder::Complete(const Pending& p) const {
  if (p.parts.size() < p.count) return false;
  const bool end = p.parts.begin()->second.envelope.has_end_of_stream();
  return !end || p.end_senders.size() >= end_senders_;
}

std::optional<CauseOrder::Ready> CauseOrder::Pop(const std::function<bool(const std::string&)>& may_take) {
  if (!uncaused_.empty() && (!may_take || may_take(""))) {
    Ready r;
    r.parts.push_back(std::move(uncaused_.front()));
    uncaused_.erase(uncaused_.begin());
    --held_;
    return r;
  }
  for (auto& [stream, by_seq] : pending_) {
    if (by_seq.empty() || (may_take && !may_take(stream))) continue;
    uint64_t& next = next_.try_emplace(stream, 1).first->second;
    auto it = by_seq.begin();
    if (it->first != next || !Complete(it->second)) continue;
    Ready r;
    r.stream = stream;
    r.seq = it->first;
    for (auto& [part, received] : it->second.parts) r.parts.push_back(std::move(received));
    r.copies = std::move(it->second.copies);
    held_ -= r.parts.size() + r.copies.size();
    by_seq.erase(it);
    ++next;
    return r;
  }
  return std::nullopt;
}

}  // namespace abuseflow::core
