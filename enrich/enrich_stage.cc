#include "enrich/enrich_stage.h"

#include <algorithm>
#include <chrono>
#include <memory>

#include "core/log.h"
#include "enrich/enricher.h"
#include "enrich/never_mail.h"
#include "enrich/offline_registry.h"
#include "enrich/owner_cache.h"
#include "enrich/owner_cache_store.h"
#include "enrich/override_source.h"
#include "enrich/rdap_source.h"
#include "enrich/shard_router.h"
#include "enrich/whois_source.h"

namespace abuseflow::enrich {
namespace {

int64_t NowUs() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The owner sources of a config, in order, and what they need.
struct Sources {
  OfflineRegistry registry;
  std::unique_ptr<WhoisSource> whois;
  std::unique_ptr<RdapSource> rdap;
  std::vector<OwnerSource*> order;
  bool networked() const { return whois || rdap; }
};

core::Status MakeSources(const core::EnrichConfig& c, Sources* s) {
  std::vector<std::string> names = c.sources;
  if (names.empty() && !c.registry.empty()) names = {"rpsl"};
  for (const std::string& path : c.registry) {
    if (core::Status st = s->registry.Load(path); !st.ok()) return st;
  }
  for (const std::string& name : names) {
    if (name == "rpsl") {
      if (c.registry.empty()) {
        return core::Status::InvalidArgument(
            "enrich.sources names \"rpsl\" but enrich.registry is empty");
      }
      s->order.push_back(&s->registry);
    } else if (name == "whois" && !s->whois) {
      s->whois = std::make_unique<WhoisSource>(std::make_unique<WhoisResolver>(c.whois));
      s->order.push_back(s->whois.get());
    } else if (name == "rdap" && !s->rdap) {
      auto bootstrap = LoadRdapBootstrap(c.rdap);
      if (!bootstrap.ok()) return bootstrap.status();
      s->rdap = std::make_unique<RdapSource>(c.rdap, std::move(*bootstrap));
      s->order.push_back(s->rdap.get());
    }
  }
  return core::Status::Ok();
}

// Opens the persistent cache, loads it into *cache and has every new network
// answer written through. Only when a network source is configured: offline
// registries are read again at each start anyway.
core::Result<std::unique_ptr<OwnerCacheStore>> OpenStore(const core::Config& config,
                                                         Sources* sources, OwnerCache* cache,
                                                         EnrichStageStats* stats) {
  auto store = OwnerCacheStore::Open(OwnerCacheDir(config.state_dir), false);
  if (!store.ok()) return store.status();
  uint64_t corrupt = 0;
  auto loaded = (*store)->Load(cache, NowUs(), &corrupt);
  if (!loaded.ok()) return loaded.status();
  stats->cache_loaded = *loaded;
  stats->cache_corrupt = corrupt;
  OwnerCacheStore* raw_store = store->get();
  cache->set_insert_hook([raw_store, stats](const core::IpPrefix& prefix,
                                            const v1::OwnerRecord& record, int64_t expires_us) {
    if (record.provenance().source() == "rpsl") return;
    if (!raw_store->Put(prefix, record, expires_us).ok()) ++stats->cache_write_errors;
  });
  int64_t ttl = config.enrich.positive_ttl_us;
  if (!sources->whois) return store;
  sources->whois->set_answer_sink(
      [raw_store, stats, ttl](const v1::OwnerRecord& record, const std::string& raw) {
        if (record.cidrs_size() == 0) return;
        int64_t expires = ttl > 0 ? NowUs() + ttl : 0;
        if (!raw_store->PutRaw(record.cidrs(0), raw, expires).ok()) ++stats->cache_write_errors;
      });
  return store;
}

// The senders to the dedup shards, in shard order (one when not sharded).
core::Result<std::vector<std::unique_ptr<core::BatchSender>>> ConnectShards(
    zmq::context_t& context, const std::vector<std::string>& endpoints) {
  std::vector<std::unique_ptr<core::BatchSender>> senders;
  for (const std::string& endpoint : endpoints) {
    auto sender = core::BatchSender::Connect(context, endpoint, "enrich");
    if (!sender.ok()) return sender.status();
    senders.push_back(std::move(*sender));
  }
  return senders;
}

// Sends `out[k]` to shard k: every one with a single shard (as before
// sharding), only the non-empty ones with several.
core::Status SendToShards(std::vector<v1::Envelope>& out,
                          std::vector<std::unique_ptr<core::BatchSender>>& senders,
                          EnrichStageStats* stats) {
  for (size_t k = 0; k < senders.size(); ++k) {
    int n = out[k].enriched().events_size();
    if (n == 0 && senders.size() > 1) continue;
    stats->shard_events[k] += n;
    if (core::Status s = senders[k]->Send(&out[k]); !s.ok()) return s;
  }
  return core::Status::Ok();
}

void CollectStats(const Enricher& enricher, const Sources& sources, EnrichStageStats* stats) {
  stats->cache_hits = enricher.stats().cache_hits;
  stats->source_queries = enricher.stats().source_queries;
  stats->unresolved = enricher.stats().unresolved;
  stats->overridden = enricher.stats().overridden;
  stats->never_mail_removed = enricher.stats().never_mail_removed;
  if (sources.whois) {
    stats->whois_queries = sources.whois->stats().queries;
    stats->whois_more_specific_queries = sources.whois->stats().more_specific_queries;
  }
  if (sources.rdap) {
    stats->rdap_queries = sources.rdap->stats().queries;
    stats->rdap_failures = sources.rdap->stats().failures;
  }
}

core::Status EndAllShards(std::vector<std::unique_ptr<core::BatchSender>>& senders) {
  for (auto& sender : senders) {
    if (core::Status s = sender->SendEndOfStream(); !s.ok()) return s;
  }
  return core::Status::Ok();
}

}  // namespace

core::Status EnrichStage::Run() {
  auto log = core::Logger("enrich");
  Sources sources;
  if (core::Status s = MakeSources(config_.enrich, &sources); !s.ok()) return s;
  NeverMail never_mail(config_.enrich.never_mail);
  OverrideSource overrides(config_.enrich.overrides);
  OwnerCache cache({config_.enrich.positive_ttl_us, config_.enrich.negative_ttl_us, nullptr,
                    [&never_mail](v1::OwnerRecord* r) { never_mail.Apply(r); }});
  std::unique_ptr<OwnerCacheStore> store;
  if (sources.networked()) {
    auto opened = OpenStore(config_, &sources, &cache, &stats_);
    if (!opened.ok()) return opened.status();
    store = std::move(*opened);
    log->info("cache loaded entries={} corrupt={}", stats_.cache_loaded, stats_.cache_corrupt);
  }
  auto receiver = core::BatchReceiver::Bind(*links_.context, links_.input);
  if (!receiver.ok()) return receiver.status();
  std::vector<std::string> outputs = shard_outputs_;
  if (outputs.empty()) outputs = {links_.output};
  auto senders = ConnectShards(*links_.context, outputs);
  if (!senders.ok()) return senders.status();
  const int shards = static_cast<int>(outputs.size());
  stats_.shard_events.assign(outputs.size(), 0);
  Enricher enricher(sources.order, &cache);
  enricher.set_overrides(&overrides);
  enricher.set_never_mail(&never_mail);
  core::Status status =
      core::ReceiveUntilEnd(**receiver, links_.producers, [&](v1::Envelope& envelope) {
        if (!envelope.has_events()) return core::Status::Ok();
        std::vector<v1::Envelope> out(outputs.size());
        for (v1::ProbeEvent& event : *envelope.mutable_events()->mutable_events()) {
          auto address = core::IpAddress::FromBytes(event.src());
          if (!address) {
            ++stats_.rejected;
            continue;
          }
          int shard = ShardOf(event.src(), shards);
          v1::EnrichedEvent* enriched = out[shard].mutable_enriched()->add_events();
          *enriched->mutable_owner() = enricher.Resolve(*address);
          *enriched->mutable_event() = std::move(event);
          ++stats_.events;
        }
        ++stats_.batches;
        return SendToShards(out, *senders, &stats_);
      });
  CollectStats(enricher, sources, &stats_);
  if (!status.ok()) return status;
  log->info(
      "done events={} cache_hits={} registry_queries={} whois_queries={} "
      "whois_more_specific_queries={} unresolved={} "
      "overridden={} never_mail_removed={} rdap_queries={} rdap_failures={} shards={}",
      stats_.events, stats_.cache_hits, stats_.source_queries, stats_.whois_queries,
      stats_.whois_more_specific_queries, stats_.unresolved, stats_.overridden, stats_.never_mail_removed, stats_.rdap_queries,
      stats_.rdap_failures, shards);
  return EndAllShards(*senders);
}

}  // namespace abuseflow::enrich
