#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace abuseflow::dedup {

// What `abuseflow reshard` did.
struct ReshardReport {
  int from = 0, to = 0;
  uint64_t histories = 0;            // address histories moved
  uint64_t netblocks = 0;            // per-owner records written (all new shards)
  uint64_t origins = 0;              // origins of applied event ids (merged, in every shard)
  std::vector<uint64_t> per_shard;   // histories in each new shard
  std::string backup;                // the folder that now holds the old shards
  bool resumed = false;              // an interrupted reshard's switch-over was finished
};

// Moves the dedup history of the `from` shards under `state_dir` (the
// layout of core::ShardStateDir: `<state_dir>/history` for one shard,
// `<state_dir>/shard-K/history` for several) to `to` shards, each address's
// history to the shard core::ShardOf names under `to` (docs/operations.md,
// "Changing the number of shards"; docs/history-schema.md, "Resharding",
// says what becomes of each key family).
//
// Offline: every old shard database is opened for writing (RocksDB's lock),
// so a running dedup makes it fail (Unavailable). It refuses (Unavailable)
// while a shard holds link state that is still on its way (incident batches
// or an end of stream notify has not acknowledged, or streams the shards
// have applied to different points), and (InvalidArgument) when the folders
// do not match `from`. Crash-safe: the new shards are built in
// `<state_dir>/reshard.new` and marked complete; then the old shard folders
// move to `<state_dir>/reshard.old`, the new ones into place, and
// reshard.old becomes `<state_dir>/reshard-backup-<from>-to-<to>-<time>`,
// which the operator removes. A run interrupted after the new shards were
// complete is finished by the next call (with the same from and to); one
// interrupted before that starts again. Blocking; not thread-safe.
core::Result<ReshardReport> Reshard(const std::string& state_dir, int from, int to);

}  // namespace abuseflow::dedup
