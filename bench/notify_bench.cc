// Reports built and rendered per second, counted in addresses: the notify
// side of a flood (one owner, many addresses in one report).
#include <benchmark/benchmark.h>

#include "bench/bench_events.h"
#include "core/ip_address.h"
#include "notify/owner_batcher.h"
#include "notify/report_renderer.h"

namespace abuseflow::bench {
namespace {

void BM_BatchIncidents(benchmark::State& state) {
  const v1::IncidentBatch batch = Incidents(static_cast<int>(state.range(0)), 5);
  for (auto _ : state) {
    notify::OwnerBatcher batcher(86400LL * 1000000);
    for (const v1::Incident& incident : batch.incidents()) benchmark::DoNotOptimize(batcher.Add(incident));
    benchmark::DoNotOptimize(batcher.Flush());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_BatchIncidents)->Arg(1000);

void BM_RenderReport(benchmark::State& state) {
  const v1::IncidentBatch batch = Incidents(static_cast<int>(state.range(0)), 5);
  notify::OwnerBatcher batcher(86400LL * 1000000);
  for (const v1::Incident& incident : batch.incidents()) (void)batcher.Add(incident);
  const std::vector<notify::Report> reports = batcher.Flush();
  auto renderer = notify::ReportRenderer::Create({});
  if (!renderer.ok()) {
    state.SkipWithError(renderer.status().ToString().c_str());
    return;
  }
  for (auto _ : state) benchmark::DoNotOptimize(renderer->Render(reports.front()));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RenderReport)->Arg(10)->Arg(1000);

}  // namespace
}  // namespace abuseflow::bench
