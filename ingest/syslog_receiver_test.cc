#include "ingest/syslog_receiver.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

namespace abuseflow::ingest {
namespace {

namespace fs = std::filesystem;

class SyslogReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("syslog_receiver_test_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<SyslogReceiver> Listen(const std::string& listen, int max = 1024) {
    auto r = SyslogReceiver::Listen(listen, max, std::make_unique<OffsetStore>(dir_.string(), listen));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? std::move(r).value() : nullptr;
  }
  static int Connect(int type, int port) {
    int fd = socket(AF_INET, type, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    return fd;
  }
  static void Send(int fd, std::string_view bytes) {
    ASSERT_EQ(send(fd, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  }
  // Collects `n` lines ("seq sensor|text"), waiting for each up to a deadline.
  static std::vector<std::string> Collect(SyslogReceiver& r, size_t n) {
    std::vector<std::string> out;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    SourceLine line;
    while (out.size() < n && std::chrono::steady_clock::now() < deadline) {
      if (r.Next(&line, 50) == SourceState::kLine) {
        out.push_back(std::to_string(line.seq) + " " + std::string(line.sensor) + "|" + std::string(line.text));
      }
    }
    return out;
  }
  using Lines = std::vector<std::string>;
  fs::path dir_;
};

TEST_F(SyslogReceiverTest, UdpDatagramsBecomeLinesWithTheSendingHost) {
  auto r = Listen("udp://127.0.0.1:0");
  int fd = Connect(SOCK_DGRAM, r->bound_port());
  Send(fd, "<4>Dec  1 07:12:00 fw kernel: IN=eth0\n");
  Send(fd, "<4>Dec  1 07:12:01 kernel: no host");
  EXPECT_EQ(Collect(*r, 2), (Lines{"1 fw|Dec  1 07:12:00 fw kernel: IN=eth0",
                                   "2 127.0.0.1|Dec  1 07:12:01 127.0.0.1 kernel: no host"}));
  close(fd);
}

TEST_F(SyslogReceiverTest, OversizeDatagramIsRejectedAndCounted) {
  auto r = Listen("udp://127.0.0.1:0", 480);
  int fd = Connect(SOCK_DGRAM, r->bound_port());
  Send(fd, "<4>" + std::string(2000, 'x'));
  Send(fd, "<4>Dec  1 07:12:00 fw ok");
  EXPECT_EQ(Collect(*r, 1), (Lines{"1 fw|Dec  1 07:12:00 fw ok"}));
  EXPECT_EQ(r->counters().oversize, 1u);
  close(fd);
}

TEST_F(SyslogReceiverTest, DatagramsTheKernelDropsAreCounted) {
  auto r = Listen("udp://127.0.0.1:0");
  ASSERT_NE(r, nullptr);
  int fd = Connect(SOCK_DGRAM, r->bound_port());
  // Nothing reads while far more than the receive buffer arrives.
  const std::string message(1000, 'x');
  for (int i = 0; i < 5000; ++i) send(fd, message.data(), message.size(), 0);
  close(fd);
  EXPECT_GT(r->counters().udp_drops, 0u);
}

TEST_F(SyslogReceiverTest, TcpOctetCountingAndNewlineFramingFromTwoPeers) {
  auto r = Listen("tcp://127.0.0.1:0");
  int a = Connect(SOCK_STREAM, r->bound_port());
  int b = Connect(SOCK_STREAM, r->bound_port());
  std::string m1 = "<13>1 2026-12-01T07:12:00Z h1 app - - - one";
  Send(a, std::to_string(m1.size()) + " " + m1);
  Send(b, "<13>Dec  1 07:12:00 h2 app: two\n");
  Lines got = Collect(*r, 2);
  std::sort(got.begin(), got.end(), [](auto& x, auto& y) { return x.substr(2) < y.substr(2); });
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].substr(2), "h1|2026-12-01T07:12:00Z h1 app: one");
  EXPECT_EQ(got[1].substr(2), "h2|Dec  1 07:12:00 h2 app: two");
  close(a);
  close(b);
}

TEST_F(SyslogReceiverTest, BrokenTcpFramingIsCountedAndTheStreamGoesOn) {
  auto r = Listen("tcp://127.0.0.1:0", 480);
  int fd = Connect(SOCK_STREAM, r->bound_port());
  Send(fd, "77x broken\n600 " + std::string(600, 'z') + "<13>Dec  1 07:12:00 h ok\n");
  EXPECT_EQ(Collect(*r, 1), (Lines{"1 h|Dec  1 07:12:00 h ok"}));
  EXPECT_EQ(r->counters().framing_errors, 1u);
  EXPECT_EQ(r->counters().oversize, 1u);
  close(fd);
}

TEST_F(SyslogReceiverTest, SequenceNumbersGoOnAfterARestart) {
  {
    auto r = Listen("udp://127.0.0.1:0");
    int fd = Connect(SOCK_DGRAM, r->bound_port());
    Send(fd, "<4>Dec  1 07:12:00 fw a");
    EXPECT_EQ(Collect(*r, 1).size(), 1u);
    ASSERT_TRUE(r->Commit().ok());
    close(fd);
  }
  auto r = Listen("udp://127.0.0.1:0");
  int fd = Connect(SOCK_DGRAM, r->bound_port());
  Send(fd, "<4>Dec  1 07:12:00 fw b");
  EXPECT_EQ(Collect(*r, 1), (Lines{"2 fw|Dec  1 07:12:00 fw b"}));
  close(fd);
}

TEST_F(SyslogReceiverTest, BadListenAddressIsAClearError) {
  auto r = SyslogReceiver::Listen("udp://not-an-address:x", 1024,
                                  std::make_unique<OffsetStore>(dir_.string(), "x"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("udp://not-an-address:x"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::ingest
