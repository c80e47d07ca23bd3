#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "enrich/enricher.h"
#include "enrich/owner_source.h"

namespace abuseflow::enrich {

// The owner sources one lookup thread asks, in order. `owned` holds the
// thread's own instances (network sources keep per-lookup state); `order`
// may also point at shared sources made safe to share (LockedSource).
struct SourceChain {
  std::vector<std::unique_ptr<OwnerSource>> owned;
  std::vector<OwnerSource*> order;
};

// Runs AskSources on its own threads, so that the enrich stage goes on with
// the stream while registries answer (or time out). Each thread has the
// SourceChain the factory made for it. Jobs run in the order submitted;
// finished ones are collected with TakeDone. A job cannot be cancelled: a
// thread stuck on a slow server stays so until the source's own timeout.
//
// Thread-safe: Submit and TakeDone may be called from any one thread while
// the lookup threads run; Stop (or the destructor) joins them.
class LookupPool {
 public:
  struct Job {
    core::IpPrefix group;   // the PendingLookups group it answers for
    core::IpAddress address;
    std::optional<core::IpPrefix> free;  // Enricher::FreeScope
  };
  struct Done {
    Job job;
    SourceAnswer answer;
  };
  using ChainFactory = std::function<std::unique_ptr<SourceChain>()>;

  LookupPool(int threads, const ChainFactory& factory);
  ~LookupPool() { Stop(); }
  LookupPool(const LookupPool&) = delete;
  LookupPool& operator=(const LookupPool&) = delete;

  void Submit(Job job);
  std::vector<Done> TakeDone();
  size_t in_flight() const;  // submitted, not yet taken
  // Waits for the running jobs, drops the queued ones, joins the threads.
  void Stop();
  // The chains, for their sources' counters: only after Stop.
  const std::vector<std::unique_ptr<SourceChain>>& chains() const { return chains_; }

 private:
  void Work(SourceChain* chain);

  std::vector<std::unique_ptr<SourceChain>> chains_;
  std::vector<std::thread> threads_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job> queue_;   // guarded by mu_
  std::vector<Done> done_;  // guarded by mu_
  size_t in_flight_ = 0;    // guarded by mu_
  bool stop_ = false;       // guarded by mu_
};

// An OwnerSource shared by the lookup threads (the offline registry): each
// call is made under the lock. Lookup and AnswerScope take it apart, so the
// inner source's AnswerScope must not depend on its latest Lookup
// (OfflineRegistry's does not; WhoisSource's does and is never shared).
class LockedSource : public OwnerSource {
 public:
  LockedSource(OwnerSource* inner, std::mutex* mu) : inner_(inner), mu_(mu) {}
  std::string_view name() const override { return inner_->name(); }
  std::optional<v1::OwnerRecord> Lookup(const core::IpAddress& address) override;
  std::vector<core::IpPrefix> AnswerScope(const core::IpAddress& address,
                                          const v1::OwnerRecord* record) const override;
  bool last_failed() const override { return inner_->last_failed(); }

 private:
  OwnerSource* inner_;
  std::mutex* mu_;
};

}  // namespace abuseflow::enrich
