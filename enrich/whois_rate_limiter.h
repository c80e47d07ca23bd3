#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace abuseflow::enrich {

// Per-server token buckets with backoff, so that no registry is asked faster
// than configured and a server that says its limit is exceeded is left alone
// for a while (the wait doubling at each limit message up to max_backoff_us,
// reset by the next good answer).
//
// Pure over the injected clock (microseconds); does not sleep. Not
// thread-safe; one per WHOIS resolver.
class WhoisRateLimiter {
 public:
  using Clock = std::function<int64_t()>;
  struct Options {
    double queries_per_minute = 30;  // refill rate of each bucket
    int burst = 5;                   // bucket size; a bucket starts full
    int64_t backoff_us = 60LL * 1000000;
    int64_t max_backoff_us = 3600LL * 1000000;
  };

  WhoisRateLimiter(Options options, Clock now_us) : options_(options), now_us_(std::move(now_us)) {}

  // 0 if `server` may be asked now (a token is then taken), else the
  // microseconds to wait before asking again (nothing is taken).
  int64_t Acquire(const std::string& server);
  // The server answered with a limit message: no query until the backoff passes.
  void OnRateLimited(const std::string& server);
  // The server answered normally: the backoff starts over.
  void OnAnswer(const std::string& server);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t refilled_us = 0;
    int64_t blocked_until_us = 0;
    int64_t next_backoff_us = 0;
  };
  Bucket& BucketOf(const std::string& server, int64_t now);

  Options options_;
  Clock now_us_;
  std::map<std::string, Bucket> buckets_;
};

}  // namespace abuseflow::enrich
