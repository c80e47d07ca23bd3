#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/transport.h"

namespace abuseflow::enrich {

// Which upstream batches enrich still owes an acknowledgement, and which of
// its own batches to the dedup shards each one waits for. Enrich keeps no
// state of its own: it acknowledges an ingest batch only once every shard
// has acknowledged its part, i.e. applied it (docs/guarantees.md). Pure; not
// thread-safe.
class UpstreamAcks {
 public:
  // False if this upstream batch is already being worked on (a resend); its
  // acknowledgement then goes to the connection the resend came on, since
  // the first one may be gone (the upstream restarted).
  bool Start(const core::Received& received) {
    auto [it, inserted] = by_key_.emplace(Key(received.envelope), Entry{received, {}});
    if (!inserted) it->second.received.peer = received.peer;
    return inserted;
  }
  // Its part `downstream_seq` is in flight.
  void AddPart(const v1::Envelope& upstream, uint64_t downstream_seq) {
    const std::string key = Key(upstream);
    by_key_[key].parts.insert(downstream_seq);
    owner_[downstream_seq] = key;
  }
  // A shard acknowledged `downstream_seq`; returns the upstream batches now complete.
  std::vector<core::Received> Acked(uint64_t downstream_seq) {
    std::vector<core::Received> done;
    auto owner = owner_.find(downstream_seq);
    if (owner == owner_.end()) return done;
    auto entry = by_key_.find(owner->second);
    owner_.erase(owner);
    if (entry == by_key_.end()) return done;
    entry->second.parts.erase(downstream_seq);
    if (entry->second.parts.empty()) {
      done.push_back(std::move(entry->second.received));
      by_key_.erase(entry);
    }
    return done;
  }
  // An upstream batch with no parts (nothing to forward) is complete at once.
  std::vector<core::Received> TakeIfEmpty(const v1::Envelope& upstream) {
    std::vector<core::Received> done;
    auto entry = by_key_.find(Key(upstream));
    if (entry != by_key_.end() && entry->second.parts.empty()) {
      done.push_back(std::move(entry->second.received));
      by_key_.erase(entry);
    }
    return done;
  }
  size_t pending() const { return by_key_.size(); }

 private:
  struct Entry {
    core::Received received;
    std::set<uint64_t> parts;
  };
  static std::string Key(const v1::Envelope& e) { return e.origin() + "\n" + std::to_string(e.batch_seq()); }
  std::map<std::string, Entry> by_key_;
  std::map<uint64_t, std::string> owner_;
};

}  // namespace abuseflow::enrich
