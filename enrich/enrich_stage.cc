#include "enrich/enrich_stage.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/log.h"
#include "core/stage_metrics.h"
#include "enrich/asn_table.h"
#include "enrich/deferred_events.h"
#include "enrich/delegated_stats.h"
#include "enrich/enricher.h"
#include "enrich/lookup_pool.h"
#include "enrich/never_mail.h"
#include "enrich/offline_registry.h"
#include "enrich/owner_cache.h"
#include "enrich/owner_cache_store.h"
#include "enrich/override_source.h"
#include "enrich/rdap_source.h"
#include "enrich/shard_router.h"
#include "enrich/shared_owners.h"
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
  std::optional<RdapBootstrap> bootstrap;
  std::vector<OwnerSource*> order;
  std::vector<std::string> names;  // of `order`
  bool networked() const { return whois || rdap; }
  // The lookup threads' own network sources (made by ChainFactory), for
  // their counters once the pool has stopped.
  std::vector<WhoisSource*> pool_whois;
  std::vector<RdapSource*> pool_rdap;
  std::mutex registry_mu;
  std::atomic<uint64_t> raw_write_errors{0};  // raw WHOIS/RDAP answers not persisted
};

// Makes each lookup thread's chain: its own WHOIS and RDAP sources sharing
// the stage's rate limiters (and answer sink), the registry behind a lock.
LookupPool::ChainFactory ChainFactory(const core::EnrichConfig& c, Sources* s) {
  return [&c, s] {
    auto chain = std::make_unique<SourceChain>();
    for (const std::string& name : s->names) {
      if (name == "rpsl") {
        chain->owned.push_back(std::make_unique<LockedSource>(&s->registry, &s->registry_mu));
      } else if (name == "whois") {
        auto whois = std::make_unique<WhoisSource>(std::make_unique<WhoisResolver>(c.whois));
        whois->resolver().ShareLimiter(s->whois->resolver().limiter());
        whois->set_answer_sink(s->whois->answer_sink());
        s->pool_whois.push_back(whois.get());
        chain->owned.push_back(std::move(whois));
      } else if (name == "rdap") {
        auto rdap = std::make_unique<RdapSource>(c.rdap, *s->bootstrap);
        rdap->ShareLimiter(s->rdap->limiter());
        rdap->set_answer_sink(s->rdap->answer_sink());
        s->pool_rdap.push_back(rdap.get());
        chain->owned.push_back(std::move(rdap));
      }
      chain->order.push_back(chain->owned.back().get());
    }
    return chain;
  };
}

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
      s->names.push_back(name);
    } else if (name == "whois" && !s->whois) {
      s->whois = std::make_unique<WhoisSource>(std::make_unique<WhoisResolver>(c.whois));
      s->order.push_back(s->whois.get());
      s->names.push_back(name);
    } else if (name == "rdap" && !s->rdap) {
      auto bootstrap = LoadRdapBootstrap(c.rdap);
      if (!bootstrap.ok()) return bootstrap.status();
      s->bootstrap = *bootstrap;
      s->rdap = std::make_unique<RdapSource>(c.rdap, std::move(*bootstrap));
      s->order.push_back(s->rdap.get());
      s->names.push_back(name);
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
  (*store)->FollowEvictions(cache, &stats->cache_write_errors);
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
  // The raw WHOIS text or RDAP JSON of each answer (`r/` keys). Called from
  // the lookup threads too: touches only the store and an atomic counter.
  auto sink = [raw_store, errors = &sources->raw_write_errors, ttl](
                  const v1::OwnerRecord& record, const std::string& raw) {
    if (record.cidrs_size() == 0) return;
    int64_t expires = ttl > 0 ? NowUs() + ttl : 0;
    if (!raw_store->PutRaw(record.cidrs(0), raw, expires).ok()) ++*errors;
  };
  if (sources->whois) sources->whois->set_answer_sink(sink);
  if (sources->rdap) sources->rdap->set_answer_sink(sink);
  return store;
}

void CollectStats(const Enricher& enricher, const Sources& sources, EnrichStageStats* stats) {
  stats->cache_hits = enricher.stats().cache_hits;
  stats->source_queries = enricher.stats().source_queries;
  stats->unresolved = enricher.stats().unresolved;
  stats->overridden = enricher.stats().overridden;
  stats->never_mail_removed = enricher.stats().never_mail_removed;
  stats->country_from_delegated = enricher.stats().country_from_delegated;
  std::vector<const WhoisSource*> whois(sources.pool_whois.begin(), sources.pool_whois.end());
  if (sources.whois) whois.push_back(sources.whois.get());
  for (const WhoisSource* w : whois) {
    stats->whois_queries += w->stats().queries;
    stats->whois_more_specific_queries += w->stats().more_specific_queries;
  }
  std::vector<const RdapSource*> rdap(sources.pool_rdap.begin(), sources.pool_rdap.end());
  if (sources.rdap) rdap.push_back(sources.rdap.get());
  for (const RdapSource* r : rdap) {
    stats->rdap_queries += r->stats().queries;
    stats->rdap_failures += r->stats().failures;
  }
  stats->cache_write_errors += sources.raw_write_errors.load();
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
// With `deferred`, an event whose block is not cached waits there (written
// before the parts go) instead of holding up the batch.
core::Status EnrichStage::Forward(core::Received& received, Enricher& enricher, core::BatchSender& sender,
                                  UpstreamAcks& acks, DeferredEvents* deferred) {
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
    core::KvStore::Batch waiting;
    const int64_t now = NowUs();
    int index = 0;
    std::vector<SharedOwners> parts;
    for (v1::Envelope& part : out) parts.emplace_back(part.mutable_enriched());
    v1::OwnerRecord own;
    for (v1::ProbeEvent& event : *received.envelope.mutable_events()->mutable_events()) {
      ++index;
      auto address = core::IpAddress::FromBytes(event.src());
      if (!address) {
        ++stats_.rejected;
        metrics_.RejectedFor("no_source_address").Increment();
        continue;
      }
      ++stats_.events;
      const v1::OwnerRecord* owner =
          deferred ? enricher.ResolveKnownShared(*address, &own) : enricher.ResolveShared(*address, &own);
      if (owner == nullptr) {
        deferred->Defer(std::move(event), *address, in.cause_origin(), in.cause_seq(), index, now, &waiting);
        continue;
      }
      int shard = ShardOf(event.src(), static_cast<int>(shards));
      parts[shard].Add(std::move(event), owner, &own, enricher.cache_generation());
      ++stats_.shard_events[shard];
    }
    if (!waiting.empty()) {
      if (core::Status s = deferred->Commit(waiting); !s.ok()) return s;
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
  OwnerCache::Options cache_options{config_.enrich.positive_ttl_us, config_.enrich.negative_ttl_us, nullptr,
                                    [&never_mail](v1::OwnerRecord* r) { never_mail.Apply(r); }};
  cache_options.max_entries = static_cast<size_t>(config_.enrich.cache_max_entries);
  OwnerCache cache(std::move(cache_options));
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
  std::unique_ptr<LookupPool> pool;
  std::unique_ptr<DeferredEvents> deferred;
  if (store && config_.enrich.lookup_threads > 0) {
    pool = std::make_unique<LookupPool>(config_.enrich.lookup_threads, ChainFactory(config_.enrich, &sources));
    deferred = std::make_unique<DeferredEvents>(&store->raw(), &enricher, pool.get(), sender->get(), links_.name,
                                                config_.enrich.pending_deadline_us);
    if (core::Status s = deferred->Restore(NowUs()); !s.ok()) return s;
    if (deferred->stats().restored > 0) log->info("pending restored={}", deferred->stats().restored);
  }
  core::Status status = Loop(enricher, **receiver, **sender, deferred.get());
  if (pool) pool->Stop();
  CollectStats(enricher, sources, &stats_);
  stats_.cache_evictions = cache.evictions();
  if (deferred) stats_.deferred = deferred->stats();
  stats_.transport = (*sender)->stats();
  if (!status.ok()) return status;
  log->info(
      "done events={} cache_hits={} registry_queries={} whois_queries={} "
      "whois_more_specific_queries={} unresolved={} "
      "overridden={} never_mail_removed={} country_from_delegated={} rdap_queries={} "
      "rdap_failures={} deferred={} lookups={} lookup_failures={} expired={} cache_evictions={} shards={} "
      "resent={}",
      stats_.events, stats_.cache_hits, stats_.source_queries, stats_.whois_queries,
      stats_.whois_more_specific_queries, stats_.unresolved, stats_.overridden, stats_.never_mail_removed,
      stats_.country_from_delegated, stats_.rdap_queries, stats_.rdap_failures, stats_.deferred.deferred,
      stats_.deferred.lookups, stats_.deferred.failures, stats_.deferred.expired, stats_.cache_evictions,
      links_.outputs.size(),
      stats_.transport.resent);
  return core::Status::Ok();
}

// Receives, enriches and forwards until every stream has ended and been
// acknowledged (and nothing waits for a lookup), or a stop is requested. An
// end of stream waits while events of its stream wait for their owner.
core::Status EnrichStage::Loop(Enricher& enricher, core::BatchReceiver& receiver, core::BatchSender& sender,
                               DeferredEvents* deferred) {
  UpstreamAcks acks;
  CacheMetrics cache_metrics;
  core::Gauge& waiting = core::MetricsRegistry::Global().GetGauge(
      "abuseflow_enrich_pending_events", "Events waiting for their owner lookup (enrich.lookup_threads)");
  std::set<std::string> ended;  // streams whose end every shard has acknowledged
  std::vector<core::Received> held_ends;  // ends of streams whose events still wait
  sender.set_ack_handler([&](uint64_t seq) {
    if (deferred && deferred->OnAck(seq)) return;
    for (core::Received& done : acks.Acked(seq)) {
      if (done.envelope.has_end_of_stream()) ended.insert(done.envelope.cause_origin());
      receiver.Ack(done);
    }
  });
  const int shards = static_cast<int>(sender.peers());
  const size_t max_pending = static_cast<size_t>(config_.enrich.max_pending);
  while (static_cast<int>(ended.size()) < links_.streams || acks.pending() > 0 ||
         (deferred && !deferred->idle())) {
    if (core::StopRequested()) return core::Status::Unavailable("stop requested");
    const bool busy = sender.in_flight() > 0 || !held_ends.empty() || (deferred && deferred->busy());
    // A full pending set stops the intake: ingest keeps the rest (its window and journal).
    std::optional<core::Received> received;
    if (!deferred || deferred->waiting() < max_pending) {
      received = receiver.Receive(std::chrono::milliseconds(busy ? 1 : 50));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (received && (received->envelope.has_events() || received->envelope.has_end_of_stream())) {
      if (!acks.Start(*received)) {
        ++stats_.resends_ignored;
      } else if (received->envelope.has_end_of_stream() && deferred &&
                 deferred->Holds(received->envelope.cause_origin())) {
        held_ends.push_back(std::move(*received));
      } else if (core::Status s = Forward(*received, enricher, sender, acks, deferred); !s.ok()) {
        return s;
      }
      cache_metrics.Update(enricher);
    }
    if (deferred) {
      if (core::Status s = deferred->Step(NowUs(), shards); !s.ok()) return s;
      waiting.Set(static_cast<double>(deferred->waiting()));
      for (auto it = held_ends.begin(); it != held_ends.end();) {
        if (deferred->Holds(it->envelope.cause_origin())) {
          ++it;
          continue;
        }
        if (core::Status s = Forward(*it, enricher, sender, acks, deferred); !s.ok()) return s;
        it = held_ends.erase(it);
      }
      cache_metrics.Update(enricher);
    }
    if (core::Status s = sender.Poll(std::chrono::milliseconds(0)); !s.ok()) return s;
  }
  return core::Status::Ok();
}

}  // namespace abuseflow::enrich
