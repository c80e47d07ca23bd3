#include "dedup/history_store.h"

#include <cstring>

#include "dedup/owner_views.h"
#include "dedup/policy_engine.h"

namespace abuseflow::dedup {
namespace {

constexpr char kNowKey[] = "m/now";
constexpr char kRetentionKey[] = "m/retention";

std::string Int64Bytes(int64_t value) {
  char bytes[sizeof(int64_t)];
  std::memcpy(bytes, &value, sizeof bytes);
  return std::string(bytes, sizeof bytes);
}

std::string BlockKey(const core::IpAddress& address) { return "b/" + address.ToBytes(); }

}  // namespace

std::string HistoryKey(const core::IpAddress& address) { return "h/" + address.ToBytes(); }

core::Result<std::unique_ptr<HistoryStore>> HistoryStore::Open(const std::string& dir,
                                                               bool read_only,
                                                               size_t cache_entries) {
  core::KvStore::Options options;
  options.read_only = read_only;
  options.create_if_missing = !read_only;
  options.sync_writes = !read_only;  // a batch is acknowledged upstream once its write returns
  auto kv = core::KvStore::Open(dir, options);
  if (!kv.ok()) return kv.status();
  return std::unique_ptr<HistoryStore>(new HistoryStore(std::move(kv).value(), cache_entries));
}

core::Result<std::optional<v1::AddressHistory>> HistoryStore::Get(
    const core::IpAddress& address) const {
  std::optional<v1::AddressHistory> history(std::in_place);
  {
    std::lock_guard lock(mu_);
    if (cache_.Get(address, &*history)) return history;
  }
  auto value = kv_->Get(HistoryKey(address));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<v1::AddressHistory>();
  if (!history->ParseFromString(**value)) {
    return core::Status::Corruption("history record of " + address.ToString() + " does not decode");
  }
  std::lock_guard lock(mu_);
  cache_.Put(address, *history);
  return history;
}

core::Result<std::optional<v1::AddressHistory>> HistoryStore::Take(
    const core::IpAddress& address) {
  {
    std::lock_guard lock(mu_);
    v1::AddressHistory history;
    if (cache_.Take(address, &history)) return std::optional<v1::AddressHistory>(std::move(history));
  }
  auto value = kv_->Get(HistoryKey(address));
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<v1::AddressHistory>();
  std::optional<v1::AddressHistory> history(std::in_place);
  if (!history->ParseFromString(**value)) {
    return core::Status::Corruption("history record of " + address.ToString() + " does not decode");
  }
  return history;
}

void HistoryStore::Keep(v1::AddressHistory&& history) {
  auto address = core::IpAddress::FromBytes(history.src());
  if (!address) return;
  std::lock_guard lock(mu_);
  cache_.Put(*address, std::move(history));
}

core::Status HistoryStore::Commit(const WriteSet& set) {
  core::KvStore::Batch batch;
  for (const v1::AddressHistory* h : set.histories) {
    auto address = core::IpAddress::FromBytes(h->src());
    if (!address) return core::Status::InvalidArgument("history without a valid address");
    batch.Put(HistoryKey(*address), h->SerializeAsString());
    if (h->block().active())
      batch.Put(BlockKey(*address), "");
    else if (h->has_block())  // never blocked: no index entry to delete (a delete costs a write)
      batch.Delete(BlockKey(*address));
  }
  for (const core::IpAddress& a : set.deletes) {
    batch.Delete(HistoryKey(a));
    batch.Delete(BlockKey(a));
  }
  for (const auto& [origin, ranges] : set.applied)
    batch.Put("a/" + origin, ranges.SerializeAsString());
  for (const v1::NetblockRecord* r : set.netblocks)
    batch.Put("n/" + r->first() + r->last(), r->SerializeAsString());
  if (set.now_us) batch.Put(kNowKey, Int64Bytes(*set.now_us));
  if (set.retention_us) batch.Put(kRetentionKey, Int64Bytes(*set.retention_us));
  for (const auto& [key, value] : set.raw_puts) batch.Put(key, value);
  for (const std::string& key : set.raw_deletes) batch.Delete(key);
  if (core::Status s = kv_->Write(batch); !s.ok()) return s;
  // Durable now: only then into the cache (a failed write leaves it as the database is).
  std::lock_guard lock(mu_);
  for (const v1::AddressHistory* h : set.histories) {
    if (auto address = core::IpAddress::FromBytes(h->src())) cache_.Update(*address, *h);
  }
  for (const core::IpAddress& a : set.deletes) cache_.Erase(a);
  return core::Status::Ok();
}

core::Status HistoryStore::PutAll(const std::vector<const v1::AddressHistory*>& histories) {
  WriteSet set;
  set.histories = histories;
  return Commit(set);
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

core::Status HistoryStore::ForEachBlocked(
    const std::function<bool(const v1::AddressHistory&)>& fn) const {
  std::vector<core::IpAddress> blocked;
  core::Status scan = kv_->Scan("b/", [&](std::string_view key, std::string_view) {
    if (auto a = core::IpAddress::FromBytes(key.substr(2))) blocked.push_back(*a);
    return true;
  });
  if (!scan.ok()) return scan;
  for (const core::IpAddress& a : blocked) {
    auto h = Get(a);
    if (!h.ok()) return h.status();
    if (h->has_value() && (*h)->block().active() && !fn(**h)) break;
  }
  return core::Status::Ok();
}

core::Result<std::vector<core::IpAddress>> HistoryStore::Expired(int64_t cutoff_us,
                                                                 size_t max) const {
  std::vector<core::IpAddress> out;
  core::Status s = ForEach([&](const v1::AddressHistory& h) {
    if (h.last_seen_us() < cutoff_us && !h.block().active()) {
      if (auto a = core::IpAddress::FromBytes(h.src())) out.push_back(*a);
    }
    return out.size() < max;
  });
  if (!s.ok()) return s;
  return out;
}

core::Status HistoryStore::LoadApplied(AppliedIds* ids) const {
  core::Status decode_error;
  core::Status scan = kv_->Scan("a/", [&](std::string_view key, std::string_view value) {
    v1::AppliedRanges ranges;
    if (!ranges.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      decode_error = core::Status::Corruption("an applied-ids record does not decode");
      return false;
    }
    ids->Load(std::string(key.substr(2)), ranges);
    return true;
  });
  return scan.ok() ? decode_error : scan;
}

core::Result<std::optional<int64_t>> HistoryStore::LoadRetention() const {
  auto value = kv_->Get(kRetentionKey);
  if (!value.ok()) return value.status();
  if (!value->has_value() || (*value)->size() != sizeof(int64_t)) {
    return std::optional<int64_t>();
  }
  int64_t at = 0;
  std::memcpy(&at, (*value)->data(), sizeof at);
  return std::optional<int64_t>(at);
}

core::Result<std::optional<v1::NetblockRecord>> HistoryStore::GetNetblock(
    const std::string& key) const {
  auto value = kv_->Get(key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<v1::NetblockRecord>();
  v1::NetblockRecord record;
  if (!record.ParseFromString(**value)) {
    return core::Status::Corruption("a netblock record does not decode");
  }
  return std::optional<v1::NetblockRecord>(std::move(record));
}

core::Status HistoryStore::ForEachNetblock(
    const std::function<bool(const v1::NetblockRecord&)>& fn) const {
  core::Status decode_error;
  core::Status scan = kv_->Scan("n/", [&](std::string_view, std::string_view value) {
    v1::NetblockRecord r;
    if (!r.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      decode_error = core::Status::Corruption("a netblock record does not decode");
      return false;
    }
    return fn(r);
  });
  return scan.ok() ? decode_error : scan;
}

core::Result<int64_t> HistoryStore::LoadNow() const {
  auto value = kv_->Get(kNowKey);
  if (!value.ok()) return value.status();
  if (!value->has_value() || (*value)->size() != sizeof(int64_t)) return int64_t{0};
  int64_t now = 0;
  std::memcpy(&now, (*value)->data(), sizeof now);
  return now;
}

core::Status HistoryStore::RecordReply(const core::IpAddress& address,
                                       const v1::ReplyRecord& reply) {
  auto h = Get(address);
  if (!h.ok()) return h.status();
  if (!h->has_value()) return core::Status::NotFound("no history for " + address.ToString());
  ApplyReply(reply, &**h);
  // A reply only lifts, so no threshold is needed to follow it in the view.
  return PutWithOwners({&**h}, 0, reply.received_us());
}

core::Status HistoryStore::PutWithOwners(const std::vector<v1::AddressHistory*>& histories,
                                         int threshold, int64_t now_us) {
  OwnerViews views(this, threshold);
  WriteSet set;
  for (v1::AddressHistory* h : histories) {
    if (core::Status s = views.Note(now_us, h); !s.ok()) return s;
    set.histories.push_back(h);
  }
  set.netblocks = views.Changed();
  return Commit(set);
}

}  // namespace abuseflow::dedup
