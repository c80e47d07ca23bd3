#include "dedup/link_state.h"

#include <fmt/format.h>

#include <cstdlib>

namespace abuseflow::dedup {

std::string LinkState::OutboxKey(uint64_t seq) { return fmt::format("l/o/{:020}", seq); }

core::Status LinkState::Load(const core::KvStore& store, core::CauseOrder* order) {
  core::Status bad;
  core::Status s = store.Scan("l/", [&](std::string_view key, std::string_view value) {
    std::string v(value);
    if (key.starts_with("l/c/")) {
      order->Restore(std::string(key.substr(4)), std::strtoull(v.c_str(), nullptr, 10));
    } else if (key.starts_with("l/e/")) {
      ended_.insert(std::string(key.substr(4)));
    } else if (key.starts_with("l/o/")) {
      v1::Envelope e;
      if (!e.ParseFromString(v)) {
        bad = core::Status::Corruption("dedup link state: outgoing batch " + std::string(key) + " does not decode");
        return false;
      }
      next_seq_ = std::max(next_seq_, e.batch_seq() + 1);
      if (e.has_end_of_stream()) ends_[e.batch_seq()] = e.cause_origin();
      outbox_.push_back(std::move(e));
    } else if (key == "l/seq") {
      next_seq_ = std::max<uint64_t>(next_seq_, std::strtoull(v.c_str(), nullptr, 10));
    }
    return true;
  });
  if (!s.ok()) return s;
  return bad;
}

std::vector<std::pair<std::string, std::string>> LinkState::Applied(const std::string& stream, uint64_t cause_seq,
                                                                    const v1::Envelope& out) {
  std::vector<std::pair<std::string, std::string>> puts;
  if (!stream.empty()) puts.emplace_back("l/c/" + stream, std::to_string(cause_seq + 1));
  if (out.has_end_of_stream()) {
    puts.emplace_back("l/e/" + stream, "");
    ends_[out.batch_seq()] = stream;
  }
  puts.emplace_back(OutboxKey(out.batch_seq()), out.SerializeAsString());
  puts.emplace_back("l/seq", std::to_string(next_seq_));
  return puts;
}

}  // namespace abuseflow::dedup

namespace abuseflow::dedup {

std::vector<std::string> LinkState::Acknowledged(uint64_t seq) {
  std::vector<std::string> keys{OutboxKey(seq)};
  if (auto it = ends_.find(seq); it != ends_.end()) {
    keys.push_back("l/e/" + it->second);
    ended_.erase(it->second);
    finished_.insert(it->second);
    ends_.erase(it);
  }
  return keys;
}

}  // namespace abuseflow::dedup
