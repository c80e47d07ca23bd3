#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/config.h"
#include "core/ip_address.h"
#include "core/ip_prefix.h"
#include "core/metrics.h"
#include "core/result.h"
#include "enrich/whois_rate_limiter.h"
#include "enrich/whois_servers.h"

namespace abuseflow::enrich {

// One server asked (or refused) while resolving an address.
struct WhoisStep {
  std::string server;    // server name, e.g. "whois.ripe.net"
  std::string endpoint;  // host:port connected to; "" when refused before connecting
  std::string query;     // the line sent
  // "record", "referral", "not managed", "no entry", "rate limited",
  // "refused: ...", "loop", "error: ..."
  std::string outcome;
  std::string referral;  // "host:port" the answer pointed to, "" if none
  size_t bytes = 0;      // answer size
};

// The outcome of resolving one address over WHOIS.
struct WhoisResolution {
  // The most specific block found, with provenance (source "whois", the
  // server name, the time of the answer); nullopt if no registry knows it.
  std::optional<v1::OwnerRecord> record;
  std::vector<WhoisStep> steps;  // in order
  std::string raw;               // UTF-8 text of the answer the record came from
  bool failed = false;           // a server could not be asked: "unknown" is not final
  // Failed because a server could not be asked now (down, too slow, busy,
  // rate limited), not because of what it answered: worth asking again.
  bool transient = false;
  // The CIDRs of the record's first-level more specific blocks (RPSL `-m`
  // answer), when more_specifics_known; the record holds only outside them.
  std::vector<core::IpPrefix> more_specifics;
  // True when the more specific blocks were asked and answered (none is an
  // answer), or need not be asked; false when the `-m` query failed, so the
  // record is safe for the asked address alone.
  bool more_specifics_known = true;
};

struct WhoisResolverStats {
  uint64_t queries = 0;       // answers asked for (connections made)
  uint64_t referrals = 0;     // referrals followed
  uint64_t refused = 0;       // referrals to servers the config does not allow
  uint64_t loops = 0;         // referrals back to a server already asked
  uint64_t errors = 0;        // connect, timeout, oversized answer
  uint64_t rate_limited = 0;  // limit messages received
  // "-m RANGE" queries for the more specific blocks of an answer (not in
  // `queries`, but in queries_by_server), and those that failed.
  uint64_t more_specific_queries = 0;
  uint64_t more_specific_failures = 0;
  int64_t waited_us = 0;      // time spent waiting for tokens or backoffs
  std::map<std::string, uint64_t> queries_by_server;
};

// Resolves addresses by asking WHOIS servers as a careful whois client does:
// the registry from the built-in table (else IANA) first, then IANA's
// "refer:", ARIN's ReferralServer (whois:// or rwhois://, RFC 2167), an RIR's "not managed here" (back to IANA)
// and APNIC's hand-offs to national registries, at most max_referrals servers,
// never the same one twice, never one the WhoisDirectory refuses. Where the
// most specific block has no abuse contact, the covering block's is used.
// Each server is rate limited (WhoisRateLimiter); a limit message backs it off
// and the query is retried once the backoff passes if that is within
// max_wait, else the resolution fails. With more_specifics, an answer from an
// RPSL server is followed by "-m RANGE" to the same server (ARIN's by "n >
// PREFIX"; same rate limiter) for the blocks inside the answered one
// (WhoisResolution).
//
// At most `concurrency` queries are in progress per server (over every
// resolver sharing the limiter): one more waits for a slot, at most
// max_wait, then fails ("busy", transient).
//
// Blocks in the transport and in `sleep`. Not thread-safe (one per thread;
// the shared limiter is).
class WhoisResolver {
 public:
  using Transport =
      std::function<core::Result<std::string>(const WhoisEndpoint&, const std::string& query)>;
  using Clock = std::function<int64_t()>;
  using Sleep = std::function<void(int64_t us)>;

  // Real network, system clock and sleep.
  explicit WhoisResolver(const core::WhoisConfig& config);
  WhoisResolver(const core::WhoisConfig& config, Transport transport, Clock now_us, Sleep sleep);

  WhoisResolution Resolve(const core::IpAddress& address);
  const WhoisResolverStats& stats() const { return stats_; }

  // The rate limiter, to share with other resolvers (one per lookup thread)
  // so that the rate and concurrency of each server hold for all together.
  std::shared_ptr<WhoisRateLimiter> limiter() const { return limiter_; }
  void ShareLimiter(std::shared_ptr<WhoisRateLimiter> limiter) { limiter_ = std::move(limiter); }

 private:
  struct Hop;
  // One server's series on the metrics endpoint (docs/operations.md):
  // abuseflow_whois_queries_total, _rate_limit_waits_total,
  // _rate_limited_total and the gauge abuseflow_whois_pending_lookups.
  struct ServerMetrics {
    core::Counter* queries;
    core::Counter* waits;
    core::Counter* limited;
    core::Gauge* pending;
  };
  ServerMetrics& MetricsOf(const std::string& server);
  // Sends one query through the transport (the RWhois one with `rwhois`),
  // counted per server.
  core::Result<std::string> Query(const WhoisEndpoint& endpoint, const std::string& query,
                                  bool rwhois = false);
  bool WaitForToken(const std::string& server);
  std::optional<WhoisReferral> Ask(const WhoisEndpoint& endpoint, const core::IpAddress& address,
                                   WhoisResolution* out, Hop* hop);
  // Asks an RWhois server (ARIN's `ReferralServer: rwhois://`) for the
  // address; its most specific network object becomes the record, ARIN's
  // covering block's contact the fallback or upstream as for a WHOIS
  // referral. RWhois referrals are not followed.
  // A limit message (RwhoisAnswer::rate_limited) is handled as a WHOIS
  // server's: backoff, one more try, then a transient failure.
  void AskRwhois(const WhoisEndpoint& endpoint, const core::IpAddress& address,
                 WhoisResolution* out, Hop* hop);
  // One RWhois query after its token: the answer in UTF-8, or nullopt with
  // the failure recorded in *out.
  std::optional<std::string> AskRwhoisOnce(const WhoisEndpoint& endpoint, WhoisStep* step,
                                           WhoisResolution* out);
  // The server answered with its limit message: counted, backed off, the
  // step recorded; true on the first attempt (worth one more after the
  // backoff), else the resolution failed as transient.
  bool OnLimitMessage(const std::string& server, WhoisStep step, int attempt,
                      WhoisResolution* out);
  // Takes a parsed record (provenance set here) as the latest answer.
  void TakeRecord(const WhoisEndpoint& endpoint, v1::OwnerRecord record, std::string text,
                  WhoisResolution* out, Hop* hop);
  // Asks the server that gave out->record for its first-level more specific
  // blocks ("-m RANGE" to RPSL servers, "n > PREFIX" to ARIN) and fills
  // out->more_specifics.
  void AskMoreSpecifics(const WhoisEndpoint& endpoint, WhoisResolution* out);

  core::WhoisConfig config_;
  WhoisDirectory directory_;
  Transport transport_;
  // RWhois queries: the same injected transport, or WhoisQuery reading up
  // to the final "%ok"/"%error" line on the real network.
  Transport rwhois_transport_;
  Clock now_us_;
  Sleep sleep_;
  std::shared_ptr<WhoisRateLimiter> limiter_;
  WhoisResolverStats stats_;
  std::map<std::string, ServerMetrics> metrics_;
};

}  // namespace abuseflow::enrich
