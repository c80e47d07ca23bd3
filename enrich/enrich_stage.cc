#include "enrich/enrich_stage.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <set>

#include "core/log.h"
#include "core/stage_metrics.h"
#include "enrich/asn_table.h"
#include "enrich/delegated_stats.h"
#include "enrich/enricher.h"
#include "enrich/never_mail.h"
#include "enrich/offline_registry.h"
#include "enrich/owner_cache.h"
#include "enrich/owner_cache_store.h"
#include "enrich/override_source.h"
#include "enrich/rdap_source.h"
#include "enrich/shard_router.h"
#include "enrich/upstream_acks.h"
#include "core/shutdown.h"
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

// Loads enrich.delegated and enrich.asn_table; IoError naming a file that
// cannot be read.
core::Status LoadOfflineData(const core::EnrichConfig& c, DelegatedStats* delegated,
                             AsnTable* table, EnrichStageStats* stats) {
  for (const std::string& path : c.delegated) {
    if (core::Status s = delegated->Load(path); !s.ok()) return s;
  }
  if (!c.asn_table.empty()) {
    if (core::Status s = table->Load(c.asn_table); !s.ok()) return s;
  }
  stats->delegated_malformed = delegated->stats().malformed;
  stats->asn_table_malformed = table->stats().malformed;
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

void CollectStats(const Enricher& enricher, const Sources& sources, EnrichStageStats* stats) {
  stats->cache_hits = enricher.stats().cache_hits;
  stats->source_queries = enricher.stats().source_queries;
  stats->unresolved = enricher.stats().unresolved;
  stats->overridden = enricher.stats().overridden;
  stats->never_mail_removed = enricher.stats().never_mail_removed;
  stats->country_from_delegated = enricher.stats().country_from_delegated;
  if (sources.whois) {
    stats->whois_queries = sources.whois->stats().queries;
    stats->whois_more_specific_queries = sources.whois->stats().more_specific_queries;
  }
  if (sources.rdap) {
    stats->rdap_queries = sources.rdap->stats().queries;
    stats->rdap_failures = sources.rdap->stats().failures;
  }
}

// The cache's counters on the metrics endpoint, moved by what each batch
// added to the enricher's own counts.
struct CacheMetrics {
  core::Counter& hits = core::MetricsRegistry::Global().GetCounter(
      "abuseflow_enrich_cache_hits_total", "Addresses answered from the netblock cache");
  core::Counter& misses = core::MetricsRegistry::Global().GetCounter(
      "abuseflow_enrich_cache_misses_total", "Addresses the cache did not know (the sources were asked)");
  uint64_t hits_seen = 0, misses_seen = 0;
  void Update(const Enricher& enricher) {
    hits.Increment(enricher.stats().cache_hits - hits_seen);
    misses.Increment(enricher.stats().source_queries - misses_seen);
    hits_seen = enricher.stats().cache_hits;
    misses_seen = enricher.stats().source_queries;
  }
};

}  // namespace

// Enriches one event batch into one part per shard and sends the parts.
core::Status EnrichStage::Forward(core::Received& received, Enricher& enricher, core::BatchSender& sender,
                                  UpstreamAcks& acks) {
  const size_t shards = sender.peers();
  std::vector<v1::Envelope> out(shards);
  const v1::Envelope& in = received.envelope;
  for (v1::Envelope& part : out) {
    part.set_cause_origin(in.cause_origin());
    part.set_cause_seq(in.cause_seq());
    if (in.has_end_of_stream()) *part.mutable_end_of_stream() = in.end_of_stream();
  }
  if (in.has_events()) {
    const uint64_t forwarded_before = stats_.events, events_before = stats_.events + stats_.rejected;
    for (v1::ProbeEvent& event : *received.envelope.mutable_events()->mutable_events()) {
      auto address = core::IpAddress::FromBytes(event.src());
      if (!address) {
        ++stats_.rejected;
        metrics_.RejectedFor("no_source_address").Increment();
        continue;
      }
      int shard = ShardOf(event.src(), static_cast<int>(shards));
      v1::EnrichedEvent* enriched = out[shard].mutable_enriched()->add_events();
      *enriched->mutable_owner() = enricher.Resolve(*address);
      *enriched->mutable_event() = std::move(event);
      ++stats_.events;
      ++stats_.shard_events[shard];
    }
    ++stats_.batches;
    metrics_.events_in.Increment(stats_.events + stats_.rejected - events_before);
    metrics_.events_out.Increment(stats_.events - forwarded_before);
  }
  for (size_t k = 0; k < shards; ++k) {
    if (!out[k].has_end_of_stream()) out[k].mutable_enriched();
    out[k].set_batch_seq(sender.NextSeq());
    acks.AddPart(in, out[k].batch_seq());
    if (core::Status s = sender.Send(&out[k], static_cast<int>(k)); !s.ok()) return s;
  }
  return core::Status::Ok();
}

core::Status EnrichStage::Run() {
  auto log = core::Logger("enrich");
  Sources sources;
  if (core::Status s = MakeSources(config_.enrich, &sources); !s.ok()) return s;
  NeverMail never_mail(config_.enrich.never_mail);
  DelegatedStats delegated;
  AsnTable asn_table;
  if (core::Status s = LoadOfflineData(config_.enrich, &delegated, &asn_table, &stats_); !s.ok()) {
    return s;
  }
  OverrideSource overrides(config_.enrich.overrides, std::move(asn_table));
  OwnerCache cache({config_.enrich.positive_ttl_us, config_.enrich.negative_ttl_us, nullptr,
                    [&never_mail](v1::OwnerRecord* r) { never_mail.Apply(r); }});
  std::unique_ptr<OwnerCacheStore> store;
  if (sources.networked()) {
    auto opened = OpenStore(config_, &sources, &cache, &stats_);
    if (!opened.ok()) return opened.status();
    store = std::move(*opened);
    log->info("cache loaded entries={} corrupt={}", stats_.cache_loaded, stats_.cache_corrupt);
  }
  auto receiver = core::BatchReceiver::Bind(*links_.context, links_.input, links_.security);
  if (!receiver.ok()) return receiver.status();
  core::SenderOptions options;
  options.security = links_.security;
  // No credit limit towards dedup: dedup holds batches that arrive before
  // their turn, and a window filled with those would keep enrich from ever
  // reading the batch whose turn it is. What enrich has in flight is bounded
  // by ingest's window, since it acknowledges ingest only once dedup has.
  options.window = 0;
  auto sender = core::BatchSender::Connect(*links_.context, links_.outputs, links_.name, options);
  if (!sender.ok()) return sender.status();
  stats_.shard_events.assign(links_.outputs.size(), 0);
  Enricher enricher(sources.order, &cache);
  enricher.set_overrides(&overrides);
  enricher.set_never_mail(&never_mail);
  if (!delegated.empty()) enricher.set_delegated(&delegated, config_.enrich.delegated_country == "always");
  UpstreamAcks acks;
  CacheMetrics cache_metrics;
  std::set<std::string> ended;  // streams whose end every shard has acknowledged
  (*sender)->set_ack_handler([&](uint64_t seq) {
    for (core::Received& done : acks.Acked(seq)) {
      if (done.envelope.has_end_of_stream()) ended.insert(done.envelope.cause_origin());
      (*receiver)->Ack(done);
    }
  });
  core::Status status;
  while (static_cast<int>(ended.size()) < links_.streams || acks.pending() > 0) {
    if (core::StopRequested()) {
      status = core::Status::Unavailable("stop requested");
      break;
    }
    auto received = (*receiver)->Receive(std::chrono::milliseconds((*sender)->in_flight() > 0 ? 1 : 50));
    if (received && (received->envelope.has_events() || received->envelope.has_end_of_stream())) {
      if (!acks.Start(*received)) {
        ++stats_.resends_ignored;
      } else if (status = Forward(*received, enricher, **sender, acks); !status.ok()) {
        break;
      }
      cache_metrics.Update(enricher);
    }
    if (status = (*sender)->Poll(std::chrono::milliseconds(0)); !status.ok()) break;
  }
  CollectStats(enricher, sources, &stats_);
  stats_.transport = (*sender)->stats();
  if (!status.ok()) return status;
  log->info(
      "done events={} cache_hits={} registry_queries={} whois_queries={} "
      "whois_more_specific_queries={} unresolved={} "
      "overridden={} never_mail_removed={} country_from_delegated={} rdap_queries={} "
      "rdap_failures={} shards={} resent={}",
      stats_.events, stats_.cache_hits, stats_.source_queries, stats_.whois_queries,
      stats_.whois_more_specific_queries, stats_.unresolved, stats_.overridden, stats_.never_mail_removed,
      stats_.country_from_delegated, stats_.rdap_queries, stats_.rdap_failures,
      links_.outputs.size(), stats_.transport.resent);
  return core::Status::Ok();
}

}  // namespace abuseflow::enrich
