#include "dedup/dedup_stage.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/cause_order.h"
#include "core/shutdown.h"

namespace abuseflow::dedup {
namespace {

namespace fs = std::filesystem;

v1::Envelope EnrichedPart(const std::string& stream, uint64_t cause_seq, uint64_t batch_seq, bool end) {
  v1::Envelope e;
  e.set_batch_seq(batch_seq);
  e.set_cause_origin(stream);
  e.set_cause_seq(cause_seq);
  if (end) {
    e.mutable_end_of_stream()->set_origin(stream);
  } else {
    e.mutable_enriched();
  }
  return e;
}

// Two ingest streams reach the two shards in opposite orders (shard 0 gets
// all of stream a first, shard 1 all of stream b), so each shard applies
// them in a different order. Notify takes a stream's turns in order and
// needs both shards' part of each: with one credit window per link, shard 0's
// window filled with a's batches and shard 1's with b's, and notify, waiting
// for b's first batch from shard 0 and a's from shard 1, never acknowledged
// either. Each stream has its own credit now; everything gets through.
TEST(DedupStageTest, StreamsAppliedInDifferentOrdersOnEachShardAllReachNotify) {
  constexpr uint64_t kBatches = 40;  // per stream, well past a window
  const std::vector<std::string> streams = {"ingest:a", "ingest:b"};
  core::ResetStop();
  const fs::path dir = fs::temp_directory_path() / ("dedup_stage_" + std::to_string(getpid()));
  fs::remove_all(dir);
  zmq::context_t context;
  auto notify = core::BatchReceiver::Bind(context, "inproc://dedup-test-notify");
  ASSERT_TRUE(notify.ok()) << notify.status().ToString();
  core::SenderOptions unlimited;
  unlimited.window = 0;
  auto enrich = core::BatchSender::Connect(context, std::vector<std::string>{"inproc://dedup-test-0", "inproc://dedup-test-1"},
                                           "enrich-0", unlimited);
  ASSERT_TRUE(enrich.ok()) << enrich.status().ToString();

  std::vector<core::Config> configs(2);
  std::vector<std::unique_ptr<DedupStage>> shards;
  std::vector<core::Status> results(2);
  std::vector<std::thread> threads;
  for (int k = 0; k < 2; ++k) {
    configs[k].state_dir = (dir / ("shard-" + std::to_string(k))).string();
    core::StageLinks links;
    links.context = &context;
    links.input = "inproc://dedup-test-" + std::to_string(k);
    links.outputs = {"inproc://dedup-test-notify"};
    links.name = "dedup-" + std::to_string(k);
    links.streams = 2;
    links.shard = k;
    links.shard_count = 2;
    shards.push_back(std::make_unique<DedupStage>(configs[k], links));
  }
  std::atomic<int> ended{0};
  for (int k = 0; k < 2; ++k) {
    threads.emplace_back([&, k] {
      results[k] = shards[k]->Run();
      ++ended;
    });
  }

  uint64_t seq = 0;
  for (int shard = 0; shard < 2; ++shard) {
    for (int s = 0; s < 2; ++s) {
      const std::string& stream = streams[(s + shard) % 2];
      for (uint64_t cause = 1; cause <= kBatches + 1; ++cause) {
        v1::Envelope part = EnrichedPart(stream, cause, ++seq, cause == kBatches + 1);
        ASSERT_TRUE((*enrich)->Send(&part, shard).ok());
      }
    }
  }

  core::CauseOrder order(/*by_shard=*/true);
  std::map<std::string, uint64_t> applied;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (((*enrich)->in_flight() > 0 || applied["ingest:a"] + applied["ingest:b"] < 2 * (kBatches + 1)) &&
         std::chrono::steady_clock::now() < deadline) {
    if (auto r = (*notify)->Receive(std::chrono::milliseconds(10))) {
      if (order.Offer(&*r) == core::CauseOrder::Offered::kDone) (*notify)->Ack(*r);
    }
    while (auto ready = order.Pop()) {
      ASSERT_EQ(ready->parts.size(), 2u);
      ++applied[ready->stream];
      for (const core::Received& part : ready->parts) (*notify)->Ack(part);
      for (const core::Received& copy : ready->copies) (*notify)->Ack(copy);
    }
    ASSERT_TRUE((*enrich)->Poll(std::chrono::milliseconds(0)).ok());
  }
  const bool finished = (*enrich)->in_flight() == 0;
  // The shards end by themselves once notify has acknowledged both ends; on
  // a failure a stop ends them, so the test reports rather than hangs.
  const auto end_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (finished && ended < 2 && std::chrono::steady_clock::now() < end_deadline) {
    if (auto r = (*notify)->Receive(std::chrono::milliseconds(10))) (*notify)->Ack(*r);
  }
  const bool shards_ended = ended == 2;
  core::RequestStop();
  for (std::thread& t : threads) t.join();
  core::ResetStop();
  fs::remove_all(dir);
  ASSERT_TRUE(finished) << "notify took " << applied["ingest:a"] << " turns of a and " << applied["ingest:b"]
                        << " of b, of " << kBatches + 1 << " each";
  ASSERT_TRUE(shards_ended);
  EXPECT_TRUE(results[0].ok()) << results[0].ToString();
  EXPECT_TRUE(results[1].ok()) << results[1].ToString();
  EXPECT_EQ(applied["ingest:a"], kBatches + 1);
  EXPECT_EQ(applied["ingest:b"], kBatches + 1);
}

}  // namespace
}  // namespace abuseflow::dedup
