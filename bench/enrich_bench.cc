// The enrich stage's hot paths (issue 4): longest-prefix lookups through the
// OwnerCache, and events enriched per second with a warm cache (the stage's
// per-event work: resolve, route to a dedup shard, move the event into the
// shard's batch with its owner record shared per block).
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "bench/bench_events.h"
#include "enrich/enricher.h"
#include "enrich/owner_cache.h"
#include "enrich/shard_router.h"
#include "enrich/shared_owners.h"

namespace abuseflow::enrich {
namespace {

v1::OwnerRecord Record(const core::IpPrefix& prefix, int i) {
  v1::OwnerRecord r;
  r.set_first(prefix.first().ToBytes());
  r.set_last(prefix.last().ToBytes());
  r.add_cidrs(prefix.ToString());
  r.set_owner("Provider " + std::to_string(i));
  r.set_netname("NET-" + std::to_string(i));
  r.set_country("NL");
  r.add_abuse("abuse@provider" + std::to_string(i) + ".example");
  r.mutable_provenance()->set_source("whois");
  return r;
}

// A cache shaped like a registry's: provider /16-/24 blocks with nested
// customer /24-/28 blocks; addresses drawn from inside the blocks.
void Fill(OwnerCache* cache, std::vector<core::IpAddress>* probes, int blocks) {
  std::mt19937 rng(7);
  for (int i = 0; i < blocks; ++i) {
    const uint32_t base = rng() & 0xFFFFFF00u;
    core::IpPrefix outer(core::IpAddress::V4(base), 16 + static_cast<int>(rng() % 9));
    core::IpPrefix inner(core::IpAddress::V4(base), 24 + static_cast<int>(rng() % 5));
    cache->Insert(Record(outer, i));
    cache->Insert(Record(inner, i));
    if (probes->size() < 4096) probes->push_back(core::IpAddress::V4(base | (rng() & 0xFF)));
  }
  while (probes->size() < 4096) probes->push_back((*probes)[probes->size() % blocks]);
}

void BM_OwnerCacheLookup(benchmark::State& state) {
  OwnerCache cache;
  std::vector<core::IpAddress> probes;
  Fill(&cache, &probes, static_cast<int>(state.range(0)));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(cache.Lookup(probes[i++ & 4095]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OwnerCacheLookup)->Arg(1000)->Arg(100000);

// What EnrichStage::Forward does per batch with every owner already cached:
// resolve each event's source (Enricher::ResolveShared), route it to its
// dedup shard and move it into that shard's EnrichedBatch, where the events
// of one cached block share one copy of its owner record (SharedOwners).
// Arguments: how many distinct cached blocks the 512 sources of a batch
// fall in (1: one provider's network; 512: every event from another block,
// so every event needs its own copy of a record), and the dedup shards. The
// inputs come from a pool of copies of the batch made outside the timed
// region (refilled with the timer paused every kPool batches; a small pool,
// so the inputs are in cache as a just-decoded batch is).
void BM_EnrichWarmCache(benchmark::State& state) {
  constexpr int kPool = 4;
  const int blocks = static_cast<int>(state.range(0));
  const int shards = static_cast<int>(state.range(1));
  v1::Envelope input = bench::EventBatch(512);
  OwnerCache cache;
  std::vector<core::IpAddress> unused;
  Fill(&cache, &unused, 1000);
  // Source i in the /24 of block i % blocks, each /24 cached with a record
  // of its own, as a warm cache would have them.
  int i = 0;
  for (v1::ProbeEvent& e : *input.mutable_events()->mutable_events()) {
    const uint32_t block = 0x0A000000u + static_cast<uint32_t>(i % blocks) * 256u;
    e.set_src(core::IpAddress::V4(block + static_cast<uint32_t>(i / blocks % 256)).ToBytes());
    if (i < blocks) cache.Insert(Record(core::IpPrefix(core::IpAddress::V4(block), 24), i));
    ++i;
  }
  Enricher enricher({}, &cache);
  std::vector<v1::Envelope> pool(kPool, input);
  int next = 0;
  for (auto _ : state) {
    if (next == kPool) {
      state.PauseTiming();
      for (v1::Envelope& e : pool) e = input;
      next = 0;
      state.ResumeTiming();
    }
    std::vector<v1::EnrichedBatch> out(shards);
    std::vector<SharedOwners> parts;
    for (v1::EnrichedBatch& part : out) parts.emplace_back(&part);
    v1::OwnerRecord own;
    for (v1::ProbeEvent& event : *pool[next++].mutable_events()->mutable_events()) {
      auto address = core::IpAddress::FromBytes(event.src());
      int shard = ShardOf(event.src(), shards);
      const v1::OwnerRecord* owner = enricher.ResolveShared(*address, &own);
      parts[shard].Add(std::move(event), owner, &own, enricher.cache_generation());
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * input.events().events_size());
}
BENCHMARK(BM_EnrichWarmCache)->ArgsProduct({{1, 32, 512}, {1, 4}});

void BM_ShardOf(benchmark::State& state) {
  std::vector<std::string> keys;
  for (uint32_t i = 0; i < 4096; ++i) keys.push_back(core::IpAddress::V4(0x0A000000u + i * 977).ToBytes());
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(ShardOf(keys[i++ & 4095], 8));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ShardOf);

}  // namespace
}  // namespace abuseflow::enrich
