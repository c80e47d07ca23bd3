#pragma once

#include <string>
#include <vector>

#include "core/result.h"

namespace abuseflow::dedup {

// The folder work of `abuseflow reshard` (dedup/resharder.h): where the new
// shards are built and how they replace the old ones by renames that can be
// redone after a crash. Blocking; not thread-safe.

// The top-level entries of a state folder that hold `shards` dedup shards:
// "history" and "blocks" for one, "shard-0".. for several.
std::vector<std::string> ShardItems(int shards);
// `<state_dir>/reshard.new`, where the new shards are built.
std::string ReshardNewDir(const std::string& state_dir);
// Marks the new shards complete (file DONE with "from to", synced).
core::Status MarkBuilt(const std::string& state_dir, int from, int to);
// Whether the new shards are complete; *from and *to from the mark.
bool ReadBuilt(const std::string& state_dir, int* from, int* to);
// Moves the old shards' entries to reshard.old, the new ones into place, and
// reshard.old to a backup folder whose path it returns. Each step is skipped
// when already done, so it finishes an interrupted switch.
core::Result<std::string> SwitchOver(const std::string& state_dir, int from, int to);
// Finishes a switch interrupted after the new shards were in place (only
// reshard.old left): its backup path, or "" when there was none.
core::Result<std::string> FinishBackup(const std::string& state_dir, int from, int to);

}  // namespace abuseflow::dedup
