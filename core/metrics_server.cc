#include "core/metrics_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fmt/format.h>

#include "core/log.h"
#include "core/shutdown.h"

namespace abuseflow::core {
namespace {

using Clock = MetricsServer::Clock;

// Milliseconds left until `deadline`, at least 0.
int MillisLeft(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

// Splits "HOST:PORT" or "[V6]:PORT".
Status SplitHostPort(const std::string& listen, std::string* host, std::string* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return Status::InvalidArgument("metrics listen '" + listen + "' must be HOST:PORT");
  }
  *host = listen.substr(0, colon);
  *port = listen.substr(colon + 1);
  if (host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  return Status::Ok();
}

// Binds and listens on the first address `listen` resolves to; returns the fd.
Result<int> BindListener(const std::string& listen, int* bound_port) {
  std::string host, port;
  if (Status s = SplitHostPort(listen, &host, &port); !s.ok()) return s;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return Status::InvalidArgument("metrics listen '" + listen + "': " + gai_strerror(rc));
  }
  std::string error = "no address";
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, 16) != 0) {
      error = std::strerror(errno);
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return Status::Unavailable("metrics listen '" + listen + "': " + error);
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *bound_port = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                                 : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
  return fd;
}

const char* Reason(int code) {
  switch (code) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    default: return "Error";
  }
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += {'\\', static_cast<char>(c)};
    else if (c < 0x20) out += fmt::format("\\u{:04x}", c);
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

// The request line "METHOD /target HTTP/1.x", checked strictly.
bool ParseRequestLine(const std::string& head, std::string* method, std::string* target) {
  size_t end = head.find('\n');
  std::string line = head.substr(0, end);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  size_t s1 = line.find(' '), s2 = line.find(' ', s1 == std::string::npos ? 0 : s1 + 1);
  if (s1 == std::string::npos || s2 == std::string::npos || line.find(' ', s2 + 1) != std::string::npos) {
    return false;
  }
  *method = line.substr(0, s1);
  *target = line.substr(s1 + 1, s2 - s1 - 1);
  std::string version = line.substr(s2 + 1);
  if (method->empty() || method->size() > 16 || (version != "HTTP/1.1" && version != "HTTP/1.0")) return false;
  for (char c : *method) {
    if (c < 'A' || c > 'Z') return false;
  }
  if (target->empty() || (*target)[0] != '/') return false;
  for (char c : *target) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  for (unsigned char c : head) {  // header lines: no NUL or other control bytes
    if (c < 0x20 && c != '\r' && c != '\n' && c != '\t') return false;
  }
  return true;
}

std::string Response(int code, const std::string& type, const std::string& body, bool head_only) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
                                "Connection: close\r\n", code, Reason(code), type, body.size());
  if (code == 405) out += "Allow: GET, HEAD\r\n";
  out += "\r\n";
  if (!head_only) out += body;
  return out;
}

}  // namespace

HealthState& HealthState::Global() {
  static HealthState* health = std::make_unique<HealthState>().release();  // never destroyed
  return *health;
}

void HealthState::SetStages(std::vector<std::string> stages) {
  std::lock_guard<std::mutex> lock(mu_);
  stages_ = std::move(stages);
}

void HealthState::SetUnhealthy(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  if (reason_.empty()) reason_ = reason.empty() ? "unhealthy" : reason;
}

void HealthState::SetHealthy() {
  std::lock_guard<std::mutex> lock(mu_);
  reason_.clear();
}

HealthState::Snapshot HealthState::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  Snapshot s{reason_.empty(), reason_, stages_};
  if (s.healthy && StopRequested()) s = {false, "stopping", stages_};
  if (s.healthy && DrainRequested()) s = {false, "draining", stages_};
  return s;
}

void SetUnhealthy(const std::string& reason) { HealthState::Global().SetUnhealthy(reason); }

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(MetricsServerOptions options) {
  int port = 0;
  auto fd = BindListener(options.listen, &port);
  if (!fd.ok()) return fd.status();
  int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake < 0) {
    close(*fd);
    return Status::IoError(std::string("eventfd: ") + std::strerror(errno));
  }
  return std::unique_ptr<MetricsServer>(new MetricsServer(std::move(options), *fd, wake, port));  // NOLINT: private constructor
}

MetricsServer::MetricsServer(MetricsServerOptions options, int listen_fd, int wake_fd, int port)
    : options_(std::move(options)), listen_fd_(listen_fd), wake_fd_(wake_fd), port_(port) {
  thread_ = std::thread([this] { Loop(); });
}

MetricsServer::~MetricsServer() {
  stop_.store(true);
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = write(wake_fd_, &one, sizeof one);
  thread_.join();
  close(listen_fd_);
  close(wake_fd_);
}

void MetricsServer::Loop() {
  while (!stop_.load()) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      Logger("core")->error("metrics endpoint poll failed error=\"{}\"", std::strerror(errno));
      return;
    }
    if (fds[1].revents != 0) return;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0) {
      // Out of descriptors or memory: the connection stays queued, so back off
      // (woken by a stop) instead of spinning on it.
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        pollfd wake{wake_fd_, POLLIN, 0};
        poll(&wake, 1, 100);
      }
      continue;  // otherwise the client went away: next one
    }
    Serve(fd);
    close(fd);
  }
}

// Reads until the blank line that ends the request head. Returns 0 with the
// head, the status to answer when it failed (400, 408, 431), or -1 when the
// server is stopping or the client left without sending anything.
int MetricsServer::ReadHead(int fd, Clock::time_point deadline, std::string* head) {
  while (head->find("\r\n\r\n") == std::string::npos && head->find("\n\n") == std::string::npos) {
    if (head->size() > options_.max_request_bytes) return 431;
    pollfd fds[2] = {{fd, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
    int ready = poll(fds, 2, MillisLeft(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (fds[1].revents != 0) return -1;
    if (ready <= 0) return 408;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return head->empty() ? -1 : 400;  // closed (or reset) before the head ended
    head->append(buf, static_cast<size_t>(n));
  }
  return 0;
}

// Sends `out` before the deadline; false when that failed or the server stops.
bool MetricsServer::SendAll(int fd, Clock::time_point deadline, const std::string& out) {
  for (size_t sent = 0; sent < out.size();) {
    pollfd fds[2] = {{fd, POLLOUT, 0}, {wake_fd_, POLLIN, 0}};
    if (poll(fds, 2, MillisLeft(deadline)) <= 0 || fds[1].revents != 0) return false;
    ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

void MetricsServer::Serve(int fd) {
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(options_.request_timeout_ms);
  std::string head;
  const int failed = ReadHead(fd, deadline, &head);
  if (failed < 0) return;
  bool head_only = false;
  std::string out = failed != 0 ? Response(failed, "text/plain; charset=utf-8",
                                           std::string(Reason(failed)) + "\n", false)
                                : Respond(head, &head_only);
  options_.registry->GetCounter("abuseflow_metrics_http_responses_total",
                                "Answers of the metrics and health endpoint by status code",
                                {{"code", out.substr(9, 3)}}).Increment();
  if (!SendAll(fd, deadline, out)) return;
  // Unread request bytes would make close() send a reset that can destroy the
  // answer in flight: end our side, then discard what comes until EOF (bounded).
  shutdown(fd, SHUT_WR);
  const Clock::time_point linger = std::min(deadline, Clock::now() + std::chrono::milliseconds(500));
  for (size_t discarded = 0; discarded < (1u << 20);) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, MillisLeft(linger)) <= 0) return;
    char buf[4096];
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0 && !(n < 0 && errno == EINTR)) return;
    if (n > 0) discarded += static_cast<size_t>(n);
  }
}

std::string MetricsServer::Respond(const std::string& head, bool* head_only) {
  std::string method, target;
  if (!ParseRequestLine(head, &method, &target)) {
    return Response(400, "text/plain; charset=utf-8", "Bad Request\n", false);
  }
  if (method != "GET" && method != "HEAD") {
    return Response(405, "text/plain; charset=utf-8", "Method Not Allowed\n", false);
  }
  *head_only = method == "HEAD";
  const std::string path = target.substr(0, target.find('?'));
  if (path == "/metrics") {
    return Response(200, "text/plain; version=0.0.4; charset=utf-8", options_.registry->Render(),
                    *head_only);
  }
  if (path == "/health") {
    int code = 200;
    std::string body = HealthBody(&code);
    return Response(code, "application/json", body, *head_only);
  }
  return Response(404, "text/plain; charset=utf-8", "Not Found\n", *head_only);
}

std::string MetricsServer::HealthBody(int* code) const {
  HealthState::Snapshot s = options_.health->Get();
  *code = s.healthy ? 200 : 503;
  std::string stages;
  for (const std::string& stage : s.stages) stages += (stages.empty() ? "" : ",") + JsonString(stage);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string body = fmt::format("{{\"status\":{}", s.healthy ? "\"ok\"" : "\"unhealthy\"");
  if (!s.healthy) body += ",\"reason\":" + JsonString(s.reason);
  body += fmt::format(",\"stages\":[{}],\"uptime_seconds\":{:.3f}}}\n", stages,
                      std::max(0.0, now - ProcessStartTimeSeconds()));
  return body;
}

Result<std::unique_ptr<MetricsServer>> StartMetricsServer(const MetricsConfig& config,
                                                          const std::vector<std::string>& stages) {
  if (config.listen.empty()) return std::unique_ptr<MetricsServer>();
  MetricsServerOptions options;
  options.listen = config.listen;
  auto server = MetricsServer::Start(std::move(options));
  if (!server.ok()) return server.status();
  RegisterProcessMetrics(MetricsRegistry::Global());
  HealthState::Global().SetStages(stages);
  Logger("core")->info("metrics endpoint listening listen={} port={}", config.listen, (*server)->port());
  return server;
}

}  // namespace abuseflow::core
