#include "dedup/history_store.h"

namespace abuseflow::dedup {

std::string HistoryKey(const core::IpAddress& address) { return "h/" + address.ToBytes(); }

core::Result<std::unique_ptr<HistoryStore>> HistoryStore::Open(const std::string& dir,
                                                               bool read_only) {
  core::KvStore::Options options;
  options.read_only = read_only;
  options.create_if_missing = !read_only;
  auto kv = core::KvStore::Open(dir, options);
  if (!kv.ok()) return kv.status();
  return std::unique_ptr<HistoryStore>(new HistoryStore(std::move(kv).value()));
}

core::Result<std::optional<v1::AddressHistory>> HistoryStore::Get(
    const core::IpAddress& address) const {
  auto value = kv_->Get(HistoryKey(address));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<v1::AddressHistory>();
  v1::AddressHistory history;
  if (!history.ParseFromString(**value)) {
    return core::Status::Corruption("history record of " + address.ToString() + " does not decode");
  }
  return std::optional<v1::AddressHistory>(std::move(history));
}

core::Status HistoryStore::PutAll(const std::vector<const v1::AddressHistory*>& histories) {
  core::KvStore::Batch batch;
  for (const v1::AddressHistory* h : histories) {
    auto address = core::IpAddress::FromBytes(h->src());
    if (!address) return core::Status::InvalidArgument("history without a valid address");
    batch.Put(HistoryKey(*address), h->SerializeAsString());
  }
  return kv_->Write(batch);
}

core::Status HistoryStore::ForEach(const std::function<bool(const v1::AddressHistory&)>& fn) const {
  core::Status decode_error;
  core::Status scan = kv_->Scan("h/", [&](std::string_view, std::string_view value) {
    v1::AddressHistory h;
    if (!h.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      decode_error = core::Status::Corruption("a history record does not decode");
      return false;
    }
    return fn(h);
  });
  return scan.ok() ? decode_error : scan;
}

}  // namespace abuseflow::dedup
