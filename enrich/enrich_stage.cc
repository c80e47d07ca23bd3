#include "enrich/enrich_stage.h"

#include "core/log.h"
#include "enrich/enricher.h"
#include "enrich/offline_registry.h"
#include "enrich/owner_cache.h"

namespace abuseflow::enrich {

core::Status EnrichStage::Run() {
  auto log = core::Logger("enrich");
  OfflineRegistry registry;
  for (const std::string& path : config_.enrich.registry) {
    if (core::Status s = registry.Load(path); !s.ok()) return s;
  }
  auto receiver = core::BatchReceiver::Bind(*links_.context, links_.input);
  if (!receiver.ok()) return receiver.status();
  auto sender = core::BatchSender::Connect(*links_.context, links_.output, "enrich");
  if (!sender.ok()) return sender.status();
  OwnerCache cache;
  std::vector<OwnerSource*> sources;
  if (!config_.enrich.registry.empty()) sources.push_back(&registry);
  Enricher enricher(sources, &cache);
  core::Status status =
      core::ReceiveUntilEnd(**receiver, links_.producers, [&](v1::Envelope& envelope) {
        if (!envelope.has_events()) return core::Status::Ok();
        v1::Envelope out;
        auto* batch = out.mutable_enriched();
        for (v1::ProbeEvent& event : *envelope.mutable_events()->mutable_events()) {
          auto address = core::IpAddress::FromBytes(event.src());
          if (!address) {
            ++stats_.rejected;
            continue;
          }
          v1::EnrichedEvent* enriched = batch->add_events();
          *enriched->mutable_owner() = enricher.Resolve(*address);
          *enriched->mutable_event() = std::move(event);
          ++stats_.events;
        }
        ++stats_.batches;
        return (*sender)->Send(&out);
      });
  stats_.cache_hits = enricher.stats().cache_hits;
  stats_.source_queries = enricher.stats().source_queries;
  stats_.unresolved = enricher.stats().unresolved;
  if (!status.ok()) return status;
  log->info("done events={} cache_hits={} registry_queries={} unresolved={}", stats_.events,
            stats_.cache_hits, stats_.source_queries, stats_.unresolved);
  return (*sender)->SendEndOfStream();
}

}  // namespace abuseflow::enrich
