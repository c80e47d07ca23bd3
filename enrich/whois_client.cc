#include "enrich/whois_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "core/shutdown.h"

namespace abuseflow::enrich {
namespace {

using Clock = std::chrono::steady_clock;

// Closes a socket when it goes out of scope.
class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

struct AddrInfoFree {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

int MillisLeft(Clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<int64_t>(left, 60000));
}

// Waits for `events` on fd until the deadline; false on timeout or error,
// or once the process is asked to stop (a lookup thread ends with its stage).
bool Wait(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    int ms = std::min(MillisLeft(deadline), 100);
    if (ms == 0 || core::StopRequested()) return false;
    pollfd p{fd, events, 0};
    int rc = ::poll(&p, 1, ms);
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) return false;
    if (rc > 0) return true;
  }
}

// A connected non-blocking socket to one resolved address, or -1.
int ConnectOne(const addrinfo* a, Clock::time_point deadline, std::string* error) {
  int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
  if (fd < 0) {
    *error = std::strerror(errno);
    return -1;
  }
  auto fail = [&](const std::string& why) {
    *error = why;
    ::close(fd);
    return -1;
  };
  if (::connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
    if (errno != EINPROGRESS) return fail(std::strerror(errno));
    if (!Wait(fd, POLLOUT, deadline)) return fail("connect timed out");
    int so_error = 0;
    socklen_t len = sizeof(so_error);
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) return fail(std::strerror(so_error));
  }
  return fd;
}

core::Status SendAll(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!Wait(fd, POLLOUT, deadline)) return core::Status::Unavailable("send timed out");
    } else {
      return core::Status::Unavailable(std::string("send failed: ") + std::strerror(errno));
    }
  }
  return core::Status::Ok();
}

core::Result<std::string> ReadAll(int fd, const WhoisClientOptions& options,
                                  Clock::time_point deadline) {
  std::string answer;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n == 0) return answer;
    if (n > 0) {
      if (answer.size() + static_cast<size_t>(n) > options.max_answer_bytes) {
        return core::Status::Corruption("answer larger than " +
                                         std::to_string(options.max_answer_bytes) + " bytes");
      }
      answer.append(buffer, static_cast<size_t>(n));
      if (options.complete && options.complete(answer)) return answer;
    } else if (errno == EAGAIN || errno == EINTR) {
      if (!Wait(fd, POLLIN, deadline)) {
        return core::Status::Unavailable("no complete answer within the timeout (" +
                                         std::to_string(answer.size()) + " bytes read)");
      }
    } else {
      return core::Status::Unavailable(std::string("read failed: ") + std::strerror(errno));
    }
  }
}

}  // namespace

core::Result<std::string> WhoisQuery(const WhoisEndpoint& endpoint, std::string_view query,
                                     const WhoisClientOptions& options) {
  std::string where = "whois " + endpoint.name + " (" + endpoint.ToString() + "): ";
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  std::string port = std::to_string(endpoint.port);
  if (int rc = ::getaddrinfo(endpoint.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return core::Status::Unavailable(where + "cannot resolve host: " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, AddrInfoFree> addresses(found);
  auto deadline = Clock::now() + std::chrono::microseconds(options.timeout_us);
  std::string error = "no address";
  for (const addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    Socket socket(ConnectOne(a, deadline, &error));
    if (socket.fd() < 0) continue;
    std::string line = std::string(query) + "\r\n";
    if (core::Status s = SendAll(socket.fd(), line, deadline); !s.ok()) {
      return core::Status::Unavailable(where + s.message());
    }
    auto answer = ReadAll(socket.fd(), options, deadline);
    if (!answer.ok()) return core::Status::Unavailable(where + answer.status().message());
    return answer;
  }
  return core::Status::Unavailable(where + "cannot connect: " + error);
}

}  // namespace abuseflow::enrich
