// Longest-prefix lookups per second in a map shaped like a registry cache:
// provider blocks with nested customer blocks. The probes are random
// addresses, so most miss (with 1000 blocks nearly all): this measures the
// miss path, where every length that could match must be probed.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "core/prefix_map.h"

namespace abuseflow::core {
namespace {

void BM_PrefixMapLookupV4(benchmark::State& state) {
  const int blocks = static_cast<int>(state.range(0));
  PrefixMap<int> map;
  std::mt19937 rng(7);
  for (int i = 0; i < blocks; ++i) {
    const uint32_t base = rng() & 0xFFFFFF00u;
    map.Insert(IpPrefix(IpAddress::V4(base), 16 + static_cast<int>(rng() % 9)), i);
    map.Insert(IpPrefix(IpAddress::V4(base), 24 + static_cast<int>(rng() % 5)), i);
  }
  std::vector<IpAddress> probes;
  for (int i = 0; i < 4096; ++i) probes.push_back(IpAddress::V4(rng()));
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(map.Lookup(probes[i++ & 4095]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrefixMapLookupV4)->Arg(1000)->Arg(100000)->Arg(1000000);

// Building the map: inserts per second (the directory's upkeep included),
// then erasing every prefix again.
void BM_PrefixMapInsertEraseV4(benchmark::State& state) {
  const int blocks = static_cast<int>(state.range(0));
  std::mt19937 rng(7);
  std::vector<IpPrefix> prefixes;
  for (int i = 0; i < blocks; ++i) {
    const uint32_t base = rng() & 0xFFFFFF00u;
    prefixes.emplace_back(IpAddress::V4(base), 8 + static_cast<int>(rng() % 17));
    prefixes.emplace_back(IpAddress::V4(base), 24 + static_cast<int>(rng() % 5));
  }
  for (auto _ : state) {
    PrefixMap<int> map;
    for (size_t i = 0; i < prefixes.size(); ++i) map.Insert(prefixes[i], static_cast<int>(i));
    for (const IpPrefix& p : prefixes) map.Erase(p);
    benchmark::DoNotOptimize(map.size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(prefixes.size()));
}
BENCHMARK(BM_PrefixMapInsertEraseV4)->Arg(100000);

void BM_PrefixMapLookupV6(benchmark::State& state) {
  PrefixMap<int> map;
  std::mt19937_64 rng(7);
  for (int i = 0; i < 100000; ++i) {
    std::array<uint8_t, 16> bytes{0x20, 0x01};
    for (int b = 2; b < 8; ++b) bytes[b] = static_cast<uint8_t>(rng());
    map.Insert(IpPrefix(IpAddress::V6(bytes), 32 + static_cast<int>(rng() % 33)), i);
  }
  std::vector<IpAddress> probes;
  for (int i = 0; i < 4096; ++i) {
    std::array<uint8_t, 16> bytes{0x20, 0x01};
    for (int b = 2; b < 16; ++b) bytes[b] = static_cast<uint8_t>(rng());
    probes.push_back(IpAddress::V6(bytes));
  }
  size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(map.Lookup(probes[i++ & 4095]));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PrefixMapLookupV6);

}  // namespace
}  // namespace abuseflow::core
