#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace abuseflow::notify {

// What an SMTP attempt came to.
enum class SmtpOutcome {
  kSent,       // the server took the message (250 after DATA)
  kTemporary,  // 4xx, or no answer (connection refused, timeout, TLS failure): try again later
  kPermanent,  // 5xx: give up and record why
};

// The outcome of an attempt from whether the transfer succeeded and the
// last SMTP reply code (0 when the server never answered).
SmtpOutcome ClassifySmtpReply(bool transfer_ok, long smtp_code);

// The wait before attempt `failed_attempts + 1`: initial, doubled after
// every failure, at most `max_us`. Saturates instead of overflowing.
int64_t RetryDelay(int failed_attempts, int64_t initial_us, int64_t max_us);

// The part of a mailbox after the last "@", lowercased ("" without one).
std::string MailDomain(std::string_view mailbox);

// A token bucket per recipient domain: `per_minute` mails a minute, in
// bursts of at most `per_minute`. Times are the caller's clock. Pure; not
// thread-safe (owned by the delivery worker).
class DomainRateLimiter {
 public:
  explicit DomainRateLimiter(int per_minute) : per_minute_(per_minute < 1 ? 1 : per_minute) {}
  // The earliest time, at or after `now_us`, at which a mail to `domain` may go.
  int64_t ReadyAt(const std::string& domain, int64_t now_us) const;
  // Spends one token of `domain` at `now_us` (call only when ReadyAt <= now_us).
  void Take(const std::string& domain, int64_t now_us);

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_us = 0;
  };
  double TokensAt(const Bucket& b, int64_t now_us) const;

  int per_minute_;
  std::map<std::string, Bucket> buckets_;
};

// At most `per_day` mails per contact in any 24 hours (0: no cap), from the
// send times of the mails sent to it. Pure; not thread-safe.
class ContactDailyCap {
 public:
  static constexpr int64_t kDayUs = 86400LL * 1000000;
  explicit ContactDailyCap(int per_day) : per_day_(per_day) {}
  // The earliest time, at or after `now_us`, at which another mail to
  // `contact` stays within the cap.
  int64_t ReadyAt(const std::string& contact, int64_t now_us) const;
  // Records a mail sent to `contact` at `sent_us` (also for loading history).
  void Record(const std::string& contact, int64_t sent_us);
  // The send times kept for `contact`, oldest first (at most per_day).
  std::vector<int64_t> TimesOf(const std::string& contact) const;

 private:
  int per_day_;
  std::map<std::string, std::deque<int64_t>> sent_;  // the latest per_day_ times per contact
};

}  // namespace abuseflow::notify
