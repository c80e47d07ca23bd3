#include "enrich/rdap_source.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

namespace abuseflow::enrich {
namespace {

int64_t SystemNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// "https://host:port/path" -> "host:port".
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find('/', start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

WhoisRateLimiter::Options LimiterOptions(const core::RdapConfig& c) {
  return {static_cast<double>(c.queries_per_minute), c.burst, c.backoff_us, c.max_backoff_us,
          c.concurrency};
}

}  // namespace

RdapSource::RdapSource(const core::RdapConfig& config, RdapBootstrap bootstrap)
    : RdapSource(
          config, std::move(bootstrap),
          [options = RdapClientOptions{config.timeout_us,
                                       static_cast<size_t>(config.max_answer_bytes),
                                       config.ca_file}](const std::string& url) {
            return RdapGet(url, options);
          },
          SystemNowUs, [](int64_t us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }) {}

RdapSource::RdapSource(const core::RdapConfig& config, RdapBootstrap bootstrap, Fetch fetch,
                       Clock now_us, Sleep sleep)
    : config_(config),
      bootstrap_(std::move(bootstrap)),
      fetch_(std::move(fetch)),
      now_us_(std::move(now_us)),
      sleep_(std::move(sleep)),
      limiter_(std::make_shared<WhoisRateLimiter>(LimiterOptions(config), now_us_)) {}

std::optional<std::string> RdapSource::MapUrl(const std::string& url) const {
  const std::pair<const std::string, std::string>* best = nullptr;
  for (const auto& entry : config_.servers) {
    if (url.rfind(entry.first, 0) == 0 && (!best || entry.first.size() > best->first.size())) {
      best = &entry;
    }
  }
  if (best != nullptr) return best->second + url.substr(best->first.size());
  if (config_.only_listed) return std::nullopt;
  return url;
}

// Waits for the host's token or 429 block (the limiter keeps both, shared by
// the lookup threads) while the waits add up to at most max_wait.
bool RdapSource::WaitForHost(const std::string& host) {
  constexpr int kMaxWaits = 3;  // a block, then a token, then one more try
  int64_t waited = 0;
  for (int n = 0; n < kMaxWaits; ++n) {
    int64_t wait = limiter_->Acquire(host);
    if (wait == 0) return true;
    if (waited + wait > config_.max_wait_us) return false;
    sleep_(wait);
    waited += wait;
  }
  return limiter_->Acquire(host) == 0;
}

// How long a 429 blocks its host: Retry-After's seconds, or until its date,
// else (absent, garbage, a date not in the future) the configured backoff;
// never longer than max_backoff.
int64_t RdapSource::BlockAfter429(const RdapResponse& response) const {
  int64_t wait = config_.backoff_us;
  if (response.retry_after_s >= 0) {
    wait = response.retry_after_s >= config_.max_backoff_us / 1000000
               ? config_.max_backoff_us
               : response.retry_after_s * 1000000;
  } else if (response.retry_after_date_s >= 0) {
    int64_t now_s = now_us_() / 1000000;
    if (response.retry_after_date_s > now_s) {
      int64_t ahead_s = response.retry_after_date_s - now_s;
      wait = ahead_s >= config_.max_backoff_us / 1000000 ? config_.max_backoff_us
                                                          : ahead_s * 1000000;
    }
  }
  return std::min(wait, config_.max_backoff_us);
}

// Waits for one of the host's `concurrency` slots (other lookup threads hold
// them), at most max_wait; true once one is taken.
bool RdapSource::WaitForSlot(const std::string& host) {
  constexpr int64_t kPollUs = 5000;
  for (int64_t waited = 0; !limiter_->BeginQuery(host); waited += kPollUs) {
    if (waited >= config_.max_wait_us) return false;
    sleep_(kPollUs);
  }
  return true;
}

std::optional<v1::OwnerRecord> RdapSource::Fail(std::string why, bool transient) {
  ++stats_.failures;
  failed_ = true;
  transient_ = transient;
  last_error_ = std::move(why);
  return std::nullopt;
}

std::optional<v1::OwnerRecord> RdapSource::Lookup(const core::IpAddress& address) {
  failed_ = transient_ = false;
  last_error_.clear();
  std::optional<std::string> base = bootstrap_.BaseUrlFor(address);
  if (!base) return std::nullopt;  // no registry for this space
  std::string url = *base + "ip/" + address.ToString();
  std::set<std::string> asked;
  bool retried = false;
  for (int hop = 0; hop <= config_.max_redirects;) {
    std::optional<std::string> mapped = MapUrl(url);
    if (!mapped) return Fail("RDAP URL " + url + " is not in [enrich.rdap] servers");
    if (!asked.insert(*mapped).second && !retried) return Fail("RDAP redirect loop at " + url);
    std::string host = HostOf(*mapped);
    if (!WaitForHost(host)) return Fail("RDAP server " + host + " is rate limited past max_wait", true);
    if (!WaitForSlot(host)) {
      return Fail("busy: " + std::to_string(config_.concurrency) + " requests to " + host +
                  " in progress past max_wait", true);
    }
    ++stats_.queries;
    auto response = fetch_(*mapped);
    limiter_->EndQuery(host);
    if (!response.ok()) {
      return Fail(response.status().message(), response.status().code() == core::Status::Code::kUnavailable);
    }
    if (response->status == 429) {
      ++stats_.rate_limited;
      int64_t wait = BlockAfter429(*response);
      limiter_->BlockUntil(host, now_us_() + wait);
      if (retried || wait > config_.max_wait_us) return Fail("RDAP server " + host + " answered 429", true);
      retried = true;
      continue;
    }
    retried = false;
    if (response->status >= 300 && response->status < 400 && !response->location.empty()) {
      ++stats_.redirects;
      ++hop;
      url = response->location;
      continue;
    }
    if (response->status == 404) return std::nullopt;
    if (response->status != 200) {
      return Fail("RDAP server " + host + " answered HTTP " + std::to_string(response->status),
                  response->status >= 500);
    }
    auto record = ParseRdapNetwork(response->body);
    if (!record.ok()) {
      ++stats_.parse_errors;
      return Fail("RDAP answer from " + host + ": " + record.status().message());
    }
    v1::Provenance* p = record->mutable_provenance();
    p->set_source("rdap");
    p->set_server(HostOf(url));
    p->set_fetched_us(now_us_());
    if (sink_) sink_(*record, response->body);
    return *std::move(record);
  }
  return Fail("RDAP: more than " + std::to_string(config_.max_redirects) + " redirects for " +
              address.ToString());
}

std::vector<core::IpPrefix> RdapSource::AnswerScope(const core::IpAddress& address,
                                                    const v1::OwnerRecord* record) const {
  if (record == nullptr && failed_) return {core::IpPrefix(address, address.bit_width())};
  return OwnerSource::AnswerScope(address, record);
}

core::Result<RdapBootstrap> LoadRdapBootstrap(const core::RdapConfig& config) {
  if (config.bootstrap.empty()) return RdapBootstrap::Bundled();
  RdapBootstrap bootstrap;
  for (const std::string& path : config.bootstrap) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return core::Status::IoError("cannot read RDAP bootstrap file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    if (core::Status s = bootstrap.Add(text.str()); !s.ok()) {
      return core::Status::InvalidArgument(path + ": " + s.message());
    }
  }
  return bootstrap;
}

}  // namespace abuseflow::enrich
