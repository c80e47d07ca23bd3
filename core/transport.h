#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <zmq.hpp>

#include "abuseflow/v1/events.pb.h"
#include "core/result.h"

namespace abuseflow::core {

// Counters a transport end keeps; read them after the owning thread is done.
struct TransportStats {
  uint64_t messages = 0;
  uint64_t bytes = 0;
  uint64_t stalls = 0;   // sends that found the peer's queue full and waited
  uint64_t corrupt = 0;  // received messages that did not decode (counted, skipped)
};

// Returns an error unless `endpoint` is inproc://, ipc:// or tcp://.
Status ValidateEndpoint(const std::string& endpoint);

// The sending end of a stage link: a ZeroMQ PUSH socket connected to the
// downstream stage's endpoint. Each message is one v1::Envelope carrying a
// whole batch. Owned by one thread (ZeroMQ sockets are not thread-safe); the
// context must outlive it.
class BatchSender {
 public:
  // Connects to `endpoint`; `origin` names this sender in every envelope.
  static Result<std::unique_ptr<BatchSender>> Connect(zmq::context_t& context,
                                                      const std::string& endpoint, std::string origin);
  // Stamps origin and the next batch sequence number, then sends. Blocks while
  // the receiver's queue is full (flow control: nothing is dropped); returns
  // Unavailable only if a stop is requested while waiting.
  Status Send(v1::Envelope* envelope);
  Status SendEndOfStream();
  const TransportStats& stats() const { return stats_; }

 private:
  BatchSender(zmq::socket_t socket, std::string origin)
      : socket_(std::move(socket)), origin_(std::move(origin)) {}
  zmq::socket_t socket_;
  std::string origin_;
  uint64_t next_seq_ = 1;
  TransportStats stats_;
};

// The receiving end: a ZeroMQ PULL socket bound to the stage's endpoint,
// fair-queueing all upstream senders. Owned by one thread.
class BatchReceiver {
 public:
  static Result<std::unique_ptr<BatchReceiver>> Bind(zmq::context_t& context,
                                                     const std::string& endpoint);
  // Waits up to `timeout` for the next envelope; nullopt on timeout. A message
  // that does not decode is counted in stats().corrupt and skipped.
  std::optional<v1::Envelope> Receive(std::chrono::milliseconds timeout);
  const TransportStats& stats() const { return stats_; }

 private:
  explicit BatchReceiver(zmq::socket_t socket) : socket_(std::move(socket)) {}
  zmq::socket_t socket_;
  TransportStats stats_;
};

}  // namespace abuseflow::core
