#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_address.h"
#include "core/kv_store.h"
#include "core/result.h"

namespace abuseflow::dedup {

// The per-address history in RocksDB: key "h/" + address bytes, value a
// serialised v1::AddressHistory (docs/history-schema.md). One writer per
// database (the dedup stage); readers may open it read-only meanwhile.
class HistoryStore {
 public:
  // Opens (creating unless read-only) the history under `dir`.
  static core::Result<std::unique_ptr<HistoryStore>> Open(const std::string& dir, bool read_only);

  core::Result<std::optional<v1::AddressHistory>> Get(const core::IpAddress& address) const;
  // Writes all `histories` in one atomic batch.
  core::Status PutAll(const std::vector<const v1::AddressHistory*>& histories);
  // Calls `fn` for every stored history in key order until it returns false.
  core::Status ForEach(const std::function<bool(const v1::AddressHistory&)>& fn) const;

 private:
  explicit HistoryStore(std::unique_ptr<core::KvStore> kv) : kv_(std::move(kv)) {}
  std::unique_ptr<core::KvStore> kv_;
};

// The key of an address's history.
std::string HistoryKey(const core::IpAddress& address);

}  // namespace abuseflow::dedup
