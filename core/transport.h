#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "abuseflow/v1/events.pb.h"
#include "core/result.h"

namespace abuseflow::core {

class LinkSecurity;
class Counter;
class Gauge;

// The Prometheus counters of one link end (core/metrics.h), shared by every
// link of the same name in the process.
struct LinkCounters {
  Counter* messages = nullptr;
  Counter* resent = nullptr;
  Counter* stalls = nullptr;
  Counter* dropped = nullptr;
  Counter* corrupt = nullptr;
  Gauge* in_flight = nullptr;  // senders: batches not yet acknowledged (the link's queue depth)
  static LinkCounters Sender(const std::string& origin);
  static LinkCounters Receiver(const std::string& endpoint);
};

// Counters a transport end keeps; read them after the owning thread is done.
struct TransportStats {
  uint64_t messages = 0;  // batches sent (first sends) or received
  uint64_t bytes = 0;
  uint64_t stalls = 0;    // sends that waited for credit (flow control, not loss)
  uint64_t resent = 0;    // batches sent again after no acknowledgement came in time
  uint64_t acks = 0;      // acknowledgements sent or received
  uint64_t corrupt = 0;   // received messages that did not decode (counted, skipped)
  uint64_t dropped = 0;   // batches given up; stays 0 (no link drops a batch)
};

// Returns an error unless `endpoint` is inproc://, ipc:// or tcp://.
Status ValidateEndpoint(const std::string& endpoint);

struct SenderOptions {
  // Unacknowledged batches per peer before Send waits; default 16. 0: no
  // limit, for a sender whose upstream's window already bounds what it can
  // have in flight and whose receiver reorders (enrich to dedup: a window
  // full of batches the receiver holds for a gap would keep the batch that
  // fills it from ever being read; docs/guarantees.md, "Flow control").
  int window = 16;
  std::chrono::milliseconds resend_after{2000};  // first resend of an unacknowledged batch; doubles up to 60 s
  const LinkSecurity* security = nullptr;        // CURVE client keys (core/curve.h); default none
};

// The sending end of a stage link: one ZeroMQ DEALER socket per downstream
// endpoint (the downstream stage binds a BatchReceiver there). Every batch
// stays in flight until the receiver acknowledges it, which it does once the
// batch's effect is durable; an unacknowledged batch is sent again after
// `resend_after` (doubling), so a receiver that restarted gets it again.
// Credit-based flow control: at most `window` batches per peer are in flight
// and Send waits for an acknowledgement beyond that, so a slow stage slows
// its upstream and nothing is dropped. Owned by one thread (ZeroMQ sockets
// are not thread-safe); the context must outlive it.
class BatchSender {
 public:
  static constexpr int kAnyPeer = -1;
  using AckHandler = std::function<void(uint64_t batch_seq)>;

  // Connects to every endpoint; `origin` names this sender in every envelope.
  static Result<std::unique_ptr<BatchSender>> Connect(zmq::context_t& context,
                                                      const std::vector<std::string>& endpoints,
                                                      std::string origin, SenderOptions options = {});
  static Result<std::unique_ptr<BatchSender>> Connect(zmq::context_t& context, const std::string& endpoint,
                                                      std::string origin, SenderOptions options = {}) {
    return Connect(context, std::vector<std::string>{endpoint}, std::move(origin), options);
  }
  ~BatchSender();

  // Called (on the owning thread, from Send or Poll) once every peer a batch
  // went to has acknowledged it.
  void set_ack_handler(AckHandler handler) { on_ack_ = std::move(handler); }

  // Sends `envelope` (its batch_seq must be set and unique for this sender;
  // origin is stamped) to `peer`, or with kAnyPeer to the peer with the most
  // credit. Waits while that peer has no credit; Unavailable only if a stop
  // is requested while waiting.
  Status Send(v1::Envelope* envelope, int peer = kAnyPeer);
  // Sends the same batch to every peer; acknowledged when all have.
  Status SendToAll(v1::Envelope* envelope);
  // Takes acknowledgements for up to `timeout` and sends overdue batches again.
  Status Poll(std::chrono::milliseconds timeout);
  // Polls until nothing is in flight; Unavailable on a stop request.
  Status WaitAllAcked();
  // Takes every batch in flight up to `seq` as acknowledged (the receiver
  // applies in order and acknowledged a later one), without calling the handler.
  void AckThrough(uint64_t seq);

  bool HasCredit(int peer = kAnyPeer) const;
  size_t in_flight() const { return in_flight_.size(); }
  size_t peers() const { return peers_.size(); }
  // A fresh batch sequence number (1, 2, ...) for callers without their own.
  uint64_t NextSeq() { return next_seq_++; }
  void set_next_seq(uint64_t seq) { next_seq_ = seq; }
  const TransportStats& stats() const { return stats_; }

 private:
  struct Peer {
    std::unique_ptr<zmq::socket_t> socket;
    std::string endpoint;
    int in_flight = 0;
  };
  struct InFlight {
    std::string bytes;
    std::vector<int> waiting;  // peers that have not acknowledged yet
    bool any_peer = false;
    std::chrono::steady_clock::time_point due;
    std::chrono::milliseconds backoff;
  };
  BatchSender(std::string origin, SenderOptions options)
      : origin_(std::move(origin)), options_(options), counters_(LinkCounters::Sender(origin_)) {}
  Status SendTo(int peer, const v1::Envelope& envelope, std::vector<int> peers, bool any_peer);
  bool Transmit(int peer, const std::string& bytes);
  Status WaitForCredit(int peer);
  void TakeAck(int peer, const zmq::message_t& message);
  void ResendOverdue();
  int BestPeer() const;

  std::string origin_;
  SenderOptions options_;
  std::vector<Peer> peers_;
  std::map<uint64_t, InFlight> in_flight_;
  AckHandler on_ack_;
  uint64_t next_seq_ = 1;
  TransportStats stats_;
  LinkCounters counters_;
};

// One envelope as received, with the peer to acknowledge it to.
struct Received {
  v1::Envelope envelope;
  std::string peer;  // ZeroMQ routing id of the sender's connection
};

// The receiving end: a ZeroMQ ROUTER socket bound to the stage's endpoint,
// fair-queueing all upstream senders; acknowledgements go back to the
// connection a batch came on. Owned by one thread.
class BatchReceiver {
 public:
  static Result<std::unique_ptr<BatchReceiver>> Bind(zmq::context_t& context, const std::string& endpoint,
                                                     const LinkSecurity* security = nullptr);
  // Waits up to `timeout` for the next envelope; nullopt on timeout. A message
  // that does not decode is counted in stats().corrupt and skipped.
  std::optional<Received> Receive(std::chrono::milliseconds timeout);
  // Tells the sender of `received` that its effect is durable. A sender that
  // is gone meanwhile sends the batch again after its restart.
  void Ack(const Received& received);
  // The endpoint bound (with the port chosen when bound to "tcp://HOST:*").
  std::string endpoint() const { return socket_.get(zmq::sockopt::last_endpoint); }
  const TransportStats& stats() const { return stats_; }

 private:
  explicit BatchReceiver(zmq::socket_t socket, const std::string& endpoint)
      : socket_(std::move(socket)), counters_(LinkCounters::Receiver(endpoint)) {}
  zmq::socket_t socket_;
  TransportStats stats_;
  LinkCounters counters_;
};

}  // namespace abuseflow::core
