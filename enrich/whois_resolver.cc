#include "enrich/whois_resolver.h"

#include <chrono>
#include <set>
#include <thread>

#include "core/charset.h"
#include "enrich/owner_source.h"
#include "enrich/rwhois_parser.h"
#include "enrich/whois_client.h"
#include "enrich/whois_more_specific.h"
#include "enrich/whois_parser.h"

namespace abuseflow::enrich {
namespace {

constexpr int64_t kSlotPollUs = 5000;  // how often a query waiting for a slot looks again

int64_t SystemNowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

WhoisRateLimiter::Options LimiterOptions(const core::WhoisConfig& c) {
  return {static_cast<double>(c.queries_per_minute), c.burst, c.backoff_us, c.max_backoff_us,
          c.concurrency};
}

bool Covers(const v1::OwnerRecord& outer, const v1::OwnerRecord& inner) {
  auto of = core::IpAddress::FromBytes(outer.first()),
       ol = core::IpAddress::FromBytes(outer.last());
  auto inf = core::IpAddress::FromBytes(inner.first()),
       il = core::IpAddress::FromBytes(inner.last());
  return of && ol && inf && il && of->family() == inf->family() && *of <= *inf && *il <= *ol;
}

// `outer` covers `inner` and is a larger block (not the same one answered
// again by another registry).
bool CoversStrictly(const v1::OwnerRecord& outer, const v1::OwnerRecord& inner) {
  return Covers(outer, inner) && (outer.first() != inner.first() || outer.last() != inner.last());
}

}  // namespace

// What the loop carries from one server to the next.
struct WhoisResolver::Hop {
  std::optional<v1::OwnerRecord> covering;  // the last record that had an abuse contact
  std::optional<v1::OwnerRecord> upstream;  // the one before it (a covering answer's)
  std::string covering_raw;
  std::optional<WhoisEndpoint> record_server;  // where the latest record came from
};

WhoisResolver::WhoisResolver(const core::WhoisConfig& config)
    : WhoisResolver(
          config,
          [options =
               WhoisClientOptions{config.timeout_us, static_cast<size_t>(config.max_answer_bytes), {}}](
              const WhoisEndpoint& e, const std::string& q) { return WhoisQuery(e, q, options); },
          SystemNowUs,
          [](int64_t us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); }) {
  WhoisClientOptions options{config.timeout_us, static_cast<size_t>(config.max_answer_bytes), {}};
  options.complete = RwhoisAnswerComplete;
  rwhois_transport_ = [options](const WhoisEndpoint& e, const std::string& q) {
    return WhoisQuery(e, q, options);
  };
}

WhoisResolver::WhoisResolver(const core::WhoisConfig& config, Transport transport, Clock now_us,
                             Sleep sleep)
    : config_(config),
      directory_(config),
      transport_(std::move(transport)),
      rwhois_transport_(transport_),
      now_us_(std::move(now_us)),
      sleep_(std::move(sleep)),
      limiter_(std::make_shared<WhoisRateLimiter>(LimiterOptions(config), now_us_)) {}

WhoisResolver::ServerMetrics& WhoisResolver::MetricsOf(const std::string& server) {
  auto it = metrics_.find(server);
  if (it != metrics_.end()) return it->second;
  auto& r = core::MetricsRegistry::Global();
  const core::MetricLabels l{{"server", server}};
  ServerMetrics m{&r.GetCounter("abuseflow_whois_queries_total", "WHOIS queries sent, per server", l),
                  &r.GetCounter("abuseflow_whois_rate_limit_waits_total",
                                "Times a WHOIS query waited for the server's rate limit", l),
                  &r.GetCounter("abuseflow_whois_rate_limited_total",
                                "WHOIS answers that said the server's limit was exceeded", l),
                  &r.GetGauge("abuseflow_whois_pending_lookups", "WHOIS queries waiting for their answer", l)};
  return metrics_.emplace(server, m).first->second;
}

core::Result<std::string> WhoisResolver::Query(const WhoisEndpoint& endpoint, const std::string& query,
                                               bool rwhois) {
  // Waits for one of the server's `concurrency` slots (other lookup threads
  // hold them), at most max_wait.
  for (int64_t waited = 0; !limiter_->BeginQuery(endpoint.name); waited += kSlotPollUs) {
    if (waited >= config_.max_wait_us) {
      return core::Status::Unavailable("busy: " + std::to_string(config_.concurrency) + " queries to " +
                                       endpoint.name + " in progress past max_wait");
    }
    sleep_(kSlotPollUs);
  }
  ServerMetrics& m = MetricsOf(endpoint.name);
  m.queries->Increment();
  m.pending->Add(1);
  core::Result<std::string> raw = (rwhois ? rwhois_transport_ : transport_)(endpoint, query);
  m.pending->Add(-1);
  limiter_->EndQuery(endpoint.name);
  return raw;
}

bool WhoisResolver::WaitForToken(const std::string& server) {
  int64_t waited = 0;
  for (int64_t wait = limiter_->Acquire(server); wait > 0; wait = limiter_->Acquire(server)) {
    if (waited + wait > config_.max_wait_us) return false;
    MetricsOf(server).waits->Increment();
    sleep_(wait);
    waited += wait;
    stats_.waited_us += wait;
  }
  return true;
}

WhoisResolution WhoisResolver::Resolve(const core::IpAddress& address) {
  WhoisResolution out;
  Hop hop;
  std::set<std::string> asked;
  std::optional<WhoisReferral> next = WhoisReferral{std::string(FirstWhoisServer(address))};
  for (int n = 0; next && n < config_.max_referrals; ++n) {
    auto endpoint = directory_.Resolve(next->host, next->port);
    std::string key = next->host + ":" + std::to_string(next->port);
    if (!endpoint.ok() || (next->scheme != "whois" && next->scheme != "rwhois")) {
      ++stats_.refused;
      std::string why = endpoint.ok() ? "referral to " + next->scheme + "://" + key + " refused"
                                      : endpoint.status().message();
      out.steps.push_back({next->host, "", "", "refused: " + why, "", 0});
      break;
    }
    key = endpoint->name + ":" + std::to_string(next->port);
    if (!asked.insert(key).second) {
      ++stats_.loops;
      out.steps.push_back({endpoint->name, endpoint->ToString(), "", "loop", "", 0});
      break;
    }
    if (n > 0) ++stats_.referrals;
    if (next->scheme == "rwhois") {
      AskRwhois(*endpoint, address, &out, &hop);
      break;  // an RWhois answer is the end of the chain
    }
    next = Ask(*endpoint, address, &out, &hop);
  }
  if (out.record && hop.record_server && config_.more_specifics) {
    AskMoreSpecifics(*hop.record_server, &out);
  }
  if (out.record && out.record->abuse_size() == 0 && hop.covering &&
      Covers(*hop.covering, *out.record)) {
    *out.record->mutable_abuse() = hop.covering->abuse();
    out.raw = hop.covering_raw + "\n" + out.raw;
  } else if (out.record && out.record->abuse_size() > 0 && hop.upstream &&
             CoversStrictly(*hop.upstream, *out.record)) {
    SetUpstreamAbuse({hop.upstream->abuse().begin(), hop.upstream->abuse().end()}, &*out.record);
  }
  return out;
}

std::optional<WhoisReferral> WhoisResolver::Ask(const WhoisEndpoint& endpoint,
                                                const core::IpAddress& address,
                                                WhoisResolution* out, Hop* hop) {
  const WhoisServerInfo* info = FindWhoisServer(endpoint.name);
  WhoisServerInfo fallback{endpoint.name, WhoisFormat::kRpsl, "", "", ""};
  if (!info) info = &fallback;
  WhoisStep step{endpoint.name, endpoint.ToString(), WhoisQueryFor(*info, address), "", "", 0};
  for (int attempt = 0;; ++attempt) {
    if (!WaitForToken(endpoint.name)) {
      step.outcome = "rate limited: no query allowed within max_wait";
      out->failed = out->transient = true;
      out->steps.push_back(step);
      return std::nullopt;
    }
    ++stats_.queries;
    ++stats_.queries_by_server[endpoint.name];
    core::Result<std::string> raw = Query(endpoint, step.query);
    if (!raw.ok()) {
      ++stats_.errors;
      step.outcome = "error: " + raw.status().message();
      out->failed = true;
      out->transient = raw.status().code() == core::Status::Code::kUnavailable;
      out->steps.push_back(step);
      return std::nullopt;
    }
    step.bytes = raw->size();
    std::string text = core::ToUtf8(*raw, info->charset);
    WhoisAnswer answer = ParseWhoisAnswer(info->format, text, address);
    if (answer.rate_limited) {
      if (OnLimitMessage(endpoint.name, step, attempt, out)) continue;
      return std::nullopt;
    }
    limiter_->OnAnswer(endpoint.name);
    if (answer.record) TakeRecord(endpoint, std::move(*answer.record), std::move(text), out, hop);
    step.outcome = answer.record ? "record" : answer.not_managed ? "not managed" : "no entry";
    if (!answer.referral && answer.not_managed && endpoint.name != kIanaWhois) {
      answer.referral = WhoisReferral{std::string(kIanaWhois)};
    }
    if (answer.referral) {
      step.referral = answer.referral->host + ":" + std::to_string(answer.referral->port);
      if (!answer.record) step.outcome = answer.not_managed ? "not managed" : "referral";
    }
    out->steps.push_back(step);
    return answer.referral;
  }
}

bool WhoisResolver::OnLimitMessage(const std::string& server, WhoisStep step, int attempt,
                                   WhoisResolution* out) {
  ++stats_.rate_limited;
  limiter_->OnRateLimited(server);
  MetricsOf(server).limited->Increment();
  step.outcome = "rate limited";
  out->steps.push_back(std::move(step));
  if (attempt == 0) return true;  // WaitForToken waits out the backoff, or gives up
  out->failed = out->transient = true;
  return false;
}

void WhoisResolver::TakeRecord(const WhoisEndpoint& endpoint, v1::OwnerRecord record,
                               std::string text, WhoisResolution* out, Hop* hop) {
  record.mutable_provenance()->set_source("whois");
  record.mutable_provenance()->set_server(endpoint.name);
  record.mutable_provenance()->set_fetched_us(now_us_());
  if (record.abuse_size() > 0) {
    hop->upstream = std::move(hop->covering);
    hop->covering = record, hop->covering_raw = text;
  }
  hop->record_server = endpoint;
  out->record = std::move(record);
  out->raw = std::move(text);
}

void WhoisResolver::AskRwhois(const WhoisEndpoint& endpoint, const core::IpAddress& address,
                              WhoisResolution* out, Hop* hop) {
  WhoisStep step{endpoint.name, endpoint.ToString(), RwhoisQueryFor(address), "", "", 0};
  std::string text;
  RwhoisAnswer answer;
  for (int attempt = 0;; ++attempt) {
    std::optional<std::string> got = AskRwhoisOnce(endpoint, &step, out);
    if (!got) return;
    text = std::move(*got);
    answer = ParseRwhoisAnswer(text, address);
    if (!answer.rate_limited) break;
    if (!OnLimitMessage(endpoint.name, step, attempt, out)) return;
  }
  limiter_->OnAnswer(endpoint.name);
  if (answer.record) {
    step.outcome = "record";
    TakeRecord(endpoint, std::move(*answer.record), std::move(text), out, hop);
  } else {
    // ARIN's record stays the answer (a dead end, not a failure), for the
    // asked address alone: the customer blocks inside it are the RWhois
    // server's, which ARIN's "n >" does not list.
    step.outcome = answer.error.empty() ? "no entry" : "error: rwhois %error " + answer.error;
    out->more_specifics_known = false;
  }
  hop->record_server.reset();  // no more-specifics query after an RWhois referral
  out->steps.push_back(step);
}

std::optional<std::string> WhoisResolver::AskRwhoisOnce(const WhoisEndpoint& endpoint,
                                                        WhoisStep* step, WhoisResolution* out) {
  if (!WaitForToken(endpoint.name)) {
    step->outcome = "rate limited: no query allowed within max_wait";
    out->failed = out->transient = true;
    out->steps.push_back(*step);
    return std::nullopt;
  }
  ++stats_.queries;
  ++stats_.queries_by_server[endpoint.name];
  core::Result<std::string> raw = Query(endpoint, step->query, /*rwhois=*/true);
  if (!raw.ok()) {
    ++stats_.errors;
    step->outcome = "error: " + raw.status().message();
    out->failed = true;
    out->transient = raw.status().code() == core::Status::Code::kUnavailable;
    out->steps.push_back(*step);
    return std::nullopt;
  }
  step->bytes = raw->size();
  return core::ToUtf8(*raw, "");
}

void WhoisResolver::AskMoreSpecifics(const WhoisEndpoint& endpoint, WhoisResolution* out) {
  const WhoisServerInfo* info = FindWhoisServer(endpoint.name);
  if (!info || (info->format != WhoisFormat::kRpsl && info->format != WhoisFormat::kArin)) {
    return;  // no such query (docs/whois.md)
  }
  const bool arin = info->format == WhoisFormat::kArin;
  WhoisStep step{endpoint.name, endpoint.ToString(),
                 arin ? ArinMoreSpecificQuery(*out->record) : MoreSpecificQuery(*out->record), "",
                 "", 0};
  if (step.query.empty()) return;
  out->more_specifics_known = false;
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!WaitForToken(endpoint.name)) {
      step.outcome = "rate limited: no query allowed within max_wait";
      break;
    }
    ++stats_.more_specific_queries;
    ++stats_.queries_by_server[endpoint.name];
    core::Result<std::string> raw = Query(endpoint, step.query);
    if (!raw.ok()) {
      ++stats_.errors;
      step.outcome = "error: " + raw.status().message();
      break;
    }
    step.bytes = raw->size();
    std::string text = core::ToUtf8(*raw, info->charset);
    if (IsRateLimitAnswer(text)) {
      ++stats_.rate_limited;
      limiter_->OnRateLimited(endpoint.name);
      MetricsOf(endpoint.name).limited->Increment();
      step.outcome = "rate limited";
      out->steps.push_back(step);
      continue;  // once more, if the backoff fits in max_wait
    }
    limiter_->OnAnswer(endpoint.name);
    auto children = arin ? ParseArinMoreSpecificAnswer(text, *out->record)
                         : ParseMoreSpecificAnswer(text, *out->record);
    if (!children) {
      step.outcome = "error: unreadable more specifics answer";
      break;
    }
    out->more_specifics = std::move(*children);
    out->more_specifics_known = true;
    step.outcome = "more specifics: " + std::to_string(out->more_specifics.size());
    out->steps.push_back(step);
    return;
  }
  ++stats_.more_specific_failures;
  if (step.outcome != "rate limited") out->steps.push_back(step);
}

}  // namespace abuseflow::enrich
