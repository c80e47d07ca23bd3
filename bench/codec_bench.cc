// Batches encoded and decoded per second, counted in events: the cost of one
// hop between stages without the transport.
#include <benchmark/benchmark.h>

#include "bench/bench_events.h"

namespace abuseflow::bench {
namespace {

void BM_EncodeEventBatch(benchmark::State& state) {
  const v1::Envelope batch = EventBatch(static_cast<int>(state.range(0)));
  std::string bytes;
  for (auto _ : state) {
    batch.SerializeToString(&bytes);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_EncodeEventBatch)->Arg(512);

void BM_DecodeEventBatch(benchmark::State& state) {
  const std::string bytes = EventBatch(static_cast<int>(state.range(0))).SerializeAsString();
  v1::Envelope envelope;
  for (auto _ : state) {
    benchmark::DoNotOptimize(envelope.ParseFromString(bytes));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_DecodeEventBatch)->Arg(512);

void BM_DecodeEnrichedBatch(benchmark::State& state) {
  const std::string bytes = EnrichedBatch(static_cast<int>(state.range(0))).SerializeAsString();
  v1::Envelope envelope;
  for (auto _ : state) {
    benchmark::DoNotOptimize(envelope.ParseFromString(bytes));
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(bytes.size()));
}
BENCHMARK(BM_DecodeEnrichedBatch)->Arg(512);

}  // namespace
}  // namespace abuseflow::bench
