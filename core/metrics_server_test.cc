#include "core/metrics_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <random>

namespace abuseflow::core {
namespace {

// A plain blocking client: sends `request` (then ends its side unless
// `keep_open`), reads the answer until the server closes, at most 10 s.
std::string Fetch(int port, const std::string& request, bool keep_open = false) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd);
    return "connect failed";
  }
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server may answer and close before it has read everything
    sent += static_cast<size_t>(n);
  }
  if (!keep_open) shutdown(fd, SHUT_WR);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  close(fd);
  return out;
}

std::string Body(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

class MetricsServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(2000); }
  void StartServer(int timeout_ms) {
    server_.reset();
    MetricsServerOptions options;
    options.listen = "127.0.0.1:0";
    options.registry = &registry_;
    options.health = &health_;
    options.max_request_bytes = 4096;
    options.request_timeout_ms = timeout_ms;
    auto server = MetricsServer::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    ASSERT_GT(server_->port(), 0);
  }
  std::string Get(const std::string& path) {
    return Fetch(server_->port(), "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }

  MetricsRegistry registry_;
  HealthState health_;
  std::unique_ptr<MetricsServer> server_;
};

TEST_F(MetricsServerTest, MetricsServesTheRegistryInTheTextFormat) {
  registry_.GetCounter("abuseflow_events_in_total", "Events received", {{"stage", "enrich"}}).Increment(42);
  RegisterProcessMetrics(registry_);
  const std::string r = Get("/metrics");
  ASSERT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"), std::string::npos);
  const std::string body = Body(r);
  EXPECT_NE(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  EXPECT_NE(body.find("# HELP abuseflow_events_in_total Events received\n"
                      "# TYPE abuseflow_events_in_total counter\n"
                      "abuseflow_events_in_total{stage=\"enrich\"} 42\n"),
            std::string::npos) << body;
  EXPECT_NE(body.find("abuseflow_up 1\n"), std::string::npos);
  registry_.GetCounter("abuseflow_events_in_total", "Events received", {{"stage", "enrich"}}).Increment();
  EXPECT_NE(Body(Get("/metrics?x=1")).find("abuseflow_events_in_total{stage=\"enrich\"} 43\n"),
            std::string::npos);
  // The answers themselves are counted.
  EXPECT_NE(Body(Get("/metrics")).find("abuseflow_metrics_http_responses_total{code=\"200\"} 2\n"),
            std::string::npos);
}

TEST_F(MetricsServerTest, HealthIsOkUntilMarkedUnhealthy) {
  health_.SetStages({"ingest", "enrich"});
  std::string r = Get("/health");
  ASSERT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(Body(r).rfind("{\"status\":\"ok\",\"stages\":[\"ingest\",\"enrich\"],\"uptime_seconds\":", 0), 0u)
      << Body(r);
  health_.SetUnhealthy("disk full: \"state\"");
  health_.SetUnhealthy("a later reason");  // the first one is kept
  r = Get("/health");
  ASSERT_EQ(r.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << r;
  EXPECT_NE(Body(r).find("{\"status\":\"unhealthy\",\"reason\":\"disk full: \\\"state\\\"\",\"stages\":"),
            std::string::npos) << Body(r);
  health_.SetHealthy();
  EXPECT_EQ(Get("/health").rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(MetricsServerTest, OtherPathsMethodsAndGarbageGetTheirCodes) {
  static constexpr char kControlBytes[] = "GET /metrics HTTP/1.1\r\nX: \0\x02\r\n\r\n";
  EXPECT_EQ(Get("/nothing").rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  std::string r = Fetch(server_->port(), "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 405 Method Not Allowed\r\n", 0), 0u) << r;
  EXPECT_NE(r.find("Allow: GET, HEAD\r\n"), std::string::npos);
  r = Fetch(server_->port(), "HEAD /metrics HTTP/1.0\r\n\r\n");
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_EQ(Body(r), "");
  for (const std::string& bad : {std::string("garbage\r\n\r\n"), std::string("GET /metrics\r\n\r\n"),
                                 std::string("GET metrics HTTP/1.1\r\n\r\n"),
                                 std::string("GET /metrics HTTP/2.0\r\n\r\n"),
                                 std::string("get /metrics HTTP/1.1\r\n\r\n"),
                                 std::string("GET  /metrics HTTP/1.1\r\n\r\n"),
                                 std::string("GET /met\x01rics HTTP/1.1\r\n\r\n"),
                                 std::string(kControlBytes, sizeof kControlBytes - 1),
                                 std::string("GET /metrics HTTP/1.1\r\nHost: x")}) {  // ended early
    r = Fetch(server_->port(), bad);
    EXPECT_EQ(r.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << bad << " -> " << r;
  }
  EXPECT_EQ(Get("/health").rfind("HTTP/1.1 200", 0), 0u);  // still serving
}

TEST_F(MetricsServerTest, OversizedRequestIsRefusedWithBoundedReading) {
  const std::string huge = "GET /" + std::string(1 << 19, 'a') + " HTTP/1.1\r\n\r\n";
  const std::string r = Fetch(server_->port(), huge);
  EXPECT_EQ(r.rfind("HTTP/1.1 431 ", 0), 0u) << r.substr(0, 80);
  EXPECT_EQ(Get("/health").rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(MetricsServerTest, IncompleteRequestTimesOutAndOthersAreServedAfter) {
  StartServer(200);
  const std::string r = Fetch(server_->port(), "GET /metr", /*keep_open=*/true);
  EXPECT_EQ(r.rfind("HTTP/1.1 408 Request Timeout\r\n", 0), 0u) << r;
  EXPECT_EQ(Get("/health").rfind("HTTP/1.1 200", 0), 0u);
  EXPECT_NE(Body(Get("/metrics")).find("abuseflow_metrics_http_responses_total{code=\"408\"} 1\n"),
            std::string::npos);
}

TEST_F(MetricsServerTest, RandomBytesNeverCrashTheServer) {
  std::mt19937 rng(9);
  for (int i = 0; i < 200; ++i) {
    std::string junk(rng() % 600, '\0');
    for (char& c : junk) c = static_cast<char>(rng());
    if (i % 2 == 0) junk = "GET /" + junk + "\r\n\r\n";
    const std::string r = Fetch(server_->port(), junk);
    EXPECT_TRUE(r.empty() || r.rfind("HTTP/1.1 4", 0) == 0 || r.rfind("HTTP/1.1 200", 0) == 0) << r;
  }
  EXPECT_EQ(Get("/health").rfind("HTTP/1.1 200", 0), 0u);
}

TEST_F(MetricsServerTest, StopsWhileAClientHoldsAConnection) {
  StartServer(60000);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(send(fd, "GET /", 5, MSG_NOSIGNAL), 5);
  server_.reset();  // must return although the request never completes
  close(fd);
}

TEST(StartMetricsServerTest, EmptyListenIsOffAndBadOnesAreErrors) {
  auto off = StartMetricsServer(MetricsConfig{}, {"run"});
  ASSERT_TRUE(off.ok());
  EXPECT_EQ(off->get(), nullptr);
  EXPECT_FALSE(StartMetricsServer(MetricsConfig{"no-port", ""}, {}).ok());
  EXPECT_FALSE(StartMetricsServer(MetricsConfig{"256.1.1.1:80", ""}, {}).ok());
  auto first = StartMetricsServer(MetricsConfig{"127.0.0.1:0", ""}, {"ingest"});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const int port = (*first)->port();
  auto second = StartMetricsServer(MetricsConfig{"127.0.0.1:" + std::to_string(port), ""}, {});
  EXPECT_FALSE(second.ok());  // in use
  const std::string r = Fetch(port, "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_NE(r.find("abuseflow_build_info{version=\""), std::string::npos) << r;
  EXPECT_NE(Fetch(port, "GET /health HTTP/1.1\r\n\r\n").find("\"stages\":[\"ingest\"]"), std::string::npos);
}

}  // namespace
}  // namespace abuseflow::core
