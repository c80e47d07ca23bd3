#pragma once
// Helpers for the dedup unit tests: events, batches and a temporary store.

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "dedup/history_store.h"

namespace abuseflow::dedup::testing {

inline constexpr int64_t kSec = 1000000;
inline constexpr int64_t kDay = 86400 * kSec;
inline constexpr int64_t kT0 = 1000771200LL * kSec;  // 2001-09-18T00:00:00Z

// Appends an event from `src` at kT0 + `t_us` with id (origin, seq).
inline v1::EnrichedEvent* AddEvent(v1::EnrichedBatch* b, const char* src, int64_t t_us,
                                   v1::Kind kind, uint32_t port = 80, uint64_t seq = 0,
                                   const std::string& origin = "test:log") {
  v1::EnrichedEvent* e = b->add_events();
  v1::ProbeEvent* p = e->mutable_event();
  p->set_src(core::IpAddress::Parse(src)->ToBytes());
  p->set_dst(core::IpAddress::Parse("192.0.2.80")->ToBytes());
  p->set_observed_us(kT0 + t_us);
  p->set_kind(kind);
  p->set_signature(kind == v1::KIND_WORM ? "nimda" : "");
  p->set_dst_port(port);
  p->set_sensor("www1");
  p->set_raw(std::string(src) + " line at " + std::to_string(t_us));
  if (seq) {
    p->mutable_id()->set_origin(origin);
    p->mutable_id()->set_seq(seq);
  }
  e->mutable_owner()->set_owner("Kestrel Net");
  e->mutable_owner()->add_abuse("abuse@kestrel.example");
  return e;
}

// A history database in a fresh temporary folder, removed at destruction;
// `cache_entries` as in HistoryStore::Open.
class TempStore {
 public:
  explicit TempStore(size_t cache_entries = 0) {
    static std::atomic<int> counter{0};
    dir_ = std::filesystem::temp_directory_path() /
           ("dedup_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir_);
    store_ = std::move(HistoryStore::Open(dir_.string(), false, cache_entries)).value();
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  HistoryStore* get() { return store_.get(); }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<HistoryStore> store_;
};

}  // namespace abuseflow::dedup::testing
