// How long an enrich stage takes to start warm: the persistent netblock cache
// of N blocks (enrich/owner_cache_store.h) loaded into the in-memory index,
// as EnrichStage does at start. Reported as blocks loaded per second and as
// seconds per load (real time).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "core/ip_prefix.h"
#include "enrich/owner_cache.h"
#include "enrich/owner_cache_store.h"

namespace abuseflow::enrich {
namespace {

namespace fs = std::filesystem;

void BM_WarmCacheStartup(benchmark::State& state) {
  const int64_t blocks = state.range(0);
  const fs::path dir = fs::temp_directory_path() /
                       ("abuseflow-cache-startup-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    auto store = OwnerCacheStore::Open(dir.string(), false);
    if (!store.ok()) {
      state.SkipWithError(store.status().ToString().c_str());
      return;
    }
    v1::OwnerRecord record;
    record.set_owner("Example Provider");
    record.set_netname("EXAMPLE-NET");
    record.set_country("NL");
    record.add_abuse("abuse@provider.example");
    record.mutable_provenance()->set_source("whois");
    record.mutable_provenance()->set_server("whois.ripe.net");
    for (int64_t i = 0; i < blocks; ++i) {
      // Consecutive /24s from 1.0.0.0: a million of them end at 16.66.63.0/24.
      const core::IpPrefix prefix(core::IpAddress::V4(0x01000000u + static_cast<uint32_t>(i << 8)), 24);
      record.clear_cidrs();
      record.add_cidrs(prefix.ToString());
      record.set_first(prefix.first().ToBytes());
      record.set_last(prefix.last().ToBytes());
      if (!(*store)->Put(prefix, record, 0).ok()) {
        state.SkipWithError("cannot fill the cache");
        return;
      }
    }
  }
  uint64_t loaded = 0;
  for (auto _ : state) {
    auto store = OwnerCacheStore::Open(dir.string(), true);
    OwnerCache cache;
    uint64_t corrupt = 0;
    auto n = (*store)->Load(&cache, 0, &corrupt);
    if (!n.ok() || corrupt != 0) {
      state.SkipWithError("load failed");
      break;
    }
    loaded += *n;
    benchmark::DoNotOptimize(cache);
  }
  fs::remove_all(dir);
  state.SetItemsProcessed(static_cast<int64_t>(loaded));
}
BENCHMARK(BM_WarmCacheStartup)->Arg(1000000)->Iterations(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace abuseflow::enrich
