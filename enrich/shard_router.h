#pragma once

#include "core/shard_map.h"

namespace abuseflow::enrich {

// Dedup shard routing lives in core/shard_map.h (shared with dedup's
// resharding); these names keep enrich's callers as they were.
using core::DedupEndpoints;
using core::DedupShardConfig;
using core::Fnv1a64;
using core::ShardOf;
using core::ShardStateDir;

}  // namespace abuseflow::enrich
