#include "enrich/owner_cache_store.h"

#include <endian.h>

#include <cstring>
#include <filesystem>
#include <vector>

namespace abuseflow::enrich {
namespace {

constexpr std::string_view kEntry = "c/";
constexpr std::string_view kRaw = "r/";
constexpr std::string_view kEvictions = "m/evictions";

std::string WithExpiry(int64_t expires_us, std::string_view payload) {
  uint64_t be = htobe64(static_cast<uint64_t>(expires_us));
  std::string out(reinterpret_cast<const char*>(&be), 8);
  out.append(payload);
  return out;
}

bool SplitExpiry(std::string_view value, int64_t* expires_us, std::string_view* payload) {
  if (value.size() < 8) return false;
  uint64_t be;
  std::memcpy(&be, value.data(), 8);
  *expires_us = static_cast<int64_t>(be64toh(be));
  *payload = value.substr(8);
  return true;
}

bool Expired(int64_t expires_us, int64_t now_us) { return expires_us != 0 && expires_us <= now_us; }

bool Within(const core::IpPrefix& outer, const core::IpPrefix& p) {
  return outer.first().family() == p.first().family() && p.length() >= outer.length() &&
         outer.Contains(p.first());
}

}  // namespace

std::string OwnerCacheDir(const std::string& state_dir) {
  return (std::filesystem::path(state_dir) / "enrich-cache").string();
}

core::Result<std::unique_ptr<OwnerCacheStore>> OwnerCacheStore::Open(const std::string& dir,
                                                                     bool read_only) {
  core::KvStore::Options options;
  options.create_if_missing = !read_only;
  options.read_only = read_only;
  auto kv = core::KvStore::Open(dir, options);
  if (!kv.ok()) return kv.status();
  std::unique_ptr<OwnerCacheStore> store(new OwnerCacheStore(std::move(*kv)));
  auto evictions = store->ReadEvictions();
  if (!evictions.ok()) return evictions.status();
  store->evictions_ = *evictions;
  return store;
}

core::Result<uint64_t> OwnerCacheStore::ReadEvictions() const {
  auto value = kv_->Get(std::string(kEvictions));
  if (!value.ok()) return value.status();
  int64_t count = 0;
  std::string_view rest;
  if (!value->has_value() || !SplitExpiry(**value, &count, &rest)) return uint64_t{0};
  return static_cast<uint64_t>(count);
}

core::Status OwnerCacheStore::Evict(const core::IpPrefix& prefix) {
  core::KvStore::Batch batch;
  batch.Delete(std::string(kEntry) + prefix.ToString());
  batch.Delete(std::string(kRaw) + prefix.ToString());
  batch.Put(std::string(kEvictions), WithExpiry(static_cast<int64_t>(evictions_ + 1), ""));
  if (core::Status s = kv_->Write(batch); !s.ok()) return s;
  ++evictions_;
  return core::Status::Ok();
}

void OwnerCacheStore::FollowEvictions(OwnerCache* cache, uint64_t* write_errors) {
  cache->set_evict_hook([this, write_errors](const core::IpPrefix& prefix) {
    if (!Evict(prefix).ok()) ++*write_errors;
  });
}

core::Status OwnerCacheStore::Put(const core::IpPrefix& prefix, const v1::OwnerRecord& record,
                                  int64_t expires_us) {
  core::KvStore::Batch batch;
  batch.Put(std::string(kEntry) + prefix.ToString(),
            WithExpiry(expires_us, record.SerializeAsString()));
  return kv_->Write(batch);
}

core::Status OwnerCacheStore::PutRaw(const std::string& cidr, const std::string& raw,
                                     int64_t expires_us) {
  core::KvStore::Batch batch;
  batch.Put(std::string(kRaw) + cidr, WithExpiry(expires_us, raw));
  return kv_->Write(batch);
}

core::Result<std::optional<std::string>> OwnerCacheStore::GetRaw(const std::string& cidr) const {
  auto value = kv_->Get(std::string(kRaw) + cidr);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return std::optional<std::string>();
  int64_t expires;
  std::string_view payload;
  if (!SplitExpiry(**value, &expires, &payload)) return std::optional<std::string>();
  return std::optional<std::string>(std::string(payload));
}

core::Result<uint64_t> OwnerCacheStore::Load(OwnerCache* cache, int64_t now_us,
                                             uint64_t* corrupt) const {
  uint64_t loaded = 0;
  core::Status s = kv_->Scan(kEntry, [&](std::string_view key, std::string_view value) {
    auto prefix = core::IpPrefix::Parse(key.substr(kEntry.size()));
    int64_t expires;
    std::string_view payload;
    v1::OwnerRecord record;
    if (!prefix || !SplitExpiry(value, &expires, &payload) ||
        !record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      ++*corrupt;
      return true;
    }
    if (Expired(expires, now_us)) return true;
    cache->Restore(*prefix, std::move(record), expires);
    ++loaded;
    return true;
  });
  if (!s.ok()) return s;
  return loaded;
}

core::Result<std::optional<std::pair<v1::OwnerRecord, int64_t>>> OwnerCacheStore::Get(
    const core::IpPrefix& prefix) const {
  using Found = std::optional<std::pair<v1::OwnerRecord, int64_t>>;
  auto value = kv_->Get(std::string(kEntry) + prefix.ToString());
  if (!value.ok()) return value.status();
  int64_t expires;
  std::string_view payload;
  v1::OwnerRecord record;
  if (!value->has_value() || !SplitExpiry(**value, &expires, &payload) ||
      !record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Found();
  }
  return Found(std::make_pair(std::move(record), expires));
}

core::Result<OwnerCacheStats> OwnerCacheStore::Stats(int64_t now_us) const {
  OwnerCacheStats stats;
  core::Status s = kv_->Scan(kEntry, [&](std::string_view, std::string_view value) {
    int64_t expires;
    std::string_view payload;
    v1::OwnerRecord record;
    if (!SplitExpiry(value, &expires, &payload) ||
        !record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return true;
    }
    ++stats.entries;
    ++(record.unresolved() ? stats.negative : stats.positive);
    if (Expired(expires, now_us)) ++stats.expired;
    ++stats.by_source[record.unresolved() ? "unresolved" : record.provenance().source()];
    return true;
  });
  if (!s.ok()) return s;
  s = kv_->Scan(kRaw, [&](std::string_view, std::string_view) {
    ++stats.raw_answers;
    return true;
  });
  if (!s.ok()) return s;
  stats.evictions = evictions_;
  return stats;
}

core::Result<uint64_t> OwnerCacheStore::Purge(const std::optional<core::IpPrefix>& within) {
  core::KvStore::Batch batch;
  uint64_t entries = 0;
  for (std::string_view space : {kEntry, kRaw}) {
    core::Status s = kv_->Scan(space, [&](std::string_view key, std::string_view) {
      auto prefix = core::IpPrefix::Parse(key.substr(space.size()));
      if (within && !(prefix && Within(*within, *prefix))) return true;
      batch.Delete(std::string(key));
      if (space == kEntry) ++entries;
      return true;
    });
    if (!s.ok()) return s;
  }
  if (core::Status s = kv_->Write(batch); !s.ok()) return s;
  return entries;
}

}  // namespace abuseflow::enrich
