#include "enrich/whois_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace abuseflow::enrich {
namespace {

// A WHOIS server on 127.0.0.1 for one test: for each connection it reads the
// query line and calls `serve(fd, query)`, then closes the connection.
class LoopbackServer {
 public:
  using Serve = std::function<void(int fd, const std::string& query)>;
  explicit LoopbackServer(Serve serve) : serve_(std::move(serve)) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(listen_fd_, 8), 0);
    socklen_t len = sizeof(addr);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~LoopbackServer() {
    stop_ = true;
    thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  const std::string& last_query() const { return last_query_; }
  const std::atomic<bool>& stop() const { return stop_; }

 private:
  void Loop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      std::string query;
      char c;
      while (::recv(fd, &c, 1, 0) == 1 && c != '\n') query += c;
      if (!query.empty() && query.back() == '\r') query.pop_back();
      last_query_ = query;
      serve_(fd, query);
      ::close(fd);
    }
  }

  Serve serve_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::string last_query_;
  std::thread thread_;
};

WhoisEndpoint Local(int port) { return {"whois.test", "127.0.0.1", port}; }

void SendText(int fd, const std::string& text) {
  ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
}

TEST(WhoisClientTest, SendsQueryAndReadsUntilClose) {
  LoopbackServer server(
      [](int fd, const std::string& q) { SendText(fd, "answer for " + q + "\n"); });
  auto answer = WhoisQuery(Local(server.port()), "n + 192.0.2.1", {});
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(*answer, "answer for n + 192.0.2.1\n");
  EXPECT_EQ(server.last_query(), "n + 192.0.2.1");
}

TEST(WhoisClientTest, SlowServerHitsTheDeadline) {
  LoopbackServer* self = nullptr;
  LoopbackServer server([&self](int fd, const std::string&) {
    SendText(fd, "% partial\n");
    // Say nothing more until the client gives up and closes.
    char c;
    while (!self->stop() && ::recv(fd, &c, 1, 0) > 0) {
    }
  });
  self = &server;
  auto answer = WhoisQuery(Local(server.port()), "192.0.2.1", {200 * 1000, 1 << 20, {}});
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.status().message().find("timeout"), std::string::npos)
      << answer.status().message();
}

TEST(WhoisClientTest, EndlessAnswerIsCutAtTheSizeCap) {
  LoopbackServer server([](int fd, const std::string&) {
    std::string chunk(4096, 'x');
    while (::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL) > 0) {
    }
  });
  auto answer = WhoisQuery(Local(server.port()), "192.0.2.1", {10 * 1000000, 64 * 1024, {}});
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.status().message().find("larger than 65536"), std::string::npos)
      << answer.status().message();
}

TEST(WhoisClientTest, ClosedPortIsUnavailable) {
  int port = 0;
  {
    LoopbackServer server([](int, const std::string&) {});
    port = server.port();
  }
  auto answer = WhoisQuery(Local(port), "192.0.2.1", {1000000, 1024, {}});
  ASSERT_FALSE(answer.ok());
  EXPECT_NE(answer.status().message().find("whois.test"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::enrich

namespace abuseflow::enrich {
namespace {

// RWhois: the server holds the connection after "%ok" until the client
// closes; the `complete` predicate ends the read.
TEST(WhoisClientTest, CompletePredicateEndsTheReadOfAHeldConnection) {
  LoopbackServer server([](int fd, const std::string& q) {
    SendText(fd, "%rwhois V-1.5:003fff:00 rw.test\r\nnetwork:IP-Network:" + q + "/32\r\n%ok\r\n");
    pollfd p{fd, POLLIN, 0};
    char c;
    while (::poll(&p, 1, 10000) > 0 && ::recv(fd, &c, 1, 0) == 1) {
    }  // until the client closes (or 10 s)
  });
  WhoisClientOptions options;
  options.timeout_us = 20 * 1000000LL;
  options.complete = [](std::string_view a) { return a.find("\r\n%ok\r\n") != a.npos; };
  auto answer = WhoisQuery(Local(server.port()), "192.0.2.1", options);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(server.last_query(), "192.0.2.1");
  EXPECT_NE(answer->find("network:IP-Network:192.0.2.1/32"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::enrich
