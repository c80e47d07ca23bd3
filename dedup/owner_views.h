#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "abuseflow/v1/events.pb.h"
#include "core/ip_prefix.h"
#include "core/result.h"
#include "core/status.h"

namespace abuseflow::dedup {

class HistoryStore;

// The most addresses a NetblockRecord lists (the smallest); it counts them all.
inline constexpr int kNetblockAddresses = 256;

// The key of the netblock record of `owner` ("n/" + first + last address
// bytes); the range comes from owner.first/last, else from its first CIDR.
// nullopt for an unresolved owner or one without a usable range.
std::optional<std::string> NetblockKey(const v1::OwnerRecord& owner);

// The CIDR prefixes of a record's block (its cidrs, else its first..last range).
std::vector<core::IpPrefix> NetblockPrefixes(const v1::NetblockRecord& record);

// Folds changed address histories into the per-owner view: one
// NetblockRecord per netblock (docs/history-schema.md, "Per-owner view").
// Marks each history with the block that counts it (fields netblock,
// netblock_blocked), so a history is counted once and its block state
// follows it. Sets the whole block's block when `threshold` (> 0) of its
// addresses are blocked; lifts it when fewer than the threshold in force at
// that time are. Use one instance per write: its records go into that write
// (Changed()). Not thread-safe; `store` must outlive it.
class OwnerViews {
 public:
  OwnerViews(const HistoryStore* store, int threshold) : store_(store), threshold_(threshold) {}

  // Updates the view for `history` (after its changes) at policy time `now_us`.
  // Fails only when a stored record cannot be read.
  core::Status Note(int64_t now_us, v1::AddressHistory* history);
  // The record of `key` as it stands (loaded or changed here), or nullptr.
  const v1::NetblockRecord* Find(const std::string& key) const;
  // The records changed by Note, to write.
  std::vector<const v1::NetblockRecord*> Changed() const;
  // Whether a netblock's block was set or lifted.
  bool blocks_changed() const { return blocks_changed_; }

 private:
  struct Entry {
    v1::NetblockRecord record;
    bool changed = false;
  };
  core::Result<Entry*> Load(const std::string& key);
  void Join(const v1::AddressHistory& h, Entry* entry);
  void SetBlocked(const std::string& address, bool blocked, Entry* entry);
  void Evaluate(int64_t now_us, Entry* entry);

  const HistoryStore* store_;
  int threshold_;
  std::map<std::string, Entry> entries_;
  bool blocks_changed_ = false;
};

}  // namespace abuseflow::dedup
