// Events folded into per-address histories per second (the pure part of dedup,
// without RocksDB).
#include <benchmark/benchmark.h>

#include <vector>

#include "core/ip_address.h"
#include "dedup/history_updater.h"

namespace abuseflow::dedup {
namespace {

void BM_ApplyEvent(benchmark::State& state) {
  std::vector<v1::EnrichedEvent> events(64);
  for (size_t i = 0; i < events.size(); ++i) {
    v1::ProbeEvent* e = events[i].mutable_event();
    e->set_src(core::IpAddress::V4(0xC6120000u + static_cast<uint32_t>(i)).ToBytes());
    e->set_observed_us(1000818764000000 + static_cast<int64_t>(i) * 1000000);
    e->set_kind(v1::KIND_WORM);
    e->set_signature(i % 2 ? "nimda" : "code-red-ii");
    e->set_sensor("www1");
    e->set_raw("198.18.0.7 - - [18/Sep/2001:09:12:44 -0400] \"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 284");
    events[i].mutable_owner()->set_owner("Kestrel Networks");
  }
  HistoryLimits limits;
  v1::AddressHistory history;
  size_t i = 0;
  for (auto _ : state) {
    ApplyEvent(events[i++ & 63], limits, &history);
  }
  benchmark::DoNotOptimize(history);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ApplyEvent);

}  // namespace
}  // namespace abuseflow::dedup
