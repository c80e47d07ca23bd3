#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "core/result.h"

namespace abuseflow::core {

class LinkSecurity;

// The ZAP handler (RFC 27) of one ZeroMQ context: a thread serving
// inproc://zeromq.zap.01, which every CURVE server socket of the context asks
// about each connecting peer. It accepts mechanism CURVE with a client public
// key on the allowed list (the reply's User-Id is that key in Z85, so a
// received message's "User-Id" property names its sender) and refuses every
// other request: another key, another mechanism, a malformed request. A
// refused peer's handshake fails: nothing it sends is delivered, nothing is
// sent to it. Each refused handshake is counted (a refused client retries,
// so the count grows with its reconnects); the first few are logged with the
// peer address and key, later ones at most once a minute.
//
// Sockets of the context without CURVE and without a ZAP domain (NULL
// mechanism) never ask the handler and are not affected.
//
// Lifetime: owned by whoever owns the context, started before the first
// server socket binds (LinkSecurity::ApplyServer checks that one runs), and
// destroyed before the context (declare it after the context). One per
// context. The counters and waits are thread-safe.
class ZapAuthenticator {
 public:
  // Binds inproc://zeromq.zap.01 in `context` and starts the thread. Fails
  // when a handler is already bound there or a key is not 40 Z85 characters.
  static Result<std::unique_ptr<ZapAuthenticator>> Start(zmq::context_t& context,
                                                         const std::vector<std::string>& allowed_z85);
  static Result<std::unique_ptr<ZapAuthenticator>> Start(zmq::context_t& context,
                                                         const LinkSecurity& security);
  // Stops and joins the thread; pending handshakes then fail.
  ~ZapAuthenticator();
  ZapAuthenticator(const ZapAuthenticator&) = delete;
  ZapAuthenticator& operator=(const ZapAuthenticator&) = delete;

  uint64_t accepted() const;
  uint64_t refused() const;
  // Wait until at least `n` handshakes were accepted / refused, or `timeout`
  // passed; true when the count was reached.
  bool WaitForAccepted(uint64_t n, std::chrono::milliseconds timeout) const;
  bool WaitForRefused(uint64_t n, std::chrono::milliseconds timeout) const;

 private:
  ZapAuthenticator(zmq::context_t& context, std::set<std::string> allowed_binary);
  void Run(std::promise<Status>* started);
  // Reads one request from `zap`, decides, replies.
  void Serve(zmq::socket_t& zap);
  void Count(bool accepted, const std::string& address, const std::string& key_z85,
             const std::string& why);

  zmq::context_t& context_;
  const std::set<std::string> allowed_;  // 32-byte binary public keys
  std::string stop_endpoint_;            // inproc PAIR that wakes the thread to stop
  zmq::socket_t stop_sender_;            // the owner's end, used by the destructor
  std::thread thread_;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  uint64_t accepted_ = 0;
  uint64_t refused_ = 0;
  std::chrono::steady_clock::time_point last_summary_{};
};

// How many ZapAuthenticators run in this process (LinkSecurity::ApplyServer
// refuses to configure a CURVE server without one).
int RunningZapAuthenticators();

}  // namespace abuseflow::core
