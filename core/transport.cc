#include "core/transport.h"

#include <algorithm>

#include "core/curve.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/shutdown.h"

namespace abuseflow::core {
namespace {

constexpr int kReceiveHighWaterMark = 4096;  // well above the sum of the senders' windows
constexpr auto kMaxBackoff = std::chrono::milliseconds(60000);
constexpr auto kRetryUnsent = std::chrono::milliseconds(100);
constexpr auto kCreditPoll = std::chrono::milliseconds(50);

}  // namespace

Status ValidateEndpoint(const std::string& endpoint) {
  for (const char* scheme : {"inproc://", "ipc://", "tcp://"}) {
    if (endpoint.rfind(scheme, 0) == 0 && endpoint.size() > std::string(scheme).size()) {
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("endpoint '" + endpoint +
                                 "' must be inproc://NAME, ipc://PATH or tcp://HOST:PORT");
}

LinkCounters LinkCounters::Sender(const std::string& origin) {
  MetricsRegistry& r = MetricsRegistry::Global();
  MetricLabels l{{"link", origin}};
  LinkCounters c;
  c.messages = &r.GetCounter("abuseflow_link_batches_sent_total", "Batches sent on a stage link (first sends)", l);
  c.resent = &r.GetCounter("abuseflow_link_batches_resent_total",
                           "Batches sent again because no acknowledgement came in time", l);
  c.stalls = &r.GetCounter("abuseflow_link_stalls_total", "Sends that waited for credit (flow control)", l);
  c.dropped = &r.GetCounter("abuseflow_link_batches_dropped_total", "Batches given up on a stage link; stays 0", l);
  c.in_flight = &r.GetGauge("abuseflow_link_batches_in_flight", "Batches sent and not yet acknowledged", l);
  return c;
}

LinkCounters LinkCounters::Receiver(const std::string& endpoint) {
  MetricsRegistry& r = MetricsRegistry::Global();
  MetricLabels l{{"endpoint", endpoint}};
  LinkCounters c;
  c.messages = &r.GetCounter("abuseflow_link_batches_received_total", "Batches received on a stage link", l);
  c.corrupt = &r.GetCounter("abuseflow_link_messages_corrupt_total",
                            "Received messages that did not decode (skipped)", l);
  return c;
}

BatchSender::~BatchSender() = default;

Result<std::unique_ptr<BatchSender>> BatchSender::Connect(zmq::context_t& context,
                                                          const std::vector<std::string>& endpoints,
                                                          std::string origin, SenderOptions options) {
  if (endpoints.empty()) return Status::InvalidArgument("a link needs at least one endpoint");
  options.window = std::max(0, options.window);
  std::unique_ptr<BatchSender> sender(new BatchSender(std::move(origin), options));
  for (const std::string& endpoint : endpoints) {
    if (Status s = ValidateEndpoint(endpoint); !s.ok()) return s;
    if (options.security) {
      if (Status s = options.security->CheckEndpoint(endpoint); !s.ok()) return s;
    }
    try {
      auto socket = std::make_unique<zmq::socket_t>(context, zmq::socket_type::dealer);
      socket->set(zmq::sockopt::sndhwm, options.window > 0 ? options.window * 4 : kReceiveHighWaterMark);
      socket->set(zmq::sockopt::rcvhwm, kReceiveHighWaterMark);
      socket->set(zmq::sockopt::linger, 0);     // unacknowledged batches are sent again anyway
      if (options.security) {
        if (Status s = options.security->ApplyClient(*socket, endpoint); !s.ok()) return s;
      }
      socket->connect(endpoint);
      sender->peers_.push_back(Peer{std::move(socket), endpoint, 0});
    } catch (const zmq::error_t& e) {
      return Status::Unavailable("cannot connect to " + endpoint + ": " + e.what());
    }
  }
  return sender;
}

bool BatchSender::HasCredit(int peer) const {
  if (peer == kAnyPeer) peer = BestPeer();
  return options_.window == 0 || peers_[peer].in_flight < options_.window;
}

int BatchSender::BestPeer() const {
  int best = 0;
  for (int i = 1; i < static_cast<int>(peers_.size()); ++i) {
    if (peers_[i].in_flight < peers_[best].in_flight) best = i;
  }
  return best;
}

bool BatchSender::Transmit(int peer, const std::string& bytes) {
  zmq::message_t message(bytes.data(), bytes.size());
  try {
    return peers_[peer].socket->send(message, zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t& e) {
    Logger("transport")->warn("send failed endpoint={} error={}", peers_[peer].endpoint, e.what());
    return false;
  }
}

Status BatchSender::WaitForCredit(int peer) {
  bool stalled = false;
  while (!HasCredit(peer)) {
    if (!stalled) {
      ++stats_.stalls;
      counters_.stalls->Increment();
    }
    stalled = true;
    if (StopRequested()) return Status::Unavailable("stop requested while the receiver had no credit");
    if (Status s = Poll(kCreditPoll); !s.ok()) return s;
  }
  return Status::Ok();
}

Status BatchSender::SendTo(int peer, const v1::Envelope& envelope, std::vector<int> peers, bool any_peer) {
  const uint64_t seq = envelope.batch_seq();
  if (seq == 0) return Status::InvalidArgument("a batch needs a sequence number");
  if (in_flight_.count(seq)) return Status::InvalidArgument("batch " + std::to_string(seq) + " is in flight");
  InFlight entry;
  entry.bytes = envelope.SerializeAsString();
  entry.any_peer = any_peer;
  entry.backoff = options_.resend_after;
  entry.due = std::chrono::steady_clock::now() + entry.backoff;
  (void)peer;
  for (int p : peers) {
    ++peers_[p].in_flight;
    if (!Transmit(p, entry.bytes)) entry.due = std::chrono::steady_clock::now() + kRetryUnsent;
  }
  ++stats_.messages;
  counters_.messages->Increment();
  stats_.bytes += entry.bytes.size();
  entry.waiting = std::move(peers);
  in_flight_.emplace(seq, std::move(entry));
  counters_.in_flight->Set(static_cast<double>(in_flight_.size()));
  return Status::Ok();
}

Status BatchSender::Send(v1::Envelope* envelope, int peer) {
  envelope->set_origin(origin_);
  if (Status s = WaitForCredit(peer); !s.ok()) return s;
  const bool any = peer == kAnyPeer;
  if (any) peer = BestPeer();
  return SendTo(peer, *envelope, {peer}, any);
}

Status BatchSender::SendToAll(v1::Envelope* envelope) {
  envelope->set_origin(origin_);
  std::vector<int> all;
  for (int p = 0; p < static_cast<int>(peers_.size()); ++p) {
    if (Status s = WaitForCredit(p); !s.ok()) return s;
    all.push_back(p);
  }
  return SendTo(0, *envelope, std::move(all), false);
}

void BatchSender::TakeAck(int peer, const zmq::message_t& message) {
  v1::Envelope envelope;
  if (!envelope.ParseFromArray(message.data(), static_cast<int>(message.size())) || !envelope.has_ack()) {
    ++stats_.corrupt;
    return;
  }
  if (envelope.ack().origin() != origin_) return;
  auto it = in_flight_.find(envelope.ack().batch_seq());
  if (it == in_flight_.end()) return;  // a late acknowledgement of a batch sent twice
  ++stats_.acks;
  InFlight& entry = it->second;
  auto w = std::find(entry.waiting.begin(), entry.waiting.end(), peer);
  if (entry.any_peer && w == entry.waiting.end()) w = entry.waiting.begin();
  if (w == entry.waiting.end()) return;
  --peers_[*w].in_flight;
  entry.waiting.erase(w);
  if (!entry.waiting.empty()) return;
  const uint64_t seq = it->first;
  in_flight_.erase(it);
  counters_.in_flight->Set(static_cast<double>(in_flight_.size()));
  if (on_ack_) on_ack_(seq);
}

void BatchSender::ResendOverdue() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& [seq, entry] : in_flight_) {
    if (entry.due > now) continue;
    if (entry.any_peer && peers_.size() > 1) {
      // The peer may be gone: try another one.
      int from = entry.waiting.front();
      int to = (from + 1) % static_cast<int>(peers_.size());
      --peers_[from].in_flight;
      ++peers_[to].in_flight;
      entry.waiting.front() = to;
    }
    bool sent = true;
    for (int p : entry.waiting) sent = Transmit(p, entry.bytes) && sent;
    ++stats_.resent;
    counters_.resent->Increment();
    entry.backoff = std::min(kMaxBackoff, entry.backoff * 2);
    entry.due = now + (sent ? entry.backoff : kRetryUnsent);
  }
}

Status BatchSender::Poll(std::chrono::milliseconds timeout) {
  std::vector<zmq::pollitem_t> items;
  for (Peer& p : peers_) items.push_back({p.socket->handle(), 0, ZMQ_POLLIN, 0});
  try {
    if (zmq::poll(items.data(), items.size(), in_flight_.empty() ? std::chrono::milliseconds(0) : timeout) > 0) {
      for (size_t i = 0; i < peers_.size(); ++i) {
        if (!(items[i].revents & ZMQ_POLLIN)) continue;
        zmq::message_t message;
        while (peers_[i].socket->recv(message, zmq::recv_flags::dontwait)) {
          TakeAck(static_cast<int>(i), message);
        }
      }
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) return Status::Unavailable(std::string("poll failed: ") + e.what());
  }
  ResendOverdue();
  return Status::Ok();
}

void BatchSender::AckThrough(uint64_t seq) {
  for (auto it = in_flight_.begin(); it != in_flight_.end() && it->first <= seq;) {
    for (int p : it->second.waiting) --peers_[p].in_flight;
    it = in_flight_.erase(it);
  }
  counters_.in_flight->Set(static_cast<double>(in_flight_.size()));
}

Status BatchSender::WaitAllAcked() {
  while (!in_flight_.empty()) {
    if (StopRequested()) return Status::Unavailable("stop requested while batches were unacknowledged");
    if (Status s = Poll(kCreditPoll); !s.ok()) return s;
  }
  return Status::Ok();
}

Result<std::unique_ptr<BatchReceiver>> BatchReceiver::Bind(zmq::context_t& context,
                                                           const std::string& endpoint,
                                                           const LinkSecurity* security) {
  if (Status s = ValidateEndpoint(endpoint); !s.ok()) return s;
  if (security) {
    if (Status s = security->CheckEndpoint(endpoint); !s.ok()) return s;
  }
  try {
    zmq::socket_t socket(context, zmq::socket_type::router);
    socket.set(zmq::sockopt::rcvhwm, kReceiveHighWaterMark);
    socket.set(zmq::sockopt::sndhwm, kReceiveHighWaterMark);
    socket.set(zmq::sockopt::linger, 1000);  // the last acknowledgements still go out at exit
    if (security) {
      if (Status s = security->ApplyServer(socket); !s.ok()) return s;
    }
    socket.bind(endpoint);
    return std::unique_ptr<BatchReceiver>(new BatchReceiver(std::move(socket), endpoint));
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("cannot bind " + endpoint + ": " + e.what());
  }
}

std::optional<Received> BatchReceiver::Receive(std::chrono::milliseconds timeout) {
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  try {
    if (zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
    zmq::message_t id, message;
    if (!socket_.recv(id, zmq::recv_flags::dontwait)) return std::nullopt;
    if (!id.more()) {
      ++stats_.corrupt;
      return std::nullopt;
    }
    if (!socket_.recv(message, zmq::recv_flags::dontwait)) return std::nullopt;
    while (message.more()) {  // extra frames: not ours; drain them
      zmq::message_t extra;
      if (!socket_.recv(extra, zmq::recv_flags::dontwait)) break;
      message.swap(extra);
      ++stats_.corrupt;
    }
    Received r;
    if (!r.envelope.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
      ++stats_.corrupt;
      counters_.corrupt->Increment();
      Logger("transport")->warn("undecodable message skipped bytes={}", message.size());
      return std::nullopt;
    }
    r.peer = id.to_string();
    ++stats_.messages;
    counters_.messages->Increment();
    stats_.bytes += message.size();
    return r;
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) Logger("transport")->error("receive failed error={}", e.what());
    return std::nullopt;
  }
}

void BatchReceiver::Ack(const Received& received) {
  v1::Envelope ack;
  ack.mutable_ack()->set_origin(received.envelope.origin());
  ack.mutable_ack()->set_batch_seq(received.envelope.batch_seq());
  std::string bytes = ack.SerializeAsString();
  try {
    zmq::message_t id(received.peer.data(), received.peer.size());
    zmq::message_t body(bytes.data(), bytes.size());
    if (socket_.send(id, zmq::send_flags::sndmore | zmq::send_flags::dontwait) &&
        socket_.send(body, zmq::send_flags::dontwait)) {
      ++stats_.acks;
    }
  } catch (const zmq::error_t& e) {
    Logger("transport")->warn("acknowledgement not sent error={}", e.what());
  }
}

}  // namespace abuseflow::core
