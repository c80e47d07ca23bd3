#include "notify/delivery_policy.h"

#include <algorithm>
#include <cmath>

namespace abuseflow::notify {
namespace {

constexpr int64_t kMinuteUs = 60LL * 1000000;

}  // namespace

SmtpOutcome ClassifySmtpReply(bool transfer_ok, long smtp_code) {
  if (transfer_ok) return SmtpOutcome::kSent;
  if (smtp_code >= 500 && smtp_code < 600) return SmtpOutcome::kPermanent;
  return SmtpOutcome::kTemporary;
}

int64_t RetryDelay(int failed_attempts, int64_t initial_us, int64_t max_us) {
  int64_t delay = std::max<int64_t>(initial_us, 1);
  for (int i = 1; i < failed_attempts && delay < max_us; ++i) {
    delay = delay > INT64_MAX / 2 ? INT64_MAX : delay * 2;
  }
  return std::min(delay, max_us);
}

std::string MailDomain(std::string_view mailbox) {
  size_t at = mailbox.rfind('@');
  if (at == std::string_view::npos) return "";
  std::string domain(mailbox.substr(at + 1));
  for (char& c : domain) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return domain;
}

double DomainRateLimiter::TokensAt(const Bucket& b, int64_t now_us) const {
  const double refill =
      static_cast<double>(std::max<int64_t>(0, now_us - b.at_us)) * per_minute_ / kMinuteUs;
  return std::min<double>(per_minute_, b.tokens + refill);
}

int64_t DomainRateLimiter::ReadyAt(const std::string& domain, int64_t now_us) const {
  auto it = buckets_.find(domain);
  if (it == buckets_.end()) return now_us;
  const double tokens = TokensAt(it->second, now_us);
  if (tokens >= 1.0) return now_us;
  const double wait = (1.0 - tokens) * kMinuteUs / per_minute_;
  return now_us + static_cast<int64_t>(std::ceil(wait));
}

void DomainRateLimiter::Take(const std::string& domain, int64_t now_us) {
  auto [it, inserted] = buckets_.try_emplace(domain);
  Bucket& b = it->second;
  b.tokens = inserted ? per_minute_ : TokensAt(b, now_us);
  b.at_us = now_us;
  b.tokens = std::max(0.0, b.tokens - 1.0);
}

int64_t ContactDailyCap::ReadyAt(const std::string& contact, int64_t now_us) const {
  if (per_day_ <= 0) return now_us;
  auto it = sent_.find(contact);
  if (it == sent_.end() || static_cast<int>(it->second.size()) < per_day_) return now_us;
  // The cap is full: the next mail may go a day after the oldest of the last per_day_.
  return std::max(now_us, it->second.front() + kDayUs);
}

void ContactDailyCap::Record(const std::string& contact, int64_t sent_us) {
  if (per_day_ <= 0) return;
  std::deque<int64_t>& times = sent_[contact];
  times.insert(std::upper_bound(times.begin(), times.end(), sent_us), sent_us);
  while (static_cast<int>(times.size()) > per_day_) times.pop_front();
}

std::vector<int64_t> ContactDailyCap::TimesOf(const std::string& contact) const {
  auto it = sent_.find(contact);
  if (it == sent_.end()) return {};
  return std::vector<int64_t>(it->second.begin(), it->second.end());
}

}  // namespace abuseflow::notify
