// Events applied per second through the Deduplicator with RocksDB (history
// update, applied ids, policy, one atomic write per batch), and the RocksDB
// footprint per million addresses.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>

#include "core/ip_address.h"
#include "dedup/deduplicator.h"

namespace abuseflow::dedup {
namespace {

namespace fs = std::filesystem;

// A batch of `n` worm and connection-attempt events from `addresses`
// distinct sources, with ids starting after `*seq`.
v1::EnrichedBatch Batch(int n, int addresses, uint64_t* seq, int64_t t) {
  v1::EnrichedBatch b;
  for (int i = 0; i < n; ++i) {
    v1::EnrichedEvent* e = b.add_events();
    v1::ProbeEvent* p = e->mutable_event();
    p->mutable_id()->set_origin("apache:/var/log/access.log");
    p->mutable_id()->set_seq(++*seq);
    p->set_src(core::IpAddress::V4(0x0A000000u + static_cast<uint32_t>(i % addresses)).ToBytes());
    p->set_dst(core::IpAddress::V4(0xC0000250u).ToBytes());
    p->set_observed_us(t + i);
    p->set_kind(i % 3 ? v1::KIND_WORM : v1::KIND_CONNECTION_ATTEMPT);
    p->set_signature(i % 3 ? "nimda" : "");
    p->set_dst_port(80);
    p->set_sensor("www1");
    p->set_raw(
        "10.0.0.7 - - [18/Sep/2001:09:12:44 -0400] \"GET /scripts/root.exe?/c+dir HTTP/1.0\" 404 "
        "284");
    e->mutable_owner()->set_owner("Flood Provider");
    e->mutable_owner()->add_abuse("abuse@flood.example");
    // One netblock for the flood, so the per-owner view is part of the cost.
    e->mutable_owner()->set_first(core::IpAddress::V4(0x0A000000u).ToBytes());
    e->mutable_owner()->set_last(core::IpAddress::V4(0x0A00FFFFu).ToBytes());
    e->mutable_owner()->add_cidrs("10.0.0.0/16");
  }
  return b;
}

fs::path TempDir(const char* name) {
  fs::path dir = fs::temp_directory_path() / (std::string(name) + "_" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir;
}

// Arg 0: events per batch; arg 1: distinct addresses per batch; arg 2: the
// history cache's entries (0: none; the stage uses kDefaultHistoryCache).
void BM_DeduplicatorApply(benchmark::State& state) {
  fs::path dir = TempDir("dedup_bench");
  {
    auto store = std::move(HistoryStore::Open(dir.string(), false,
                                              static_cast<size_t>(state.range(2))))
                     .value();
    core::DedupPolicyConfig policy;
    auto dedup = std::move(Deduplicator::Create(store.get(), HistoryLimits{}, policy)).value();
    const int n = static_cast<int>(state.range(0)), addresses = static_cast<int>(state.range(1));
    uint64_t seq = 0;
    int64_t t = 1000818764000000;
    for (auto _ : state) {
      state.PauseTiming();
      v1::EnrichedBatch batch = Batch(n, addresses, &seq, t);
      t += 1000000;
      v1::IncidentBatch out;
      state.ResumeTiming();
      if (!dedup->Apply(batch, &out).ok()) state.SkipWithError("apply failed");
    }
    state.SetItemsProcessed(state.iterations() * n);
  }
  fs::remove_all(dir);
}
BENCHMARK(BM_DeduplicatorApply)
    ->Args({4096, 64, 0})
    ->Args({4096, 64, kDefaultHistoryCache})
    ->Args({4096, 4096, 0})
    ->Args({4096, 4096, kDefaultHistoryCache})
    ->Unit(benchmark::kMillisecond);

// Writes 100 000 addresses of 3 events each and reports the database's size
// on disk scaled to a million addresses.
void BM_HistoryFootprint(benchmark::State& state) {
  constexpr int kAddresses = 100000;
  for (auto _ : state) {
    fs::path dir = TempDir("dedup_footprint");
    {
      auto store = std::move(HistoryStore::Open(dir.string(), false)).value();
      core::DedupPolicyConfig policy;
      auto dedup = std::move(Deduplicator::Create(store.get(), HistoryLimits{}, policy)).value();
      uint64_t seq = 0;
      for (int round = 0; round < 3; ++round) {
        for (int first = 0; first < kAddresses; first += 4096) {
          v1::EnrichedBatch batch = Batch(4096, 4096, &seq, 1000818764000000 + round * 1000000);
          for (auto& e : *batch.mutable_events()) {
            uint32_t a = (core::IpAddress::FromBytes(e.event().src())->v4() - 0x0A000000u) + first;
            e.mutable_event()->set_src(core::IpAddress::V4(0x0A000000u + a).ToBytes());
          }
          v1::IncidentBatch out;
          if (!dedup->Apply(batch, &out).ok()) state.SkipWithError("apply failed");
        }
      }
    }
    uintmax_t bytes = 0;
    for (const auto& f : fs::recursive_directory_iterator(dir)) {
      if (f.is_regular_file()) bytes += f.file_size();
    }
    state.counters["MB_per_million_addresses"] = static_cast<double>(bytes) * 10 / 1e6;
    fs::remove_all(dir);
  }
}
BENCHMARK(BM_HistoryFootprint)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace abuseflow::dedup
