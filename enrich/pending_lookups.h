#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"

namespace abuseflow::enrich {

// An event waiting for the owner lookup of its source address.
struct WaitingEvent {
  std::string key;  // its key in the store ("q/...")
  v1::PendingEvent pending;
  core::IpAddress address;
};

// The events whose owner is not known yet, grouped for single-flight: the
// events of one group (the address's /24 or /48, DefaultNegativeScope) share
// one lookup at a time, however many there are. Groups of one wave (the
// address's /16 or /32) take turns: a registry block is often wider than a
// /24, so while one lookup of the wave is in flight the others wait for its
// answer, which may cover them (the caller checks its cache before asking:
// Due). A lookup that fails is retried for the group after a backoff
// (doubling from retry_min to retry_max, or the source's hint when longer),
// and meanwhile the wave's next group goes; an event whose deadline passes
// leaves (Expired) whatever its lookup does.
//
// Pure over the times it is given (microseconds); owns no thread, no I/O.
// Not thread-safe.
class PendingLookups {
 public:
  struct Options {
    int64_t retry_min_us = 1000000;
    int64_t retry_max_us = 300LL * 1000000;
  };
  // A lookup to start: the group and the address to ask.
  struct Ask {
    core::IpPrefix group;
    core::IpAddress address;
  };

  explicit PendingLookups(Options options) : options_(options) {}

  // Adds an event; returns the lookup to start when its group is new and its
  // wave has none in flight (else it waits for Due).
  std::optional<Ask> Add(WaitingEvent event);
  // The group's lookup answered: its events leave, for the caller to settle
  // (those the answer does not cover are Added again, which starts the next
  // lookup of the group).
  std::vector<WaitingEvent> Take(const core::IpPrefix& group);
  // The group's lookup failed: it is asked again at `now_us` + the backoff
  // (at least `hint_us`).
  void Failed(const core::IpPrefix& group, int64_t now_us, int64_t hint_us = 0);
  // Lookups whose turn has come: a waiting group whose wave is free, a
  // failed one whose retry time has passed (they are then in flight).
  std::vector<Ask> Due(int64_t now_us);
  // Events whose deadline is before `now_us`, removed.
  std::vector<WaitingEvent> Expired(int64_t now_us);

  size_t size() const { return size_; }
  size_t groups() const { return groups_.size(); }
  // Events of ingest stream `origin` still waiting.
  size_t WaitingOf(const std::string& origin) const;
  uint64_t retries() const { return retries_; }

 private:
  struct Group {
    std::vector<WaitingEvent> events;
    bool in_flight = false;
    int64_t retry_at_us = 0;  // when !in_flight
    int failures = 0;
  };
  void Remove(const WaitingEvent& event);
  static core::IpPrefix WaveOf(const core::IpPrefix& group);
  void Land(const core::IpPrefix& group, Group& g);  // its lookup is no longer in flight

  Options options_;
  std::map<core::IpPrefix, Group> groups_;
  std::map<core::IpPrefix, core::IpPrefix> flying_;  // wave -> its group in flight
  std::map<std::string, size_t> by_origin_;
  size_t size_ = 0;
  uint64_t retries_ = 0;
};

}  // namespace abuseflow::enrich
