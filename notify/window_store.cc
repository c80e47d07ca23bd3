#include "notify/window_store.h"

#include <cstdlib>

#include "core/log.h"

namespace abuseflow::notify {
namespace {

std::string BigEndian(uint64_t v) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
  return out;
}

uint64_t FromBigEndian(std::string_view bytes) {
  uint64_t v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  return v;
}

}  // namespace

core::Status WindowStore::Restore(OwnerBatcher* batcher, core::CauseOrder* order, std::set<std::string>* ended) {
  core::Status bad;
  // Keys scan by contact, then generation, then arrival: each report's
  // incidents come in the order they arrived.
  std::map<std::pair<std::string, uint64_t>, uint64_t> renumbered;
  core::Status s = state_->Scan("o/", [&](std::string_view key, std::string_view value) {
    std::string_view rest = key.substr(2);
    if (rest.size() < 18 || rest[rest.size() - 9] != '\0' || rest[rest.size() - 18] != '\0') {
      bad = core::Status::Corruption("notify open report key is malformed");
      return false;
    }
    // Keys written before per-kind windows have the contact alone: kind "".
    auto [contact, kind] = SplitReportKey(std::string(rest.substr(0, rest.size() - 18)));
    uint64_t generation = FromBigEndian(rest.substr(rest.size() - 17, 8));
    arrival_ = std::max(arrival_, FromBigEndian(rest.substr(rest.size() - 8)) + 1);
    v1::Incident incident;
    if (!incident.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      bad = core::Status::Corruption("notify open report incident does not decode");
      return false;
    }
    std::vector<Report> closed = batcher->Add(incident, nullptr, &kind);
    batcher->TakeClosed();
    if (!closed.empty()) {
      core::Logger("notify")->warn("a restored report closed early contact={} kind={}", contact,
                                   kind);
    }
    keys_[batcher->last_merged()].push_back(std::string(key));
    renumbered[{std::string(rest.substr(0, rest.size() - 18)), generation}] =
        batcher->last_merged();
    return true;
  });
  if (!s.ok()) return s;
  if (!bad.ok()) return bad;
  return state_->Scan("p/", [&](std::string_view key, std::string_view value) {
    std::string v(value);
    if (key.starts_with("p/c/")) order->Restore(std::string(key.substr(4)), std::strtoull(v.c_str(), nullptr, 10));
    if (key.starts_with("p/e/")) ended->insert(std::string(key.substr(4)));
    if (key == "p/watermark") batcher->RestoreWatermark(std::strtoll(v.c_str(), nullptr, 10));
    if (key == "p/arrival") arrival_ = std::max<uint64_t>(arrival_, std::strtoull(v.c_str(), nullptr, 10));
    return true;
  });
}

void WindowStore::Track(OwnerBatcher& batcher, const v1::Incident& incident, core::KvStore::Batch* batch) {
  if (uint64_t generation = batcher.last_merged(); generation != 0) {
    std::string key = "o/" + batcher.last_key();
    key += '\0';
    key += BigEndian(generation);
    key += '\0';
    key += BigEndian(arrival_++);
    batch->Put(key, incident.SerializeAsString());
    keys_[generation].push_back(std::move(key));
  }
  for (uint64_t closed : batcher.TakeClosed()) Forget(closed, batch);
}

void WindowStore::Forget(uint64_t generation, core::KvStore::Batch* batch) {
  auto it = keys_.find(generation);
  if (it == keys_.end()) return;
  for (std::string& key : it->second) batch->Delete(std::move(key));
  keys_.erase(it);
}

void WindowStore::Advance(const std::string& stream, uint64_t next, bool ended, const OwnerBatcher& batcher,
                          core::KvStore::Batch* batch) {
  if (!stream.empty()) batch->Put("p/c/" + stream, std::to_string(next));
  if (ended) batch->Put("p/e/" + stream, "");
  batch->Put("p/watermark", std::to_string(batcher.watermark_us()));
  batch->Put("p/arrival", std::to_string(arrival_));
}

void WindowStore::ForgetAll(core::KvStore::Batch* batch) {
  while (!keys_.empty()) Forget(keys_.begin()->first, batch);
}

size_t WindowStore::open_incidents() const {
  size_t n = 0;
  for (const auto& [generation, keys] : keys_) n += keys.size();
  return n;
}

}  // namespace abuseflow::notify
