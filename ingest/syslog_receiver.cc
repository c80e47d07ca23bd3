#include "ingest/syslog_receiver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include "core/log.h"
#include "core/time_format.h"

namespace abuseflow::ingest {
namespace {

constexpr size_t kReadSize = 64 * 1024;

std::string PeerName(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof text);
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text, sizeof text);
  }
  return text;
}

// Splits "HOST:PORT" or "[V6]:PORT" ("*" = any address).
bool SplitHostPort(const std::string& where, std::string* host, std::string* port) {
  size_t colon = where.rfind(':');
  if (colon == std::string::npos || colon + 1 == where.size()) return false;
  *host = where.substr(0, colon);
  *port = where.substr(colon + 1);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') *host = host->substr(1, host->size() - 2);
  if (*host == "*") host->clear();
  return true;
}

core::Result<int> BindSocket(const std::string& listen, bool tcp) {
  std::string host, port;
  if (!SplitHostPort(listen.substr(6), &host, &port)) {
    return core::Status::InvalidArgument("listen '" + listen + "' must be udp://HOST:PORT or tcp://HOST:PORT");
  }
  addrinfo hints{};
  hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return core::Status::InvalidArgument("listen '" + listen + "': " + gai_strerror(rc));
  }
  int fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int buffer = 4 << 20;  // room for bursts while the stage is busy
  if (fd >= 0 && !tcp) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
  bool ok = fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0 && (!tcp || ::listen(fd, 64) == 0);
  freeaddrinfo(found);
  if (!ok) {
    std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    return core::Status::Unavailable("cannot listen on " + listen + ": " + why);
  }
  return fd;
}

}  // namespace

SyslogReceiver::SyslogReceiver(bool tcp, int fd, int max_message_size, std::unique_ptr<OffsetStore> store)
    : tcp_(tcp), fd_(fd), max_message_(static_cast<size_t>(max_message_size)), store_(std::move(store)),
      read_buffer_(kReadSize + 1, '\0') {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port_ = ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(addr).sin6_port
                                             : reinterpret_cast<sockaddr_in&>(addr).sin_port);
  }
}

SyslogReceiver::~SyslogReceiver() {
  for (auto& [fd, c] : connections_) close(fd);
  close(fd_);
}

core::Result<std::unique_ptr<SyslogReceiver>> SyslogReceiver::Listen(const std::string& listen,
                                                                     int max_message_size,
                                                                     std::unique_ptr<OffsetStore> store) {
  bool tcp = listen.rfind("tcp://", 0) == 0;
  if (!tcp && listen.rfind("udp://", 0) != 0) {
    return core::Status::InvalidArgument("listen '" + listen + "' must be udp://HOST:PORT or tcp://HOST:PORT");
  }
  auto saved = store->Load();
  if (!saved.ok()) return saved.status();
  auto fd = BindSocket(listen, tcp);
  if (!fd.ok()) return fd.status();
  std::unique_ptr<SyslogReceiver> r(new SyslogReceiver(tcp, *fd, max_message_size, std::move(store)));
  if (*saved) r->lines_ = r->committed_ = (*saved)->lines;
  core::Logger("ingest")->info("syslog receiver listening on={} port={}", listen, r->port_);
  return r;
}

namespace {

// The kernel's count of datagrams dropped on the UDP socket `fd`: the last
// field of its line in /proc/net/udp or udp6, found by the socket's inode.
uint64_t KernelUdpDrops(int fd) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return 0;
  const std::string inode = std::to_string(st.st_ino);
  for (const char* table : {"/proc/net/udp", "/proc/net/udp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::vector<std::string> f{std::istream_iterator<std::string>(fields), std::istream_iterator<std::string>()};
      if (f.size() >= 13 && f[9] == inode) return std::strtoull(f.back().c_str(), nullptr, 10);
    }
  }
  return 0;
}

}  // namespace

SourceCounters SyslogReceiver::counters() const {
  SourceCounters c = counters_;
  if (!tcp_) c.udp_drops = KernelUdpDrops(fd_);
  return c;
}

void SyslogReceiver::Push(std::string_view message, const std::string& peer) {
  pending_.push_back(ToLogLine(message, peer, core::NowMicros()));
}

void SyslogReceiver::ReadDatagram() {
  for (int i = 0; i < 64; ++i) {  // a burst at most, then let the others run
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    ssize_t n = recvfrom(fd_, read_buffer_.data(), read_buffer_.size(), MSG_TRUNC,
                         reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return;
    counters_.bytes += static_cast<uint64_t>(n);
    if (static_cast<size_t>(n) > max_message_ || static_cast<size_t>(n) > read_buffer_.size()) {
      ++counters_.oversize;
      continue;
    }
    std::string_view m(read_buffer_.data(), static_cast<size_t>(n));
    while (!m.empty() && (m.back() == '\n' || m.back() == '\r' || m.back() == '\0')) m.remove_suffix(1);
    if (!m.empty()) Push(m, PeerName(from));
  }
}

void SyslogReceiver::Accept() {
  sockaddr_storage from{};
  socklen_t len = sizeof from;
  int fd = accept4(fd_, reinterpret_cast<sockaddr*>(&from), &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
  if (fd < 0) return;
  if (connections_.size() >= kMaxConnections) {
    ++counters_.refused;
    close(fd);
    return;
  }
  connections_.emplace(fd, Connection{PeerName(from), SyslogFramer(max_message_)});
}

void SyslogReceiver::ReadStream(int fd, Connection& c) {
  ssize_t n = read(fd, read_buffer_.data(), kReadSize);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    if (c.framer.pending() > 0) ++counters_.framing_errors;  // cut off in the middle of a frame
    close(fd);
    connections_.erase(fd);
    return;
  }
  counters_.bytes += static_cast<uint64_t>(n);
  c.framer.Feed(std::string_view(read_buffer_.data(), static_cast<size_t>(n)));
  std::string_view message;
  for (FrameResult r; (r = c.framer.Next(&message)) != FrameResult::kNeedMore;) {
    if (r == FrameResult::kMessage) Push(message, c.peer);
    if (r == FrameResult::kOversize) ++counters_.oversize;
    if (r == FrameResult::kBadFrame) ++counters_.framing_errors;
  }
}

void SyslogReceiver::Poll(int wait_ms) {
  std::vector<pollfd> fds{{fd_, POLLIN, 0}};
  for (const auto& [fd, c] : connections_) fds.push_back({fd, POLLIN, 0});
  if (::poll(fds.data(), fds.size(), wait_ms) <= 0) return;
  if (fds[0].revents & POLLIN) tcp_ ? Accept() : ReadDatagram();
  for (size_t i = 1; i < fds.size() && pending_.empty(); ++i) {
    if (fds[i].revents == 0) continue;
    auto it = connections_.find(fds[i].fd);
    if (it != connections_.end()) ReadStream(it->first, it->second);
  }
}

SourceState SyslogReceiver::Next(SourceLine* line, int wait_ms) {
  if (pending_.empty()) Poll(wait_ms);
  if (pending_.empty()) return SourceState::kIdle;
  current_ = std::move(pending_.front());
  pending_.pop_front();
  line->text = current_.line;
  line->too_long = false;
  line->seq = ++lines_;
  line->sensor = current_.host;
  return SourceState::kLine;
}

core::Status SyslogReceiver::Commit() {
  if (lines_ == committed_) return core::Status::Ok();
  FilePosition p;
  p.lines = lines_;
  core::Status s = store_->Save(p);
  if (s.ok()) committed_ = lines_;
  return s;
}

}  // namespace abuseflow::ingest
