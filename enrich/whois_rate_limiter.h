#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace abuseflow::enrich {

// Per-server token buckets with backoff, so that no registry is asked faster
// than configured and a server that says its limit is exceeded is left alone
// for a while (the wait doubling at each limit message up to max_backoff_us,
// reset by the next good answer, or the time the server named: BlockUntil).
//
// Also bounds the queries in progress per server (Options::max_concurrent):
// BeginQuery takes a slot, EndQuery gives it back.
//
// Over the injected clock (microseconds); does not sleep. Thread-safe: the
// enrich stage's lookup threads share one per source kind, so the rate and
// the concurrency hold for all of them together.
class WhoisRateLimiter {
 public:
  using Clock = std::function<int64_t()>;
  struct Options {
    double queries_per_minute = 30;  // refill rate of each bucket
    int burst = 5;                   // bucket size; a bucket starts full
    int64_t backoff_us = 60LL * 1000000;
    int64_t max_backoff_us = 3600LL * 1000000;
    int max_concurrent = 0;  // queries in progress per server at most; 0: no limit
  };

  WhoisRateLimiter(Options options, Clock now_us) : options_(options), now_us_(std::move(now_us)) {}

  // 0 if `server` may be asked now (a token is then taken), else the
  // microseconds to wait before asking again (nothing is taken).
  int64_t Acquire(const std::string& server);
  // The server answered with a limit message: no query until the backoff passes.
  void OnRateLimited(const std::string& server);
  // The server said when it may be asked again (an RDAP 429's Retry-After):
  // no query before `until_us` (on the injected clock). A block already
  // reaching further is kept. Seen by every source sharing this limiter.
  void BlockUntil(const std::string& server, int64_t until_us);
  // The server answered normally: the backoff starts over.
  void OnAnswer(const std::string& server);
  // False when max_concurrent queries to `server` are in progress; else a
  // slot is taken, to give back with EndQuery.
  bool BeginQuery(const std::string& server);
  void EndQuery(const std::string& server);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t refilled_us = 0;
    int64_t blocked_until_us = 0;
    int64_t next_backoff_us = 0;
    int in_progress = 0;
  };
  Bucket& BucketOf(const std::string& server, int64_t now);

  Options options_;
  Clock now_us_;
  std::mutex mu_;
  std::map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace abuseflow::enrich
