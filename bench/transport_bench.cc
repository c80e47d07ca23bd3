// Events per second through one acknowledged stage link (BatchSender -> BatchReceiver) in
// batches of 512, over inproc, ipc and tcp on loopback; sender and receiver
// on two threads as in the pipeline.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <thread>

#include "bench/bench_events.h"
#include "core/transport.h"

namespace abuseflow::bench {
namespace {

constexpr int kBatch = 512;

void RunLink(benchmark::State& state, const std::string& endpoint) {
  zmq::context_t context;
  auto receiver = core::BatchReceiver::Bind(context, endpoint);
  if (!receiver.ok()) {
    state.SkipWithError(receiver.status().ToString().c_str());
    return;
  }
  const v1::Envelope batch = EventBatch(kBatch);
  int64_t batches = 0;
  for (auto _ : state) {
    state.PauseTiming();
    const int64_t n = 64;
    state.ResumeTiming();
    std::jthread sender_thread([&] {
      auto sender = core::BatchSender::Connect(context, endpoint, "bench");
      for (int64_t i = 0; i < n && sender.ok(); ++i) {
        v1::Envelope copy = batch;
        copy.set_batch_seq(static_cast<uint64_t>(i + 1));
        if (!(*sender)->Send(&copy).ok()) break;
      }
      if (sender.ok()) (void)(*sender)->WaitAllAcked();
    });
    for (int64_t got = 0; got < n;) {
      if (auto r = (*receiver)->Receive(std::chrono::milliseconds(1000))) {
        (*receiver)->Ack(*r);
        ++got;
      }
    }
    batches += n;
  }
  state.SetItemsProcessed(batches * kBatch);
}

void BM_TransportInproc(benchmark::State& state) { RunLink(state, "inproc://bench"); }
BENCHMARK(BM_TransportInproc)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TransportIpc(benchmark::State& state) {
  RunLink(state, "ipc:///tmp/abuseflow-bench-" + std::to_string(::getpid()));
}
BENCHMARK(BM_TransportIpc)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_TransportTcp(benchmark::State& state) { RunLink(state, "tcp://127.0.0.1:47391"); }
BENCHMARK(BM_TransportTcp)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace abuseflow::bench
