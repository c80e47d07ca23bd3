#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "abuseflow/v1/events.pb.h"

namespace abuseflow::dedup {

// The pure half of `abuseflow reshard` (dedup/resharder.h): what the key
// families that do not belong to one address become in the new shards
// (docs/history-schema.md, "Resharding").

// The union of two records of one origin's applied event ids: a seq counts
// as applied when either counts it. Ranges come out sorted, disjoint and
// not adjacent; those at or below the floor fold into it.
v1::AppliedRanges MergeApplied(const v1::AppliedRanges& a, const v1::AppliedRanges& b);

// Rebuilds the per-owner views (NetblockRecord, key "n/...") for `shards`
// new shards from the old shards' records and the histories, given with the
// new shard each goes to. Each new shard gets a record for every netblock
// its histories name: its addresses, blocked addresses, count and times;
// owner fields and the netblock's block state (merged: active if active in
// any old shard) from the old records. What the old records counted beyond
// the live histories (addresses deleted by retention) goes to the block's
// home shard, ShardOf(first address, shards), so the totals are kept. Not
// thread-safe.
class NetblockRebuild {
 public:
  explicit NetblockRebuild(int shards) : shards_(shards) {}

  // One old shard's record under `key`.
  void AddOld(const std::string& key, const v1::NetblockRecord& record);
  // A history (with its netblock fields) going to new shard `shard`.
  void AddHistory(int shard, const v1::AddressHistory& history);
  // The records of new shard `shard`, in key order.
  std::vector<std::pair<std::string, v1::NetblockRecord>> For(int shard) const;

 private:
  struct Old {
    v1::NetblockRecord newest;  // the old record seen last (owner fields)
    uint64_t seen = 0;          // sum of addresses_seen
    int64_t first_us = 0, last_us = 0;
    v1::BlockState block;
    uint32_t threshold = 0;
  };
  struct Live {
    std::set<std::string> addresses, blocked;
    uint64_t count = 0;
    int64_t first_us = 0, last_us = 0;
  };
  v1::NetblockRecord Build(const std::string& key, int shard, const Old* old, const Live* live) const;
  int Home(const std::string& key) const;

  int shards_;
  std::map<std::string, Old> old_;
  std::map<std::string, std::map<int, Live>> live_;  // key -> new shard -> what it holds
  std::map<std::string, uint64_t> live_total_;
};

}  // namespace abuseflow::dedup
