#include "core/transport.h"

#include <gtest/gtest.h>

#include <thread>

namespace abuseflow::core {
namespace {

v1::Envelope BatchOf(int n) {
  v1::Envelope e;
  for (int i = 0; i < n; ++i) {
    auto* ev = e.mutable_events()->add_events();
    ev->mutable_id()->set_origin("test");
    ev->mutable_id()->set_seq(i);
    ev->set_raw("line " + std::to_string(i));
  }
  return e;
}

void RoundTrip(const std::string& endpoint) {
  zmq::context_t ctx;
  auto receiver = BatchReceiver::Bind(ctx, endpoint);
  ASSERT_TRUE(receiver.ok()) << receiver.status().ToString();
  auto sender = BatchSender::Connect(ctx, endpoint, "ingest-a");
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  for (int b = 0; b < 3; ++b) {
    v1::Envelope e = BatchOf(100);
    ASSERT_TRUE((*sender)->Send(&e).ok());
  }
  ASSERT_TRUE((*sender)->SendEndOfStream().ok());
  int events = 0;
  uint64_t last_seq = 0;
  while (true) {
    auto e = (*receiver)->Receive(std::chrono::milliseconds(5000));
    ASSERT_TRUE(e.has_value()) << "timed out on " << endpoint;
    EXPECT_EQ(e->origin(), "ingest-a");
    EXPECT_EQ(e->batch_seq(), last_seq + 1);
    last_seq = e->batch_seq();
    if (e->has_end_of_stream()) break;
    events += e->events().events_size();
  }
  EXPECT_EQ(events, 300);
  EXPECT_EQ((*sender)->stats().messages, 4u);
}

TEST(TransportTest, BatchesArriveInOrderOverInproc) { RoundTrip("inproc://transport-test"); }

TEST(TransportTest, BatchesArriveInOrderOverIpc) {
  RoundTrip("ipc:///tmp/abuseflow-transport-test-" + std::to_string(::getpid()));
}

TEST(TransportTest, BatchesArriveInOrderOverTcpLoopback) { RoundTrip("tcp://127.0.0.1:17391"); }

TEST(TransportTest, FullReceiverMakesSenderWaitNotDrop) {
  zmq::context_t ctx;
  auto receiver = BatchReceiver::Bind(ctx, "inproc://slow");
  auto sender = BatchSender::Connect(ctx, "inproc://slow", "s");
  ASSERT_TRUE(receiver.ok() && sender.ok());
  constexpr int kBatches = 400;  // well over the high-water marks of both ends
  std::thread producer([&] {
    for (int i = 0; i < kBatches; ++i) {
      v1::Envelope e = BatchOf(1);
      ASSERT_TRUE((*sender)->Send(&e).ok());
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the queue fill up
  int received = 0;
  while (received < kBatches) {
    auto e = (*receiver)->Receive(std::chrono::milliseconds(5000));
    ASSERT_TRUE(e.has_value());
    ++received;
  }
  producer.join();
  EXPECT_EQ(received, kBatches);
  EXPECT_GT((*sender)->stats().stalls, 0u);
}

TEST(TransportTest, RejectsUnknownEndpointSchemes) {
  zmq::context_t ctx;
  EXPECT_FALSE(BatchReceiver::Bind(ctx, "udp://1.2.3.4:5").ok());
  EXPECT_FALSE(BatchSender::Connect(ctx, "tcp://", "x").ok());
}

}  // namespace
}  // namespace abuseflow::core
