#include "core/transport.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <set>
#include <thread>

#include "core/shutdown.h"

namespace abuseflow::core {
namespace {

v1::Envelope BatchOf(int n, uint64_t seq) {
  v1::Envelope e;
  e.set_batch_seq(seq);
  for (int i = 0; i < n; ++i) {
    auto* ev = e.mutable_events()->add_events();
    ev->mutable_id()->set_origin("test");
    ev->mutable_id()->set_seq(i);
    ev->set_raw("line " + std::to_string(i));
  }
  return e;
}

std::optional<Received> ReceiveWithin(BatchReceiver& r, int ms = 5000) {
  return r.Receive(std::chrono::milliseconds(ms));
}

void RoundTrip(const std::string& endpoint) {
  zmq::context_t ctx;
  auto receiver = BatchReceiver::Bind(ctx, endpoint);
  ASSERT_TRUE(receiver.ok()) << receiver.status().ToString();
  auto sender = BatchSender::Connect(ctx, endpoint, "ingest-a");
  ASSERT_TRUE(sender.ok()) << sender.status().ToString();
  std::vector<uint64_t> acked;
  (*sender)->set_ack_handler([&](uint64_t seq) { acked.push_back(seq); });
  for (uint64_t b = 1; b <= 3; ++b) {
    v1::Envelope e = BatchOf(100, b);
    ASSERT_TRUE((*sender)->Send(&e).ok());
  }
  int events = 0;
  for (uint64_t b = 1; b <= 3; ++b) {
    auto r = ReceiveWithin(**receiver);
    ASSERT_TRUE(r.has_value()) << "timed out on " << endpoint;
    EXPECT_EQ(r->envelope.origin(), "ingest-a");
    EXPECT_EQ(r->envelope.batch_seq(), b);
    events += r->envelope.events().events_size();
    (*receiver)->Ack(*r);
  }
  EXPECT_EQ(events, 300);
  ASSERT_TRUE((*sender)->WaitAllAcked().ok());
  EXPECT_EQ(acked, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_EQ((*sender)->stats().messages, 3u);
  EXPECT_EQ((*sender)->stats().dropped, 0u);
}

TEST(TransportTest, BatchesArriveInOrderAndAreAcknowledgedOverInproc) { RoundTrip("inproc://transport-test"); }

TEST(TransportTest, BatchesArriveInOrderAndAreAcknowledgedOverIpc) {
  RoundTrip("ipc:///tmp/abuseflow-transport-test-" + std::to_string(::getpid()));
}

TEST(TransportTest, BatchesArriveInOrderAndAreAcknowledgedOverTcpLoopback) { RoundTrip("tcp://127.0.0.1:17391"); }

TEST(TransportTest, NoCreditMakesTheSenderWaitNotDrop) {
  zmq::context_t ctx;
  auto receiver = BatchReceiver::Bind(ctx, "inproc://slow");
  SenderOptions options;
  options.window = 4;
  auto sender = BatchSender::Connect(ctx, "inproc://slow", "s", options);
  ASSERT_TRUE(receiver.ok() && sender.ok());
  constexpr int kBatches = 100;
  std::thread producer([&] {
    for (int i = 1; i <= kBatches; ++i) {
      v1::Envelope e = BatchOf(1, i);
      ASSERT_TRUE((*sender)->Send(&e).ok());
      EXPECT_LE((*sender)->in_flight(), 4u);
    }
    ASSERT_TRUE((*sender)->WaitAllAcked().ok());
  });
  std::set<uint64_t> got;
  while (got.size() < kBatches) {
    auto r = ReceiveWithin(**receiver);
    ASSERT_TRUE(r.has_value());
    got.insert(r->envelope.batch_seq());
    (*receiver)->Ack(*r);
  }
  producer.join();
  EXPECT_EQ(got.size(), static_cast<size_t>(kBatches));
  EXPECT_GT((*sender)->stats().stalls, 0u);
}

TEST(TransportTest, WithoutAWindowTheSenderNeverWaitsAndStillKeepsEveryBatch) {
  zmq::context_t ctx;
  auto receiver = BatchReceiver::Bind(ctx, "inproc://unlimited");
  SenderOptions options;
  options.window = 0;
  auto sender = BatchSender::Connect(ctx, "inproc://unlimited", "s", options);
  ASSERT_TRUE(receiver.ok() && sender.ok());
  constexpr int kBatches = 100;
  for (int i = 1; i <= kBatches; ++i) {  // nothing is acknowledged yet: a window would stop this
    ASSERT_TRUE((*sender)->HasCredit(0));
    v1::Envelope e = BatchOf(1, i);
    ASSERT_TRUE((*sender)->Send(&e).ok());
  }
  EXPECT_EQ((*sender)->in_flight(), static_cast<size_t>(kBatches));
  EXPECT_EQ((*sender)->stats().stalls, 0u);
  for (int i = 1; i <= kBatches; ++i) {
    auto r = ReceiveWithin(**receiver);
    ASSERT_TRUE(r.has_value());
    (*receiver)->Ack(*r);
  }
  ASSERT_TRUE((*sender)->WaitAllAcked().ok());
  EXPECT_EQ((*sender)->in_flight(), 0u);
}

TEST(TransportTest, AnUnacknowledgedBatchIsSentAgainToARestartedReceiver) {
  zmq::context_t ctx;
  auto first = BatchReceiver::Bind(ctx, "tcp://127.0.0.1:*");
  ASSERT_TRUE(first.ok());
  const std::string endpoint = (*first)->endpoint();
  SenderOptions options;
  options.resend_after = std::chrono::milliseconds(200);
  auto sender = BatchSender::Connect(ctx, endpoint, "s", options);
  ASSERT_TRUE(sender.ok());
  bool acked = false;
  (*sender)->set_ack_handler([&](uint64_t) { acked = true; });
  {
    v1::Envelope e = BatchOf(3, 7);
    // The first receiver takes the batch and dies without acknowledging it.
    ASSERT_TRUE((*sender)->Send(&e).ok());
    ASSERT_TRUE(ReceiveWithin(**first).has_value());
    first->reset();
  }
  // ZeroMQ releases the port in its I/O thread, a moment after the close.
  auto second = BatchReceiver::Bind(ctx, endpoint);
  for (int i = 0; i < 100 && !second.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    second = BatchReceiver::Bind(ctx, endpoint);
  }
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  std::optional<Received> again;
  for (int i = 0; i < 100 && !again; ++i) {
    ASSERT_TRUE((*sender)->Poll(std::chrono::milliseconds(50)).ok());
    again = (*second)->Receive(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->envelope.batch_seq(), 7u);
  EXPECT_EQ(again->envelope.events().events_size(), 3);
  (*second)->Ack(*again);
  for (int i = 0; i < 100 && !acked; ++i) ASSERT_TRUE((*sender)->Poll(std::chrono::milliseconds(50)).ok());
  EXPECT_TRUE(acked);
  EXPECT_GT((*sender)->stats().resent, 0u);
}

TEST(TransportTest, SendToAllIsAcknowledgedOnlyWhenEveryPeerHas) {
  zmq::context_t ctx;
  auto a = BatchReceiver::Bind(ctx, "inproc://peer-a");
  auto b = BatchReceiver::Bind(ctx, "inproc://peer-b");
  auto sender = BatchSender::Connect(ctx, std::vector<std::string>{"inproc://peer-a", "inproc://peer-b"}, "s");
  ASSERT_TRUE(a.ok() && b.ok() && sender.ok());
  int acked = 0;
  (*sender)->set_ack_handler([&](uint64_t) { ++acked; });
  v1::Envelope end;
  end.set_batch_seq(1);
  end.mutable_end_of_stream()->set_origin("s");
  ASSERT_TRUE((*sender)->SendToAll(&end).ok());
  auto ra = ReceiveWithin(**a);
  auto rb = ReceiveWithin(**b);
  ASSERT_TRUE(ra && rb);
  (*a)->Ack(*ra);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*sender)->Poll(std::chrono::milliseconds(20)).ok());
  EXPECT_EQ(acked, 0);
  (*b)->Ack(*rb);
  ASSERT_TRUE((*sender)->WaitAllAcked().ok());
  EXPECT_EQ(acked, 1);
}

TEST(TransportTest, ABatchWithoutASequenceIsRefused) {
  zmq::context_t ctx;
  auto receiver = BatchReceiver::Bind(ctx, "inproc://noseq");
  auto sender = BatchSender::Connect(ctx, "inproc://noseq", "s");
  ASSERT_TRUE(receiver.ok() && sender.ok());
  v1::Envelope e = BatchOf(1, 0);
  EXPECT_FALSE((*sender)->Send(&e).ok());
}

TEST(TransportTest, GarbageOnTheWireIsCountedNotACrash) {
  zmq::context_t ctx;
  auto receiver = BatchReceiver::Bind(ctx, "inproc://garbage");
  ASSERT_TRUE(receiver.ok());
  zmq::socket_t raw(ctx, zmq::socket_type::dealer);
  raw.connect("inproc://garbage");
  raw.send(zmq::buffer(std::string("\xff\xff\xff not a protobuf")), zmq::send_flags::none);
  EXPECT_FALSE((*receiver)->Receive(std::chrono::milliseconds(1000)).has_value());
  EXPECT_EQ((*receiver)->stats().corrupt, 1u);
}

TEST(TransportTest, RejectsUnknownEndpointSchemes) {
  zmq::context_t ctx;
  EXPECT_FALSE(BatchReceiver::Bind(ctx, "udp://1.2.3.4:5").ok());
  EXPECT_FALSE(BatchSender::Connect(ctx, "tcp://", "x").ok());
}

}  // namespace
}  // namespace abuseflow::core
