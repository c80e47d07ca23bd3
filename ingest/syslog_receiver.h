#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>

#include "ingest/input_source.h"
#include "ingest/offset_store.h"
#include "ingest/syslog_framing.h"
#include "ingest/syslog_message.h"

namespace abuseflow::ingest {

// A syslog receiver: binds "udp://HOST:PORT" (one message per datagram) or
// "tcp://HOST:PORT" (many connections, each split by SyslogFramer: octet
// counting or newline framing, RFC 6587), and turns every message into a log
// line with ToLogLine(), whose host field (HOSTNAME, else the peer address)
// becomes the sensor unless the config names one. Messages over
// max_message_size are dropped and counted (oversize), broken TCP framing is
// counted (framing_errors) and resynchronised at the next LF.
//
// Sequence numbers go on across restarts: the count of messages is saved in
// the OffsetStore on Commit() (after a crash, the messages since the last
// commit were lost with the sender's socket buffers and their numbers are
// used again). Memory is bounded: at most one read (64 KiB) of messages is
// held, and at most kMaxConnections TCP peers (more are refused, counted).
//
// Next() waits at most wait_ms for traffic. Owns its sockets; not thread-safe.
class SyslogReceiver : public InputSource {
 public:
  static constexpr int kMaxConnections = 256;

  // Binds the address; fails with Unavailable naming it. Port 0 picks a free
  // port (see bound_port()).
  static core::Result<std::unique_ptr<SyslogReceiver>> Listen(const std::string& listen,
                                                              int max_message_size,
                                                              std::unique_ptr<OffsetStore> store);
  ~SyslogReceiver() override;
  SyslogReceiver(const SyslogReceiver&) = delete;
  SyslogReceiver& operator=(const SyslogReceiver&) = delete;

  SourceState Next(SourceLine* line, int wait_ms) override;
  core::Status Commit() override;
  const core::Status& status() const override { return status_; }
  bool live() const override { return true; }
  // With UDP, udp_drops is read from the kernel (/proc/net/udp, udp6): the
  // datagrams that arrived while the receive buffer was full. UDP cannot
  // wait, so these are lost; they are counted and reported.
  SourceCounters counters() const override;
  int bound_port() const { return port_; }

 private:
  struct Connection {
    std::string peer;
    SyslogFramer framer;
  };
  SyslogReceiver(bool tcp, int fd, int max_message_size, std::unique_ptr<OffsetStore> store);
  void Poll(int wait_ms);
  void ReadDatagram();
  void Accept();
  void ReadStream(int fd, Connection& c);
  void Push(std::string_view message, const std::string& peer);

  bool tcp_;
  int fd_;
  int port_ = 0;
  size_t max_message_;
  std::unique_ptr<OffsetStore> store_;
  std::map<int, Connection> connections_;
  std::deque<ReceivedLine> pending_;
  ReceivedLine current_;
  std::string read_buffer_;
  uint64_t lines_ = 0;
  uint64_t committed_ = 0;
  SourceCounters counters_;
  core::Status status_;
};

}  // namespace abuseflow::ingest
