#include "enrich/deferred_events.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "core/log.h"
#include "enrich/shard_router.h"

namespace abuseflow::enrich {
namespace {

constexpr char kWaitingPrefix[] = "q/";
constexpr char kPartPrefix[] = "d/p/";
constexpr char kEpochKey[] = "d/epoch";
constexpr char kNextKey[] = "d/next";
constexpr uint64_t kLoggedExpiries = 20;
constexpr int64_t kExpiryCheckUs = 200000;  // deadlines are looked at five times a second
constexpr int64_t kTurnCheckUs = 20000;     // retries and waiting groups, without answers
constexpr int64_t kRestoreGraceUs = 60LL * 1000000;  // a restored event's deadline is at least this far

std::string Digits(uint64_t n, int width) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*llu", width, static_cast<unsigned long long>(n));
  return buf;
}

std::string WaitingKey(const std::string& origin, uint64_t cause_seq, int index) {
  return kWaitingPrefix + origin + '\0' + Digits(cause_seq, 20) + '\0' + Digits(index, 6);
}

std::string PartKey(uint64_t seq, int shard) {
  return kPartPrefix + Digits(seq, 20) + "/" + Digits(shard, 4);
}

}  // namespace

core::Result<DeferredEvents::Stored> DeferredEvents::CountStored(const core::KvStore& store) {
  Stored out;
  core::Status s = store.Scan(kWaitingPrefix, [&](std::string_view, std::string_view) {
    ++out.waiting;
    return true;
  });
  if (!s.ok()) return s;
  s = store.Scan(kPartPrefix, [&](std::string_view, std::string_view) {
    ++out.unacknowledged_parts;
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

DeferredEvents::DeferredEvents(core::KvStore* store, Enricher* enricher, LookupPool* pool,
                               core::BatchSender* sender, std::string worker, int64_t deadline_us)
    : store_(store),
      enricher_(enricher),
      pool_(pool),
      sender_(sender),
      worker_(std::move(worker)),
      deadline_us_(deadline_us),
      pending_(PendingLookups::Options{}) {}

core::Status DeferredEvents::LoadEpoch(int64_t now_us) {
  auto epoch = store_->Get(kEpochKey);
  if (!epoch.ok()) return epoch.status();
  std::string value = epoch->value_or(std::to_string(now_us));
  if (!*epoch) {
    core::KvStore::Batch batch;
    batch.Put(kEpochKey, value);
    if (core::Status s = store_->Write(batch, true); !s.ok()) return s;
  }
  stream_ = worker_ + "/deferred/" + value;
  auto next = store_->Get(kNextKey);
  if (!next.ok()) return next.status();
  if (*next) {
    const std::string& text = **next;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), next_seq_);
    if (ec != std::errc() || end != text.data() + text.size() || next_seq_ == 0) {
      return core::Status::Corruption("enrich cache: key d/next holds \"" + text + "\", not a sequence number");
    }
  }
  return core::Status::Ok();
}

core::Status DeferredEvents::Restore(int64_t now_us) {
  if (core::Status s = LoadEpoch(now_us); !s.ok()) return s;
  std::vector<WaitingEvent> waiting;
  core::Status s = store_->Scan(kWaitingPrefix, [&](std::string_view key, std::string_view value) {
    WaitingEvent e;
    e.key = std::string(key);
    auto address = e.pending.ParseFromArray(value.data(), static_cast<int>(value.size()))
                       ? core::IpAddress::FromBytes(e.pending.event().src())
                       : std::nullopt;
    if (!address) {
      ++stats_.corrupt;  // left in the store for inspection; never sent
      return true;
    }
    e.address = *address;
    // A stage that was down past the deadline still asks once more.
    e.pending.set_deadline_us(std::max(e.pending.deadline_us(), now_us + kRestoreGraceUs));
    waiting.push_back(std::move(e));
    return true;
  });
  if (!s.ok()) return s;
  std::vector<std::pair<std::string, v1::Envelope>> parts;
  s = store_->Scan(kPartPrefix, [&](std::string_view key, std::string_view value) {
    v1::Envelope e;
    if (e.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      parts.emplace_back(key, std::move(e));
    } else {
      ++stats_.corrupt;
    }
    return true;
  });
  if (!s.ok()) return s;
  stats_.restored = waiting.size() + parts.size();
  if (stats_.corrupt > 0) {
    core::Logger("enrich")->warn("pending entries that do not parse were left in the store count={}", stats_.corrupt);
  }
  for (WaitingEvent& e : waiting) {
    if (auto ask = pending_.Add(std::move(e))) Start(*ask);
  }
  for (auto& [key, part] : parts) {
    part.set_batch_seq(sender_->NextSeq());
    unacked_[part.batch_seq()] = key;
    if (core::Status sent = sender_->Send(&part, static_cast<int>(part.shard())); !sent.ok()) return sent;
  }
  return core::Status::Ok();
}

void DeferredEvents::Defer(v1::ProbeEvent event, const core::IpAddress& address, const std::string& origin,
                           uint64_t cause_seq, int index, int64_t now_us, core::KvStore::Batch* batch) {
  WaitingEvent e;
  e.key = WaitingKey(origin, cause_seq, index);
  e.address = address;
  *e.pending.mutable_event() = std::move(event);
  e.pending.set_cause_origin(origin);
  e.pending.set_deadline_us(now_us + deadline_us_);
  batch->Put(e.key, e.pending.SerializeAsString());
  ++stats_.deferred;
  if (auto ask = pending_.Add(std::move(e))) Start(*ask);
}

void DeferredEvents::Start(const PendingLookups::Ask& ask) {
  ++stats_.lookups;
  pool_->Submit({ask.group, ask.address, enricher_->FreeScope(ask.address)});
}

void DeferredEvents::Settled(WaitingEvent event, v1::OwnerRecord owner, int shards,
                             std::vector<v1::Envelope>* parts, core::KvStore::Batch* batch) {
  if (parts->empty()) parts->resize(shards);
  const int shard = ShardOf(event.pending.event().src(), shards);
  v1::EnrichedEvent* out = (*parts)[shard].mutable_enriched()->add_events();
  *out->mutable_owner() = std::move(owner);
  *out->mutable_event() = std::move(*event.pending.mutable_event());
  batch->Delete(event.key);
}

void DeferredEvents::SettleGroup(const core::IpPrefix& group, int shards, std::vector<v1::Envelope>* parts,
                                 core::KvStore::Batch* batch) {
  for (WaitingEvent& e : pending_.Take(group)) {
    if (std::optional<v1::OwnerRecord> owner = enricher_->ResolveKnown(e.address)) {
      ++stats_.settled;
      Settled(std::move(e), *std::move(owner), shards, parts, batch);
    } else if (auto ask = pending_.Add(std::move(e))) {
      Start(*ask);
    }
  }
}

core::Status DeferredEvents::Step(int64_t now_us, int shards) {
  std::vector<v1::Envelope> parts;
  core::KvStore::Batch batch;
  std::vector<LookupPool::Done> finished = pool_->TakeDone();
  for (LookupPool::Done& done : finished) {
    if (done.answer.failed) {
      ++stats_.failures;
      pending_.Failed(done.job.group, now_us);
      continue;
    }
    enricher_->Settle(done.job.address, std::move(done.answer));
    SettleGroup(done.job.group, shards, &parts, &batch);
  }
  // A group whose turn comes may be answered already by its wave's last
  // lookup. Turns change with answers and with time (retries): looked at
  // after every answer, else every kTurnCheckUs.
  if (!finished.empty() || now_us - turns_checked_us_ >= kTurnCheckUs) {
    turns_checked_us_ = now_us;
    for (const PendingLookups::Ask& ask : pending_.Due(now_us)) {
      if (enricher_->Knows(ask.address)) {
        SettleGroup(ask.group, shards, &parts, &batch);
      } else {
        Start(ask);
      }
    }
  }
  if (now_us - expiry_checked_us_ >= kExpiryCheckUs) {
    expiry_checked_us_ = now_us;
    for (WaitingEvent& e : pending_.Expired(now_us)) {
      if (++stats_.expired <= kLoggedExpiries) {
        core::Logger("enrich")->warn("owner lookup gave up at the deadline, passed on unresolved address={}",
                                     e.address.ToString());
      }
      v1::OwnerRecord owner = enricher_->GiveUp(e.address);
      Settled(std::move(e), std::move(owner), shards, &parts, &batch);
    }
  }
  if (parts.empty()) return core::Status::Ok();
  return SendParts(std::move(parts), std::move(batch));
}

core::Status DeferredEvents::SendParts(std::vector<v1::Envelope> parts, core::KvStore::Batch batch) {
  const uint64_t seq = next_seq_++;
  batch.Put(kNextKey, std::to_string(next_seq_));
  for (size_t shard = 0; shard < parts.size(); ++shard) {
    v1::Envelope& part = parts[shard];
    part.set_cause_origin(stream_);
    part.set_cause_seq(seq);
    part.set_shard(static_cast<uint32_t>(shard));
    part.mutable_enriched();
    batch.Put(PartKey(seq, static_cast<int>(shard)), part.SerializeAsString());
  }
  if (core::Status s = store_->Write(batch, true); !s.ok()) return s;
  ++stats_.batches;
  for (size_t shard = 0; shard < parts.size(); ++shard) {
    v1::Envelope& part = parts[shard];
    part.set_batch_seq(sender_->NextSeq());
    unacked_[part.batch_seq()] = PartKey(seq, static_cast<int>(shard));
    if (core::Status s = sender_->Send(&part, static_cast<int>(shard)); !s.ok()) return s;
  }
  return core::Status::Ok();
}

bool DeferredEvents::OnAck(uint64_t batch_seq) {
  auto it = unacked_.find(batch_seq);
  if (it == unacked_.end()) return false;
  core::KvStore::Batch batch;
  batch.Delete(it->second);
  if (core::Status s = store_->Write(batch); !s.ok()) {
    core::Logger("enrich")->warn("acknowledged deferred part not removed key={} error=\"{}\"", it->second,
                                 s.message());
  }
  unacked_.erase(it);
  return true;
}

bool DeferredEvents::Holds(const std::string& origin) const {
  return pending_.WaitingOf(origin) > 0 || !unacked_.empty();
}

}  // namespace abuseflow::enrich
