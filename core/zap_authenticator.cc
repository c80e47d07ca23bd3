#include "core/zap_authenticator.h"

#include <array>
#include <atomic>
#include <zmq_addon.hpp>

#include "core/curve.h"
#include "core/log.h"

namespace abuseflow::core {
namespace {

constexpr char kZapEndpoint[] = "inproc://zeromq.zap.01";
constexpr uint64_t kLoggedRefusals = 5;  // refusals logged one by one; later ones summarized
constexpr auto kSummaryInterval = std::chrono::seconds(60);

std::atomic<int> running_authenticators{0};
std::atomic<uint64_t> next_instance{0};

std::string ToZ85(const std::string& binary) {
  if (binary.size() != 32) return "(" + std::to_string(binary.size()) + " bytes)";
  char text[kZ85KeyLength + 1] = {};
  zmq_z85_encode(text, reinterpret_cast<const uint8_t*>(binary.data()), binary.size());
  return text;
}

// The decision about one ZAP request (RFC 27: version, request id, domain,
// address, routing id, mechanism, credentials...).
struct Verdict {
  bool accepted = false;
  std::string why;       // status text of the reply
  std::string key_z85;   // the client's key, when it sent one
};

Verdict Decide(const std::vector<zmq::message_t>& frames, const std::set<std::string>& allowed) {
  if (frames.size() < 6 || frames[0].to_string_view() != "1.0") return {false, "malformed ZAP request", ""};
  if (frames[5].to_string_view() != "CURVE") {
    return {false, "mechanism " + frames[5].to_string() + " is not allowed", ""};
  }
  if (frames.size() != 7 || frames[6].size() != 32) return {false, "malformed CURVE credentials", ""};
  const std::string key = frames[6].to_string();
  if (!allowed.count(key)) return {false, "unknown key", ToZ85(key)};
  return {true, "OK", ToZ85(key)};
}

}  // namespace

int RunningZapAuthenticators() { return running_authenticators.load(); }

Result<std::unique_ptr<ZapAuthenticator>> ZapAuthenticator::Start(zmq::context_t& context,
                                                                  const LinkSecurity& security) {
  return Start(context, security.allowed_keys());
}

Result<std::unique_ptr<ZapAuthenticator>> ZapAuthenticator::Start(zmq::context_t& context,
                                                                  const std::vector<std::string>& allowed_z85) {
  std::set<std::string> allowed;
  for (const std::string& key : allowed_z85) {
    if (!IsZ85Key(key)) return Status::InvalidArgument("allowed key '" + key + "' is not 40 Z85 characters");
    std::string binary(32, '\0');
    zmq_z85_decode(reinterpret_cast<uint8_t*>(binary.data()), key.c_str());
    allowed.insert(std::move(binary));
  }
  std::unique_ptr<ZapAuthenticator> auth;
  try {
    auth.reset(new ZapAuthenticator(context, std::move(allowed)));
  } catch (const zmq::error_t& e) {
    return Status::Unavailable(std::string("cannot start the ZAP handler: ") + e.what());
  }
  std::promise<Status> started;
  std::future<Status> result = started.get_future();
  auth->thread_ = std::thread([a = auth.get(), p = std::move(started)]() mutable { a->Run(&p); });
  Status s = result.get();
  if (!s.ok()) {
    auth->thread_.join();  // the thread has returned already
    return s;
  }
  ++running_authenticators;
  return auth;
}

ZapAuthenticator::ZapAuthenticator(zmq::context_t& context, std::set<std::string> allowed_binary)
    : context_(context),
      allowed_(std::move(allowed_binary)),
      stop_endpoint_("inproc://abuseflow-zap-stop-" + std::to_string(next_instance++)),
      stop_sender_(context, zmq::socket_type::pair) {
  stop_sender_.set(zmq::sockopt::linger, 0);
  stop_sender_.bind(stop_endpoint_);
}

ZapAuthenticator::~ZapAuthenticator() {
  if (!thread_.joinable()) return;
  try {
    stop_sender_.send(zmq::str_buffer("stop"), zmq::send_flags::dontwait);
  } catch (const zmq::error_t&) {
    // The context is terminating: the thread's poll fails and it returns.
  }
  thread_.join();
  --running_authenticators;
}

void ZapAuthenticator::Run(std::promise<Status>* started) {
  zmq::socket_t zap(context_, zmq::socket_type::rep);
  zmq::socket_t stop(context_, zmq::socket_type::pair);
  try {
    zap.set(zmq::sockopt::linger, 0);
    stop.set(zmq::sockopt::linger, 0);
    zap.bind(kZapEndpoint);
    stop.connect(stop_endpoint_);
  } catch (const zmq::error_t& e) {
    started->set_value(Status::Unavailable(std::string("cannot bind ") + kZapEndpoint +
                                           " (one ZAP handler per context): " + e.what()));
    return;
  }
  started->set_value(Status::Ok());
  std::vector<zmq::pollitem_t> items = {{zap.handle(), 0, ZMQ_POLLIN, 0}, {stop.handle(), 0, ZMQ_POLLIN, 0}};
  try {
    while (true) {
      zmq::poll(items, std::chrono::milliseconds(-1));
      if (items[1].revents & ZMQ_POLLIN) break;
      if (items[0].revents & ZMQ_POLLIN) Serve(zap);
    }
  } catch (const zmq::error_t& e) {
    if (e.num() != ETERM) Logger("security")->error("ZAP handler stopped error={}", e.what());
  }
}

void ZapAuthenticator::Serve(zmq::socket_t& zap) {
  std::vector<zmq::message_t> frames;
  if (!zmq::recv_multipart(zap, std::back_inserter(frames))) return;
  const Verdict verdict = Decide(frames, allowed_);
  const std::string address = frames.size() > 3 ? frames[3].to_string() : "";
  std::array<zmq::const_buffer, 6> reply = {
      zmq::str_buffer("1.0"),
      frames.size() > 1 ? zmq::buffer(frames[1].data(), frames[1].size()) : zmq::const_buffer(),
      verdict.accepted ? zmq::str_buffer("200") : zmq::str_buffer("400"),
      zmq::buffer(verdict.why),
      verdict.accepted ? zmq::buffer(verdict.key_z85) : zmq::const_buffer(),
      zmq::const_buffer(),  // no metadata
  };
  zmq::send_multipart(zap, reply);
  Count(verdict.accepted, address, verdict.key_z85, verdict.why);
}

void ZapAuthenticator::Count(bool accepted, const std::string& address, const std::string& key_z85,
                             const std::string& why) {
  std::lock_guard lock(mu_);
  const auto log = Logger("security");
  if (accepted) {
    ++accepted_;
    log->info("CURVE client accepted address={} key={}", address, key_z85);
  } else {
    ++refused_;
    const auto now = std::chrono::steady_clock::now();
    if (refused_ <= kLoggedRefusals) {
      log->warn("CURVE client refused address={} key={} reason=\"{}\" refused={}", address,
                key_z85.empty() ? "-" : key_z85, why, refused_);
      last_summary_ = now;
    } else if (now - last_summary_ >= kSummaryInterval) {
      log->warn("CURVE clients refused refused={} last_address={} last_key={} reason=\"{}\"", refused_,
                address, key_z85.empty() ? "-" : key_z85, why);
      last_summary_ = now;
    }
  }
  changed_.notify_all();
}

uint64_t ZapAuthenticator::accepted() const {
  std::lock_guard lock(mu_);
  return accepted_;
}

uint64_t ZapAuthenticator::refused() const {
  std::lock_guard lock(mu_);
  return refused_;
}

bool ZapAuthenticator::WaitForAccepted(uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return accepted_ >= n; });
}

bool ZapAuthenticator::WaitForRefused(uint64_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return refused_ >= n; });
}

}  // namespace abuseflow::core
