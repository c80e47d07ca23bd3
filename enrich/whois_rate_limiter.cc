#include "enrich/whois_rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace abuseflow::enrich {

WhoisRateLimiter::Bucket& WhoisRateLimiter::BucketOf(const std::string& server, int64_t now) {
  auto [it, fresh] = buckets_.try_emplace(server);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = options_.burst;
    b.refilled_us = now;
    b.next_backoff_us = options_.backoff_us;
  }
  double per_us = options_.queries_per_minute / 60e6;
  b.tokens = std::min<double>(options_.burst, b.tokens + (now - b.refilled_us) * per_us);
  b.refilled_us = now;
  return b;
}

int64_t WhoisRateLimiter::Acquire(const std::string& server) {
  std::lock_guard lock(mu_);
  int64_t now = now_us_();
  Bucket& b = BucketOf(server, now);
  if (b.blocked_until_us > now) return b.blocked_until_us - now;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  double per_us = options_.queries_per_minute / 60e6;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) / per_us)));
}

void WhoisRateLimiter::OnRateLimited(const std::string& server) {
  std::lock_guard lock(mu_);
  int64_t now = now_us_();
  Bucket& b = BucketOf(server, now);
  b.blocked_until_us = now + b.next_backoff_us;
  b.next_backoff_us = std::min(options_.max_backoff_us, b.next_backoff_us * 2);
}

void WhoisRateLimiter::BlockUntil(const std::string& server, int64_t until_us) {
  std::lock_guard lock(mu_);
  Bucket& b = BucketOf(server, now_us_());
  b.blocked_until_us = std::max(b.blocked_until_us, until_us);
}

void WhoisRateLimiter::OnAnswer(const std::string& server) {
  std::lock_guard lock(mu_);
  Bucket& b = BucketOf(server, now_us_());
  b.next_backoff_us = options_.backoff_us;
}

bool WhoisRateLimiter::BeginQuery(const std::string& server) {
  std::lock_guard lock(mu_);
  Bucket& b = BucketOf(server, now_us_());
  if (options_.max_concurrent > 0 && b.in_progress >= options_.max_concurrent) return false;
  ++b.in_progress;
  return true;
}

void WhoisRateLimiter::EndQuery(const std::string& server) {
  std::lock_guard lock(mu_);
  Bucket& b = BucketOf(server, now_us_());
  if (b.in_progress > 0) --b.in_progress;
}

}  // namespace abuseflow::enrich
