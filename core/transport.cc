#include "core/transport.h"

#include "core/log.h"
#include "core/shutdown.h"

namespace abuseflow::core {
namespace {

constexpr int kHighWaterMark = 64;  // batches queued per link before senders wait
constexpr int kSendPollMs = 200;

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

Result<std::unique_ptr<BatchSender>> BatchSender::Connect(zmq::context_t& context,
                                                          const std::string& endpoint,
                                                          std::string origin) {
  if (Status s = ValidateEndpoint(endpoint); !s.ok()) return s;
  try {
    zmq::socket_t socket(context, zmq::socket_type::push);
    socket.set(zmq::sockopt::sndhwm, kHighWaterMark);
    socket.set(zmq::sockopt::sndtimeo, kSendPollMs);
    socket.set(zmq::sockopt::linger, -1);
    socket.connect(endpoint);
    return std::unique_ptr<BatchSender>(new BatchSender(std::move(socket), std::move(origin)));
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("cannot connect to " + endpoint + ": " + e.what());
  }
}

Status BatchSender::Send(v1::Envelope* envelope) {
  envelope->set_origin(origin_);
  envelope->set_batch_seq(next_seq_++);
  // Serialized straight into the message ZeroMQ sends, without a copy.
  const size_t size = envelope->ByteSizeLong();
  zmq::message_t message(size);
  envelope->SerializeWithCachedSizesToArray(static_cast<uint8_t*>(message.data()));
  try {
    while (!socket_.send(message, zmq::send_flags::none)) {
      ++stats_.stalls;
      if (StopRequested()) return Status::Unavailable("stop requested while the receiver was full");
    }
  } catch (const zmq::error_t& e) {
    return Status::Unavailable(std::string("send failed: ") + e.what());
  }
  ++stats_.messages;
  stats_.bytes += size;
  return Status::Ok();
}

Status BatchSender::SendEndOfStream() {
  v1::Envelope envelope;
  envelope.mutable_end_of_stream()->set_origin(origin_);
  return Send(&envelope);
}

Result<std::unique_ptr<BatchReceiver>> BatchReceiver::Bind(zmq::context_t& context,
                                                           const std::string& endpoint) {
  if (Status s = ValidateEndpoint(endpoint); !s.ok()) return s;
  try {
    zmq::socket_t socket(context, zmq::socket_type::pull);
    socket.set(zmq::sockopt::rcvhwm, kHighWaterMark);
    socket.set(zmq::sockopt::linger, 0);
    socket.bind(endpoint);
    return std::unique_ptr<BatchReceiver>(new BatchReceiver(std::move(socket)));
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("cannot bind " + endpoint + ": " + e.what());
  }
}

std::optional<v1::Envelope> BatchReceiver::Receive(std::chrono::milliseconds timeout) {
  zmq::pollitem_t item{socket_.handle(), 0, ZMQ_POLLIN, 0};
  try {
    if (zmq::poll(&item, 1, timeout) == 0) return std::nullopt;
    zmq::message_t message;
    if (!socket_.recv(message, zmq::recv_flags::dontwait)) return std::nullopt;
    v1::Envelope envelope;
    if (!envelope.ParseFromArray(message.data(), static_cast<int>(message.size()))) {
      ++stats_.corrupt;
      Logger("transport")->warn("undecodable message skipped bytes={}", message.size());
      return std::nullopt;
    }
    ++stats_.messages;
    stats_.bytes += message.size();
    return envelope;
  } catch (const zmq::error_t& e) {
    if (e.num() != EINTR) Logger("transport")->error("receive failed error={}", e.what());
    return std::nullopt;
  }
}

}  // namespace abuseflow::core
