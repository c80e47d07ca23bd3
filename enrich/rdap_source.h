#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "enrich/owner_source.h"
#include "enrich/rdap_client.h"
#include "enrich/rdap_parser.h"
#include "enrich/whois_rate_limiter.h"

namespace abuseflow::enrich {

struct RdapSourceStats {
  uint64_t queries = 0;       // HTTP requests sent
  uint64_t redirects = 0;     // redirects followed
  uint64_t rate_limited = 0;  // 429 answers
  uint64_t failures = 0;      // lookups that failed (the address alone is then unknown)
  uint64_t parse_errors = 0;  // 200 answers that were not an ip network object
};

// Owner records from RDAP (RFC 9082 queries, RFC 9083 answers) as an
// OwnerSource, provenance source "rdap", server the host that answered.
//
// The base URL comes from the IANA bootstrap (bundled, or the files of
// `rdap.bootstrap`); `{base}ip/{address}` is asked; redirects (an RIR
// pointing to another) are followed up to `max_redirects`, never to the
// same URL twice and only to https://. Every URL (bootstrap or redirect) is
// rewritten through `rdap.servers` (prefix -> replacement) and, with
// `only_listed`, refused unless a prefix matched. A host gets a token bucket;
// a 429 blocks it, in the limiter and so for every source sharing it, for
// its Retry-After (delta-seconds or an HTTP-date; else, or for a date not in
// the future, `backoff`; at most `max_backoff`), and the request is retried
// once when that wait fits in `max_wait`. 404 means "not known here" (nullopt, the default negative
// scope). Anything else that goes wrong (network, TLS, timeout, size cap,
// garbage, redirect loop) fails the lookup, scoped to the address alone.
//
// At most `concurrency` requests per host are in progress (over every
// source sharing the limiter); one more waits for a slot, at most max_wait.
//
// Blocks in Lookup (network, waits). Not thread-safe (one per thread).
class RdapSource : public OwnerSource {
 public:
  using Fetch = std::function<core::Result<RdapResponse>(const std::string& url)>;
  using Clock = std::function<int64_t()>;
  using Sleep = std::function<void(int64_t us)>;

  // The real one: RdapGet with the config's timeout, size cap and CA file,
  // the system clock and sleep.
  RdapSource(const core::RdapConfig& config, RdapBootstrap bootstrap);
  // For tests: an injected transport, clock and sleep.
  RdapSource(const core::RdapConfig& config, RdapBootstrap bootstrap, Fetch fetch, Clock now_us,
             Sleep sleep);

  // Called with every record found and the JSON body it was parsed from
  // (the raw text of its provenance), on the thread of the Lookup; with
  // lookup threads, from several threads at once, so it may only touch
  // thread-safe things (the persistent cache store is).
  using AnswerSink = std::function<void(const v1::OwnerRecord& record, const std::string& raw)>;

  std::string_view name() const override { return "rdap"; }
  std::optional<v1::OwnerRecord> Lookup(const core::IpAddress& address) override;
  std::vector<core::IpPrefix> AnswerScope(const core::IpAddress& address,
                                          const v1::OwnerRecord* record) const override;

  const RdapSourceStats& stats() const { return stats_; }
  bool last_failed() const override { return failed_ && transient_; }
  // The rate limiter, to share with the RdapSources of the other lookup
  // threads (the hosts' rates, concurrency and 429 blocks hold for all
  // together).
  std::shared_ptr<WhoisRateLimiter> limiter() const { return limiter_; }
  void ShareLimiter(std::shared_ptr<WhoisRateLimiter> limiter) { limiter_ = std::move(limiter); }
  void set_answer_sink(AnswerSink sink) { sink_ = std::move(sink); }
  const AnswerSink& answer_sink() const { return sink_; }
  // Why the latest Lookup failed; empty when it did not.
  const std::string& last_error() const { return last_error_; }

 private:
  std::optional<std::string> MapUrl(const std::string& url) const;
  bool WaitForHost(const std::string& host);
  bool WaitForSlot(const std::string& host);
  int64_t BlockAfter429(const RdapResponse& response) const;
  // `transient`: the host could not be asked now (down, slow, busy, 429, 5xx).
  std::optional<v1::OwnerRecord> Fail(std::string why, bool transient = false);

  core::RdapConfig config_;
  RdapBootstrap bootstrap_;
  Fetch fetch_;
  Clock now_us_;
  Sleep sleep_;
  std::shared_ptr<WhoisRateLimiter> limiter_;
  RdapSourceStats stats_;
  std::string last_error_;
  AnswerSink sink_;
  bool failed_ = false;
  bool transient_ = false;
};

// Loads the bootstrap of a config: the files of rdap.bootstrap, else the
// bundled copy. IoError naming a file that cannot be read.
core::Result<RdapBootstrap> LoadRdapBootstrap(const core::RdapConfig& config);

}  // namespace abuseflow::enrich
